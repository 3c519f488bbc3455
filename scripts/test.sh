#!/usr/bin/env bash
# The README's test command: installs what is missing, then runs every test.
#  0. Formatting and lints (clippy with warnings denied), for the server build and the WASM build.
#  1. Rust unit and integration tests per crate with the server features (never ssr + hydrate).
#  2. The WASM build's dependency tree must hold no server crate.
#  3. Builds the site with cargo-leptos, starts the real server on a fresh in-memory database,
#     and runs the Playwright tests in Debian's headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-tools.sh

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

echo "== Format and lints"
cargo fmt --all --check
# Two feature sets, never one build with both `ssr` and `hydrate`: the server's crates (with the
# benchmarks and test fixtures), then the browser's.
cargo clippy -p model -p engine -p app -p server -p bench -p fake-openai -p smtp-sink --all-targets -- -D warnings
cargo clippy -p frontend -p app --target wasm32-unknown-unknown -- -D warnings

echo "== Rust tests"
cargo test -p model -p engine -p app -p server 2>&1 | tee "$LOG"

echo "== WASM dependency tree"
heavy=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal \
  | grep -oE '\b(surrealdb|argon2|async-openai|jsonwebtoken|axum|tokio-tungstenite)( v[0-9.]+)' | sort -u || true)
if [ -n "$heavy" ]; then
  echo "The WASM build pulls server-only crates:"; echo "$heavy"; exit 1
fi
echo "ok: no server crates in the WASM build"

echo "== Build the site (server + WASM bundle)"
cargo leptos build

echo "== End-to-end tests in headless Chromium"
PORT="${E2E_PORT:-8765}"
SERVER_LOG=$(mktemp)
# A real SMTP server for the shop's mail; the tests read what it received from E2E_MAIL_DIR.
export E2E_MAIL_DIR
E2E_MAIL_DIR=$(mktemp -d)
SINK_LOG=$(mktemp)
"$TOOLS_DIR/venv/bin/python" testing/smtp-sink/smtp_sink.py "$E2E_MAIL_DIR" > "$SINK_LOG" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 100); do grep -q '^listening ' "$SINK_LOG" && break; sleep 0.1; done
SMTP_PORT=$(awk '/^listening /{print $2; exit}' "$SINK_LOG")
[ -n "$SMTP_PORT" ] || { echo "the SMTP sink did not start:"; cat "$SINK_LOG"; exit 1; }
# The admin's credentials are shared with the tests (the dashboard test signs in with them).
export E2E_ADMIN_EMAIL=admin@waypoint.test E2E_ADMIN_PASSWORD=e2e-admin-password
SURREAL_URL=mem:// AUTO_SEED=true LOG_LEVEL=warn \
  ADMIN_EMAIL="$E2E_ADMIN_EMAIL" ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" DEMO_PASSWORD=e2e-demo-password \
  LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_ENV=DEV \
  SMTP_URL="smtp://127.0.0.1:$SMTP_PORT?tls=none" PUBLIC_URL="http://127.0.0.1:$PORT" MAIL_RETRY_FIRST_MS=200 \
  REGISTRATIONS_PER_HOUR=1000 \
  RATE_LIMIT_PER_MINUTE=100000 SERVER_FN_RATE_LIMIT_PER_MINUTE=100000 PAGE_RATE_LIMIT_PER_MINUTE=100000 \
  "${CARGO_TARGET_DIR:-target}/debug/server" > "$SERVER_LOG" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID $SINK_PID 2>/dev/null || true; rm -rf "$LOG" "$E2E_MAIL_DIR" "$SINK_LOG"' EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/ready" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "server exited:"; cat "$SERVER_LOG"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/ready" > /dev/null || { echo "server not ready:"; cat "$SERVER_LOG"; exit 1; }
set +e
RESULTS="$PWD/end2end/test-results/results.json"
rm -f "$RESULTS"
(cd end2end && BASE_URL="http://127.0.0.1:$PORT" PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS" \
  npx playwright test --reporter=list,json)
E2E=$?
set -e
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
kill -TERM "$SINK_PID" 2>/dev/null || true
if [ "$E2E" -ne 0 ]; then echo "server log:"; tail -50 "$SERVER_LOG"; fi
rm -f "$SERVER_LOG"

# One closing line for the whole run.
passed=$(grep -oE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOG" | awk '{s+=$4} END {print s+0}')
failed=$(grep -oE '[0-9]+ failed;' "$LOG" | awk '{s+=$1} END {print s+0}')
e2e_count() { node -e "try{const s=require('$RESULTS').stats;console.log(s['$1']||0)}catch(e){console.log(0)}"; }
e2e_passed=$(e2e_count expected)
e2e_failed=$(( $(e2e_count unexpected) + $(e2e_count flaky) ))
total_passed=$((passed + e2e_passed)); total_failed=$((failed + e2e_failed))
[ "$E2E" -ne 0 ] && [ "$total_failed" -eq 0 ] && total_failed=1
echo "$total_passed passed, $total_failed failed"
[ "$E2E" -eq 0 ]
