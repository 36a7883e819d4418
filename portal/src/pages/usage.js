import { h } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { errorSentence } from "../i18n.js";

const html = htm.bind(h);

// The account's today, from the server's clock (the forecast's instant) in the account's time zone.
function dayOf(instant, timeZone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone || "Europe/Paris" }).format(new Date(instant));
}

// Azure's cost views: daily usage and cost per meter for a chosen range (the account's days), as a chart
// (with the same figures in a table, for screen readers and keyboards), a CSV download, and where the
// month is heading (the forecast).
export function Usage({ api, account, words, locale, format }) {
  const [range, setRange] = useState(null);
  const [groupBy, setGroupBy] = useState("meter");
  const [tagKeys, setTagKeys] = useState([]);
  const [budgets, setBudgets] = useState([]);
  const [summary, setSummary] = useState(null);
  const [forecast, setForecast] = useState(null);
  const [failure, setFailure] = useState(null);
  const path = `/v1/accounts/${account.id}/usage_summaries`;

  useEffect(() => {
    // The tag keys the account's subscriptions carry (the keys its usage events are tagged with too: no API
    // lists the keys of events), and its budgets
    api
      .call("GET", "/v1/subscriptions", { params: { account: account.id, limit: 100 } })
      .then((listed) => setTagKeys([...new Set(listed.data.flatMap((s) => Object.keys(s.tags || {})))].sort()))
      .catch(setFailure);
    api
      .call("GET", `/v1/accounts/${account.id}/budgets`)
      .then((listed) => setBudgets(listed.data))
      .catch(setFailure);
    api
      .call("GET", `/v1/accounts/${account.id}/forecast`)
      .then((ahead) => {
        setForecast(ahead);
        const today = dayOf(ahead.at, account.time_zone);
        setRange({ from: `${today.slice(0, 8)}01`, to: today });
      })
      .catch(setFailure);
  }, [account.id]);
  useEffect(() => {
    if (!range) return;
    setFailure(null);
    api
      .call("GET", path, { params: { from: range.from, to: range.to, granularity: "day", group_by: groupBy } })
      .then(setSummary)
      .catch(setFailure);
  }, [account.id, range && range.from, range && range.to, groupBy]);

  if (!range) {
    return failure
      ? html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`
      : html`<p aria-busy="true">${words.loading}</p>`;
  }

  const download = async () => {
    try {
      const csv = await api.text(path, { from: range.from, to: range.to, granularity: "day", group_by: groupBy });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      link.download = `usage-${range.from}-${range.to}.csv`;
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) {
      setFailure(error);
    }
  };
  const changed = (field) => (event) => setRange({ ...range, [field]: event.currentTarget.value });

  const rows = (summary && summary.data) || [];
  // Crossings read <month>:<basis>:<percent>; the month is the account's current one.
  const crossedThisMonth = (budget) => budget.crossed.filter((c) => c.startsWith(range.to.slice(0, 7)));
  // People read the price's name ("Heures de calcul"), not the meter's event name.
  const meterNames = {};
  for (const each of (forecast && forecast.subscriptions) || []) {
    for (const item of each.items) if (item.meter) meterNames[item.meter] = item.name;
  }
  const days = [...new Set(rows.map((row) => row.period))].sort();
  const perDay = days.map((day) => rows.filter((row) => row.period === day).reduce((sum, row) => sum + row.cost, 0));
  const currency = (rows[0] && rows[0].currency) || "EUR";
  const highest = Math.max(1, ...perDay);
  return html`
    <h1>${words.usage}</h1>
    <form class="range" onSubmit=${(event) => event.preventDefault()}>
      <label>${words.from} <input type="date" value=${range.from} max=${range.to} onChange=${changed("from")} /></label>
      <label>${words.to} <input type="date" value=${range.to} min=${range.from} onChange=${changed("to")} /></label>
      ${tagKeys.length > 0 &&
      html`<label
        >${words.groupBy}
        <select value=${groupBy} onChange=${(event) => setGroupBy(event.currentTarget.value)}>
          <option value="meter">${words.meter}</option>
          ${tagKeys.map((key) => html`<option value=${`tag:${key}`}>${words.tag} « ${key} »</option>`)}
        </select></label
      >`}
      <button type="button" onClick=${download}>${words.downloadCsv}</button>
    </form>
    ${failure && html`<p role="alert" class="error">${errorSentence(locale, failure)}</p>`}
    ${summary && rows.length === 0 && html`<p>${words.noUsage}</p>`}
    ${rows.length > 0 &&
    html`<figure>
        <svg
          class="chart"
          viewBox=${`0 0 ${days.length * 24} 100`}
          preserveAspectRatio="none"
          role="img"
          aria-label=${words.usageChart}
        >
          ${perDay.map(
            (cost, n) => html`<rect x=${n * 24 + 4} y=${100 - (cost / highest) * 96} width="16" height=${(cost / highest) * 96} />`,
          )}
        </svg>
        <figcaption>${words.usageChart}</figcaption>
      </figure>
      <table>
        <thead>
          <tr>
            <th scope="col">${words.date}</th>
            <th scope="col">${groupBy === "meter" ? words.meter : words.tag}</th>
            <th scope="col" class="amount">${words.quantity}</th>
            <th scope="col" class="amount">${words.cost}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row) => html`<tr>
              <td>${format.date(`${row.period}T12:00:00Z`)}</td>
              <td>
                ${groupBy === "meter"
                  ? meterNames[row.meter] || row.meter
                  : (row.tag && Object.values(row.tag)[0]) || words.untagged}
              </td>
              <td class="amount">${row.quantity}</td>
              <td class="amount">${format.money(row.cost, row.currency || currency)}</td>
            </tr>`,
          )}
        </tbody>
      </table>`}
    ${budgets.length > 0 &&
    html`<section class="card" aria-labelledby="budgets-title">
      <h2 id="budgets-title">${words.budgets}</h2>
      <ul>
        ${budgets.map(
          (budget) => html`<li>
            <strong>${budget.name}</strong>
            ${` : ${budget.amount === null ? budget.quantity : format.money(budget.amount, budget.currency)} ${words.perMonth}`}
            ${crossedThisMonth(budget).length > 0 &&
            html` — ${words.crossed} ${crossedThisMonth(budget).map((c) => `${c.split(":")[2]} %`).join(", ")}`}
          </li>`,
        )}
      </ul>
    </section>`}
    ${forecast &&
    forecast.subscriptions.length > 0 &&
    html`<section class="card" aria-labelledby="forecast-title">
      <h2 id="forecast-title">${words.forecast}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">${words.periodEnd}</th>
            <th scope="col" class="amount">${words.toDate}</th>
            <th scope="col" class="amount">${words.projected}</th>
          </tr>
        </thead>
        <tbody>
          ${forecast.subscriptions.map(
            (each) => html`<tr>
              <td>${format.date(each.period_end)}</td>
              <td class="amount">${format.money(each.cost.to_date.including_tax, each.currency)}</td>
              <td class="amount">${format.money(each.cost.linear.including_tax, each.currency)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`}
  `;
}
