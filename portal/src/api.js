// The billing API as the portal calls it: the session's bearer kept in memory only (never stored), one
// Idempotency-Key per user action (a double click or a retry charges nothing twice), and every failure
// turned into an ApiError carrying the API's problem code (or "network_error").

export class ApiError extends Error {
  constructor(code, status, detail) {
    super(detail || code);
    this.code = code;
    this.status = status;
  }
}

export class Api {
  constructor(base) {
    this.base = base; // a promise: the configuration says where the API is
    this.secret = null;
  }

  async open(token) {
    const opened = await this.call("POST", "/portal/session", { body: { token }, anonymous: true });
    this.secret = opened.secret;
    return opened;
  }

  // A CSV (or any text) the API answers to its Accept header.
  async text(path, params) {
    return this.call("GET", path, { params, accept: "text/csv", raw: true });
  }

  async call(method, path, { body, params, idempotencyKey, anonymous, accept, raw } = {}) {
    const url = new URL((await this.base) + path, window.location.href);
    for (const [name, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, value);
    }
    const headers = { Accept: accept || "application/json" };
    if (!anonymous) headers.Authorization = `Bearer ${this.secret}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let answer;
    try {
      answer = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError("network_error", 0);
    }
    if (answer.status === 204) return null;
    if (raw && answer.ok) return answer.text();
    let payload = null;
    try {
      payload = await answer.json();
    } catch {
      payload = null;
    }
    if (!answer.ok) {
      // Any 401 means the session is over (ended, idle an hour, or its key revoked): the gateway says no more.
      const code = answer.status === 401 ? "session_ended" : (payload && payload.code) || "server_error";
      throw new ApiError(code, answer.status, payload && payload.detail);
    }
    return payload;
  }
}

export function newActionKey() {
  return crypto.randomUUID();
}
