import { h } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence, messages } from "../i18n.js";
import { loadStripe } from "../stripe.js";

const html = htm.bind(h);
const SAVED_WITHIN_MS = 20000; // Stripe's webhook saves the card here within seconds

// Cloudcraft's "Edit card": add a card through Stripe.js (a SetupIntent confirmed in the browser, 3-D Secure
// included), make it the default, remove the old one. The backend emails the billing contact on each change.
export function Methods({ api, account, words, locale }) {
  const [methods, setMethods] = useState(null);
  const [adding, setAdding] = useState(false);
  const [mandate, setMandate] = useState(null); // the SEPA form's fields while it is open
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const [failure, setFailure] = useState(null);
  const mountPoint = useRef(null);
  const card = useRef(null);
  const stripe = useRef(null);
  const path = `/v1/accounts/${account.id}/payment_methods`;

  const load = async () => {
    const listed = await api.call("GET", path);
    setMethods(listed.data);
    return listed.data;
  };
  useEffect(() => {
    load().catch(setFailure);
  }, [account.id]);
  useEffect(() => {
    if (!adding) return undefined;
    loadStripe()
      .then((loaded) => {
        stripe.current = loaded;
        card.current = loaded.elements().create("card");
        card.current.mount(mountPoint.current);
      })
      .catch((error) => {
        setAdding(false);
        setFailure(error);
      });
    return () => card.current && card.current.destroy();
  }, [adding]);

  const act = async (work, done) => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  // A SetupIntent confirmed by Stripe.js, then the new method waited for: Stripe's webhook saves it.
  const setUp = async (confirm) => {
    const before = new Set((methods || []).map((method) => method.id));
    const intent = await api.call("POST", `/v1/accounts/${account.id}/setup_intents`);
    const result = await confirm(intent.client_secret);
    if (result.error) {
      const known = messages(locale).errors[result.error.code];
      throw Object.assign(new Error(result.error.message), { code: known ? result.error.code : "card_not_saved" });
    }
    const deadline = Date.now() + SAVED_WITHIN_MS;
    while (!(await load()).some((method) => !before.has(method.id))) {
      if (Date.now() > deadline) throw Object.assign(new Error("late"), { code: "card_not_saved" });
      await new Promise((wait) => setTimeout(wait, 700));
    }
  };
  const addMandate = (event) => {
    event.preventDefault();
    return act(async () => {
      const loaded = await loadStripe();
      await setUp((secret) =>
        loaded.confirmSepaDebitSetup(secret, {
          payment_method: {
            sepa_debit: { iban: mandate.iban.replace(/\s/g, "").toUpperCase() },
            billing_details: { name: mandate.name, email: mandate.email },
          },
        }),
      );
      setMandate(null);
    }, words.mandateAdded);
  };
  const addCard = (event) => {
    event.preventDefault();
    return act(async () => {
      await setUp((secret) => stripe.current.confirmCardSetup(secret, { payment_method: { card: card.current } }));
      setAdding(false);
    }, words.cardAdded);
  };
  const makeDefault = (method) =>
    act(async () => {
      await api.call("POST", `${path}/${method.id}/default`);
      await load();
    }, words.defaultChanged);
  const remove = (method) =>
    act(async () => {
      await api.call("DELETE", `${path}/${method.id}`);
      await load();
    }, words.cardRemoved);

  if (!methods && !failure) return html`<p aria-busy="true">${words.loading}</p>`;
  return html`
    <h1>${words.paymentMethods}</h1>
    ${methods && methods.length === 0 && html`<p>${words.noMethod}</p>`}
    ${methods &&
    methods.length > 0 &&
    html`<ul class="methods">
      ${methods.map(
        (method) => html`<li class="card">
          <p>
            <strong>
              ${method.type === "sepa_debit"
                ? `${words.sepaDebit} •••• ${method.last4}`
                : `${(method.brand || method.type).toUpperCase()} •••• ${method.last4}`}
            </strong>
            ${method.exp_month && ` — ${words.expires} ${String(method.exp_month).padStart(2, "0")}/${method.exp_year}`}
            ${method.default && html` <span class="badge">${words.default}</span>`}
          </p>
          ${!method.default &&
          html`<p>
            <button type="button" class="secondary" disabled=${busy} onClick=${() => makeDefault(method)}>
              ${words.makeDefault}<span class="visually-hidden"> ${method.last4}</span>
            </button>
            <button type="button" class="secondary" disabled=${busy} onClick=${() => remove(method)}>
              ${words.remove}<span class="visually-hidden"> ${method.last4}</span>
            </button>
          </p>`}
        </li>`,
      )}
    </ul>`}
    ${!adding &&
    !mandate &&
    html`<p>
      <button type="button" onClick=${() => setAdding(true)}>${words.addCard}</button>
      <button type="button" class="secondary" onClick=${() => setMandate({ name: account.legal_name, email: account.billing_email, iban: "" })}>
        ${words.addMandate}
      </button>
    </p>`}
    ${mandate &&
    html`<form onSubmit=${addMandate} aria-labelledby="add-mandate-title">
      <h2 id="add-mandate-title">${words.addMandate}</h2>
      ${[
        ["name", words.accountHolder, "name"],
        ["email", words.billingEmail, "email"],
        ["iban", "IBAN", "off"],
      ].map(
        ([field, label, autocomplete]) => html`<p>
          <label for=${`mandate-${field}`}>${label}</label>
          <input
            id=${`mandate-${field}`}
            required
            autocomplete=${autocomplete}
            value=${mandate[field]}
            onInput=${(event) => setMandate({ ...mandate, [field]: event.currentTarget.value })}
          />
        </p>`,
      )}
      <p class="mandate">${words.mandateText(account.legal_name)}</p>
      <p>
        <button type="submit" disabled=${busy}>${words.acceptMandate}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setMandate(null)}>${words.cancel}</button>
      </p>
    </form>`}
    ${adding &&
    html`<form onSubmit=${addCard} aria-labelledby="add-card-title">
      <h2 id="add-card-title">${words.addCard}</h2>
      <div id="card-element" class="card-element" ref=${mountPoint}></div>
      <p>
        <button type="submit" disabled=${busy}>${words.saveCard}</button>
        <button type="button" class="secondary" disabled=${busy} onClick=${() => setAdding(false)}>${words.cancel}</button>
      </p>
    </form>`}
    ${notice && html`<p role="status">${notice}</p>`}
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
  `;
}
