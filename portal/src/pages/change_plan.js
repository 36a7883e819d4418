import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { newActionKey } from "../api.js";
import { errorSentence } from "../i18n.js";
import { allPrices, planName, priceWithProduct } from "./catalog.js";

const html = htm.bind(h);
const INTERVALS = ["month", "year"];

// Cloudcraft's flow: a Monthly/Annual toggle and seats, Continue shows the backend's preview (credit for
// unused time, amount due now), Confirm applies it with the preview's proration_date, so the invoice is
// the one previewed. One Idempotency-Key per confirmed change: a double click changes nothing twice.
export function ChangePlan({ api, words, locale, format, subscriptionId }) {
  const [state, setState] = useState(null);
  const [interval, setInterval] = useState(null);
  const [quantity, setQuantity] = useState(1);
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    (async () => {
      const subscription = await api.call("GET", `/v1/subscriptions/${subscriptionId}`);
      const item = subscription.items[0];
      const current = await priceWithProduct(api, item.price);
      const choices = {};
      for (const price of await allPrices(api)) {
        const recurring = price.recurring || {};
        if (
          price.product === current.product &&
          price.currency === current.currency &&
          recurring.usage_type === "licensed" &&
          INTERVALS.includes(recurring.interval) &&
          !choices[recurring.interval]
        ) {
          choices[recurring.interval] = await priceWithProduct(api, price.id);
        }
      }
      choices[current.recurring.interval] = current;
      setState({ subscription, item, current, choices });
      setInterval(current.recurring.interval);
      setQuantity(item.quantity);
    })().catch(setFailure);
  }, [subscriptionId]);

  if (!state && !failure) return html`<p aria-busy="true">${words.loading}</p>`;
  if (!state) return html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`;
  const target = state.choices[interval];
  const changes = [{ id: state.item.id, price: target.id, quantity: Number(quantity) }];

  const showPreview = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const found = await api.call("POST", "/v1/invoices/preview", {
        body: { subscription: state.subscription.id, items: changes },
      });
      setPreview({ invoice: found, key: newActionKey() });
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    setFailure(null);
    try {
      await api.call("PATCH", `/v1/subscriptions/${state.subscription.id}`, {
        body: { items: changes, proration_date: preview.invoice.proration_date },
        idempotencyKey: preview.key,
      });
      setDone(true);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return html`<h1>${words.changePlan}</h1>
      <p role="status">${words.changed}</p>
      <p><a class="button" href="#/overview">${words.overview}</a></p>`;
  }
  const lines = preview ? [...preview.invoice.sections.proration, ...preview.invoice.sections.recurring] : [];
  return html`
    <h1>${words.changePlan}</h1>
    <p>${planName(state.current)}</p>
    <form onSubmit=${showPreview}>
      <fieldset disabled=${busy || preview}>
        <legend>${words.billingCycle}</legend>
        ${INTERVALS.filter((each) => state.choices[each]).map(
          (each) => html`<label class="choice">
            <input
              type="radio"
              name="interval"
              value=${each}
              checked=${interval === each}
              onChange=${() => setInterval(each)}
            />
            ${each === "month" ? words.monthly : words.annual} — ${format.money(state.choices[each].unit_amount_decimal, state.choices[each].currency)}
          </label>`,
        )}
      </fieldset>
      <label for="quantity">${words.quantity}</label>
      <input
        id="quantity"
        type="number"
        min="1"
        max="10000"
        value=${quantity}
        disabled=${busy || preview}
        onInput=${(event) => setQuantity(event.currentTarget.value)}
      />
      ${!preview && html`<p><button type="submit" disabled=${busy}>${words.continue}</button></p>`}
    </form>
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
    ${preview &&
    html`<section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">${words.preview}</h2>
      <table>
        <tbody>
          ${lines.map(
            (line) => html`<tr>
              <th scope="row">${line.description}</th>
              <td class="amount">${format.money(line.amount, preview.invoice.currency)}</td>
            </tr>`,
          )}
          ${preview.invoice.taxes.map(
            (tax) => html`<tr>
              <th scope="row">${words.vat} ${format.percent(tax.rate)}</th>
              <td class="amount">${format.money(tax.amount, preview.invoice.currency)}</td>
            </tr>`,
          )}
          <tr>
            <th scope="row">${words.total}</th>
            <td class="amount">${format.money(preview.invoice.total, preview.invoice.currency)}</td>
          </tr>
          ${preview.invoice.credit_applied > 0 &&
          html`<tr>
            <th scope="row">${words.credit}</th>
            <td class="amount">${format.money(-preview.invoice.credit_applied, preview.invoice.currency)}</td>
          </tr>`}
          <tr class="due">
            <th scope="row">${words.dueNow}</th>
            <td class="amount">${format.money(preview.invoice.amount_due, preview.invoice.currency)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        <button type="button" onClick=${confirm} disabled=${busy}>${words.confirm}</button>
        <button type="button" class="secondary" onClick=${() => setPreview(null)} disabled=${busy}>${words.cancel}</button>
      </p>
    </section>`}
  `;
}
