//! Any bytes as the input of `aides check --input`, through the whole batch pipeline (blocks, worker
//! threads, the writer put back in input order) on 1, 2 and 3 threads. Nothing may panic; the output
//! and the outcome must not depend on the number of threads, and each output must be valid JSON (one
//! value, or one per line for NDJSON).
//!
//! The first byte chooses the command line: the format (json, ndjson, ndjson --detail), whether the
//! input is named `.ndjson` (always a batch), and a profile flag laid over every profile.

#![no_main]

use std::sync::OnceLock;

use aides::cli::{Cli, Command};
use aides::rules::{Loaded, embedded};
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static Loaded {
    static RULES: OnceLock<Loaded> = OnceLock::new();
    RULES.get_or_init(embedded)
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, input)) = data.split_first() else {
        return;
    };
    let format = match choice % 3 {
        0 => &["--format", "json"][..],
        1 => &["--format", "ndjson"][..],
        _ => &["--format", "ndjson", "--detail"][..],
    };
    let mut runs = Vec::new();
    for jobs in ["1", "2", "3"] {
        let mut args = vec!["aides", "check", "--date", "2026-06-01", "-j", jobs];
        args.extend_from_slice(format);
        if choice & 4 != 0 {
            args.extend_from_slice(&["--input", "lot.ndjson"]);
        }
        if choice & 8 != 0 {
            args.extend_from_slice(&["--secteur", "1"]);
        }
        let Ok(cli) = <Cli as clap::Parser>::try_parse_from(&args) else {
            panic!("the target's command line is refused: {args:?}");
        };
        let Some(Command::Check(check)) = cli.command else {
            unreachable!("a check command line");
        };
        let mut out = Vec::new();
        let outcome = aides::app::check_batch(rules(), &check, &mut &input[..], &mut out)
            .map_err(|e| e.to_string());
        runs.push((out, outcome));
    }
    let (out, outcome) = &runs[0];
    for (other, other_outcome) in &runs[1..] {
        assert_eq!(outcome, other_outcome, "the outcome depends on the threads");
        assert!(out == other, "the output depends on the threads");
    }
    if outcome.is_ok() && !out.is_empty() {
        if choice % 3 == 0 {
            serde_json::from_slice::<serde_json::Value>(out).expect("the json output is one JSON value");
        } else {
            for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde_json::Value>(line).expect("each ndjson line is JSON");
            }
        }
    }
});
