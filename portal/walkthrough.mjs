// Cloudcraft's monthly → annual switch, played in headless Chromium on a portal link from a running backend
// (`make run`): node walkthrough.mjs '<url from POST /v1/portal_sessions>'. Saves a screenshot of each step
// (a phone-sized one of the overview too) and prints their paths and the first page's weight.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url] = process.argv.slice(2);
if (!url || !url.includes("#session=")) {
  console.error("usage: node walkthrough.mjs '<portal url with its #session= token>'");
  process.exit(2);
}
const folder = join(import.meta.dirname, "e2e", "screenshots");
mkdirSync(folder, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
const saved = [];
const shot = async (page, name) => {
  const path = join(folder, `walkthrough-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  saved.push(path);
};
try {
  const page = await browser.newPage({ locale: "fr-FR" });
  const weights = new Map();
  page.on("response", async (response) => {
    if (response.url().includes("/portal/")) {
      const body = await response.body().catch(() => Buffer.alloc(0));
      weights.set(new URL(response.url()).pathname, body.length);
    }
  });
  await page.goto(url);
  await page.getByRole("link", { name: "Changer d'offre" }).waitFor();
  const interactive = Math.round(await page.evaluate(() => performance.now()));
  await shot(page, "1-overview");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "1-overview-phone");
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole("link", { name: "Changer d'offre" }).click();
  await page.getByRole("radio", { name: /Annuel/ }).check();
  await page.getByRole("button", { name: "Continuer" }).click();
  const preview = page.getByRole("region", { name: "Aperçu du changement" });
  await preview.waitFor();
  await shot(page, "2-preview");
  console.log(`preview:\n${await preview.innerText()}`);
  await page.getByRole("button", { name: "Confirmer" }).click();
  await page.getByText("Votre offre a été modifiée.").waitFor();
  await shot(page, "3-confirmed");
  await page.getByRole("link", { name: "Abonnement" }).first().click();
  await page.getByRole("heading", { name: /Annuel/ }).waitFor();
  await shot(page, "4-annual");
  const total = [...weights.values()].reduce((sum, size) => sum + size, 0);
  console.log(`first page: ${JSON.stringify(Object.fromEntries(weights))} (${total} bytes uncompressed)`);
  console.log(`interactive after ${interactive} ms`);
  console.log(`screenshots:\n${saved.join("\n")}`);
} finally {
  await browser.close();
}
