import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";

const html = htm.bind(h);

export function History({ api, account, words, locale, format }) {
  const [invoices, setInvoices] = useState(null);
  const [creditNotes, setCreditNotes] = useState([]);
  const [receipts, setReceipts] = useState([]);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    const params = { params: { account: account.id, limit: 100 } };
    Promise.all([
      api.call("GET", "/v1/invoices", params),
      api.call("GET", "/v1/credit_notes", params),
      api.call("GET", "/v1/receipts", params),
    ])
      .then(([listed, credited, received]) => {
        setInvoices(listed.data.filter((invoice) => invoice.number));
        setCreditNotes(credited.data);
        setReceipts(received.data);
      })
      .catch(setFailure);
  }, [account.id]);

  // Each document's PDF is a short-lived link the API hands over as JSON.
  const open = (path) => async () => {
    try {
      window.location.assign((await api.call("GET", path)).url);
    } catch (error) {
      setFailure(error);
    }
  };
  const download = (invoice) => open(`/v1/invoices/${invoice.id}/pdf`)();
  const everything = () => {
    // Every document of the last three years; "to" a year ahead, as the server's clock may run ahead locally.
    const now = Date.now();
    const from = new Date(now - 3 * 365 * 86400 * 1000);
    const to = new Date(now + 365 * 86400 * 1000);
    const range = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    return open(`/v1/accounts/${account.id}/documents.zip?${range}`)();
  };

  if (!invoices && !failure) return html`<p aria-busy="true">${words.loading}</p>`;
  return html`
    <h1>${words.history}</h1>
    <p><button type="button" class="secondary" onClick=${everything}>${words.downloadAll}</button></p>
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
    ${invoices && invoices.length === 0 && html`<p>${words.noInvoice}</p>`}
    ${invoices &&
    invoices.length > 0 &&
    html`<table>
      <thead>
        <tr>
          <th scope="col">${words.number}</th>
          <th scope="col">${words.date}</th>
          <th scope="col">${words.status}</th>
          <th scope="col" class="amount">${words.total}</th>
          <th scope="col" class="amount">${words.remaining}</th>
          <th scope="col"><span class="visually-hidden">PDF</span></th>
        </tr>
      </thead>
      <tbody>
        ${invoices.map(
          (invoice) => html`<tr>
            <th scope="row"><a href=${`#/invoice/${invoice.id}`}>${invoice.number}</a></th>
            <td>${format.date(invoice.finalized_at || invoice.created)}</td>
            <td>${words.invoiceStatuses[invoice.status] || invoice.status}</td>
            <td class="amount">${format.money(invoice.total, invoice.currency)}</td>
            <td class="amount">${format.money(invoice.amount_remaining, invoice.currency)}</td>
            <td>
              <button type="button" class="link" onClick=${() => download(invoice)}>
                ${words.download}<span class="visually-hidden"> ${invoice.number}</span>
              </button>
            </td>
          </tr>`,
        )}
      </tbody>
    </table>`}
    ${creditNotes.length > 0 &&
    html`<h2>${words.creditNotes}</h2>
      <${Documents}
        rows=${creditNotes}
        words=${words}
        format=${format}
        pdf=${(note) => open(`/v1/credit_notes/${note.id}/pdf`)}
      />`}
    ${receipts.length > 0 &&
    html`<h2>${words.receipts}</h2>
      <${Documents}
        rows=${receipts}
        words=${words}
        format=${format}
        pdf=${(receipt) => open(`/v1/receipts/${receipt.id}/pdf`)}
      />`}
  `;
}

function Documents({ rows, words, format, pdf }) {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">${words.number}</th>
        <th scope="col">${words.date}</th>
        <th scope="col" class="amount">${words.amount}</th>
        <th scope="col"><span class="visually-hidden">PDF</span></th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (row) => html`<tr>
          <th scope="row">${row.number}</th>
          <td>${format.date(row.created)}</td>
          <td class="amount">${format.money(row.total === undefined ? row.amount : row.total, row.currency)}</td>
          <td>
            <button type="button" class="link" onClick=${pdf(row)}>
              ${words.download}<span class="visually-hidden"> ${row.number}</span>
            </button>
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
