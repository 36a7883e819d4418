// `make bench`'s browser turn for the invoice PDF: one Chromium kept open (as Gotenberg keeps one warm), the
// invoice's HTML loaded once, then printed RUNS times through Page.printToPDF (playwright's page.pdf() over
// the DevTools protocol). Prints one JSON line: each print's milliseconds and the PDF's size.
import { readFileSync } from "node:fs";

import { chromium } from "playwright-core";

const [htmlPath, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 20);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true });
try {
  const page = await browser.newPage();
  await page.setContent(readFileSync(htmlPath, "utf8"), { waitUntil: "load" });
  let pdf = await page.pdf({ format: "A4" }); // warm-up: the print pipeline's first use is not counted
  const timings = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    pdf = await page.pdf({ format: "A4" });
    timings.push(performance.now() - started);
  }
  console.log(JSON.stringify({ print_ms: timings, pdf_bytes: pdf.length }));
} finally {
  await browser.close();
}
