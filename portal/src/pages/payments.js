import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { newActionKey } from "../api.js";
import { errorSentence, toMinorUnits } from "../i18n.js";

const html = htm.bind(h);

// IBM Cloud's "one-time payment of any amount" and alwaysdata's "top up the account": the saved card is
// charged once per submitted form (its Idempotency-Key is kept until the payment is done, so a retry
// after a network failure cannot charge twice), then the balance is read again.
export function Payments({ api, account, words, locale, format, onAccountChanged }) {
  const [balance, setBalance] = useState(null);
  const [method, setMethod] = useState(undefined);
  const [purpose, setPurpose] = useState("one_time");
  const [amount, setAmount] = useState("");
  const [actionKey, setActionKey] = useState(null);
  const [busy, setBusy] = useState(false);
  const [paid, setPaid] = useState(null);
  const [failure, setFailure] = useState(null);

  const load = async () => {
    const [found, methods] = await Promise.all([
      api.call("GET", `/v1/accounts/${account.id}/balance`),
      api.call("GET", `/v1/accounts/${account.id}/payment_methods`),
    ]);
    setBalance(found);
    setMethod(methods.data.find((each) => each.default) || null);
  };
  useEffect(() => {
    load().catch(setFailure);
  }, [account.id]);

  if (!balance && !failure) return html`<p aria-busy="true">${words.loading}</p>`;
  const currency = (balance && balance.currency) || "EUR";
  const pay = async (event) => {
    event.preventDefault();
    setFailure(null);
    setPaid(null);
    const minor = toMinorUnits(amount, currency);
    if (!minor) {
      setFailure({ code: "invalid_amount" });
      return;
    }
    const key = actionKey || newActionKey();
    setActionKey(key);
    setBusy(true);
    try {
      const body = { amount: minor, currency };
      const payment =
        purpose === "top_up"
          ? await api.call("POST", `/v1/accounts/${account.id}/top_ups`, { body, idempotencyKey: key })
          : await api.call("POST", "/v1/payments", { body: { ...body, account: account.id }, idempotencyKey: key });
      setActionKey(null);
      setAmount("");
      setPaid(payment);
      await load();
      // Paying what was overdue lifts a restriction: the banner follows the account's status.
      onAccountChanged(await api.call("GET", `/v1/accounts/${account.id}`));
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  const edited = (setter) => (event) => {
    setter(event.currentTarget.value);
    setActionKey(null); // another amount or purpose is another payment
  };

  return html`
    <h1>${words.payments}</h1>
    ${balance &&
    html`<section class="card" aria-labelledby="balance-title">
      <h2 id="balance-title">${words.balance}</h2>
      <dl>
        <dt>${words.amountOwed}</dt>
        <dd data-testid="amount-owed">${format.money(balance.amount_owed, currency)}</dd>
        <dt>${words.creditAvailable}</dt>
        <dd data-testid="credit-available">${format.money(balance.credit_available, currency)}</dd>
        <dt>${words.paymentMethod}</dt>
        <dd>${method ? method.label || `${method.brand} •••• ${method.last4}` : words.noMethod}</dd>
      </dl>
    </section>`}
    <form onSubmit=${pay} aria-labelledby="pay-title">
      <h2 id="pay-title">${words.makePayment}</h2>
      <fieldset disabled=${busy}>
        <legend>${words.paymentPurpose}</legend>
        <label class="choice">
          <input type="radio" name="purpose" value="one_time" checked=${purpose === "one_time"} onChange=${edited(setPurpose)} />
          ${words.oneTime}
        </label>
        <label class="choice">
          <input type="radio" name="purpose" value="top_up" checked=${purpose === "top_up"} onChange=${edited(setPurpose)} />
          ${words.topUp}
        </label>
      </fieldset>
      <label for="amount">${words.amount} (${currency})</label>
      <input id="amount" inputmode="decimal" autocomplete="off" value=${amount} disabled=${busy} onInput=${edited(setAmount)} />
      <p><button type="submit" disabled=${busy || !method}>${words.pay}</button></p>
    </form>
    ${paid &&
    html`<p role="status">${words.paymentDone(format.money(paid.amount, paid.currency), paid.method_label || "")}</p>`}
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
  `;
}
