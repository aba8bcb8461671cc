// planbook search: finds any word or phrase (Korean or not) in the text of
// every page block, offline and from file://. The index (search-data.js) is
// a plain list of blocks; a substring scan of it takes a few milliseconds.
(function () {
  "use strict";
  var root = document.currentScript ? document.currentScript.getAttribute("data-root") || "" : "";
  // Queries and text compare in NFC, lower case, spaces collapsed: a query
  // typed on a Mac (decomposed Hangul) finds the same words.
  function norm(s) { return s.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim(); }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function mark(text, q) {
    var i = norm(text).indexOf(q), raw = text.normalize("NFC").replace(/\s+/g, " ").trim();
    if (i < 0 || raw.length !== norm(text).length) return esc(raw);
    return esc(raw.slice(0, i)) + "<mark>" + esc(raw.slice(i, i + q.length)) + "</mark>" + esc(raw.slice(i + q.length));
  }
  function count(t, q) { var n = 0, at = t.indexOf(q); while (at >= 0) { n++; at = t.indexOf(q, at + q.length); } return n; }
  // The words around the first hit: the snippet, and the key under which the
  // summary's copy of a passage is grouped with the plan's.
  function around(text, q) {
    var raw = text.normalize("NFC").replace(/\s+/g, " "), lo = raw.toLowerCase(), at = lo.indexOf(q);
    if (at < 0) return null;
    var start = Math.max(0, at - 50), end = Math.min(raw.length, at + q.length + 70), s = raw.slice(start, end), i = at - start;
    return { key: lo.slice(Math.max(0, at - 20), at + q.length + 20),
      html: (start > 0 ? "…" : "") + esc(s.slice(0, i)) + "<mark>" + esc(s.slice(i, i + q.length)) + "</mark>" + esc(s.slice(i + q.length)) + (end < raw.length ? "…" : "") };
  }
  // Cells of a block's tables that hold the query: the table, the row label
  // and the column header beside the value.
  function cellHits(d, q) {
    var out = [];
    (d.c || []).forEach(function (t) {
      t.r.forEach(function (row) {
        row.forEach(function (v, j) {
          if (norm(v).indexOf(q) < 0) return;
          out.push({ t: t, row: row[0], col: j === 0 ? "" : (t.h[j - 1] || ""), v: v, n: count(norm(v), q) });
        });
      });
    });
    return out;
  }
  function search(query) {
    var q = norm(query), docs = window.PLANBOOK_SEARCH || [], hits = [];
    if (q.length < 1) return hits;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], n = count(norm(d.x), q), cells = cellHits(d, q);
      var inTitle = norm(d.t).indexOf(q) >= 0;
      cells.forEach(function (c) { n += c.n; });
      if (n > 0 || inTitle) {
        var a = around(d.x, q);
        hits.push({ d: d, score: n + (inTitle ? 5 : 0), cells: cells, text: a,
          key: a ? a.key : (cells.length ? cells[0].t.n + "\u0000" + cells[0].row + "\u0000" + cells[0].col + "\u0000" + cells[0].v : d.t),
          summary: d.u.indexOf("summary/") === 0, also: [] });
      }
    }
    hits.sort(function (a, b) { return b.score - a.score; });
    // One result per passage: a summary hit whose passage the plan has too
    // goes under the plan's hit.
    var byKey = {}, out = [];
    hits.forEach(function (h) { if (!h.summary && !(h.key in byKey)) byKey[h.key] = h; });
    hits.forEach(function (h) {
      var main = h.summary && byKey[h.key];
      if (main) main.also.push(h); else out.push(h);
    });
    return out;
  }
  function snippet(h, q) {
    var parts = [];
    if (h.text) parts.push("<p>" + h.text.html + "</p>");
    if (h.cells.length) {
      var items = h.cells.slice(0, 3).map(function (c) {
        var where = (c.t.n ? esc(c.t.n) + " · " : "표 · ") + "<span class=\"hit-row\">" + (c.col ? esc(c.row) : mark(c.row, q)) + "</span>";
        return "<li>" + where + (c.col ? " · <span class=\"hit-col\">" + esc(c.col) + "</span>: <span class=\"hit-value\">" + mark(c.v, q) + "</span>" : "") + "</li>";
      });
      if (h.cells.length > 3) items.push("<li>… 표에서 " + (h.cells.length - 3) + "곳 더</li>");
      parts.push("<ul class=\"hit-cells\">" + items.join("") + "</ul>");
    }
    if (!parts.length) parts.push("<p>" + esc(h.d.x.slice(0, 120)) + "</p>");
    return parts.join("");
  }
  function href(h, c) {
    // A data table's hit opens at the table.
    var u = h.d.u;
    if (c && c.t.a) u = u.split("#")[0] + "#" + c.t.a;
    return root + u;
  }
  function run(query) {
    var list = document.getElementById("search-results"), status = document.getElementById("search-status");
    if (!list) return;
    var q = norm(query), hits = search(q), grouped = 0;
    hits.forEach(function (h) { grouped += h.also.length; });
    list.innerHTML = "";
    status.textContent = q ? (hits.length ? "'" + query + "' 검색 결과 " + hits.length + "건" + (grouped ? " (요약본의 같은 대목 " + grouped + "건은 본문 결과 아래에)" : "") : "'" + query + "'을(를) 찾지 못했습니다.") : "";
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      var html = '<a href="' + esc(href(h, !h.text && h.cells[0])) + '">' + esc(h.d.t) + "</a>" + snippet(h, q);
      if (h.also.length) {
        html += '<p class="hit-also">요약본: ' + h.also.map(function (a) { return '<a href="' + esc(href(a, !a.text && a.cells[0])) + '">' + esc(a.d.t) + "</a>"; }).join(" · ") + "</p>";
      }
      li.innerHTML = html;
      list.appendChild(li);
    });
  }
  window.planbookSearch = search;
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("q");
    if (!input) return;
    var params = new URLSearchParams(window.location.search), q = params.get("q") || "";
    input.value = q;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { run(input.value); }, 120);
    });
    run(q);
  });
})();
