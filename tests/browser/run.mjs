// Drives the machine's Chromium over a built planbook site:
//   node run.mjs OUTPUT_DIR
// Searches (from file:// and over HTTP), follows a result, opens a CSV link,
// scrolls tables at 1280 and 375 px (tables.mjs),
// runs axe-core on every page (no serious or critical violations allowed)
// and the Nu HTML Checker (no errors allowed). Prints a summary line
// "N passed, M failed" and exits non-zero on any failure.
import { checkChartType, checkFigures, htmlFiles } from "./figures.mjs";
import { checkTables } from "./tables.mjs";
import { checkWords } from "./words.mjs";
import { chromium } from "playwright-core";
import { readFileSync, statSync, existsSync } from "node:fs";
import { join, relative, extname } from "node:path";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const out = process.argv[2];
if (!out || !existsSync(join(out, "index.html"))) {
  console.error("usage: node run.mjs OUTPUT_DIR (a built site)");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let passed = 0, failed = 0;
const ok = (cond, what) => {
  if (cond) { passed++; } else { failed++; console.error("FAIL: " + what); }
};


// A static server for the HTTP checks: the site needs no server-side code.
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".csv": "text/csv; charset=utf-8", ".ttf": "font/ttf" };
const server = createServer((req, res) => {
  const path = join(out, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if (!existsSync(path) || statSync(path).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" });
  res.end(readFileSync(path));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const http = `http://127.0.0.1:${server.address().port}/`;
const file = "file://" + out.replace(/\/$/, "") + "/";

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});
const page = await browser.newPage();
const external = [];
page.on("request", (r) => {
  const u = r.url();
  if (!u.startsWith("file://") && !u.startsWith(http) && !u.startsWith("data:") && !u.startsWith("about:")) external.push(u);
});

// 1. Korean search, from file:// and over HTTP.
const queries = [
  ["잠재기업", /iii\/iii-3\.html/],
  ["디지털헬스케어", /ii\/ii-3\.html|iii\/iii-2\.html/],
  ["수소", /v\/v-1\.html/],
  ["146.12", /viii\/viii-2\.html/],
  ["세라믹", /ii\/ii-3\.html|iii\/iii-2\.html/],
];
// A phrase from the middle of a paragraph of chapter VI's body.
const mainHtml = readFileSync(join(out, "vi/vi-1.html"), "utf8").split('<main id="main">')[1] || "";
const paras = (mainHtml.match(/<li>([^<]{40,})<\/li>/g) || []).map((l) => l.replace(/<[^>]+>/g, ""));
const sentence = paras[Math.floor(paras.length / 2)] || "";
const phrase = (sentence.match(/[가-힣][가-힣 ]{12,24}[가-힣]/g) || [])[0];
if (phrase) queries.push([phrase, /vi\/vi-1\.html/]);
for (const base of [file, http]) {
  for (const [q, where] of queries) {
    await page.goto(base + "search.html?q=" + encodeURIComponent(q));
    await page.waitForSelector("#search-results li", { timeout: 5000 }).catch(() => {});
    const hrefs = await page.$$eval("#search-results a", (as) => as.map((a) => a.getAttribute("href")));
    ok(hrefs.length > 0 && hrefs.some((h) => where.test(h)), `search ${q} from ${base.slice(0, 7)} finds ${where} (got ${hrefs.slice(0, 3)})`);
  }
}
// Results: one per passage, a table hit with its table, row and column, and
// a decomposed (NFD) query finds what the composed one does.
{
  await page.goto(file + "search.html?q=" + encodeURIComponent("146.12"));
  await page.waitForSelector("#search-results li", { timeout: 5000 }).catch(() => {});
  const items = await page.$$eval("#search-results > li", (ls) => ls.map((l) => l.innerText));
  const cell = items.find((t) => /<표 Ⅷ-1>.*총 계.*합계: 146\.12/s.test(t));
  ok(cell !== undefined, `146.12: a hit in ‹표 Ⅷ-1› shows its row and column (${items[0]?.slice(0, 200)})`);
  const passages = items.map((t) => t.split("\n").find((l) => l.includes("146.12")));
  ok(new Set(passages).size === passages.length && items.some((t) => t.includes("요약본:")),
    `146.12: the summary's copies are grouped under the plan's results (${items.length} results)`);
  ok(!(await page.$$eval("#search-results > li > a", (as) => as.map((a) => a.getAttribute("href")))).some((h) => h.includes("summary/")),
    "146.12: no result of its own for a passage the plan has");
  const count = async (q) => {
    await page.goto(file + "search.html?q=" + encodeURIComponent(q));
    await page.waitForSelector("#search-results li", { timeout: 5000 }).catch(() => {});
    return page.$eval("#search-status", (e) => e.textContent.replace(/'[^']*'/, "''"));
  };
  const nfc = await count("잠재기업"), nfd = await count("잠재기업".normalize("NFD"));
  ok(nfc === nfd && /결과 \d+건/.test(nfc), `an NFD query finds what the NFC one does (${nfc} / ${nfd})`);
}
// Keyboard: type into the header box, Enter goes to the search page with results.
await page.goto(file + "index.html");
await page.focus("#site-q");
await page.keyboard.type("잠재기업");
await page.keyboard.press("Enter");
await page.waitForSelector("#search-results li", { timeout: 5000 }).catch(() => {});
ok((await page.$$("#search-results li")).length > 0, "header search by keyboard");
// Follow the first result.
const first = await page.$("#search-results a");
if (first) {
  const href = await first.getAttribute("href");
  await first.click();
  await page.waitForLoadState();
  ok(page.url().includes(href.split("#")[0].replace(/^\.\.\//, "")), `following a result opens ${href}`);
} else ok(false, "a result to follow");

// 2. A table's CSV link points to a file that exists and opens in Excel (BOM).
await page.goto(file + "viii/viii-2.html");
const csv = await page.$eval("a.csv", (a) => a.getAttribute("href"));
const csvPath = join(out, "viii", csv);
ok(existsSync(csvPath) && readFileSync(csvPath)[0] === 0xef, `CSV link ${csv} opens a UTF-8 file with BOM`);

// 3. axe-core on every page: no serious or critical violations.
const all = htmlFiles(out).filter((p) => !p.endsWith("print.html")).sort();
let worst = [];
for (const p of all) {
  await page.goto("file://" + p);
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) worst.push(`${relative(out, p)}: ${v.id} (${v.impact}) ×${v.nodes.length}`);
  ok(bad.length === 0, `axe: ${relative(out, p)}`);
}
if (worst.length) console.error(worst.slice(0, 40).join("\n"));

// 3b. Figures as a reader sees them (figures.mjs).
const { figures, clashes, fontless } = await checkFigures(page, all, out);
if (clashes.length) console.error(clashes.slice(0, 40).join("\n"));
ok(fontless.length === 0, `the Korean font is loaded on every page with figures (${fontless.slice(0, 3)})`);
ok(figures > 20 && clashes.length === 0, `${figures} figures: no label over another or past the edge (${clashes.length} clashes)`);
ok(external.length === 0, `no request outside the site (${external.slice(0, 3)})`);

// 3c. Tables as a reader scrolls them, at 1280 and 375 px (tables.mjs).
// 3d. No Korean word of a heading or a table label split across lines, at
// 375 and 1280 px (words.mjs).
{
  const { pages, broken } = await checkWords(browser, out);
  if (broken.length) console.error(broken.slice(0, 40).join("\n"));
  ok(pages > 40 && broken.length === 0, `${pages} page views: no Korean word of a heading or table label broken across lines (${broken.length} broken)`);
}
const tables = await checkTables(browser, out);
console.log(tables.lines.join("\n"));
for (const f of tables.fails.slice(0, 40)) console.error(f);
ok(tables.fails.length === 0, `tables: header rows and row labels stay in view (${tables.fails.length} failures)`);

// 3d. Charts on a phone: no label drawn below 10 px at 375 px, the figures
// still there as a table.
const type = await checkChartType(browser, all, out);
console.log(`375 px: ${type.charts} charts, smallest label drawn at ${type.least.toFixed(1)} px`);
for (const f of type.small.slice(0, 20)) console.error(f);
ok(type.charts > 20 && type.small.length === 0, `charts at 375 px: no label below 10 px (${type.small.length} below)`);
ok(type.tableless.length === 0, `every chart keeps its figures as a table or CSV (${type.tableless.slice(0, 3)})`);
await browser.close();
server.close();

// 4. The Nu HTML Checker: no errors.
try {
  const vnu = require.resolve("vnu-jar/build/dist/vnu.jar");
  execFileSync("java", ["-jar", vnu, "--errors-only", "--skip-non-html", ...all], { stdio: "pipe" });
  ok(true, "Nu HTML Checker");
} catch (e) {
  const msg = (e.stderr || "").toString().split("\n").slice(0, 30).join("\n");
  console.error(msg);
  ok(false, "Nu HTML Checker reports errors");
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
