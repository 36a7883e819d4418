// Errors a person understands, each recoverable: a declined card, 3-D Secure through Stripe.js, and a payment
// whose answer is lost on the network (retried with the same Idempotency-Key: charged once).
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  apiGet,
  backendAndBrowser,
  screenshot,
  seedCustomer,
} from "./harness.mjs";

const world = backendAndBrowser();

async function typeCard(page, number) {
  await page.getByPlaceholder("number").fill(number);
  await page.getByPlaceholder("exp_month").fill("12");
  await page.getByPlaceholder("exp_year").fill("30");
  await page.getByPlaceholder("cvc").fill("123");
  await page.getByPlaceholder("postal_code").fill("75002");
}

test("a declined card is said so, and 3-D Secure then saves another", async () => {
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Moyens de paiement" }).click();
  await page.getByRole("button", { name: "Ajouter une carte" }).click();
  await typeCard(page, "4000000000000002");
  await page.getByRole("button", { name: "Enregistrer la carte" }).click();
  await page.getByRole("alert").filter({ hasText: "Votre carte a été refusée. Essayez une autre carte." }).waitFor();
  await screenshot(page, "errors-1-declined");
  // The customer types another card, whose bank asks for 3-D Secure (Stripe.js shows its challenge)
  await typeCard(page, "4000002500003155");
  await page.getByRole("button", { name: "Enregistrer la carte" }).click();
  await page.getByRole("button", { name: "Complete authentication" }).click();
  await page.getByText("Votre carte est enregistrée.").waitFor();
  await page.getByText("•••• 3155").waitFor();
  await screenshot(page, "errors-2-3ds-saved");
  await page.close();
});

test("a payment whose answer is lost is retried without charging twice", async () => {
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Paiements" }).click();
  await page.getByLabel(/Montant/).fill("25");
  // The first attempt reaches the server, but its answer never comes back
  let lost = false;
  await page.route("**/v1/payments", async (route) => {
    if (route.request().method() !== "POST" || lost) return route.continue();
    lost = true;
    await route.fetch(); // charged on the server...
    return route.abort("connectionreset"); // ...and the page never hears of it
  });
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("alert").filter({ hasText: "Le serveur ne répond pas" }).waitFor();
  await screenshot(page, "errors-3-network-lost");
  // The customer clicks again: same action, same key, the server answers what it did the first time
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("status").filter({ hasText: "Paiement de 25,00" }).waitFor();
  const payments = await apiGet(world.backend, `/v1/payments?account=${customer.account}`);
  const oneTime = payments.data.filter((payment) => payment.purpose === "one_time");
  assert.equal(oneTime.length, 1, "charged once");
  assert.equal(oneTime[0].amount, 2500);
  await page.close();
});
