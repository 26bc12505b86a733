//! The shipped rule set: it loads without any diagnostic, every embedded example passes, every
//! condition of every aid is exercised both ways by its examples, and every aid of the SPEC catalogue is
//! there. Plus the checks that need a whole rule set, on small in-memory rule sets.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use aides::diagnostic::{Code, Severity};
use aides::rules::{self, SourceFile};
use aides::validate as check;

const CATALOGUE: &[&str] = &[
    "primo-installation-zip",
    "primo-installation-zac",
    "cabinet-secondaire-zip",
    "consultations-avancees",
    "majoration-forfait-medecin-traitant",
    "normandie-zac-fir",
    "hauts-de-france-crai",
    "occitanie-qpv-zar",
    "occitanie-400-mg",
    "occitanie-assistant-partage",
    "occitanie-esp",
    "occitanie-msp",
    "occitanie-cds",
    "occitanie-cpts",
    "caim",
];

fn today() -> chrono::NaiveDate {
    "2026-11-24".parse().unwrap()
}

#[test]
fn shipped_rules_load_without_diagnostics() {
    let loaded = rules::embedded();
    let texts: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{d:?}"))
        .collect();
    assert!(texts.is_empty(), "{texts:#?}");
    assert_eq!(loaded.rules.refs.departements.len(), 101);
    assert_eq!(loaded.rules.refs.regions.len(), 18);
}

#[test]
fn shipped_catalogue_is_the_spec_catalogue() {
    let loaded = rules::embedded();
    let mut ids: Vec<&str> = loaded.rules.aides.iter().map(|a| a.id.as_str()).collect();
    ids.sort_unstable();
    let mut expected = CATALOGUE.to_vec();
    expected.sort_unstable();
    assert_eq!(ids, expected);
}

#[test]
fn every_embedded_example_passes_and_nothing_is_contradictory() {
    let loaded = rules::embedded();
    let diags = check::all(&loaded.rules, today(), Some(365));
    let texts: Vec<String> = diags
        .iter()
        .map(|d| aides::diagnostic::render_text(d, loaded.rules.source(&d.file)))
        .collect();
    assert!(texts.is_empty(), "{}", texts.join("\n"));
    let examples: usize = loaded.rules.aides.iter().map(|a| a.exemples.len()).sum();
    assert!(examples > 200, "only {examples} examples");
}

#[test]
fn every_condition_is_exercised_both_ways() {
    let loaded = rules::embedded();
    let cov = check::coverage(&loaded.rules);
    let missing: Vec<String> = cov
        .iter()
        .flat_map(|a| {
            a.conditions
                .iter()
                .filter(|c| !c.both_ways())
                .map(move |c| {
                    format!(
                        "{} : {} (vrai {}, faux {})",
                        a.id, c.libelle, c.vrai, c.faux
                    )
                })
        })
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
}

#[test]
fn shipped_rules_were_checked_within_a_year() {
    let loaded = rules::embedded();
    assert!(check::freshness(&loaded.rules, today(), 365).is_empty());
    let later: chrono::NaiveDate = "2030-01-01".parse().unwrap();
    let stale = check::freshness(&loaded.rules, later, 365);
    assert_eq!(stale.len(), CATALOGUE.len());
    assert!(
        stale
            .iter()
            .all(|d| d.code == Code::StaleRule && d.severity == Severity::Erreur)
    );
}

fn one_rule(conditions: &str) -> Vec<SourceFile> {
    let text = format!(
        r#"id = "essai"
nom = "Essai"
resume = "Essai."
financeur = "CPAM"
public = "Tous"
contact = "cpam"
verifie_le = 2026-11-01
{conditions}
[montant]
type = "fixe"
eur = 1000

[[sources]]
titre = "Source"
url = "https://example.org"

[[exemples]]
nom = "vide"
date = 2026-03-01
statut = "a_confirmer"
"#
    );
    vec![SourceFile {
        rel: "national/essai.toml".into(),
        name: "essai.toml".into(),
        text,
    }]
}

#[test]
fn contradictory_conditions_are_an_error() {
    let loaded = rules::from_sources(one_rule(
        "[[conditions]]\nlibelle = \"ZIP\"\nchamp = \"zone\"\negal = \"ZIP\"\n\n[[conditions]]\nlibelle = \"ZAC\"\nchamp = \"zone\"\negal = \"ZAC\"\n",
    ));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let diags = check::unreachable(&loaded.rules);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::UnreachableCondition);
    assert!(diags[0].is_error());
    assert!(
        diags[0]
            .message
            .contains("« ZAC » contredit la condition « ZIP »"),
        "{}",
        diags[0].message
    );
}

/// The one diagnostic of `check::unreachable` on a one-rule set, with the text its span points at.
fn one_unreachable(conditions: &str) -> (aides::diagnostic::Diagnostic, String) {
    let loaded = rules::from_sources(one_rule(conditions));
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let diags = check::unreachable(&loaded.rules);
    assert_eq!(diags.len(), 1, "{conditions}: {diags:?}");
    let d = diags.into_iter().next().unwrap();
    assert_eq!(d.code, Code::UnreachableCondition);
    let span = d.span.clone().expect("located");
    let text = loaded.rules.sources[0].text[span].to_owned();
    (d, text)
}

#[test]
fn out_of_range_and_window_contradictions_are_found() {
    let (d, at) = one_unreachable(
        "[periode]\ninstallation_au = 2025-12-31\n\n[[conditions]]\nlibelle = \"2026\"\nchamp = \"date_installation\"\nmin = 2026-01-01\n",
    );
    assert!(d.is_error());
    assert_eq!(at, "[[conditions]]", "the span is the condition");
    let (d, at) = one_unreachable(
        "[[conditions]]\nlibelle = \"trop\"\nchamp = \"jours_par_semaine\"\nsup = 7\n",
    );
    assert!(d.is_error());
    assert_eq!(at, "[[conditions]]", "the span is the condition");
    let fine = rules::from_sources(one_rule(
        "[[conditions]]\nlibelle = \"ok\"\nchamp = \"jours_par_semaine\"\nentre = [2.5, 7]\n",
    ));
    assert!(check::unreachable(&fine.rules).is_empty());
}

#[test]
fn a_dead_branch_is_a_warning() {
    let loaded = rules::from_sources(one_rule(
        "[[conditions]]\nlibelle = \"ZAC\"\nchamp = \"zone\"\negal = \"ZAC\"\n\n[[conditions]]\nlibelle = \"ZIP ou QPV\"\nun_de = [ { champ = \"zone\", egal = \"ZIP\" }, { champ = \"qpv\", egal = true } ]\n",
    ));
    let diags = check::unreachable(&loaded.rules);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, Code::UnreachableCondition);
    assert_eq!(diags[0].severity, Severity::Avertissement);
    let span = diags[0].span.clone().expect("located");
    assert!(
        loaded.rules.sources[0].text[span].contains("ZIP"),
        "the span is the dead branch"
    );
}

#[test]
fn a_label_of_the_wrong_type_is_a_type_mismatch() {
    let loaded = rules::from_sources(one_rule(
        "[[conditions]]\nlibelle = 3\nchamp = \"zone\"\negal = \"ZIP\"\n",
    ));
    let codes: Vec<Code> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::TypeMismatch], "{:?}", loaded.diagnostics);
    let d = &loaded.diagnostics[0];
    let text = &loaded.rules.sources[0].text;
    let span = d.span.clone().expect("located");
    assert_eq!(&text[span], "3", "the span points at the value");
}

#[test]
fn every_table_reports_the_keys_its_reader_does_not_read() {
    for (table, key) in [
        (
            "[periode]\nen_vigueur_du = 2026-01-01\nfin = 2026-12-31\n",
            "fin",
        ),
        (
            "[[conditions]]\nlibelle = \"ZIP\"\nchamp = \"zone\"\negal = \"ZIP\"\ncommentaire = \"x\"\n",
            "commentaire",
        ),
        (
            "[[versements]]\npart_pct = 100\nquand = \"en une fois\"\nmontant = 1\n",
            "montant",
        ),
    ] {
        let loaded = rules::from_sources(one_rule(table));
        let unknown: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::UnknownKey)
            .collect();
        assert_eq!(unknown.len(), 1, "{table}: {:?}", loaded.diagnostics);
        let span = unknown[0].span.clone().expect("located");
        assert_eq!(&loaded.rules.sources[0].text[span], key);
    }
}
