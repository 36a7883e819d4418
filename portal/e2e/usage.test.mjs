// Azure (seed 004): daily usage and its cost in the portal, and the same days downloaded as CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import {
  backendAndBrowser,
  checkAccessibility,
  screenshot,
  seedCustomer,
} from "./harness.mjs";

const world = backendAndBrowser();

test("Azure: daily usage shown by day and downloaded as CSV", async () => {
  const customer = seedCustomer(world.backend, "azure");
  const hours = customer.daily_hours.split(",").map(Number); // 24, 30, 18 compute hours on three days
  const page = await world.browser.newPage({ locale: "fr-FR", acceptDownloads: true });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Consommation" }).click();
  const rows = page.getByRole("row").filter({ hasText: "Heures de calcul" });
  await rows.nth(hours.length - 1).waitFor();
  const shown = await rows.allInnerTexts();
  assert.equal(shown.length, hours.length);
  hours.forEach((quantity, n) => {
    assert.match(shown[n], new RegExp(`\\b${quantity}\\b`));
    assert.match(shown[n], new RegExp(`${(quantity * 0.12).toFixed(2).replace(".", ",")}\\s€`));
  });
  await page.getByRole("img", { name: "Coût de la consommation par jour" }).waitFor();
  await page.getByRole("region", { name: "Prévision de la période en cours" }).waitFor();
  // The 5 € budget was passed at 80 % and 100 % this month
  const budgets = page.getByRole("region", { name: "Budgets" });
  assert.match(await budgets.innerText(), /Calcul : 5,00\s€ par mois — seuils atteints ce mois-ci : 80 %, 100 %/);
  assert.deepEqual(await checkAccessibility(page, "usage"), []);
  await screenshot(page, "azure-1-daily-usage");
  // By team (the tag of each hour: two in three for the data team)
  await page.getByLabel("Regrouper par").selectOption("tag:team");
  await page.getByRole("columnheader", { name: "Étiquette" }).waitFor();
  const byTeam = page.getByRole("row").filter({ hasText: "data" });
  await byTeam.nth(hours.length - 1).waitFor();
  assert.equal(await byTeam.count(), hours.length);
  await screenshot(page, "azure-2-by-team");
  await page.getByLabel("Regrouper par").selectOption("meter");

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Télécharger (CSV)" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^usage-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile(await download.path(), "utf8")).trim().split("\r\n"); // CSV: CRLF
  assert.equal(lines[0], "period,meter,subscription,tag_key,tag_value,quantity,events,cost,currency");
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(",").slice(5).join(",")),
    hours.map((quantity) => `${quantity},${quantity},${(quantity * 0.12).toFixed(2)},EUR`),
  );
  await page.close();
});
