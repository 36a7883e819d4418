import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";

const html = htm.bind(h);
const SECTIONS = ["recurring", "usage", "proration", "one_off"];

// Aircall's invoice, as its customers read it: one section per kind of charge (subscription, usage,
// prorated adjustments, one-off), each line with how it was computed, then VAT and totals; printable, and
// the PDF to download.
export function Invoice({ api, words, locale, format, invoiceId }) {
  const [invoice, setInvoice] = useState(null);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    api
      .call("GET", `/v1/invoices/${invoiceId}`, { params: { expand: "explanations" } })
      .then(setInvoice)
      .catch(setFailure);
  }, [invoiceId]);

  const download = async () => {
    try {
      window.location.assign((await api.call("GET", `/v1/invoices/${invoiceId}/pdf`)).url);
    } catch (error) {
      setFailure(error);
    }
  };

  if (!invoice) {
    return failure
      ? html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`
      : html`<p aria-busy="true">${words.loading}</p>`;
  }
  const money = (minor) => format.money(minor, invoice.currency);
  return html`
    <h1>${words.invoice} ${invoice.number}</h1>
    <p>
      ${`${words.date} : ${format.date(invoice.finalized_at || invoice.created)} · ${words.status} : `}
      ${words.invoiceStatuses[invoice.status] || invoice.status}
    </p>
    <p class="no-print">
      <button type="button" onClick=${download}>${words.download}</button>
      <button type="button" class="secondary" onClick=${() => window.print()}>${words.print}</button>
    </p>
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
    ${SECTIONS.filter((name) => invoice.sections[name].length > 0).map(
      (name) => html`<section aria-labelledby=${`section-${name}`}>
        <h2 id=${`section-${name}`}>${words.sections[name]}</h2>
        <table>
          <tbody>
            ${invoice.sections[name].map(
              (line) => html`<tr>
                <th scope="row">
                  ${line.description}
                  ${line.explanation && html`<span class="detail">${line.explanation}</span>`}
                  ${line.period_start &&
                  html`<span class="detail">${format.date(line.period_start)} – ${format.date(line.period_end)}</span>`}
                </th>
                <td class="amount">${money(line.amount)}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </section>`,
    )}
    <table class="totals">
      <tbody>
        <tr><th scope="row">${words.subtotal}</th><td class="amount">${money(invoice.subtotal)}</td></tr>
        ${invoice.taxes.map(
          (tax) => html`<tr>
            <th scope="row">${words.vat} ${format.percent(tax.rate)}</th>
            <td class="amount">${money(tax.amount)}</td>
          </tr>`,
        )}
        <tr><th scope="row">${words.total}</th><td class="amount">${money(invoice.total)}</td></tr>
        <tr class="due"><th scope="row">${words.remaining}</th><td class="amount">${money(invoice.amount_remaining)}</td></tr>
      </tbody>
    </table>
  `;
}
