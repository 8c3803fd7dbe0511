# Hearth — the two commands a newcomer runs are `make run` and `make test`. Every step installs what it
# needs and is idempotent; nothing has to be installed by hand on a machine with Rust (rustup), Node.js/npm,
# PostgreSQL and Redis (or their Debian packages).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_LEPTOS_VERSION := 0.3.11
WASM_BINDGEN_VERSION := 0.2.130
NODE_BIN := $(CURDIR)/e2e/node_modules/.bin
CARGO_BIN := $(HOME)/.cargo/bin

# wasm-opt from npm (binaryen 132) must come before any Debian binaryen (see README, "Build").
export PATH := $(NODE_BIN):$(CARGO_BIN):$(PATH)
export LEPTOS_OUTPUT_NAME := hearth
export CARGO_LEPTOS_VERSION WASM_BINDGEN_VERSION

SERVICES_ENV := .hearth/services.env
WITH_SERVICES := set -a; . $(SERVICES_ENV); set +a;

.PHONY: help run test bench build tools node chromium wrk services lint unit e2e schema clean-services

help:
	@echo "make run    install what is missing, start PostgreSQL/Redis if needed, seed a demo, serve on http://127.0.0.1:3000"
	@echo "make test   fmt, clippy, unit + integration tests (PostgreSQL, Redis, SMTP), browser tests (Chromium)"
	@echo "make bench  release build under load: latency of the home page, cold start, bundle size"

## ---- the two commands -------------------------------------------------------------------------------

run: build services
	@$(WITH_SERVICES) target/release/hearth seed-demo
	@echo "Hearth on http://127.0.0.1:3000 — log in as ada_admin (password lumen-demo-2026); Ctrl-C stops it."
	@$(WITH_SERVICES) exec target/release/hearth serve

test: tools chromium services lint unit build e2e
	@echo "All tests passed."

bench: build services wrk
	@$(WITH_SERVICES) .ci/bench.sh

## ---- steps ------------------------------------------------------------------------------------------

tools: node
	@.ci/install-tools.sh

node: e2e/node_modules/.installed

e2e/node_modules/.installed: e2e/package.json e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || .ci/apt-install.sh chromium

wrk:
	@command -v wrk >/dev/null 2>&1 || .ci/apt-install.sh wrk

services:
	@.ci/services.sh

build: tools
	@test -x target/release/hearth || echo "[build] the first release build of Hearth takes about 15 minutes on two cores (later ones a minute or two)"
	cargo leptos build --release

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

unit: services
	@$(WITH_SERVICES) TEST_DATABASE_URL="$$DATABASE_URL" TEST_REDIS_URL="$$REDIS_URL" cargo test --workspace

e2e: services
	@.ci/e2e.sh

# Regenerates server/domain/src/schema.rs from a scratch database (needs diesel_cli with postgres).
schema: services
	@command -v diesel >/dev/null || cargo install diesel_cli --version 2.3.4 --no-default-features --features postgres --locked
	@$(WITH_SERVICES) url=$$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(u.urlunparse(p._replace(path="/hearth_schema")))' "$$DATABASE_URL"); \
	  diesel database reset --database-url "$$url" --migration-dir migrations >/dev/null; \
	  diesel print-schema --database-url "$$url" > server/domain/src/schema.rs; \
	  diesel database drop --database-url "$$url" >/dev/null
	@echo "server/domain/src/schema.rs regenerated"

# Stops a throwaway PostgreSQL/Redis started by `make run` (when none was running).
clean-services:
	@.ci/services.sh --stop
