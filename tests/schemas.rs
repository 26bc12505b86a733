//! The advisors' contract as JSON Schemas (`aides schema`, committed under `schemas/`):
//! - the committed schemas are the generated ones (refresh: `SCHEMAS=overwrite cargo test --test
//!   schemas`, then read the diff), and valid draft 2020-12 schemas;
//! - every scenario's profile validates against `profil`, and its report and compact line against
//!   `rapport` and `compact` (the batch writer's fast compact line is serde's, byte for byte); so do
//!   the JSON snapshots;
//! - a generated batch of 1 000 profiles (with a few bad lines) validates, in and out, through the
//!   binary in `--format json` and `--format ndjson`.

// Tests read fixtures and run the binary (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aides::report::{AideCompacte, Compact};
use aides::schema::{self, Schema};
use chrono::NaiveDate;
use jsonschema::{Draft, Validator};
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn file(s: Schema) -> PathBuf {
    root()
        .join("schemas")
        .join(format!("{}.schema.json", s.nom()))
}

fn validator(s: Schema) -> Validator {
    let text = std::fs::read_to_string(file(s)).expect("schéma commité");
    let schema: Value = serde_json::from_str(&text).expect("schéma JSON");
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schéma {} invalide : {e}", s.nom()))
}

/// Every error of `value` against the schema, with where it is.
fn check(v: &Validator, value: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(value)
        .map(|e| format!("{} : {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what} :\n{}", errors.join("\n"));
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    let refs = aides::rules::embedded().rules.refs;
    let overwrite = std::env::var_os("SCHEMAS").is_some_and(|v| v == "overwrite");
    for s in Schema::ALL {
        let generated = schema::text(s, &refs);
        let path = file(s);
        if overwrite {
            std::fs::write(&path, &generated).expect("écriture du schéma");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} diffère du schéma généré : SCHEMAS=overwrite cargo test --test schemas, puis relisez le diff",
            path.display()
        );
        let value: Value = serde_json::from_str(&generated).unwrap();
        jsonschema::meta::validate(&value)
            .unwrap_or_else(|e| panic!("{} n'est pas un schéma 2020-12 valide : {e}", s.nom()));
    }
}

/// A TOML value of a scenario profile as JSON (dates as `AAAA-MM-JJ`).
fn to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => json!(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(x) => json!(x),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => json!(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// Every scenario: (file and name, reference date, profile as JSON).
fn scenarios() -> Vec<(String, NaiveDate, Value)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    for f in files {
        let doc: toml::Table = std::fs::read_to_string(&f).unwrap().parse().unwrap();
        for s in doc["scenario"].as_array().unwrap() {
            let name = format!("{} « {} »", f.display(), s["nom"].as_str().unwrap());
            let date = s["date"].as_datetime().unwrap().to_string();
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
            out.push((name, date, to_json(&s["profil"])));
        }
    }
    out
}

#[test]
fn every_scenario_validates_in_and_out() {
    let (profil, rapport, compact) = (
        validator(Schema::Profil),
        validator(Schema::Rapport),
        validator(Schema::Compact),
    );
    let rules = aides::rules::embedded().rules;
    let scenarios = scenarios();
    assert!(scenarios.len() > 100, "{} scénarios", scenarios.len());
    for (name, date, json) in &scenarios {
        check(&profil, json, &format!("profil de {name}"));
        let line = json.to_string();
        let mut profiles = Vec::new();
        aides::input::stream_profiles(&mut line.as_bytes(), &rules.refs, &mut |item| {
            profiles.push(item.profile);
            Ok::<(), std::convert::Infallible>(())
        })
        .unwrap();
        let p = profiles
            .pop()
            .unwrap()
            .unwrap_or_else(|e| panic!("{name} : {e:?}"));
        let report = serde_json::to_value(aides::report::evaluate(&rules, &p, *date)).unwrap();
        check(&rapport, &report, &format!("rapport de {name}"));
        for all in [false, true] {
            let (verdicts, total) = aides::eval::evaluate_compact(&rules, &p, *date, all);
            let line = Compact {
                id: p.label(),
                date_reference: *date,
                total,
                aides: verdicts
                    .into_iter()
                    .map(|(a, v)| AideCompacte::new(a, v))
                    .collect(),
            };
            // The batch writer's fast path writes what serde writes, byte for byte.
            let mut fast = Vec::new();
            line.write_json(&mut fast, &serde_json::to_string(date).unwrap());
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                serde_json::to_string(&line).unwrap(),
                "ligne compacte de {name}"
            );
            check(
                &compact,
                &serde_json::to_value(&line).unwrap(),
                &format!("ligne compacte de {name}"),
            );
        }
    }
}

#[test]
fn the_snapshots_validate() {
    let rapport = validator(Schema::Rapport);
    for e in std::fs::read_dir(root().join("tests/snapshots")).unwrap() {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // The fingerprint is written `[EMPREINTE]` there: it is a string either way.
        let value: Value = serde_json::from_str(&text).unwrap();
        check(&rapport, &value, &path.display().to_string());
    }
}

/// A xorshift generator: the same batch on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[self.below(values.len())]
    }
}

/// A deterministic batch: 1 000 profiles over the vocabulary's values, and three bad lines.
fn batch() -> String {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut out = String::new();
    for i in 0..1000 {
        let candidates = [
            (
                "departement",
                json!(rng.pick(&["45", "59", "14", "31", "2A", "971", "35", "75"])),
            ),
            ("zone", json!(rng.pick(&["ZIP", "ZAC", "ZAR"]))),
            ("qpv", json!(rng.below(2) == 0)),
            ("exercice", json!(rng.pick(&["liberal", "salarie"]))),
            (
                "specialite",
                json!(rng.pick(&[
                    "medecine-generale",
                    "pediatrie",
                    "medecine-cardiovasculaire",
                    "chirurgie-viscerale-digestive"
                ])),
            ),
            ("secteur", json!(1 + rng.below(2))),
            ("optam", json!(rng.below(2) == 0)),
            (
                "projet",
                json!(rng.pick(&[
                    "installation",
                    "cabinet-secondaire",
                    "consultations-avancees",
                    "assistant-partage",
                    "structure"
                ])),
            ),
            ("primo_installation", json!(rng.below(2) == 0)),
            (
                "date_installation",
                json!(format!(
                    "202{}-0{}-1{}",
                    4 + rng.below(3),
                    1 + rng.below(9),
                    rng.below(9)
                )),
            ),
            (
                "jours_par_semaine",
                json!(0.5 * f64::from(1 + u8::try_from(rng.below(14)).unwrap())),
            ),
            ("exercice_coordonne", json!(["msp", "cpts"][..rng.below(3)])),
            ("pdsa", json!(rng.below(2) == 0)),
            ("aide_installation_10_ans", json!(rng.below(3) == 0)),
            ("demi_journees_par_mois", json!(rng.below(12))),
            ("structure", json!(rng.pick(&["esp", "msp", "cds", "cpts"]))),
            ("projet_sante_valide", json!(rng.below(2) == 0)),
            ("exercice_groupe", json!(rng.below(2) == 0)),
        ];
        let mut p = serde_json::Map::new();
        p.insert("id".into(), json!(format!("p-{i:04}")));
        for (key, value) in candidates {
            // A field in four is left unknown.
            if rng.below(4) != 0 {
                p.insert(key.into(), value);
            }
        }
        out.push_str(&Value::Object(p).to_string());
        out.push('\n');
        match i {
            100 => out.push_str("{\"id\": \"mauvais-1\", \"zonne\": \"ZIP\"}\n"),
            500 => out.push_str("{\"zone\": \n"),
            900 => out.push_str("{\"id\": \"mauvais-3\", \"secteur\": 3}\n"),
            _ => {}
        }
    }
    out
}

fn run(input: &Path, format: &str) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_aides"))
        .args(["check", "--input"])
        .arg(input)
        .args(["--format", format, "--date", "2026-06-01", "-q"])
        .env_remove("AIDES_RULES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out.stdout, out.status.code())
}

#[test]
fn a_generated_batch_validates_in_and_out() {
    let text = batch();
    let profil = validator(Schema::Profil);
    let mut good = 0;
    for line in text.lines() {
        if let Ok(v) = serde_json::from_str::<Value>(line)
            && v["id"].as_str().is_some_and(|id| id.starts_with("p-"))
        {
            check(&profil, &v, line);
            good += 1;
        }
    }
    assert_eq!(good, 1000);
    let dir = std::env::temp_dir().join(format!("aides-schemas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("lot.ndjson");
    std::fs::write(&input, &text).unwrap();

    let (stdout, code) = run(&input, "json");
    assert_eq!(code, Some(1), "three bad lines: exit 1 at the end");
    let text_out = String::from_utf8(stdout).unwrap();
    // One profile a line, inside the array.
    let lines: Vec<&str> = text_out.lines().collect();
    assert_eq!(lines.first(), Some(&"["));
    assert_eq!(lines.last(), Some(&"]"));
    assert_eq!(lines.len(), 1003 + 2);
    let all: Value = serde_json::from_str(&text_out).unwrap();
    let rapport = validator(Schema::Rapport);
    let items = all.as_array().unwrap();
    for (i, item) in items.iter().enumerate() {
        check(&rapport, item, &format!("élément {i} du lot json"));
    }
    let errors: Vec<&Value> = items.iter().filter(|v| v.get("erreur").is_some()).collect();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0]["id"], "mauvais-1");
    assert_eq!(errors[2]["id"], "mauvais-3");

    let (stdout, code) = run(&input, "ndjson");
    assert_eq!(code, Some(1));
    let compact = validator(Schema::Compact);
    let text_out = String::from_utf8(stdout).unwrap();
    assert_eq!(text_out.lines().count(), 1003);
    for (i, line) in text_out.lines().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        check(&compact, &v, &format!("ligne {} du lot ndjson", i + 1));
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The whole output of `aides check --input FILE` with `args`: stdout, stderr, exit code.
fn run_args(input: &Path, args: &[&str]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_aides"))
        .args(["check", "--input"])
        .arg(input)
        .args(["--date", "2026-06-01"])
        .args(args)
        .env_remove("AIDES_RULES")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (out.stdout, out.stderr, out.status.code())
}

#[test]
fn the_output_is_the_same_whatever_the_number_of_jobs() {
    let dir = std::env::temp_dir().join(format!("aides-jobs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let whole = batch();
    // Compact lines: three copies, 3 009 lines, more than one block of lines, bad lines in each.
    // Full reports go 16 to a block: the first 120 lines, one of them bad, make 8 blocks.
    let head: String = whole.lines().take(120).flat_map(|l| [l, "\n"]).collect();
    let cases: [(&[&str], String, &str); 3] = [
        (
            &["--format", "ndjson"],
            whole.repeat(3),
            "3 009 profils lus, dont 9 en erreur",
        ),
        (
            &["--format", "json"],
            head.clone(),
            "120 profils lus, dont 1 en erreur",
        ),
        (
            &["--format", "ndjson", "--detail"],
            head,
            "120 profils lus, dont 1 en erreur",
        ),
    ];
    for (i, (format, text, summary)) in cases.iter().enumerate() {
        let input = dir.join(format!("lot-{i}.ndjson"));
        std::fs::write(&input, text).unwrap();
        let one = run_args(&input, &[format, &["-j", "1"][..]].concat());
        assert_eq!(one.2, Some(1), "{format:?}: bad lines, exit 1");
        let said = String::from_utf8(one.1.clone())
            .unwrap()
            .replace(['\u{a0}', '\u{202f}'], " ");
        assert!(
            said.contains(summary),
            "{format:?}: the summary counts every item: {said}"
        );
        for jobs in ["2", "3", "8"] {
            let many = run_args(&input, &[format, &["-j", jobs][..]].concat());
            assert!(one.0 == many.0, "{format:?}: stdout differs with -j {jobs}");
            assert_eq!(one.1, many.1, "{format:?}: stderr differs with -j {jobs}");
            assert_eq!(one.2, many.2);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_schemas_reject_what_the_tool_rejects() {
    let profil = validator(Schema::Profil);
    assert!(profil.is_valid(&json!({ "zone": "ZIP", "secteur": 1, "qpv": null })));
    for bad in [
        json!({ "zonne": "ZIP" }),
        json!({ "secteur": 3 }),
        json!({ "jours_par_semaine": 0 }),
        json!({ "date_installation": "2026-02-30" }),
        json!({ "exercice_coordonne": ["msp", "hopital"] }),
        json!({ "code_postal": 45000 }),
    ] {
        assert!(!profil.is_valid(&bad), "{bad}");
    }
    let compact = validator(Schema::Compact);
    assert!(compact.is_valid(&json!({ "ligne": 2, "id": "p-2", "erreur": "…" })));
    assert!(!compact.is_valid(&json!({ "ligne": 2 })));
    assert!(!compact.is_valid(
        &json!({ "date_reference": "2026-01-01", "total": { "min_eur": 0, "max_eur": 0 } })
    ));
}

/// A closed value written another way, as people do: upper case, accents, spaces for hyphens.
fn variant(rng: &mut Rng, value: &str) -> String {
    match rng.below(5) {
        0 => value.to_uppercase(),
        1 => value.replace('-', " "),
        2 => {
            let mut c = value.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        3 => format!(" {} ", value.replace('e', "é")),
        _ => value.to_owned(),
    }
}

/// 10 000 generated profiles whose closed values are written every way the reader accepts (every
/// word of the synonyms table that names one value, case, accents, spaces) all validate against
/// `aides schema profil` with a third-party validator, when the tool reads each of them; the canonical
/// schema (`--canonique`) refuses the ones not written as the tool writes them.
#[test]
fn ten_thousand_profiles_the_tool_accepts_validate_against_the_profile_schema() {
    use aides::profile::{FIELDS, Kind};
    let rules = aides::rules::embedded().rules;
    let refs = &rules.refs;
    let profil = validator(Schema::Profil);
    let canonique = validator(Schema::ProfilCanonique);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut synonyms_used = std::collections::HashSet::new();
    let (mut read, mut refused_by_canonical) = (0, 0);
    for i in 0..10_000 {
        let mut p = serde_json::Map::new();
        p.insert("id".into(), json!(format!("p-{i}")));
        let mut canonical = true;
        for f in FIELDS {
            let Kind::Choice(values) = f.kind else {
                continue;
            };
            if rng.below(3) == 0 {
                continue;
            }
            let field = aides::profile::field_id(f.name).unwrap();
            let words: Vec<&str> = refs
                .synonymes
                .iter()
                .filter(|s| s.field == field && s.valeurs.len() == 1)
                .map(|s| s.mot.as_str())
                .collect();
            let written = if !words.is_empty() && rng.below(2) == 0 {
                let w = rng.pick(&words);
                synonyms_used.insert(w.to_owned());
                variant(&mut rng, w)
            } else {
                let v = rng.pick(values);
                variant(&mut rng, v)
            };
            canonical &= values.contains(&written.as_str());
            p.insert(f.name.into(), json!(written));
        }
        if rng.below(2) == 0 {
            p.insert("secteur".into(), json!(1 + rng.below(2)));
        }
        let value = Value::Object(p);
        let line = value.to_string();
        let mut accepted = false;
        aides::input::stream_profiles(&mut line.as_bytes(), refs, &mut |item| {
            accepted = item.profile.is_ok();
            Ok::<(), ()>(())
        })
        .unwrap();
        if !accepted {
            continue;
        }
        read += 1;
        check(&profil, &value, &line);
        if !canonical && !canonique.is_valid(&value) {
            refused_by_canonical += 1;
        }
    }
    // Nearly every generated profile is one the tool reads; every synonym was drawn.
    assert!(read > 9_000, "{read} profiles read");
    let all: std::collections::HashSet<String> = refs
        .synonymes
        .iter()
        .filter(|s| s.valeurs.len() == 1)
        .map(|s| s.mot.clone())
        .collect();
    assert_eq!(synonyms_used, all, "every synonym drawn");
    assert!(refused_by_canonical > 1_000, "{refused_by_canonical}");
    // The schema still refuses what the tool refuses.
    for bad in [
        json!({ "specialite": "chirurgien" }),
        json!({ "specialite": "cardiolog" }),
        json!({ "exercice": "liberal!" }),
    ] {
        assert!(!profil.is_valid(&bad), "{bad}");
        let mut accepted = false;
        aides::input::stream_profiles(&mut bad.to_string().as_bytes(), refs, &mut |item| {
            accepted = item.profile.is_ok();
            Ok::<(), ()>(())
        })
        .unwrap();
        assert!(!accepted, "{bad}");
    }
}
