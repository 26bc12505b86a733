//! Cross-aid scenarios as data: every `tests/scenarios/*.toml` file holds `[[scenario]]` tables, each one
//! profile at one reference date with the expected status of several aids (and optionally their amounts).
//! The expectations come from DOMAIN.md and the sources, not from running the tool: a failure is either a
//! mistake in the scenario or a bug in a rule file or in the core.
//!
//! Format of one scenario:
//!
//! ```toml
//! [[scenario]]
//! nom = "…"                                          # unique in the file; names the case in failures
//! date = 2026-02-01                                  # reference date
//! profil = { departement = "59", zone = "ZAC" }      # profile fields (SPEC §2), TOML values
//! attendu = { "hauts-de-france-crai" = "eligible" }  # eligible | a_confirmer | non_eligible
//! montants = { "hauts-de-france-crai" = 30000 }      # optional: expected montant.eur
//! maximums = { "normandie-zac-fir" = 50000 }         # optional: expected montant.max_eur
//! autres = "non_eligible"                            # optional: status of every aid not in `attendu`
//! ```
//!
//! The file format is read by serde (`deny_unknown_fields`: a misspelt key fails with its line); the
//! profile goes through the library's own vocabulary (`profile::from_pairs`), so a misspelt field or a
//! value outside its domain fails the case, as does an aid id that the rule set does not know.
//! Every failing case is reported (file, `nom`, expected vs got, first false condition) before the panic.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aides::profile::{self, Profile, Raw};
use aides::report::AideRapport;
use aides::report::evaluate;
use aides::rules::model::RuleSet;
use chrono::NaiveDate;
use serde::Deserialize;

/// Files that must exist: deleting one must not silently drop its cases.
const FICHIERS_ATTENDUS: [&str; 5] = [
    "national",
    "hauts-de-france",
    "occitanie",
    "normandie",
    "bretagne",
];

/// One scenario file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fichier {
    scenario: Vec<ScenarioToml>,
}

/// One `[[scenario]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioToml {
    nom: String,
    date: toml::value::Datetime,
    profil: toml::Table,
    #[serde(default)]
    attendu: BTreeMap<String, Statut>,
    #[serde(default)]
    montants: BTreeMap<String, i64>,
    #[serde(default)]
    maximums: BTreeMap<String, i64>,
    autres: Option<Statut>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Statut {
    Eligible,
    AConfirmer,
    NonEligible,
}

impl Statut {
    fn as_str(self) -> &'static str {
        match self {
            Statut::Eligible => "eligible",
            Statut::AConfirmer => "a_confirmer",
            Statut::NonEligible => "non_eligible",
        }
    }
}

/// A scenario ready to run.
struct Scenario {
    nom: String,
    date: NaiveDate,
    profil: Profile,
    attendu: BTreeMap<String, Statut>,
    montants: BTreeMap<String, i64>,
    maximums: BTreeMap<String, i64>,
    autres: Option<Statut>,
}

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("scenarios")
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("dossier tests/scenarios illisible")
        .map(|e| e.expect("entrée de dossier illisible").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn toml_date(d: &toml::value::Datetime) -> Option<NaiveDate> {
    match (d.date, d.time) {
        (Some(date), None) => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        ),
        _ => None,
    }
}

/// A TOML value as the library's raw value.
fn raw(v: &toml::Value) -> Raw<'_> {
    match v {
        toml::Value::String(s) => Raw::Str(s),
        toml::Value::Integer(i) => Raw::Int(*i),
        toml::Value::Float(x) => Raw::Float(*x),
        toml::Value::Boolean(b) => Raw::Bool(*b),
        toml::Value::Datetime(d) => toml_date(d).map_or(Raw::Other("une date et heure"), Raw::Date),
        toml::Value::Array(a) => Raw::List(a.iter().map(raw).collect()),
        toml::Value::Table(_) => Raw::Other("une table"),
    }
}

/// Checks a scenario as written against the rule set and the vocabulary.
fn read_scenario(t: ScenarioToml, rules: &RuleSet) -> Result<Scenario, (String, Vec<String>)> {
    let mut errors = Vec::new();
    if t.nom.trim().is_empty() {
        errors.push("« nom » vide".to_owned());
    }
    let date = toml_date(&t.date);
    if date.is_none() {
        errors.push("« date » n'est pas une date TOML (date = 2026-03-01)".into());
    }
    let pairs = t.profil.iter().map(|(k, v)| (k.as_str(), raw(v)));
    let profil = profile::from_pairs(pairs, &rules.refs)
        .map_err(|e| errors.push(format!("profil invalide : {e}")))
        .ok();
    for (key, ids) in [
        ("attendu", t.attendu.keys().collect::<Vec<_>>()),
        ("montants", t.montants.keys().collect()),
        ("maximums", t.maximums.keys().collect()),
    ] {
        for id in ids {
            if rules.aide(id).is_none() {
                let known: Vec<&str> = rules.aides.iter().map(|a| a.id.as_str()).collect();
                errors.push(format!(
                    "« {key} » : aide inconnue « {id} » (aides connues : {})",
                    known.join(", ")
                ));
            }
        }
    }
    if t.attendu.is_empty() && t.autres.is_none() {
        errors.push("scénario sans attente : donnez « attendu » (et/ou « autres »)".into());
    }
    for id in t.montants.keys().chain(t.maximums.keys()) {
        if !t.attendu.contains_key(id) {
            errors.push(format!(
                "montant donné pour « {id} » sans statut attendu dans « attendu »"
            ));
        }
    }
    match (errors.is_empty(), date, profil) {
        (true, Some(date), Some(profil)) => Ok(Scenario {
            nom: t.nom,
            date,
            profil,
            attendu: t.attendu,
            montants: t.montants,
            maximums: t.maximums,
            autres: t.autres,
        }),
        _ => Err((t.nom, errors)),
    }
}

fn fmt_opt(x: Option<i64>) -> String {
    x.map_or("null".into(), |n| n.to_string())
}

fn describe(a: &AideRapport<'_>) -> String {
    let mut s = a.statut.as_str().to_owned();
    if let Some(r) = a.raison {
        let _ = write!(s, " (raison : « {r} »)");
    }
    if !a.manquants.is_empty() {
        let _ = write!(s, " (manquants : {})", a.manquants.join(", "));
    }
    s
}

/// Evaluates one scenario; returns one line per mismatch.
fn check(rules: &RuleSet, sc: &Scenario) -> Vec<String> {
    let rapport = evaluate(rules, &sc.profil, sc.date);
    let by_id: HashMap<&str, &AideRapport<'_>> = rapport.aides.iter().map(|a| (a.id, a)).collect();
    assert_eq!(
        by_id.len(),
        rules.aides.len(),
        "le rapport doit contenir chaque aide une fois"
    );
    let mut out = Vec::new();
    for (id, want) in &sc.attendu {
        let got = by_id[id.as_str()];
        if got.statut.as_str() != want.as_str() {
            out.push(format!(
                "{id} : attendu {}, obtenu {}",
                want.as_str(),
                describe(got)
            ));
        }
    }
    for (id, want) in &sc.montants {
        let m = &by_id[id.as_str()].montant;
        if m.eur != Some(*want) {
            out.push(format!(
                "{id} : montant attendu {want} €, obtenu eur = {} (min {}, max {}, « {} »)",
                fmt_opt(m.eur),
                fmt_opt(m.min_eur),
                fmt_opt(m.max_eur),
                m.libelle
            ));
        }
    }
    for (id, want) in &sc.maximums {
        let m = &by_id[id.as_str()].montant;
        if m.max_eur != Some(*want) {
            out.push(format!(
                "{id} : plafond attendu {want} €, obtenu max_eur = {} (eur {}, « {} »)",
                fmt_opt(m.max_eur),
                fmt_opt(m.eur),
                m.libelle
            ));
        }
    }
    if let Some(want) = &sc.autres {
        let named: BTreeSet<&str> = sc.attendu.keys().map(String::as_str).collect();
        for a in &rapport.aides {
            if !named.contains(a.id) && a.statut.as_str() != want.as_str() {
                out.push(format!(
                    "{} (autres) : attendu {}, obtenu {}",
                    a.id,
                    want.as_str(),
                    describe(a)
                ));
            }
        }
    }
    out
}

#[test]
fn scenarios() {
    let loaded = aides::rules::embedded();
    let rendered: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| {
            let src = loaded
                .rules
                .sources
                .iter()
                .find(|s| s.name == d.file)
                .map(|s| s.text.as_str());
            aides::diagnostic::render_text(d, src)
        })
        .collect();
    assert!(
        rendered.is_empty(),
        "les règles embarquées ont des diagnostics :\n{}",
        rendered.join("\n")
    );
    let rules = &loaded.rules;

    let files = scenario_files();
    let stems: Vec<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for want in FICHIERS_ATTENDUS {
        assert!(
            stems.iter().any(|s| s == want),
            "tests/scenarios/{want}.toml manquant (trouvés : {stems:?})"
        );
    }

    let mut failures: Vec<String> = Vec::new();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("{name} : lecture impossible : {e}"));
        let fichier: Fichier = match toml::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{name} : {e}"));
                continue;
            }
        };
        let tables = fichier.scenario;
        if tables.is_empty() {
            failures.push(format!("{name} : aucun [[scenario]] trouvé"));
        }
        counts.push((name.clone(), tables.len()));
        let mut noms = BTreeSet::new();
        for t in tables {
            match read_scenario(t, rules) {
                Err((nom, errors)) => {
                    failures.push(format!(
                        "{name} › « {nom} » : scénario mal formé\n      {}",
                        errors.join("\n      ")
                    ));
                }
                Ok(sc) => {
                    if !noms.insert(sc.nom.clone()) {
                        failures.push(format!(
                            "{name} › « {} » : nom en double dans le fichier",
                            sc.nom
                        ));
                    }
                    let problems = check(rules, &sc);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{name} › « {} » (date {}) :\n      {}",
                            sc.nom,
                            sc.date,
                            problems.join("\n      ")
                        ));
                    }
                }
            }
        }
    }
    let summary: Vec<String> = counts.iter().map(|(f, n)| format!("{f} : {n}")).collect();
    assert!(
        failures.is_empty(),
        "{} scénario(s) en échec (scénarios lus : {}) :\n\n  {}\n",
        failures.len(),
        summary.join(", "),
        failures.join("\n  ")
    );
}
