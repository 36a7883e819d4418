// `make bench`'s portal figures: the first page's JavaScript gzipped, and its time to interactive against a
// backend started as `make run` starts it: from the page's navigation start (its own clock) to its plan's
// "Change plan" link being usable, for 5 fresh links in one warm Chromium (the first also meets the API
// function's cold start). Prints one JSON line.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { newPortalLink, openBrowser, seedCustomer, startBackend } from "./e2e/harness.mjs";

const RUNS = 5;
const backend = await startBackend();
const browser = await openBrowser();
try {
  const customer = seedCustomer(backend);
  const timings = [];
  for (let run = 0; run < RUNS; run += 1) {
    const url = run === 0 ? customer.portal_url : await newPortalLink(backend, customer.account);
    const page = await browser.newPage({ locale: "fr-FR" });
    await page.goto(url);
    await page.getByRole("link", { name: "Changer d'offre" }).waitFor();
    // The page's own clock: from its navigation start to now, when the plan can be acted on.
    timings.push(Math.round(await page.evaluate(() => performance.now())));
    await page.close();
  }
  timings.sort((a, b) => a - b);
  const gzipped = gzipSync(readFileSync(new URL("./dist/portal.js", import.meta.url))).length;
  console.log(JSON.stringify({ js_gzip_bytes: gzipped, interactive_ms: timings, median_ms: timings[RUNS >> 1] }));
} finally {
  await browser.close();
  await backend.stop();
}
