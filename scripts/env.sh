# Sourced by the run and test scripts: where the installed tools live.
export TOOLS_DIR="${TOOLS_DIR:-$HOME/.cache/shop-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
# cargo-leptos builds the server with LEPTOS_OUTPUT_NAME set, and leptos reads it at compile time
# (option_env!), so cargo test must see the same value or each would rebuild the other's leptos.
export LEPTOS_OUTPUT_NAME=shop
