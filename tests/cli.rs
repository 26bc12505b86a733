//! CLI tests as data: every `tests/cmd/*.toml` case (args, stdin, expected stdout/stderr and exit code,
//! and an optional `<case>.in/` folder used as the working directory), and the examples of README.md.
//! Refresh the expected files with `TRYCMD=overwrite cargo test --test cli`, then read the diff.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

/// The cases, with the rule set's fingerprint written `[EMPREINTE]` (it changes with every rule edit).
fn cases() -> trycmd::TestCases {
    let cases = trycmd::TestCases::new();
    cases
        .register_bin("aides", trycmd::cargo::cargo_bin!("aides"))
        .insert_var(
            "[EMPREINTE]",
            aides::rules::embedded().rules.empreinte().to_owned(),
        )
        .unwrap();
    cases
}

#[test]
fn cli_cases() {
    cases().case("tests/cmd/*.toml");
}

#[test]
fn readme_examples() {
    cases().case("README.md");
}
