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
//! The profile goes through the library's own vocabulary (`profile::from_pairs`), so a misspelt field or
//! a value outside its domain fails the case, as does an aid id that the rule set does not know.
//! Every failing case is reported (file, `nom`, expected vs got, first false condition) before the panic.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use aides::profile::{self, Profile, Raw};
use aides::report::AideRapport;
use aides::report::evaluate;
use aides::rules::compile::to_raw;
use aides::rules::model::RuleSet;
use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

const STATUTS: [&str; 3] = ["eligible", "a_confirmer", "non_eligible"];
const SCENARIO_KEYS: [&str; 7] = [
    "nom", "date", "profil", "attendu", "montants", "maximums", "autres",
];
/// Files that must exist: deleting one must not silently drop its cases.
const FICHIERS_ATTENDUS: [&str; 5] = [
    "national",
    "hauts-de-france",
    "occitanie",
    "normandie",
    "bretagne",
];

struct Scenario {
    nom: String,
    date: NaiveDate,
    profil: Profile,
    attendu: Vec<(String, String)>,
    montants: Vec<(String, i64)>,
    maximums: Vec<(String, i64)>,
    autres: Option<String>,
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

/// `{ "id" = value, … }` as pairs, checking every id against the rule set.
fn id_table<'a>(
    v: &'a DeValue<'_>,
    key: &str,
    rules: &RuleSet,
    errors: &mut Vec<String>,
) -> Vec<(String, &'a DeValue<'a>)> {
    let DeValue::Table(t) = v else {
        errors.push(format!(
            "« {key} » doit être une table {{ \"id-de-l-aide\" = … }}"
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in t {
        let id = k.get_ref().to_string();
        if rules.aide(&id).is_none() {
            let known: Vec<&str> = rules.aides.iter().map(|a| a.id.as_str()).collect();
            errors.push(format!(
                "« {key} » : aide inconnue « {id} » (aides connues : {})",
                known.join(", ")
            ));
            continue;
        }
        out.push((id, v.get_ref()));
    }
    out
}

fn statut_value(v: &DeValue<'_>, what: &str, errors: &mut Vec<String>) -> Option<String> {
    match v {
        DeValue::String(s) if STATUTS.contains(&s.as_ref()) => Some(s.to_string()),
        _ => {
            errors.push(format!(
                "{what} : statut {v:?} invalide (eligible, a_confirmer ou non_eligible)"
            ));
            None
        }
    }
}

fn int_value(v: &DeValue<'_>, what: &str, errors: &mut Vec<String>) -> Option<i64> {
    if let Raw::Int(n) = to_raw(v) {
        Some(n)
    } else {
        errors.push(format!("{what} : un entier (euros) attendu, {v:?} reçu"));
        None
    }
}

/// Reads one `[[scenario]]` table; `Err` lists what is wrong with it.
fn read_scenario(
    t: &DeTable<'_>,
    index: usize,
    rules: &RuleSet,
) -> Result<Scenario, (String, Vec<String>)> {
    let mut errors = Vec::new();
    let get = |key: &str| {
        t.iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v.get_ref())
    };
    for (k, _) in t {
        if !SCENARIO_KEYS.contains(&k.get_ref().as_ref()) {
            errors.push(format!(
                "clé inconnue « {} » (clés : {})",
                k.get_ref(),
                SCENARIO_KEYS.join(", ")
            ));
        }
    }
    let nom = match get("nom") {
        Some(DeValue::String(s)) if !s.trim().is_empty() => s.to_string(),
        _ => {
            errors.push("« nom » manquant ou vide".into());
            format!("scénario n° {}", index + 1)
        }
    };
    let date = if let Some(Raw::Date(d)) = get("date").map(to_raw) {
        Some(d)
    } else {
        errors.push("« date » manquante ou qui n'est pas une date TOML (date = 2026-03-01)".into());
        None
    };
    let profil = if let Some(DeValue::Table(p)) = get("profil") {
        let pairs = p
            .iter()
            .map(|(k, v)| (k.get_ref().as_ref(), to_raw(v.get_ref())));
        match profile::from_pairs(pairs, &rules.refs) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(format!("profil invalide : {e}"));
                None
            }
        }
    } else {
        errors.push("« profil » manquant (profil = { champ = valeur, … })".into());
        None
    };
    let attendu: Vec<(String, String)> = match get("attendu") {
        Some(v) => id_table(v, "attendu", rules, &mut errors)
            .into_iter()
            .filter_map(|(id, v)| {
                let s = statut_value(v, &format!("attendu.{id}"), &mut errors)?;
                Some((id, s))
            })
            .collect(),
        None => Vec::new(),
    };
    let mut amounts = |key: &str| -> Vec<(String, i64)> {
        match get(key) {
            Some(v) => id_table(v, key, rules, &mut errors)
                .into_iter()
                .filter_map(|(id, v)| {
                    let n = int_value(v, &format!("{key}.{id}"), &mut errors)?;
                    Some((id, n))
                })
                .collect(),
            None => Vec::new(),
        }
    };
    let montants = amounts("montants");
    let maximums = amounts("maximums");
    let autres = get("autres").and_then(|v| statut_value(v, "autres", &mut errors));
    // Checks of the scenario as a whole, once its parts were read (no follow-up noise).
    if errors.is_empty() {
        if attendu.is_empty() && autres.is_none() {
            errors.push("scénario sans attente : donnez « attendu » (et/ou « autres »)".into());
        }
        for (id, _) in montants.iter().chain(&maximums) {
            if !attendu.iter().any(|(a, _)| a == id) {
                errors.push(format!(
                    "montant donné pour « {id} » sans statut attendu dans « attendu »"
                ));
            }
        }
    }
    match (errors.is_empty(), date, profil) {
        (true, Some(date), Some(profil)) => Ok(Scenario {
            nom,
            date,
            profil,
            attendu,
            montants,
            maximums,
            autres,
        }),
        _ => Err((nom, errors)),
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
        if got.statut.as_str() != want {
            out.push(format!("{id} : attendu {want}, obtenu {}", describe(got)));
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
        let named: BTreeSet<&str> = sc.attendu.iter().map(|(id, _)| id.as_str()).collect();
        for a in &rapport.aides {
            if !named.contains(a.id) && a.statut.as_str() != want {
                out.push(format!(
                    "{} (autres) : attendu {want}, obtenu {}",
                    a.id,
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
        let doc = match DeTable::parse(&text) {
            Ok(doc) => doc,
            Err(e) => {
                failures.push(format!("{name} : TOML invalide : {e}"));
                continue;
            }
        };
        let mut tables = Vec::new();
        for (k, v) in doc.get_ref() {
            match (k.get_ref().as_ref(), v.get_ref()) {
                ("scenario", DeValue::Array(items)) => {
                    for item in items {
                        match item.get_ref() {
                            DeValue::Table(t) => tables.push(t),
                            other => failures.push(format!("{name} : [[scenario]] attendu, {other:?} reçu")),
                        }
                    }
                }
                (other, _) => failures.push(format!("{name} : clé de premier niveau « {other} » inconnue (seul [[scenario]] est admis)")),
            }
        }
        if tables.is_empty() {
            failures.push(format!("{name} : aucun [[scenario]] trouvé"));
        }
        counts.push((name.clone(), tables.len()));
        let mut noms = BTreeSet::new();
        for (i, t) in tables.into_iter().enumerate() {
            match read_scenario(t, i, rules) {
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
