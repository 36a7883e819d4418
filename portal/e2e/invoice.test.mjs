// Aircall (seed 003): the renewal invoice read in the portal, one section per kind of charge, its totals,
// printable and downloadable.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  backendAndBrowser,
  checkAccessibility,
  screenshot,
  seedCustomer,
} from "./harness.mjs";

const world = backendAndBrowser();

test("Aircall: the invoice's subscription and usage sections", async () => {
  const customer = seedCustomer(world.backend, "aircall");
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Historique de facturation" }).click();
  await page.getByRole("link", { name: customer.renewal_invoice }).click();
  await page.getByRole("heading", { name: `Facture ${customer.renewal_invoice}` }).waitFor();
  const subscription = page.getByRole("region", { name: "Abonnement" });
  const usage = page.getByRole("region", { name: "Consommation" });
  assert.match(await subscription.innerText(), /3 × Licence\s[\s\S]*120,00\s€/);
  assert.match(await usage.innerText(), /Minutes sortantes[\s\S]*2,00\s€/);
  assert.match(await page.locator("table.totals").innerText(), /Total HT\s+122,00\s€[\s\S]*TVA 20\s%\s+24,40\s€[\s\S]*Total TTC\s+146,40\s€/);
  assert.deepEqual(await checkAccessibility(page, "invoice"), []);
  await screenshot(page, "aircall-1-invoice-sections");
  // Printing keeps the invoice and drops the navigation
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header.bar").isVisible(), false);
  assert.equal(await page.getByRole("region", { name: "Consommation" }).isVisible(), true);
  await screenshot(page, "aircall-2-printed");
  await page.close();
});
