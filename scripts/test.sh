#!/usr/bin/env bash
# README command 2: sets up what the tests need, then runs every test.
#
# - The Mermaid parser (tests/mermaid): every generated diagram is parsed by
#   the official `mermaid` package from the npm registry (needs Node.js >= 18).
# - The MCP client (tests/mcp): `cargo specplan mcp` is driven by the official
#   MCP TypeScript SDK (`@modelcontextprotocol/sdk` from the npm registry).
# - Chromium (Debian's package): the HTML trace report is loaded in a real
#   headless browser. Installed when this runs as root (or with sudo).
# - strace (Debian's package): the confinement test records every file
#   syscall of the tool to prove nothing outside the workspace is touched.
# - Neovim (Debian's package): `cargo specplan lsp` is driven by a real
#   editor, headless, through its built-in LSP client.
# A test whose component is missing is skipped with a message naming the
# install command, except under CI=true, where it fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1; then
    npm ci --prefix tests/mermaid --no-audit --no-fund --loglevel=error
    npm ci --prefix tests/mcp --no-audit --no-fund --loglevel=error
else
    echo "note: no Node.js; the Mermaid and MCP client tests are skipped (install nodejs and npm, then rerun)" >&2
fi

# Debian packages: Chromium (the HTML report in a real browser), strace
# (the confinement test checks every file syscall the tool makes) and
# Neovim (the language server in a real editor).
missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v strace >/dev/null 2>&1 || missing="$missing strace"
command -v nvim >/dev/null 2>&1 || missing="$missing neovim"
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="$(command -v sudo || true)"
    if [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; then
        # shellcheck disable=SC2086
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null \
            || echo "note: could not install$missing; the tests that need them are skipped" >&2
    fi
fi

cargo test --workspace --locked "$@"
