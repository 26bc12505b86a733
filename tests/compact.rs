//! The compact batch line (`check --format ndjson`, SPEC §5) says what the full report says: for every
//! profile of the rule examples and of `tests/scenarios`, the compact line with `--all` lists every aid
//! with the status, amount and missing fields of the full JSON, in the same order, and the same total;
//! without `--all` it lists the same minus the non-eligible aids. The compact evaluation stops at an
//! aid's first false condition: this pins that it never drops an aid that is eligible or to confirm,
//! and never keeps one that is not.

// Tests run the binary and read fixtures (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use aides::report::json_value;
use aides::rules::embedded;
use serde_json::{Map, Value as J};

const BIN: &str = env!("CARGO_BIN_EXE_aides");

/// A TOML value of a scenario's profile as it is written in a JSON profile.
fn json_of_toml(v: &toml::Value) -> J {
    match v {
        toml::Value::String(s) => J::from(s.as_str()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(x) => J::from(*x),
        toml::Value::Boolean(b) => J::from(*b),
        toml::Value::Datetime(d) => J::from(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(json_of_toml).collect()),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), json_of_toml(v)))
                .collect(),
        ),
    }
}

/// Every profile to compare, grouped by reference date (`AAAA-MM-JJ`): the rule examples, then the
/// scenarios.
fn profiles() -> BTreeMap<String, Vec<J>> {
    let loaded = embedded();
    let rules = &loaded.rules;
    let mut out: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for aide in &rules.aides {
        for ex in &aide.exemples {
            let mut o = Map::new();
            for (field, value) in ex.profil.known() {
                o.insert(
                    field.name().to_owned(),
                    json_value(field, Some(value), &rules.refs),
                );
            }
            out.entry(ex.date.format("%Y-%m-%d").to_string())
                .or_default()
                .push(J::Object(o));
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenario file in {}", dir.display());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("scenario file");
        let doc: toml::Table = toml::from_str(&text).expect("scenario TOML");
        let scenarios = doc["scenario"].as_array().expect("[[scenario]]");
        for s in scenarios {
            let date = s["date"].as_datetime().expect("date").to_string();
            out.entry(date)
                .or_default()
                .push(json_of_toml(&s["profil"]));
        }
    }
    out
}

/// Runs `aides check` on NDJSON input at a date and returns its stdout.
fn check(input: &str, date: &str, args: &[&str]) -> String {
    let mut child = Command::new(BIN)
        .args(["check", "--input", "-", "--date", date])
        .args(args)
        .env_remove("AIDES_RULES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lance aides");
    let mut stdin = child.stdin.take().expect("stdin");
    let owned = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(owned.as_bytes()));
    let out = child.wait_with_output().expect("sortie");
    writer.join().expect("writer").expect("écrit l'entrée");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?} au {date} : {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The compact form of a full report's aid: the keys the compact line keeps.
fn compact_of_full(aide: &J) -> J {
    let m = &aide["montant"];
    serde_json::json!({
        "id": aide["id"],
        "statut": aide["statut"],
        "montant": {
            "eur": m["eur"],
            "min_eur": m["min_eur"],
            "max_eur": m["max_eur"],
            "libelle": m["libelle"],
        },
        "manquants": aide["manquants"],
    })
}

fn lines(ndjson: &str) -> Vec<J> {
    ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("une ligne JSON"))
        .collect()
}

#[test]
fn the_compact_line_lists_what_the_full_report_lists() {
    let aids = embedded().rules.aides.len();
    let mut profiles_seen = 0;
    let mut left_out = 0;
    let mut listed = 0;
    for (date, group) in profiles() {
        let mut input = String::new();
        for (i, p) in group.iter().enumerate() {
            let mut p = p.as_object().expect("profil").clone();
            p.insert("id".into(), J::from(format!("p{i}")));
            input.push_str(&J::Object(p).to_string());
            input.push('\n');
        }
        // One profile in, one object out; more, an array (SPEC §5).
        let full = match serde_json::from_str::<J>(&check(&input, &date, &["--format", "json"]))
            .expect("JSON")
        {
            J::Array(a) => a,
            one => vec![one],
        };
        let all = lines(&check(&input, &date, &["--format", "ndjson", "--all"]));
        let lean = lines(&check(&input, &date, &["--format", "ndjson"]));
        assert_eq!(full.len(), group.len(), "au {date}");
        assert_eq!(all.len(), group.len(), "au {date}");
        assert_eq!(lean.len(), group.len(), "au {date}");
        for (i, ((f, a), l)) in full.iter().zip(&all).zip(&lean).enumerate() {
            let id = &f["id"];
            let context = format!("au {date}, profil {id} : {}", group[i]);
            assert_eq!(&a["id"], id, "{context}");
            assert_eq!(&l["id"], id, "{context}");
            let expected: Vec<J> = f["aides"]
                .as_array()
                .expect("aides")
                .iter()
                .map(compact_of_full)
                .collect();
            assert_eq!(
                expected.len(),
                aids,
                "the full report lists every aid ({context})"
            );
            assert_eq!(
                a["aides"].as_array().expect("aides"),
                &expected,
                "--all ({context})"
            );
            let kept: Vec<J> = expected
                .iter()
                .filter(|x| x["statut"] != "non_eligible")
                .cloned()
                .collect();
            assert_eq!(l["aides"].as_array().expect("aides"), &kept, "{context}");
            assert_eq!(a["total"], f["total"], "{context}");
            assert_eq!(l["total"], f["total"], "{context}");
            assert_eq!(a["date_reference"], J::from(date.as_str()), "{context}");
            left_out += expected.len() - kept.len();
            listed += kept.len();
        }
        profiles_seen += group.len();
    }
    // Enough profiles, and both kinds of aid: some left out of the lean line, some kept.
    assert!(profiles_seen >= 100, "{profiles_seen} profils");
    assert!(
        left_out > 0 && listed > 0,
        "{left_out} laissées, {listed} gardées"
    );
}
