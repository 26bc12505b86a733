//! Never panic on user input: every shipped rule file, truncated at many points and with bytes
//! replaced, goes through the loader, the checks and the evaluation of its examples; JSON profiles,
//! truncated and mutated the same way, go through the streaming reader and the evaluation. A panic
//! fails the test. Mutations come from a fixed-seed generator, so a failure is reproducible.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Cursor;

use aides::rules::{self, SourceFile};
use aides::validate as check;

/// A small deterministic generator (xorshift), enough to pick positions and bytes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64).max(1)).unwrap_or(0)
    }
}

const NOISE: &[&str] = &[
    "",
    "\"",
    "]",
    "[",
    "{",
    "}",
    "=",
    "\n",
    "1e999",
    "-1",
    "é",
    "\u{0}",
    "2026-02-30",
    "zonne",
    "[[conditions]]",
    "tous = [",
    "ans = -5",
];

/// Variants of `text`: truncations and spliced noise at random char boundaries.
fn variants(text: &str, rng: &mut Rng, count: usize) -> Vec<String> {
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    (0..count)
        .map(|k| {
            let at = bounds[rng.below(bounds.len())];
            if k % 3 == 0 {
                text[..at].to_owned()
            } else {
                let end = bounds[rng.below(bounds.len())].max(at);
                format!(
                    "{}{}{}",
                    &text[..at],
                    NOISE[rng.below(NOISE.len())],
                    &text[end..]
                )
            }
        })
        .collect()
}

#[test]
fn broken_rule_files_never_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_ef01);
    let today = "2026-11-24".parse().unwrap();
    for file in rules::embedded_sources() {
        for text in variants(&file.text, &mut rng, 40) {
            let loaded = rules::from_sources(vec![SourceFile {
                text,
                ..file.clone()
            }]);
            let _ = check::all(&loaded.rules, today, Some(30));
            let _ = check::coverage(&loaded.rules);
            for d in &loaded.diagnostics {
                let src = loaded.rules.source(&d.file);
                let _ = aides::diagnostic::render_text(d, src);
                let _ = aides::diagnostic::render_github(d, src);
            }
        }
    }
}

#[test]
fn broken_profiles_never_panic() {
    let loaded = rules::embedded();
    let rules = &loaded.rules;
    let date = "2026-03-01".parse().unwrap();
    let seeds = [
        r#"{"id":"p","departement":"59","zone":"ZAC","specialite":"medecine-generale","exercice":"liberal","secteur":1,"exercice_coordonne":["msp"],"date_installation":"2025-09-15","jours_par_semaine":4.5,"date_demande":"2026-02-01","primo_installation":true,"aide_installation_10_ans":false}"#,
        r#"[{"zone":"ZIP","secteur":2,"optam":true},{"departement":"2A","demi_journees_par_mois":9}]"#,
        "{\"zone\":\"ZIP\"}\n{\"qpv\":true,\"region\":\"occitanie\"}\n",
    ];
    let mut rng = Rng(0xfeed_beef_0bad_cafe);
    let mut seen = 0;
    for seed in seeds {
        for text in variants(seed, &mut rng, 300) {
            let mut reader = Cursor::new(text.into_bytes());
            let _ = aides::input::stream_profiles(&mut reader, &rules.refs, &mut |item| {
                if let Ok(mut p) = item.profile
                    && p.resolve_region(&rules.refs).is_ok()
                {
                    let r = aides::report::evaluate(rules, &p, date);
                    let _ = serde_json::to_string(&r).unwrap();
                    let _ = aides::eval::evaluate_compact(rules, &p, date, true);
                    seen += 1;
                }
                Ok::<(), std::convert::Infallible>(())
            });
        }
    }
    assert!(
        seen > 50,
        "the mutations should leave some profiles readable ({seen})"
    );
}

#[test]
fn the_batch_pipeline_answers_alike_on_any_number_of_threads() {
    use aides::cli::{Cli, Command};
    use clap::Parser;
    let loaded = rules::embedded();
    let mut rng = Rng(0x0dd_ba11_5eed_f00d);
    let seed = "{\"id\":\"a\",\"zone\":\"ZIP\",\"secteur\":1,\"primo_installation\":true}\n\
                {\"id\":\"b\",\"zone\":\"ZAC\",\"departement\":\"59\"}\n\
                {\"id\":\"c\",\"secteur\":4}\n";
    let mut answered = 0;
    for text in variants(&seed.repeat(20), &mut rng, 40) {
        let mut outputs = Vec::new();
        for jobs in ["1", "2", "3"] {
            let cli = Cli::try_parse_from([
                "aides",
                "check",
                "--date",
                "2026-06-01",
                "--format",
                "ndjson",
                "-j",
                jobs,
            ])
            .unwrap();
            let Some(Command::Check(args)) = cli.command else {
                unreachable!("a check command line")
            };
            let mut out = Vec::new();
            let outcome = aides::app::check_batch(&loaded, &args, &mut text.as_bytes(), &mut out)
                .map_err(|e| e.to_string());
            outputs.push((out, outcome));
        }
        assert!(outputs.windows(2).all(|w| w[0] == w[1]), "{text:?}");
        let (out, _) = &outputs[0];
        for line in out.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            serde_json::from_slice::<serde_json::Value>(line).unwrap();
            answered += 1;
        }
    }
    assert!(answered > 500, "most lines should be answered ({answered})");
}
