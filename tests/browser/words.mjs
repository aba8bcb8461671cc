// Korean line breaking as a reader sees it: at 375 px and 1280 px, no
// Korean word (a run of Hangul between spaces) of a heading or a table's row
// or column label is split across two lines. Each word's line boxes are
// measured with a Range: a word on one line has one box (or boxes on one
// line). Used by run.mjs, and on its own (prints the broken words):
//   node words.mjs OUTPUT_DIR
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { relative } from "node:path";
import { htmlFiles } from "./figures.mjs";

function brokenWords() {
  const out = [];
  const els = document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6, table.data th, .cover h1");
  for (const el of els) {
    if (!el.getClientRects().length) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      // Hidden helper text (errata marks' visually-hidden spans) has no lines.
      if (node.parentElement.closest(".visually-hidden")) continue;
      for (const m of node.textContent.matchAll(/[\uAC00-\uD7A3]{2,}/g)) {
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
        if (tops.size > 1) out.push(`${m[0]} (in "${el.textContent.trim().slice(0, 40)}")`);
      }
    }
  }
  return out;
}

export async function checkWords(browser, out) {
  const broken = [];
  let pages = 0;
  for (const width of [375, 1280]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const p of htmlFiles(out).filter((f) => !f.endsWith("print.html"))) {
      await page.goto(pathToFileURL(p).href);
      await page.evaluate(async () => { await document.fonts.ready; });
      for (const w of await page.evaluate(brokenWords)) broken.push(`${width} px ${relative(out, p)}: ${w}`);
      pages++;
    }
    await page.close();
  }
  return { pages, broken };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
  const { pages, broken } = await checkWords(browser, process.argv[2]);
  console.log(`${pages} page views, ${broken.length} broken words`);
  console.log(broken.slice(0, 60).join("\n"));
  await browser.close();
}
