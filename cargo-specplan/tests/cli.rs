//! CLI snapshot tests: every `tests/cmd/*.toml` case at the repository root
//! runs the real binary. A case with an `X.in/` folder runs in a sandboxed
//! copy of it, and an `X.out/` folder pins the files the command leaves.
//! Re-bless with `TRYCMD=overwrite cargo test -p cargo-specplan --test cli`
//! and review the diff.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin(
            "cargo-specplan",
            trycmd::schema::Bin::Path(env!("CARGO_BIN_EXE_cargo-specplan").into()),
        )
        .env("SPECPLAN_TODAY", "2026-01-15")
        .env("CARGO_TERM_COLOR", "never")
        .case("../tests/cmd/*.toml");
}
