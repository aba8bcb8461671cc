// `planbook serve` as an author sees it in Chromium: the open page reloads
// itself after an edit, shows the error overlay when a YAML file breaks
// (over the last good page), and drops it once the file is fixed. Run by
// tests/serve.rs with the server's port and the content folder it watches:
//   node serve.mjs PORT CONTENT_DIR
// Every wait is bounded (15 s); prints one line per check and "N failed".
import { chromium } from "playwright-core";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [port, content] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
let failed = 0;
const ok = (cond, what) => {
  console.log(`${cond ? "ok" : "FAIL"}: ${what}`);
  if (!cond) failed++;
};
const replace = (file, from, to) => writeFileSync(file, readFileSync(file, "utf8").replace(from, to));

const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/i/i-1.html`);
  // An edit: the page reloads by itself and shows the new sentence. The
  // reloaded page's text is there before its load event (its styles,
  // fonts and scripts still coming): the test waits for both, rather than
  // counting loads at the moment the text appears.
  const sentence = "브라우저 시험으로 덧붙인 문장입니다.";
  let t = Date.now();
  const reloaded = page.waitForEvent("load", { timeout: 15000 }).then(() => Date.now() - t, () => -1);
  appendFileSync(join(content, "chapters/I/I-1.md"), `\n\n${sentence}\n`);
  const edited = await page.waitForFunction((s) => document.body.innerText.includes(s), sentence, { timeout: 15000 }).then(() => true, () => false);
  const shownAt = Date.now() - t;
  const loadedAt = await reloaded;
  ok(edited && loadedAt >= 0, `the open page reloaded with the edit (text in ${shownAt} ms, load event ${loadedAt >= 0 ? `in ${loadedAt} ms` : "never"})`);

  // A broken YAML file: the overlay over the last good page, located.
  const table = join(content, "data/tables/iv-2.yaml");
  t = Date.now();
  replace(table, "label: 컨설팅 }", "label: [컨설팅 }");
  const shown = await page.waitForSelector("#planbook-errors", { state: "visible", timeout: 15000 }).then(() => true, () => false);
  const overlay = shown ? await page.$eval("#planbook-errors", (e) => e.innerText) : "";
  ok(shown, `the overlay shows (${Date.now() - t} ms)`);
  ok(/E002/.test(overlay) && /data\/tables\/iv-2\.yaml:\d+:\d+/.test(overlay) && overlay.includes("[컨설팅"),
    `the overlay names the code, file:line:col and the source line (${overlay.slice(0, 120).replace(/\n/g, " ")})`);
  ok(await page.evaluate((s) => document.body.innerText.includes(s), sentence), "the last good page stays under the overlay");
  const box = shown ? await page.$eval("#planbook-errors", (e) => { const r = e.getBoundingClientRect(); return { h: r.height, vh: innerHeight }; }) : { h: 0, vh: 1 };
  ok(box.h > 0 && box.h <= box.vh * 0.6 + 1, `the overlay leaves the page readable (${Math.round(box.h)} of ${box.vh} px)`);

  // Fixed: the overlay goes.
  t = Date.now();
  replace(table, "label: [컨설팅 }", "label: 컨설팅 }");
  const gone = await page.waitForSelector("#planbook-errors", { state: "detached", timeout: 15000 }).then(() => true, () => false);
  ok(gone, `the overlay is gone once the file is fixed (${Date.now() - t} ms)`);
} finally {
  await browser.close();
}
console.log(`${failed} failed`);
process.exit(failed ? 1 : 0);
