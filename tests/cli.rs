//! CLI tests as data: every `tests/cmd/*.toml` case (args, stdin, expected stdout/stderr and exit code,
//! and an optional `<case>.in/` folder used as the working directory), and the examples of README.md.
//! Refresh the expected files with `TRYCMD=overwrite cargo test --test cli`, then read the diff.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("aides", trycmd::cargo::cargo_bin!("aides"))
        .case("tests/cmd/*.toml");
}

#[test]
fn readme_examples() {
    trycmd::TestCases::new()
        .register_bin("aides", trycmd::cargo::cargo_bin!("aides"))
        .case("README.md");
}
