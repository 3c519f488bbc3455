#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and serves the shop on
# http://127.0.0.1:8000 (override with LEPTOS_SITE_ADDR). The server migrates the database and
# seeds it on first start. `--dev` builds in debug (faster to build, slower to serve).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-tools.sh
mkdir -p data
if [ "${1:-}" = "--dev" ]; then
  exec cargo leptos serve
fi
exec cargo leptos serve --release
