// What every browser test needs: the local backend as `make run` starts it (its own process, free port),
// a customer seeded through the API by local/portal_customer.py, headless Chromium (Debian's, driven by
// playwright-core), screenshots under e2e/screenshots/ and an axe-core check of each page shown.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "..", "..");
const PYTHON = process.env.BILLING_PYTHON || join(ROOT, ".venv", "bin", "python");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const OPERATOR_KEY = "bk_portal-browser-tests-operator-key";
export const SCREENSHOTS = join(here, "screenshots");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
export const axeSummary = [];

function freePort() {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

export async function startBackend() {
  const port = await freePort();
  const env = { ...process.env, BILLING_PORT: String(port), BILLING_OPERATOR_KEY: OPERATOR_KEY };
  delete env.AWS_ENDPOINT_URL; // its own emulators, as on a newcomer's machine
  const child = spawn(PYTHON, ["-m", "local.run"], { cwd: ROOT, env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/_local/endpoints`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error("make run's backend stopped");
    if (Date.now() > deadline) throw new Error("make run's backend did not start in 60 s");
    await new Promise((wait) => setTimeout(wait, 300));
  }
  return {
    url,
    env,
    stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once("exit", done), child.kill("SIGTERM")))),
  };
}

export function seedCustomer(backend, story = "cloudcraft") {
  const script = "local.portal_customer";
  const args = ["-m", script, "--story", story, "--json", "--url", backend.url, "--key", OPERATOR_KEY];
  const seeded = spawnSync(PYTHON, args, {
    cwd: ROOT,
    env: backend.env,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (seeded.status !== 0) throw new Error(`${script} failed:\n${seeded.stdout}\n${seeded.stderr}`);
  return JSON.parse(seeded.stdout.split("\n").find((line) => line.startsWith("{")));
}

// The backend's clock (make run's /_local/clock): renewals and dunning happen when it passes their time.
export async function advanceClock(backend, isoInstant) {
  const answer = await fetch(`${backend.url}/_local/clock`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ advance_to: isoInstant }),
  });
  if (!answer.ok) throw new Error(`clock: ${answer.status} ${await answer.text()}`);
}

// The API as the seller's back office reads it (operator key), to check what the portal did.
export async function apiGet(backend, path) {
  const answer = await apiCall(backend, "GET", path);
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

// Any call with a given bearer (the operator's by default): its raw answer.
export function apiCall(backend, method, path, body, bearer = OPERATOR_KEY) {
  return fetch(`${backend.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// A new portal link for the account, as the seller's server would ask for it (here with the operator key).
export async function newPortalLink(backend, account, locale = "fr") {
  const answer = await fetch(`${backend.url}/v1/portal_sessions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${OPERATOR_KEY}` },
    body: JSON.stringify({ account, locale }),
  });
  if (answer.status !== 201) throw new Error(`portal session: ${answer.status} ${await answer.text()}`);
  return (await answer.json()).url;
}

export async function openBrowser() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

export async function screenshot(page, name) {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// axe runs through the DevTools protocol (page.evaluate), which the page's CSP does not restrict.
export async function checkAccessibility(page, label, exclude = []) {
  await page.evaluate(AXE);
  const results = await page.evaluate(
    (excluded) => window.axe.run({ exclude: excluded.map((selector) => [selector]) }, { resultTypes: ["violations"] }),
    exclude,
  );
  const grave = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  axeSummary.push({
    page: label,
    violations: results.violations.length,
    serious_or_critical: grave.length,
    ...(results.violations.length ? { minor: results.violations.map((v) => `${v.id} (${v.impact})`) } : {}),
  });
  return grave.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

// One backend and one Chromium per test file, started before its tests and stopped after them; the file's
// axe summary is printed at the end. Tests read `world.backend` and `world.browser`.
export function backendAndBrowser() {
  const world = { backend: null, browser: null };
  before(async () => {
    world.backend = await startBackend();
    world.browser = await openBrowser();
  });
  after(async () => {
    await world.browser?.close();
    await world.backend?.stop();
    console.log(`axe: ${JSON.stringify(axeSummary)}`);
  });
  return world;
}
