#!/usr/bin/env bash
# Installs everything the README's run and test commands need, and nothing twice.
# Idempotent: each step checks first. Safe to run on a fresh machine (root or sudo for apt).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/shop-tools}"
CARGO_LEPTOS_VERSION=0.3.10
# The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}
BINARYEN_VERSION=132

log() { printf '[install] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The test command checks formatting and lints; the toolchain's default profile has both.
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    log "adding the $component component"
    rustup component add "$component"
  fi
done

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 11 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # No --locked: one of its locked dependencies is no longer on the registry.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt from npm: Debian's binaryen makes a release wasm that fails to hydrate.
if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen@$BINARYEN_VERSION (wasm-opt) into $TOOLS_DIR"
  mkdir -p "$TOOLS_DIR"
  npm install --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION"
fi

if [ "${SKIP_TEST_TOOLS:-0}" != "1" ]; then
  if [ ! -x /usr/bin/chromium ] || ! command -v curl > /dev/null; then
    log "installing Debian's chromium (and curl) for the browser tests"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium curl
  fi
  # The tests' SMTP server: aiosmtpd from PyPI, in a virtualenv of the tools.
  if ! "$TOOLS_DIR/venv/bin/python" -c 'import aiosmtpd' 2> /dev/null; then
    log "installing aiosmtpd (the tests' SMTP server) into $TOOLS_DIR/venv"
    mkdir -p "$TOOLS_DIR"
    if ! python3 -m venv "$TOOLS_DIR/venv" 2> /dev/null; then
      # Debian's own python3 ships venv separately.
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
      $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q python3-venv
      python3 -m venv "$TOOLS_DIR/venv"
    fi
    "$TOOLS_DIR/venv/bin/pip" install --quiet --disable-pip-version-check "aiosmtpd==1.4.6"
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    log "installing the Playwright test runner (no browser download)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
log "tools ready"
