// planbook search: finds any word or phrase (Korean or not) in the text of
// every page block, offline and from file://. The index (search-data.js) is
// a plain list of blocks; a substring scan of it takes a few milliseconds.
(function () {
  "use strict";
  var root = document.currentScript ? document.currentScript.getAttribute("data-root") || "" : "";
  function norm(s) { return s.toLowerCase().replace(/\s+/g, " ").trim(); }
  function esc(s) { return s.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function snippet(text, q) {
    var lo = norm(text), at = lo.indexOf(q);
    if (at < 0) return esc(text.slice(0, 120));
    var start = Math.max(0, at - 50), end = Math.min(text.length, at + q.length + 70);
    // norm() collapses spaces: map back through a compact re-search on the raw text.
    var raw = text.replace(/\s+/g, " ");
    var s = raw.slice(start, end), i = s.toLowerCase().indexOf(q);
    var out = (start > 0 ? "…" : "") + (i < 0 ? esc(s) : esc(s.slice(0, i)) + "<mark>" + esc(s.slice(i, i + q.length)) + "</mark>" + esc(s.slice(i + q.length)));
    return out + (end < raw.length ? "…" : "");
  }
  function search(query) {
    var q = norm(query), docs = window.PLANBOOK_SEARCH || [], hits = [];
    if (q.length < 1) return hits;
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i], t = norm(d.x), n = 0, at = t.indexOf(q);
      while (at >= 0) { n++; at = t.indexOf(q, at + q.length); }
      var inTitle = norm(d.t).indexOf(q) >= 0;
      if (n > 0 || inTitle) hits.push({ d: d, score: n + (inTitle ? 5 : 0) });
    }
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits;
  }
  function run(query) {
    var list = document.getElementById("search-results"), status = document.getElementById("search-status");
    if (!list) return;
    var q = norm(query), hits = search(q);
    list.innerHTML = "";
    status.textContent = q ? (hits.length ? "'" + query + "' 검색 결과 " + hits.length + "건" : "'" + query + "'을(를) 찾지 못했습니다.") : "";
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(root + h.d.u) + '">' + esc(h.d.t) + "</a><p>" + snippet(h.d.x, q) + "</p>";
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
