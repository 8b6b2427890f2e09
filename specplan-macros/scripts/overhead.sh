#!/usr/bin/env bash
# Measures what 1,000 `#[implements]` annotations cost a build.
#
# Generates two crates in a temporary folder, each with 1,000 small
# functions and a docs tree of two domains (50 FRs and 20 NFRs each):
# `plain` without attributes, `annotated` with `#[implements("FR-…")]` on
# every function, checked against the docs. Each crate's dependencies are
# built first; then the crate alone is rebuilt ROUNDS times (touching
# src/lib.rs, rounds interleaved) and the median CPU time (user + sys) of
# `cargo build` is printed, for a non-incremental build, with the
# existence check off, for an incremental build and for `cargo check`.
#
#   specplan-macros/scripts/overhead.sh [ROUNDS]     (default 9)
set -euo pipefail
rounds="${1:-9}"
macros="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

gen() { # variant
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "overhead-$1"
version = "0.1.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
specplan-macros = { path = "$macros" }
TOML
    cp "$macros/../Cargo.lock" "$dir/Cargo.lock"
    printf '[[domains]]\nname = "auth"\n\n[[domains]]\nname = "orders"\n' >"$dir/specplan.toml"
    local dom pre i
    for dom in auth orders; do
        pre="${dom^^}"
        local doc="$dir/docs/en/specifications/$dom/requirements/requirements.md"
        mkdir -p "$(dirname "$doc")"
        {
            printf '# Requirements: %s\n\n## 1. Functional requirements\n\n' "$dom"
            for i in $(seq 1 50); do
                printf '### FR-%s-%02d: Requirement %d of %s\n\nThe system shall do thing %d, in a paragraph of realistic length for a requirement.\n\n' "$pre" "$i" "$i" "$dom" "$i"
            done
            printf '## 2. Non-functional requirements\n\n| ID | Requirement |\n|----|-------------|\n'
            for i in $(seq 1 20); do printf '| NFR-%s-%02d | Quality attribute %d |\n' "$pre" "$i" "$i"; done
        } >"$doc"
    done
    {
        echo '#![allow(dead_code)]'
        [ "$1" = annotated ] && echo 'use specplan_macros::implements;'
        for i in $(seq 0 999); do
            if [ "$1" = annotated ]; then
                if ((i % 2)); then pre=ORDERS; else pre=AUTH; fi
                printf '#[implements("FR-%s-%02d")]\n' "$pre" $((i % 50 + 1))
            fi
            printf 'pub fn handler_%d(x: u32) -> u32 {\n    let y = x.wrapping_mul(%d);\n    if y > %d { y - 1 } else { y + 1 }\n}\n' "$i" $((i % 7 + 2)) "$i"
        done
    } >"$dir/src/lib.rs"
    (cd "$dir" && CARGO_TARGET_DIR="$work/target-$1" cargo build --offline -q)
}

measure() { # label cargo-subcommand incremental env...
    local label=$1 sub=$2 inc=$3; shift 3
    local -A times=()
    local r v
    for r in $(seq "$rounds"); do
        for v in plain annotated; do
            touch "$work/$v/src/lib.rs"
            (cd "$work/$v" && /usr/bin/time -o "$work/t" -f '%U %S' env "$@" CARGO_INCREMENTAL="$inc" \
                CARGO_TARGET_DIR="$work/target-$v" cargo "$sub" --offline -q)
            times[$v]+="$(awk '{print $1 + $2}' "$work/t") "
        done
    done
    median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    printf '%-34s plain %5ss   annotated %5ss\n' "$label" \
        "$(echo "${times[plain]}" | median)" "$(echo "${times[annotated]}" | median)"
}

gen plain
gen annotated
measure "cargo build, not incremental" build 0
measure "cargo build, SPECPLAN_BUILD_CHECK=0" build 0 SPECPLAN_BUILD_CHECK=0
measure "cargo build, incremental" build 1
measure "cargo check" check 1
