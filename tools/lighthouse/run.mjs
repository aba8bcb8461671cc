// Lighthouse's default mobile profile over a built planbook site, served on
// 127.0.0.1 as a host would serve it (gzip, as every web server does).
//
//   npm install --prefix tools/lighthouse
//   cargo run --release -- build --out /tmp/site
//   node tools/lighthouse/run.mjs /tmp/site [page.html ...] [--all]
//
// Prints the four scores of each page and the audits that failed, and exits
// 1 when a page is under 90 for performance, 95 for accessibility or 100 for
// best practices and SEO (issue #18). CHROME_PATH picks the browser
// (default: Debian's chromium).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const args = process.argv.slice(2);
const root = path.resolve(args.find((a) => !a.startsWith("--") ) ?? "output");
let pages = args.filter((a) => !a.startsWith("--")).slice(1);
if (args.includes("--all")) {
  const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
  pages = walk(root)
    .filter((f) => f.endsWith(".html") && !f.endsWith("print.html"))
    .map((f) => path.relative(root, f).split(path.sep).join("/"))
    .sort();
} else if (pages.length === 0) {
  pages = ["index.html", "viii/viii-1.html", "iii/iii-1.html"];
}
const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".woff2": "font/woff2", ".csv": "text/csv", ".json": "application/json" };
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const file = path.join(root, url.endsWith("/") ? url + "index.html" : url);
  if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { "content-type": "text/html; charset=utf-8" });
    res.end(fs.existsSync(path.join(root, "404.html")) ? fs.readFileSync(path.join(root, "404.html")) : "");
    return;
  }
  const ext = path.extname(file);
  const body = fs.readFileSync(file);
  const headers = { "content-type": types[ext] ?? "application/octet-stream",
    // Assets are immutable for a published edition.
    "cache-control": url.startsWith("/assets/") ? "public, max-age=31536000" : "no-cache" };
  if (ext !== ".woff2" && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
    headers["content-encoding"] = "gzip";
    res.writeHead(200, headers);
    res.end(zlib.gzipSync(body));
  } else {
    res.writeHead(200, headers);
    res.end(body);
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const port = server.address().port;
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run"],
});
const floor = { performance: 90, accessibility: 95, "best-practices": 100, seo: 100 };
let failed = 0;
try {
  for (const page of pages) {
    const r = await lighthouse(`http://127.0.0.1:${port}/${page}`, { port: chrome.port, output: "json", logLevel: "error" });
    const cats = r.lhr.categories;
    const scores = Object.fromEntries(Object.entries(cats).map(([k, v]) => [k, Math.round(v.score * 100)]));
    const low = Object.entries(floor).filter(([k, min]) => scores[k] < min);
    if (low.length) failed++;
    const bad = Object.values(r.lhr.audits)
      .filter((a) => a.score !== null && a.score < 0.9 && ["binary", "numeric", "metricSavings"].includes(a.scoreDisplayMode))
      .map((a) => `${a.id}${a.displayValue ? " (" + a.displayValue + ")" : ""}`);
    console.log(`${page}: performance ${scores.performance}, accessibility ${scores.accessibility}, best practices ${scores["best-practices"]}, SEO ${scores.seo}${low.length ? "  BELOW " + low.map(([k]) => k).join(", ") : ""}`);
    if (bad.length) console.log(`  ${bad.join("; ")}`);
  }
} finally {
  await chrome.kill();
  server.close();
}
process.exit(failed ? 1 : 0);
