# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)

export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
# jsii 1.142 calls Node 20 end-of-life; it still works, and Node 20 is what these machines have.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export UV_PYTHON_DOWNLOADS := never
# Bytecode is written as modules are first imported: a machine that sets PYTHONDONTWRITEBYTECODE (these do)
# had every Python process (each test worker, each local Lambda container) compile botocore, pydantic,
# Powertools and reportlab from source again, about 2 s of CPU each (1 s with bytecode).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run portal chromium e2e stories costs marketplace einvoices webhooks test test-moto test-localstack localstack localstack-stop \
	lint types contracts pytest soak synth bench docs lock clean

install: $(STAMP)

$(STAMP): requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements/dev.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

run: install portal
	$(BIN)/python -m local.run

# The customer billing portal (portal/): npm packages once per lock file, then one esbuild bundle (~0.2 s).
PORTAL_STAMP := portal/node_modules/.installed-$(shell cat portal/package-lock.json | cksum | cut -d' ' -f1)
portal: $(PORTAL_STAMP)
	cd portal && node build.mjs

$(PORTAL_STAMP): portal/package-lock.json
	cd portal && npm ci --no-audit --no-fund --silent
	rm -f portal/node_modules/.installed-* && touch $@

# Browser tests of the portal: Debian's Chromium (installed here if missing) driven by playwright-core,
# against a backend started as `make run` starts it; screenshots in portal/e2e/screenshots/.
# Two test files at a time, each with its own backend and browser on free ports: a test mostly waits on
# its backend, and two at once took 2 minutes here where one at a time took 3.
# Debian's Chromium: the browser tests drive it, and the bench prints our PDF beside its printToPDF.
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

e2e: install portal chromium
	cd portal && BILLING_PYTHON=$(CURDIR)/$(BIN)/python CHROMIUM=$$(command -v chromium) \
		node --test --test-concurrency=2 --test-reporter=spec e2e/

# With `make run` going (same BILLING_OPERATOR_KEY): replays four sellers' stories, printing their amounts.
stories: install
	$(BIN)/python -m local.replay_seed_stories

# With `make run` going: an account's usage, forecast, budget alerts and chargeback by team, through HTTP only.
costs: install
	$(BIN)/python -m local.cost_management_tour

# With `make run` going: an AWS Marketplace purchase played end to end (registration, notices, upgrade, end).
marketplace: install
	$(BIN)/python -m local.marketplace_tour

# With `make run` going: the audited documents as Factur-X, each checked offline; a void; a Chorus Pro deposit.
einvoices: install
	$(BIN)/python -m local.einvoicing_tour

# With `make run` going: a local receiver gets the events of a renewal and two card payments, verified.
webhooks: install
	$(BIN)/python -m local.receive_webhooks

test: lint types contracts pytest e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m vulture layers functions infra local --min-confidence 80

types: install
	$(BIN)/mypy layers/common/billing functions infra local

contracts: install
	$(BIN)/lint-imports

# Three sessions. The fast tiers (unit, scenarios, functional: no socket, no emulator) carry the branch
# coverage gate on their own, and run while LocalStack installs and starts (local/localstack.py, which
# mostly waits on one core). The tiers that need AWS run on LocalStack (stopped after), then the AWS-facing
# ones again on moto, which `make run` uses; each on two workers (pytest-xdist), a file's tests on one
# worker, the longest files handed out first (tests/conftest.py: LONGEST_FIRST). The last prints both runs'
# figures per suite.
FAST_TIERS := tests/unit tests/scenarios tests/functional
AWS_TIERS := tests/contracts tests/integration
# Each session also adds its reliability properties (tests/properties.py) to one table, printed whole last.
SUITES := BILLING_SUITE_REPORT=.localstack/suites.jsonl BILLING_PROPERTY_REPORT=.localstack/properties.jsonl
pytest: install portal
	mkdir -p .localstack && rm -f .localstack/suites.jsonl .localstack/properties.jsonl
	$(SUITES) $(BIN)/python -m local.localstack run --meanwhile "env -u BILLING_SUITE_REPORT \
		$(BIN)/pytest -q $(FAST_TIERS) --cov --cov-report=term:skip-covered --cov-fail-under=90" -- \
		$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=5 $(AWS_TIERS) tests/infra
	$(SUITES) $(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=5 $(AWS_TIERS)

# The reliability properties at larger budgets (tests/budgets.py: 200 model-based sequences, 100 generated
# requests per operation), then `make run`'s backend under SOAK_MINUTES of mixed traffic (local/soak.py),
# sampled each minute; one property table for all of it at the end.
SOAK_MINUTES ?= 10
SOAK := BILLING_SOAK=1 BILLING_PROPERTY_REPORT=.localstack/soak-properties.jsonl
soak: install portal
	mkdir -p .localstack && rm -f .localstack/soak-properties.jsonl
	$(SOAK) $(BIN)/pytest -q -p no:cacheprovider tests/functional/test_model_based.py
	$(SOAK) $(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder tests/integration/test_schemathesis.py \
		tests/integration/test_concurrent_http.py tests/integration/test_idempotency.py tests/integration/test_faults.py \
		tests/integration/test_fault_renewals.py
	$(SOAK) $(BIN)/python -m local.soak --minutes $(SOAK_MINUTES)

# The AWS tiers on one emulator only.
test-moto: install
	$(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=5 $(AWS_TIERS) tests/infra

test-localstack: install
	$(BIN)/python -m local.localstack run -- $(BIN)/pytest -q -n 2 --dist loadfile --no-loadscope-reorder --durations=5 $(AWS_TIERS) tests/infra

# LocalStack without Docker on 127.0.0.1:4566 (`make run` uses it with BILLING_AWS_ENDPOINT), and its stop.
localstack: install
	$(BIN)/python -m local.localstack start

localstack-stop: install
	$(BIN)/python -m local.localstack stop

synth: install portal
	$(BIN)/python -m infra.app

# docs/events.md and docs/errors.md from the catalogues in code (a test fails when they are stale).
docs: install
	$(BIN)/python -m infra.catalogues

bench: install portal chromium
	PYTHONPATH=. $(BIN)/python -m benchmarks.run

# Re-pin after editing requirements/*.in (the layer is pinned for Lambda's python3.13 on arm64).
lock: install
	$(BIN)/uv pip compile -q --python-version 3.11 requirements/dev.in -o requirements/dev.lock
	$(BIN)/uv pip compile -q --python-version 3.13 --python-platform aarch64-manylinux_2_28 \
		requirements/runtime.in -o requirements/layer.lock

clean:
	rm -rf $(VENV) cdk.out .mypy_cache .ruff_cache .pytest_cache .localstack portal/node_modules portal/dist
