//! Micro-benchmarks of the core (criterion): `cargo bench --bench eval`.
//!
//! Groups:
//! - `rules`: loading and compiling the embedded rule set (`aides::rules::embedded`), the fixed cost paid
//!   by every command;
//! - `evaluate`: one full report (`aides::report::evaluate`) for three representative profiles;
//! - `evaluate_compact`: the lean batch-mode evaluation (`aides::eval::evaluate_compact`) for the same;
//! - `parse_line`: one NDJSON profile line read by `aides::input::parse_line` (into the typed profile),
//!   next to the "just parse the JSON" baselines: into `serde_json::Value`, and into `IgnoredAny`, the
//!   floor of any JSON reader;
//! - `communes`: a commune found by name, and an unknown one with its suggestions (the index);
//! - `batch`: a generated NDJSON file of `BATCH` profiles (varied, a few invalid lines) through the whole
//!   CLI batch path (`aides::run` = `aides check --input FILE --format ndjson`, output to a sink,
//!   rule loading included) next to the baseline that only parses each line into `serde_json::Value`.
//!   `--jobs` is left to its default (every core).
//!
//! Sample sizes and times are kept small so that the whole run takes about a minute on 2 cores.
//! `benches/whole-process.sh` times the real binary against the `serde_json` floor (`examples/floor.rs`):
//! batches with `--jobs 1` and every core, two rule sets, cold start, peak RSS.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::time::Duration;

use aides::profile::{self, Profile, Raw};
use aides::rules::model::RuleSet;
use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Profiles in the `batch` group's file.
const BATCH: usize = 2_000;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn profile(rules: &RuleSet, pairs: Vec<(&'static str, Raw<'static>)>) -> Profile {
    profile::from_pairs(pairs, &rules.refs).expect("valid bench profile")
}

/// The three representative profiles, each with its reference date.
fn profiles(rules: &RuleSet) -> Vec<(&'static str, Profile, NaiveDate)> {
    vec![
        // `aides check --zone ZIP --secteur 1`: most fields unknown, most aids à confirmer.
        (
            "unknowns",
            profile(
                rules,
                vec![("zone", Raw::Str("ZIP")), ("secteur", Raw::Int(1))],
            ),
            date("2026-03-01"),
        ),
        // Eligible to the CPAM primo-installation aid in a ZIP of the Loiret.
        (
            "primo_zip_45",
            profile(
                rules,
                vec![
                    ("departement", Raw::Str("45")),
                    ("zone", Raw::Str("ZIP")),
                    ("qpv", Raw::Bool(false)),
                    ("exercice", Raw::Str("liberal")),
                    ("specialite", Raw::Str("medecine-generale")),
                    ("secteur", Raw::Int(1)),
                    ("projet", Raw::Str("installation")),
                    ("primo_installation", Raw::Bool(true)),
                    ("date_installation", Raw::Str("2026-02-02")),
                    ("aide_installation_10_ans", Raw::Bool(false)),
                ],
            ),
            date("2026-03-01"),
        ),
        // The Hauts-de-France CRAI case (Nord, ZAC, MSP, 4.5 days a week).
        (
            "crai_hdf",
            profile(
                rules,
                vec![
                    ("departement", Raw::Str("59")),
                    ("specialite", Raw::Str("medecine-generale")),
                    ("exercice", Raw::Str("liberal")),
                    ("secteur", Raw::Int(1)),
                    ("zone", Raw::Str("ZAC")),
                    ("date_installation", Raw::Str("2025-09-15")),
                    ("date_demande", Raw::Str("2026-02-01")),
                    ("primo_installation", Raw::Bool(true)),
                    ("exercice_coordonne", Raw::List(vec![Raw::Str("msp")])),
                    ("jours_par_semaine", Raw::Float(4.5)),
                    ("aide_installation_10_ans", Raw::Bool(false)),
                ],
            ),
            date("2026-02-01"),
        ),
    ]
}

/// The CRAI profile as one NDJSON line (the fullest of the three).
const LINE: &str = r#"{"id":"dr-0001","departement":"59","specialite":"medecine-generale","exercice":"liberal","secteur":1,"zone":"ZAC","date_installation":"2025-09-15","date_demande":"2026-02-01","primo_installation":true,"exercice_coordonne":["msp"],"jours_par_semaine":4.5,"aide_installation_10_ans":false}"#;

/// A small deterministic generator (xorshift), so the bench needs no data file and no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One profile line, `i`-th of the batch.
fn profile_line(rng: &mut Rng, i: usize, deps: &[&str]) -> String {
    let mut fields = vec![format!(r#""id":"dr-{i:07}""#)];
    if rng.chance(90) {
        fields.push(format!(
            r#""departement":"{}""#,
            deps[rng.below(deps.len())]
        ));
    }
    if rng.chance(85) {
        fields.push(format!(r#""zone":"{}""#, rng.pick(&["ZIP", "ZAC", "ZAR"])));
    }
    if rng.chance(60) {
        fields.push(format!(r#""qpv":{}"#, rng.chance(15)));
    }
    if rng.chance(80) {
        fields.push(format!(
            r#""exercice":"{}""#,
            rng.pick(&["liberal", "liberal", "liberal", "salarie"])
        ));
    }
    if rng.chance(70) {
        let s = rng.pick(&[
            "medecine-generale",
            "medecine-generale",
            "pediatrie",
            "psychiatrie",
            "gynecologie-medicale",
            "ophtalmologie",
        ]);
        fields.push(format!(r#""specialite":"{s}""#));
    }
    let secteur = if rng.chance(75) { 1 } else { 2 };
    if rng.chance(85) {
        fields.push(format!(r#""secteur":{secteur}"#));
        if secteur == 2 && rng.chance(60) {
            fields.push(format!(r#""optam":{}"#, rng.chance(50)));
        }
    }
    if rng.chance(75) {
        let p = rng.pick(&[
            "installation",
            "installation",
            "installation",
            "cabinet-secondaire",
            "consultations-avancees",
            "assistant-partage",
            "structure",
        ]);
        fields.push(format!(r#""projet":"{p}""#));
    }
    if rng.chance(70) {
        fields.push(format!(r#""primo_installation":{}"#, rng.chance(70)));
    }
    if rng.chance(70) {
        let y = 2023 + rng.below(4);
        fields.push(format!(
            r#""date_installation":"{y}-{:02}-{:02}""#,
            1 + rng.below(12),
            1 + rng.below(28)
        ));
    }
    if rng.chance(30) {
        fields.push(format!(
            r#""date_demande":"2026-{:02}-{:02}""#,
            1 + rng.below(6),
            1 + rng.below(28)
        ));
    }
    if rng.chance(40) {
        let set = rng.pick(&[
            "[]",
            r#"["msp"]"#,
            r#"["cpts"]"#,
            r#"["msp","cpts"]"#,
            r#"["esp"]"#,
        ]);
        fields.push(format!(r#""exercice_coordonne":{set}"#));
    }
    if rng.chance(35) {
        let jours = rng.pick(&[
            "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5", "5.5", "6",
        ]);
        fields.push(format!(r#""jours_par_semaine":{jours}"#));
    }
    if rng.chance(50) {
        fields.push(format!(r#""aide_installation_10_ans":{}"#, rng.chance(20)));
    }
    if rng.chance(30) {
        fields.push(format!(r#""pdsa":{}"#, rng.chance(60)));
    }
    if rng.chance(10) {
        fields.push(format!(r#""demi_journees_par_mois":{}"#, rng.below(9)));
    }
    format!("{{{}}}", fields.join(","))
}

/// `n` varied NDJSON profiles (départements, zones, sectors, dates, some fields unknown) with about
/// 0.5 % invalid lines (bad JSON, unknown key, value out of domain). No truncated line: a line that
/// ends inside a value makes the reader switch to multi-line mode (see `benches/whole-process.sh`).
fn generate(rules: &RuleSet, n: usize) -> String {
    let deps: Vec<&str> = rules
        .refs
        .departements
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = String::with_capacity(n * 300);
    for i in 0..n {
        if rng.below(1000) < 5 {
            out.push_str(rng.pick(&[
                r#"{"id":"cassé" "zone":"ZIP"}"#,
                r#"{"id":"x","zonne":"ZIP"}"#,
                r#"{"id":"y","secteur":3}"#,
                r#"{"id":"z","departement":"2C"}"#,
            ]));
            out.push('\n');
            continue;
        }
        out.push_str(&profile_line(&mut rng, i, &deps));
        out.push('\n');
    }
    out
}

fn quick<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    g
}

fn bench_rules(c: &mut Criterion) {
    let mut g = quick(c, "rules");
    g.bench_function("embedded", |b| {
        b.iter(|| black_box(aides::rules::embedded()));
    });
    g.finish();
}

fn bench_evaluate(c: &mut Criterion) {
    let loaded = aides::rules::embedded();
    assert!(!loaded.has_errors(), "embedded rules have errors");
    let rules = &loaded.rules;
    let profiles = profiles(rules);
    let mut g = quick(c, "evaluate");
    for (name, p, d) in &profiles {
        g.bench_with_input(BenchmarkId::from_parameter(name), p, |b, p| {
            b.iter(|| black_box(aides::report::evaluate(rules, black_box(p), *d)));
        });
    }
    g.finish();
    let mut g = quick(c, "evaluate_compact");
    for (name, p, d) in &profiles {
        g.bench_with_input(BenchmarkId::from_parameter(name), p, |b, p| {
            b.iter(|| {
                black_box(aides::eval::evaluate_compact(
                    rules,
                    black_box(p),
                    *d,
                    false,
                ))
            });
        });
    }
    g.finish();
}

fn bench_parse(c: &mut Criterion) {
    let loaded = aides::rules::embedded();
    let refs = &loaded.rules.refs;
    let mut g = quick(c, "parse_line");
    g.throughput(Throughput::Bytes(LINE.len() as u64));
    g.bench_function("aides_typed", |b| {
        b.iter(|| {
            black_box(aides::input::parse_line(
                1,
                black_box(LINE.as_bytes()),
                refs,
            ))
        });
    });
    g.bench_function("serde_json_value", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<serde_json::Value>(black_box(LINE)).expect("json"))
        });
    });
    g.bench_function("serde_json_ignored_any", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<serde::de::IgnoredAny>(black_box(LINE)).expect("json"))
        });
    });
    g.finish();
}

/// An unknown commune and its suggestions (an index by length and letters), next to a known one.
fn bench_communes(c: &mut Criterion) {
    let loaded = aides::rules::embedded();
    let communes = loaded.rules.refs.communes();
    let dep = |code: &str| format!("({code})");
    let mut g = quick(c, "communes");
    for (name, text) in [
        ("known", "Orléans"),
        ("unknown_near", "Orleanss"),
        ("unknown_far", "Orleanz-sur-Loirre"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(communes.find(black_box(text), None, &dep)));
        });
    }
    g.finish();
}

fn bench_batch(c: &mut Criterion) {
    let loaded = aides::rules::embedded();
    let data = generate(&loaded.rules, BATCH);
    let path: PathBuf =
        std::env::temp_dir().join(format!("aides-bench-{}.ndjson", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data.as_bytes()))
        .expect("write temp file");
    let path_str = path.to_str().expect("utf-8 temp path").to_owned();
    let args = [
        "aides",
        "check",
        "--input",
        path_str.as_str(),
        "--format",
        "ndjson",
        "--date",
        "2026-03-01",
    ];

    let mut g = quick(c, "batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(BenchmarkId::new("serde_json_value_per_line", BATCH), |b| {
        b.iter(|| {
            let mut reader = BufReader::new(std::fs::File::open(&path).expect("open"));
            let mut line = String::new();
            let mut ok = 0usize;
            while reader.read_line(&mut line).expect("read") > 0 {
                ok += usize::from(serde_json::from_str::<serde_json::Value>(&line).is_ok());
                line.clear();
            }
            black_box(ok)
        });
    });
    g.bench_function(BenchmarkId::new("aides_check_ndjson", BATCH), |b| {
        b.iter(|| {
            let mut sink = std::io::sink();
            let code = aides::run(args, &mut sink).expect("args").expect("run");
            black_box(code)
        });
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(
    benches,
    bench_rules,
    bench_evaluate,
    bench_parse,
    bench_communes,
    bench_batch
);
criterion_main!(benches);
