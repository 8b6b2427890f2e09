#!/usr/bin/env bash
# Runs every test of the workspace. Installs nothing that a fresh machine
# with the Rust toolchain lacks today; later test tiers that need external
# components (the Mermaid parser from npm, Chromium) install them here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo test --workspace --locked "$@"
