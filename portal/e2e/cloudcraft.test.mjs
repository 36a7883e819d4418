// Cloudcraft (seed 000): from the monthly to the annual plan in the portal, the credit for the unused half
// month shown before confirming and applied on the invoice; the billing history offers the invoices' PDFs.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  apiCall,
  apiGet,
  backendAndBrowser,
  checkAccessibility,
  newPortalLink,
  screenshot,
  seedCustomer,
} from "./harness.mjs";

const world = backendAndBrowser();

test("Cloudcraft: monthly to annual, with the unused time credited", async () => {
  // Given a customer on the monthly plan half-way through its month, sent to the portal by the seller
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  const bearers = new Set();
  page.on("request", (request) => {
    const authorization = request.headers().authorization;
    if (authorization) bearers.add(authorization.replace(/^Bearer /, ""));
  });
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  await page.goto(customer.portal_url);
  // Then the overview shows the plan by its name, its seats and renewal date, in French
  await page.getByRole("heading", { name: "Cloudcraft Pro — Mensuel" }).waitFor();
  assert.match(await page.locator("main").innerText(), /Quantité : 2/);
  assert.match(await page.locator("main").innerText(), /Actif/);
  // 2 seats at 49 € + 20 % VAT; the estimate arrives after the plan (a second request), so wait for it
  await page.getByText("Prochaine facture (estimation TTC)").waitFor();
  assert.match(await page.locator("main").innerText(), /Prochaine facture \(estimation TTC\)\s+117,60\s€/);
  assert.ok(!page.url().includes("bpl_"), "the one-time token left the address bar");
  assert.deepEqual(await checkAccessibility(page, "overview"), []);
  await screenshot(page, "cloudcraft-1-overview");

  // When the customer changes plan: Annual, Continue
  await page.getByRole("link", { name: "Changer d'offre" }).click();
  await page.getByRole("radio", { name: /Annuel/ }).check();
  assert.deepEqual(await checkAccessibility(page, "change plan"), []);
  await page.getByRole("button", { name: "Continuer" }).click();
  // Then the preview shows the new plan, the credit for the unused time and what is due now
  const preview = page.getByRole("region", { name: "Aperçu du changement" });
  await preview.waitFor();
  const text = await preview.innerText();
  assert.match(text, /2 × Cloudcraft Pro|2 × Annuel/);
  assert.match(text, /Crédit \(temps non utilisé de l'offre actuelle\)\s+-\d+,\d\d\s€/);
  assert.match(text, /À payer maintenant\s+\d[\d\s ]*,\d\d\s€/);
  assert.deepEqual(await checkAccessibility(page, "change plan preview"), []);
  await screenshot(page, "cloudcraft-2-preview");

  // When they confirm with an impatient double click
  await page.getByRole("button", { name: "Confirmer" }).dblclick();
  await page.getByText("Votre offre a été modifiée.").waitFor();
  await screenshot(page, "cloudcraft-3-confirmed");
  // The credit shown is the credit applied: the change's invoice deducts exactly it, once
  const credit = Number(/-(\d+),(\d\d)\s€/.exec(text).slice(1).join(""));
  const invoices = await apiGet(world.backend, `/v1/invoices?account=${customer.account}`);
  const changes = invoices.data.filter((invoice) => invoice.billing_reason === "subscription_update");
  assert.deepEqual(
    changes.map((invoice) => invoice.credit_applied),
    [credit],
  );
  // Then the overview shows the annual plan
  await page.getByRole("link", { name: "Abonnement" }).first().click();
  await page.getByRole("heading", { name: "Cloudcraft Pro — Annuel" }).waitFor();
  await screenshot(page, "cloudcraft-4-annual");

  // And the billing history lists the first month's invoice, paid, with its PDF
  await page.getByRole("link", { name: "Historique de facturation" }).click();
  const row = page.getByRole("row", { name: new RegExp(customer.first_invoice) });
  await row.waitFor();
  assert.match(await row.innerText(), /Payée/);
  assert.deepEqual(await checkAccessibility(page, "billing history"), []);
  await screenshot(page, "cloudcraft-5-history");
  const download = page.waitForEvent("download").catch(() => null);
  const opened = page.waitForEvent("framenavigated", { timeout: 10_000 }).catch(() => null);
  await row.getByRole("button", { name: /Télécharger le PDF/ }).click();
  assert.ok((await download) || (await opened), "the PDF link opens");
  assert.deepEqual(consoleErrors, [], "no console error (a CSP refusal would be one)");
  // The page only ever held the session's bearer, which cannot read or change another account, nor mint keys
  assert.deepEqual([...bearers].map((bearer) => bearer.slice(0, 4)), ["bps_"]);
  const [bearer] = bearers;
  const other = await (await apiCall(world.backend, "POST", "/v1/accounts", { ...OTHER_COMPANY })).json();
  assert.equal((await apiCall(world.backend, "GET", `/v1/accounts/${other.id}`, undefined, bearer)).status, 404);
  const steal = { billing_email: "intrus@exemple.fr" };
  assert.equal((await apiCall(world.backend, "PATCH", `/v1/accounts/${other.id}`, steal, bearer)).status, 404);
  const mint = await apiCall(world.backend, "POST", `/v1/accounts/${customer.account}/api_keys`, { role: "owner" }, bearer);
  assert.equal(mint.status, 403);
  await page.close();
});

const OTHER_COMPANY = {
  legal_name: "Autre Société SAS",
  address: { line1: "1 rue de Rivoli", postal_code: "75001", city: "Paris", country: "FR" },
  billing_email: "compta@autre.fr",
  locale: "fr",
};

test("Cloudcraft: receipt settings printed on the next receipt", async () => {
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Informations de facturation" }).click();
  // A VAT number without its country code is pointed out as it is typed
  const vat = page.getByLabel("Numéro de TVA intracommunautaire");
  await vat.fill("40303265045");
  await page.getByText("Un numéro de TVA commence par le code du pays").waitFor();
  await vat.fill("FR40303265045");
  await page.getByRole("radio", { name: "Un e-mail par mois" }).check();
  await page.getByLabel(/Informations imprimées sur chaque reçu/).fill("Bon de commande PO-4521");
  assert.deepEqual(await checkAccessibility(page, "billing details"), []);
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await page.getByText("Vos informations ont été enregistrées.").waitFor();
  await screenshot(page, "cloudcraft-6-receipt-settings");
  // The next payment's receipt carries the extra text
  await page.getByRole("link", { name: "Paiements" }).click();
  await page.getByLabel(/Montant/).fill("10");
  await page.getByRole("button", { name: "Payer" }).click();
  await page.getByRole("status").filter({ hasText: "Paiement de 10,00" }).waitFor();
  await page.getByRole("link", { name: "Historique de facturation" }).click();
  await page.getByRole("heading", { name: "Reçus de paiement" }).waitFor();
  await screenshot(page, "cloudcraft-7-receipts");
  const receipts = await apiGet(world.backend, `/v1/receipts?account=${customer.account}`);
  const latest = receipts.data.find((receipt) => receipt.purpose === "one_time");
  assert.equal(latest.extra_text, "Bon de commande PO-4521");
  const account = await apiGet(world.backend, `/v1/accounts/${customer.account}`);
  assert.deepEqual(account.receipt_settings, { email_receipts: "monthly", extra_text: "Bon de commande PO-4521" });
  await page.close();
});

test("Cloudcraft: Edit card, through Stripe.js, with the confirmation emails", async () => {
  const customer = seedCustomer(world.backend);
  const account = await apiGet(world.backend, `/v1/accounts/${customer.account}`);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Moyens de paiement" }).click();
  await page.getByText("VISA •••• 4242").waitFor();
  // A new card typed into Stripe's element (the local Stripe emulator's stand-in for Stripe.js)
  await page.getByRole("button", { name: "Ajouter une carte" }).click();
  await page.getByPlaceholder("number").fill("5555555555554444");
  await page.getByPlaceholder("exp_month").fill("12");
  await page.getByPlaceholder("exp_year").fill("30");
  await page.getByPlaceholder("cvc").fill("123");
  await page.getByPlaceholder("postal_code").fill("75002");
  // Stripe's own fields are Stripe's (an iframe deployed): the check covers the rest of the page
  assert.deepEqual(await checkAccessibility(page, "payment methods", ["#card-element"]), []);
  await page.getByRole("button", { name: "Enregistrer la carte" }).click();
  await page.getByText("Votre carte est enregistrée.").waitFor();
  await page.getByText("•••• 4444").waitFor();
  await screenshot(page, "cloudcraft-8-card-added");
  // It becomes the default, and the old card goes
  await page.getByRole("button", { name: "Utiliser par défaut 4444" }).click();
  await page.getByText("Cette carte sera débitée désormais.").waitFor();
  await page.getByRole("button", { name: "Supprimer 4242" }).click();
  await page.getByText("La carte a été supprimée.").waitFor();
  await screenshot(page, "cloudcraft-9-card-replaced");
  assert.equal(await page.getByText("VISA •••• 4242").count(), 0);
  const methods = await apiGet(world.backend, `/v1/accounts/${customer.account}/payment_methods`);
  assert.deepEqual(
    methods.data.map((method) => [method.last4, method.default]),
    [["4444", true]],
  );
  // The billing contact was told of both changes
  const mail = await apiGet(world.backend, `/_local/emails?to=${encodeURIComponent(account.billing_email)}`);
  assert.ok(mail.data.length >= 2, JSON.stringify(mail.data.map((each) => each.subject)));
  await page.close();
});

test("Cloudcraft in English, with the keyboard alone", async () => {
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "en-GB" });
  await page.goto(await newPortalLink(world.backend, customer.account, "en"));
  await page.getByRole("heading", { name: "Cloudcraft Pro — Mensuel" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.match(await page.locator("main").innerText(), /Next renewal\s+\d{1,2} \w+ 20\d\d/);
  // Tab to "Change plan" and press Enter; arrows pick Annual; Enter on Continue
  let focused = "";
  for (let presses = 0; presses < 20 && focused !== "Change plan"; presses += 1) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement.textContent.trim());
  }
  assert.equal(focused, "Change plan");
  await page.keyboard.press("Enter");
  await page.getByRole("radio", { name: /Monthly/ }).focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.getByRole("radio", { name: /Annual/ }).isChecked(), true);
  await page.getByRole("button", { name: "Continue" }).focus();
  await page.keyboard.press("Enter");
  const preview = page.getByRole("region", { name: "Preview of the change" });
  await preview.waitFor();
  assert.match(await preview.innerText(), /Amount due now\s+€[\d,]+\.\d\d/);
  assert.deepEqual(await checkAccessibility(page, "change plan preview (en)"), []);
  await screenshot(page, "cloudcraft-10-english-keyboard");
  await page.close();
});

test("a SEPA Direct Debit mandate through Stripe.js", async () => {
  const customer = seedCustomer(world.backend);
  const page = await world.browser.newPage({ locale: "fr-FR" });
  await page.goto(customer.portal_url);
  await page.getByRole("link", { name: "Moyens de paiement" }).click();
  await page.getByRole("button", { name: "Ajouter un prélèvement SEPA" }).click();
  assert.equal(await page.getByLabel("Titulaire du compte").inputValue(), "Studio Nuage SAS");
  await page.getByLabel("IBAN").fill("FR14 2004 1010 0505 0001 3M02 606");
  assert.match(await page.locator(".mandate").innerText(), /vous autorisez Studio Nuage SAS/);
  assert.deepEqual(await checkAccessibility(page, "SEPA mandate"), []);
  await page.getByRole("button", { name: "Accepter le mandat et enregistrer" }).click();
  await page.getByText("Votre mandat de prélèvement SEPA est enregistré.").waitFor();
  await page.getByText("Prélèvement SEPA •••• 2606").waitFor();
  await screenshot(page, "cloudcraft-11-sepa-mandate");
  await page.close();
});
