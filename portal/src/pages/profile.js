import { h } from "preact";
import { useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";

const html = htm.bind(h);

// EU VAT numbers: two letters and 2 to 13 characters. Checked as typed to help; the backend checks the
// number itself (python-stdnum) and its answer is what counts.
const VAT_SHAPE = /^[A-Z]{2}[0-9A-Z+*.]{2,13}$/;

// The billing profile (address, VAT number) and Cloudcraft's receipt settings (how receipts are emailed,
// extra billing information printed on each one), saved in one PATCH.
export function Profile({ api, account, words, locale, onSaved }) {
  const [form, setForm] = useState({
    billing_email: account.billing_email,
    line1: account.address.line1,
    line2: account.address.line2 || "",
    postal_code: account.address.postal_code,
    city: account.address.city,
    country: account.address.country,
    vat_number: account.vat_number || "",
    email_receipts: account.receipt_settings.email_receipts,
    extra_text: account.receipt_settings.extra_text || "",
  });
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState(null);
  const vatShapeWrong = form.vat_number !== "" && !VAT_SHAPE.test(form.vat_number.replace(/\s/g, "").toUpperCase());
  const set = (field) => (event) => {
    setForm({ ...form, [field]: event.currentTarget.value });
    setSaved(false);
  };

  const save = async (event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const changed = await api.call("PATCH", `/v1/accounts/${account.id}`, {
        body: {
          billing_email: form.billing_email,
          address: {
            line1: form.line1,
            line2: form.line2 || null,
            postal_code: form.postal_code,
            city: form.city,
            country: form.country,
          },
          vat_number: form.vat_number.replace(/\s/g, "").toUpperCase() || null,
          receipt_settings: { email_receipts: form.email_receipts, extra_text: form.extra_text || null },
        },
      });
      onSaved(changed);
      setSaved(true);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const field = (name, label, extra = {}) => html`<p>
    <label for=${name}>${label}</label>
    <input id=${name} value=${form[name]} onInput=${set(name)} ...${extra} />
  </p>`;

  return html`
    <h1>${words.profile}</h1>
    <form onSubmit=${save}>
      <fieldset disabled=${busy}>
        <legend>${words.billingProfile}</legend>
        ${field("billing_email", words.billingEmail, { type: "email", autocomplete: "email", required: true })}
        ${field("line1", words.addressLine1, { autocomplete: "address-line1", required: true })}
        ${field("line2", words.addressLine2, { autocomplete: "address-line2" })}
        ${field("postal_code", words.postalCode, { autocomplete: "postal-code", required: true })}
        ${field("city", words.city, { autocomplete: "address-level2", required: true })}
        ${field("country", words.country, { autocomplete: "country", required: true, maxlength: 2 })}
        ${field("vat_number", words.vatNumber, {
          "aria-invalid": vatShapeWrong ? "true" : null,
          "aria-describedby": vatShapeWrong ? "vat-hint" : null,
        })}
        ${vatShapeWrong && html`<p id="vat-hint" class="error">${words.vatShape}</p>`}
      </fieldset>
      <fieldset disabled=${busy}>
        <legend>${words.receiptSettings}</legend>
        ${["each_payment", "monthly", "off"].map(
          (choice) => html`<label class="choice">
            <input
              type="radio"
              name="email_receipts"
              value=${choice}
              checked=${form.email_receipts === choice}
              onChange=${set("email_receipts")}
            />
            ${words.emailReceipts[choice]}
          </label>`,
        )}
        <p>
          <label for="extra_text">${words.extraText}</label>
          <textarea id="extra_text" rows="3" maxlength="500" onInput=${set("extra_text")} value=${form.extra_text}></textarea>
        </p>
      </fieldset>
      <p><button type="submit" disabled=${busy}>${words.save}</button></p>
    </form>
    ${saved && html`<p role="status">${words.saved}</p>`}
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
  `;
}
