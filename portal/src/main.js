// The customer billing portal: opened by a portal session's one-time link, it exchanges the link's token for
// a session bearer kept in memory, then shows the account's subscription, plan changes (previewed before
// they are confirmed) and billing history. Preact + htm: no JSX step, a few kilobytes.
import { h, render } from "preact";
import { useEffect, useState } from "preact/hooks";
import htm from "htm";

import { Api } from "./api.js";
import { portalConfig } from "./config.js";
import { errorSentence, formatters, messages } from "./i18n.js";
import { Methods } from "./pages/methods.js";
import { Overview } from "./pages/overview.js";
import { ChangePlan } from "./pages/change_plan.js";
import { History } from "./pages/history.js";
import { Invoice } from "./pages/invoice.js";
import { Payments } from "./pages/payments.js";
import { Profile } from "./pages/profile.js";
import { Usage } from "./pages/usage.js";

const html = htm.bind(h);
const api = new Api(portalConfig().then((config) => config.api || ""));

function readLoginToken() {
  const match = /(?:^#|&)session=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  // The token is one-time: out of the address bar (and the history) at once.
  window.history.replaceState(null, "", window.location.pathname + "#/overview");
  return decodeURIComponent(match[1]);
}

function currentRoute() {
  const [page, ...rest] = window.location.hash.replace(/^#\//, "").split("/");
  return { page: page || "overview", args: rest };
}

function App({ firstToken }) {
  const [token, setToken] = useState(firstToken);
  const [session, setSession] = useState(null);
  const [account, setAccount] = useState(null);
  const [failure, setFailure] = useState(firstToken ? null : { code: "portal_link_invalid" });
  const [route, setRoute] = useState(currentRoute());
  const locale = (session && session.locale) || document.documentElement.lang || "fr";
  const words = messages(locale);

  useEffect(() => {
    const follow = () => {
      const newToken = readLoginToken(); // a new link opened in this tab: a new session
      if (newToken) {
        setSession(null);
        setFailure(null);
        setToken(newToken);
      }
      setRoute(currentRoute());
    };
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  useEffect(() => {
    if (!token) return;
    api
      .open(token)
      .then(async (opened) => {
        document.documentElement.lang = opened.locale;
        setSession(opened);
        setAccount(await api.call("GET", `/v1/accounts/${opened.account}`));
      })
      .catch(setFailure);
  }, [token]);
  useEffect(() => {
    document.title = words.title;
  }, [locale]);

  if (failure && !session) {
    return html`<main class="page"><h1>${words.title}</h1><p role="alert" class="error">${errorSentence(locale, failure)}</p></main>`;
  }
  if (!session || !account) {
    return html`<main class="page" aria-busy="true"><p>${words.loading}</p></main>`;
  }
  const context = { api, session, account, words, locale, format: formatters(locale) };
  const signOut = async () => {
    try {
      await api.call("DELETE", `/v1/accounts/${session.account}/portal_sessions/${session.id}`);
    } finally {
      window.location.replace(session.return_url || "about:blank");
    }
  };
  let page = html`<${Overview} ...${context} />`;
  if (route.page === "plan" && route.args[0]) page = html`<${ChangePlan} ...${context} subscriptionId=${route.args[0]} />`;
  if (route.page === "history") page = html`<${History} ...${context} />`;
  if (route.page === "invoice" && route.args[0]) page = html`<${Invoice} ...${context} invoiceId=${route.args[0]} />`;
  if (route.page === "payments") page = html`<${Payments} ...${context} onAccountChanged=${setAccount} />`;
  if (route.page === "usage") page = html`<${Usage} ...${context} />`;
  if (route.page === "methods") page = html`<${Methods} ...${context} />`;
  if (route.page === "profile") page = html`<${Profile} ...${context} onSaved=${setAccount} />`;
  return html`
    <header class="bar">
      <p class="account">${account.legal_name}</p>
      <nav aria-label=${words.title}>
        <a href="#/overview" aria-current=${route.page === "overview" ? "page" : null}>${words.overview}</a>
        <a href="#/payments" aria-current=${route.page === "payments" ? "page" : null}>${words.payments}</a>
        <a href="#/methods" aria-current=${route.page === "methods" ? "page" : null}>${words.paymentMethods}</a>
        <a href="#/usage" aria-current=${route.page === "usage" ? "page" : null}>${words.usage}</a>
        <a href="#/history" aria-current=${route.page === "history" ? "page" : null}>${words.history}</a>
        <a href="#/profile" aria-current=${route.page === "profile" ? "page" : null}>${words.profile}</a>
      </nav>
      <div class="actions">
        ${session.return_url && html`<a href=${session.return_url}>${words.back}</a>`}
        <button type="button" class="link" onClick=${signOut}>${words.signOut}</button>
      </div>
    </header>
    <main class="page" id="main">
      ${account.status && account.status !== "active" && html`<${StatusBanner} status=${account.status} words=${words} />`}
      ${page}
    </main>
  `;
}

function StatusBanner({ status, words }) {
  const text = status === "suspended" ? words.suspended : words.restricted;
  return html`<div class="banner" role="status">${text} <a href="#/payments">${words.payNow}</a></div>`;
}

render(html`<${App} firstToken=${readLoginToken()} />`, document.getElementById("portal"));
