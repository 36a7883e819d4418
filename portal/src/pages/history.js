import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";

const html = htm.bind(h);

export function History({ api, account, words, locale, format }) {
  const [invoices, setInvoices] = useState(null);
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    api
      .call("GET", "/v1/invoices", { params: { account: account.id, limit: 100 } })
      .then((listed) => setInvoices(listed.data.filter((invoice) => invoice.number)))
      .catch(setFailure);
  }, [account.id]);

  const download = async (invoice) => {
    try {
      const document = await api.call("GET", `/v1/invoices/${invoice.id}/pdf`);
      window.location.assign(document.url);
    } catch (error) {
      setFailure(error);
    }
  };

  if (!invoices && !failure) return html`<p aria-busy="true">${words.loading}</p>`;
  return html`
    <h1>${words.history}</h1>
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
  `;
}
