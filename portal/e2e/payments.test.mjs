// IBM Cloud's Payments page: a one-time payment of any amount lowers what is owed. alwaysdata's
// Facturation: topping the account up leaves credit that pays the next invoice by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import {
  advanceClock,
  backendAndBrowser,
  checkAccessibility,
  newPortalLink,
  screenshot,
  seedCustomer,
} from "./harness.mjs";

const world = backendAndBrowser();

const euros = (text) => Number(text.replace(/[^\d,]/g, "").replace(",", "."));

async function payInPortal(page, purpose, amount) {
  await page.getByRole("link", { name: "Paiements" }).click();
  await page.getByTestId("amount-owed").waitFor();
  await page.getByRole("radio", { name: purpose }).check();
  await page.getByLabel(/Montant/).fill(amount);
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("status").filter({ hasText: "Paiement de" }).waitFor();
}

test("IBM Cloud: a partial payment of any amount lowers the amount owed", async () => {
  const customer = seedCustomer(world.backend, "ibm");
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Paiements" }).click();
  const owedBefore = euros(await page.getByTestId("amount-owed").innerText());
  assert.equal(owedBefore, 118.8); // 99,00 € + 20 % VAT
  assert.deepEqual(await checkAccessibility(page, "payments"), []);
  await screenshot(page, "ibm-1-owed");
  // A typo is refused in words, and nothing is charged
  await page.getByLabel(/Montant/).fill("50,001");
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("alert").filter({ hasText: "Indiquez un montant positif" }).waitFor();
  await payInPortal(page, /Paiement ponctuel/, "50,00");
  await page.getByTestId("amount-owed").filter({ hasText: "68,80" }).waitFor();
  await screenshot(page, "ibm-2-paid-in-part");
  await page.close();
});

test("alwaysdata: a top-up becomes credit that pays the next invoice", async () => {
  const customer = seedCustomer(world.backend, "alwaysdata");
  const page = await world.browser.newPage({ locale: "fr-FR", acceptDownloads: true });
  await page.goto(customer.portal_url);
  await payInPortal(page, /Recharger le compte/, "100");
  // The top-up settles what was owed first (18,00 €), the rest is credit
  await page.getByTestId("amount-owed").filter({ hasText: "0,00" }).waitFor();
  await page.getByTestId("credit-available").filter({ hasText: "82,00" }).waitFor();
  await screenshot(page, "alwaysdata-1-topped-up");
  // When the month renews, its invoice is paid from the credit
  const renewal = new Date(new Date(customer.period_end).getTime() + 2 * 3600 * 1000).toISOString();
  await advanceClock(world.backend, renewal);
  // A month later the session has long ended (an idle hour): the page says so, and a new link opens it
  await page.getByRole("link", { name: "Historique de facturation" }).click();
  await page.getByRole("alert").filter({ hasText: "Votre session a expiré" }).waitFor();
  await screenshot(page, "alwaysdata-2-session-ended");
  await page.goto(await newPortalLink(world.backend, customer.account));
  await page.getByRole("link", { name: "Historique de facturation" }).click();
  const rows = page.getByRole("row").filter({ hasText: "F-" });
  await rows.nth(1).waitFor();
  assert.deepEqual(
    (await rows.allInnerTexts()).map((row) => /Payée/.test(row)),
    [true, true],
    "both months paid: the first by the top-up, the renewal from the credit",
  );
  assert.deepEqual(await checkAccessibility(page, "billing history"), []);
  await screenshot(page, "alwaysdata-3-renewal-paid-from-credit");
  // And every document comes in one zip
  const [zip] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Tout télécharger (zip)" }).click(),
  ]);
  const bytes = await readFile(await zip.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK");
  await page.getByRole("link", { name: "Paiements" }).click();
  await page.getByTestId("credit-available").filter({ hasText: "64,00" }).waitFor();
  await page.close();
});

test("alwaysdata: the restricted account's banner, cleared by paying", async () => {
  const customer = seedCustomer(world.backend, "restricted");
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  const banner = page.getByRole("status").filter({ hasText: "Votre compte est restreint" });
  await banner.waitFor();
  await page.getByRole("heading", { name: "alwaysdata Pack 10 Go — Mensuel" }).waitFor(); // the page is whole
  assert.deepEqual(await checkAccessibility(page, "restricted overview"), []);
  await screenshot(page, "alwaysdata-4-restricted");
  await banner.getByRole("link", { name: "Payer maintenant" }).click();
  const owed = (await page.getByTestId("amount-owed").innerText()).replace(/[^\d,]/g, "");
  await page.getByLabel(/Montant/).fill(owed);
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("status").filter({ hasText: "Paiement de" }).waitFor();
  await banner.waitFor({ state: "detached" });
  await page.getByTestId("amount-owed").filter({ hasText: "0,00" }).waitFor();
  await screenshot(page, "alwaysdata-5-restriction-lifted");
  await page.close();
});
