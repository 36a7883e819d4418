import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";
import { planName, priceWithProduct } from "./catalog.js";

const html = htm.bind(h);

export function Overview({ api, account, words, locale, format }) {
  const [subscriptions, setSubscriptions] = useState(null);
  const [estimates, setEstimates] = useState({});
  const [failure, setFailure] = useState(null);

  useEffect(() => {
    (async () => {
      const listed = await api.call("GET", "/v1/subscriptions", { params: { account: account.id } });
      const current = listed.data.filter((s) => !s.ended_at);
      for (const subscription of current) {
        subscription.prices = await Promise.all(subscription.items.map((item) => priceWithProduct(api, item.price)));
      }
      setSubscriptions(current);
      // The next invoice's estimate: the current period's cost projected to its end (recurring and usage)
      const forecast = await api.call("GET", `/v1/accounts/${account.id}/forecast`);
      setEstimates(Object.fromEntries(forecast.subscriptions.map((each) => [each.subscription, each])));
    })().catch(setFailure);
  }, [account.id]);

  if (failure) return html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`;
  if (!subscriptions) return html`<p aria-busy="true">${words.loading}</p>`;
  return html`
    <h1>${words.overview}</h1>
    ${subscriptions.length === 0 && html`<p>${words.noSubscription}</p>`}
    ${subscriptions.map(
      (subscription) => html`
        <section class="card" aria-labelledby=${`plan-${subscription.id}`}>
          ${subscription.items.map(
            (item, n) => html`
              <h2 id=${n === 0 ? `plan-${subscription.id}` : null}>${planName(subscription.prices[n])}</h2>
              <p>${words.quantity} : ${item.quantity}</p>
            `,
          )}
          <dl>
            <dt>${words.status}</dt>
            <dd>${words.statuses[subscription.status] || subscription.status}</dd>
            ${subscription.trial_end &&
            html`<dt>${words.trialEnd}</dt>
              <dd>${format.date(subscription.trial_end)}</dd>`}
            <dt>${words.periodEnd}</dt>
            <dd>${format.date(subscription.current_period_end)}</dd>
            ${estimates[subscription.id] &&
            html`<dt>${words.nextInvoice}</dt>
              <dd>
                ${format.money(estimates[subscription.id].cost.linear.including_tax, estimates[subscription.id].currency)}
              </dd>`}
          </dl>
          ${!subscription.managed_by &&
          html`<a class="button" href=${`#/plan/${subscription.id}`}>${words.changePlan}</a>`}
        </section>
      `,
    )}
  `;
}
