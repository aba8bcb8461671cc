// Figures as a reader sees them: every chart and diagram of a built site,
// in the bundled Korean font, with no label over another and none past the
// figure's edge. Used by run.mjs for the plan, and on its own:
//   node figures.mjs OUTPUT_DIR      (prints "N figures, M clashes")
import { chromium } from "playwright-core";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

export function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...htmlFiles(p));
    else if (name.endsWith(".html")) out.push(p);
  }
  return out;
}

export async function checkFigures(page, files, root = "") {
  let figures = 0;
  const clashes = [];
  const fontless = [];
  for (const p of files) {
    await page.goto(pathToFileURL(p).href);
    await page.evaluate(async () => { await document.fonts.ready; });
    const res = await page.evaluate(() => {
      const bad = [];
      let n = 0;
      for (const svg of document.querySelectorAll("figure.chart svg")) {
        n += 1;
        const name = svg.querySelector("title")?.textContent || "?";
        // Boxes as drawn (rotated axis titles included), in page pixels.
        const edge = svg.getBoundingClientRect();
        const boxes = [...svg.querySelectorAll("text")]
          .filter((t) => t.textContent.trim())
          .map((t) => ({ t: t.textContent.trim(), b: t.getBoundingClientRect() }));
        for (const { t, b } of boxes) {
          if (b.x < edge.x - 1 || b.y < edge.y - 1 || b.right > edge.right + 1 || b.bottom > edge.bottom + 1)
            bad.push(`${name}: "${t}" runs past the edge`);
        }
        // Glyph boxes include the line's leading: a clash is a real overlap
        // of more than 2 px across and 4 px down.
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].b, b = boxes[j].b;
            const w = Math.min(a.right, b.right) - Math.max(a.x, b.x);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.y, b.y);
            if (w > 2 && h > 4) bad.push(`${name}: "${boxes[i].t}" over "${boxes[j].t}"`);
          }
      }
      return { bad, n, font: document.fonts.check("12px NanumSquare", "가") };
    });
    const where = root ? relative(root, p) : p;
    figures += res.n;
    if (res.n && !res.font) fontless.push(where);
    for (const c of res.bad) clashes.push(`${where}: ${c}`);
  }
  return { figures, clashes, fontless };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const page = await browser.newPage();
  const { figures, clashes, fontless } = await checkFigures(page, htmlFiles(out), out);
  await browser.close();
  for (const c of clashes) console.error(c);
  for (const f of fontless) console.error(`${f}: the Korean font did not load`);
  console.log(`${figures} figures, ${clashes.length + fontless.length} clashes`);
  process.exit(clashes.length + fontless.length ? 1 : 0);
}

// Charts on a phone: at 375 px, the size each label is drawn at (its
// font-size times the drawing's scale), the smallest of every chart, and
// whether the chart's figures are still there as a table.
export async function checkChartType(browser, files, root = "") {
  const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
  const small = [], tableless = [];
  let charts = 0, least = Infinity;
  for (const p of files) {
    if (!readFileSync(p, "utf8").includes('<figure class="chart"')) continue;
    await page.goto(pathToFileURL(p).href);
    const res = await page.evaluate(() => [...document.querySelectorAll("figure.chart")].map((fig) => {
      const svg = fig.querySelector("svg");
      const vb = svg.viewBox.baseVal, scale = svg.getBoundingClientRect().width / (vb && vb.width ? vb.width : svg.width.baseVal.value);
      let min = Infinity;
      for (const t of svg.querySelectorAll("text")) {
        if (!t.textContent.trim()) continue;
        min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
      }
      return { id: fig.id, min, table: !!fig.querySelector("details.figure-table table, .figure-data a") };
    }));
    for (const c of res) {
      charts++;
      least = Math.min(least, c.min);
      const where = `${root ? relative(root, p) : p}#${c.id}`;
      if (c.min < 10) small.push(`${where}: labels at ${c.min.toFixed(1)} px`);
      if (!c.table) tableless.push(where);
    }
  }
  await page.close();
  return { charts, least, small, tableless };
}
