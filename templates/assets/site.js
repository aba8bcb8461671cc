// planbook site: the sidebar's outline, and tables that read on any screen.
//
// The outline is written once, in assets/toc.js (window.PLANBOOK_TOC), which
// every page loads before this script: a page itself carries only a link to
// the contents, which is what a reader without JavaScript gets.
(function () {
  "use strict";
  var me = document.currentScript, nav = document.querySelector("nav.sidebar[data-page]");
  var toc = window.PLANBOOK_TOC;
  if (!nav || !toc) return;
  var root = (me && me.getAttribute("data-root")) || "", here = nav.getAttribute("data-page");
  var current = null;
  function link(e) {
    var li = document.createElement("li"), a = document.createElement("a");
    a.href = root + e.u;
    a.textContent = e.t;
    if (e.u === here) { a.setAttribute("aria-current", "page"); current = a; }
    li.appendChild(a);
    return li;
  }
  var ul = document.createElement("ul");
  ul.className = "nav-tree";
  (toc.front || []).forEach(function (e) { ul.appendChild(link(e)); });
  (toc.chapters || []).forEach(function (c) {
    var li = document.createElement("li"), d = document.createElement("details"), s = document.createElement("summary"), sub = document.createElement("ul");
    li.className = "chapter";
    var dir = c.u.replace(/index\.html$/, "");
    if (here.indexOf(dir) === 0) d.open = true;
    s.textContent = c.t;
    (c.s || []).forEach(function (e) { sub.appendChild(link(e)); });
    d.appendChild(s);
    d.appendChild(sub);
    li.appendChild(d);
    ul.appendChild(li);
  });
  (toc.attachments || []).forEach(function (e) { ul.appendChild(link(e)); });
  nav.appendChild(ul);
  nav.classList.add("js");
  if (current && nav.scrollHeight > nav.clientHeight) {
    var top = current.offsetTop - nav.offsetTop;
    if (top > nav.clientHeight - 40) nav.scrollTop = top - nav.clientHeight / 3;
  }
})();

// Tables that read on any screen. A table scrolls in its own
// box (style.css) so that its header row and row labels stay in view; here a
// table that fits the width loses the box (class "fits"), so its header
// sticks to the window as the page scrolls, and on a desk a table wider
// than the text column first takes the window's width (class "wide").
(function () {
  "use strict";
  var DESK = 1000, GAP = 16;
  function natural(table) {
    var w = table.style.width, m = table.style.minWidth;
    table.style.minWidth = "0";
    table.style.width = "max-content";
    var n = table.getBoundingClientRect().width;
    table.style.width = w;
    table.style.minWidth = m;
    return Math.ceil(n);
  }
  // Writes first, then reads, then writes again: a read after each table's
  // write would lay the whole page out again for every table.
  function fit() {
    var figs = document.querySelectorAll("figure.table"), all = [];
    var page = document.documentElement.clientWidth, desk = window.innerWidth >= DESK;
    for (var i = 0; i < figs.length; i++) {
      var fig = figs[i], box = fig.querySelector(".table-scroll"), table = box && box.querySelector("table");
      if (!table) continue;
      fig.classList.remove("wide");
      fig.style.marginLeft = fig.style.marginRight = "";
      box.classList.remove("fits");
      all.push({ fig: fig, box: box, table: table });
    }
    all.forEach(function (t) { t.fits = t.box.scrollWidth <= t.box.clientWidth; });
    all.forEach(function (t) { if (t.fits) t.box.classList.add("fits"); });
    if (!desk) return;
    all.forEach(function (t) {
      if (t.fits) return;
      var fig = t.fig, box = t.box;
      // Text cells wrap: the table may fit short of its one-line width.
      var r = fig.getBoundingClientRect();
      var extra = Math.min(natural(t.table), page - 2 * GAP) - r.width;
      var right = Math.max(0, Math.min(extra, page - GAP - r.right));
      var left = Math.max(0, Math.min(extra - right, r.left - GAP));
      if (left + right <= 0) return;
      fig.classList.add("wide");
      fig.style.marginLeft = -left + "px";
      fig.style.marginRight = -right + "px";
      if (box.scrollWidth <= box.clientWidth) box.classList.add("fits");
    });
  }
  var timer = null;
  function later() { clearTimeout(timer); timer = setTimeout(fit, 100); }
  window.addEventListener("resize", later);
  // Web fonts change widths: measure once they are in (each measure lays the
  // page out: on a phone that is most of the page's main-thread time).
  if (document.fonts && document.fonts.ready && document.fonts.status !== "loaded") document.fonts.ready.then(fit);
  else fit();
  window.addEventListener("load", later);
})();
