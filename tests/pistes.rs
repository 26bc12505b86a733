//! Near misses of windows that closed (SPEC §5 `pistes[].fin`, `motif`), on small rule sets written
//! for each case: the reference tables of the shipped rules and one aid. The shipped aids do not
//! exercise every boundary of the search (an aid without installation bounds, a rule that applies from a
//! date, a relative date on another field than the request's), so these pin what the search promises
//! whatever the rules: a closed aid is hinted only when time alone excludes it, on a last day on or
//! after the installation, and the days tried are the request's own deadlines.

use aides::profile::{self, Profile, Raw};
use aides::report::evaluate;
use aides::rules::model::RuleSet;
use aides::rules::{SourceFile, embedded_sources, from_sources, is_referentiel};
use chrono::NaiveDate;
use serde_json::Value as J;

/// The shipped reference tables and one aid with `periode` and `conditions` as given.
fn rules_with(periode: &str, conditions: &str) -> RuleSet {
    let mut sources: Vec<SourceFile> = embedded_sources()
        .into_iter()
        .filter(|s| is_referentiel(&s.rel))
        .collect();
    let text = format!(
        r#"id = "essai"
nom = "Aide d'essai"
resume = "Une aide écrite pour un test."
financeur = "CPAM"
public = "Médecins"
contact = "cpam"
verifie_le = 2026-01-02

[periode]
{periode}

[[conditions]]
libelle = "Demande portant sur une installation"
champ = "projet"
egal = "installation"
{conditions}

[montant]
type = "fixe"
eur = 1000

[[sources]]
titre = "Texte d'essai"
url = "https://www.ameli.fr/"

[[exemples]]
nom = "installé le 15/01/2026, vu le 20/01/2026"
date = 2026-01-20
profil = {{ projet = "installation", date_installation = 2026-01-15, pdsa = true, date_derniere_aide = 2016-03-01 }}
statut = "eligible"
eur = 1000
"#
    );
    sources.push(SourceFile {
        rel: "national/essai.toml".into(),
        name: "rules/national/essai.toml".into(),
        text,
    });
    let loaded = from_sources(sources);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.rules.aides.len(), 1);
    loaded.rules
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d/%m/%Y").expect("JJ/MM/AAAA")
}

/// The pistes of the JSON report for a profile (`champ` = value as typed) at a reference date.
fn pistes(rules: &RuleSet, pairs: &[(&str, &str)], on: &str) -> Vec<J> {
    let profile: Profile =
        profile::from_pairs(pairs.iter().map(|(k, v)| (*k, Raw::Flag(v))), &rules.refs)
            .expect("profil");
    let rapport = evaluate(rules, &profile, date(on));
    let json = serde_json::to_value(&rapport).expect("JSON");
    json["pistes"].as_array().cloned().unwrap_or_default()
}

/// The end date and motive of the closed-aid piste, if any.
fn fin(p: &[J]) -> Option<(String, String)> {
    p.iter().find(|x| x["aide"] == "essai").map(|x| {
        (
            x["fin"].as_str().expect("fin").to_owned(),
            x["motif"].as_str().expect("motif").to_owned(),
        )
    })
}

#[test]
fn an_aid_closed_for_everyone_is_hinted_from_the_installation_day_on() {
    // No installation bound: only the request's deadline, 31/03/2026.
    let rules = rules_with("demande_au_plus_tard = 2026-03-31", "");
    let on = "06/12/2026";
    let installed = |d: &str| {
        pistes(
            &rules,
            &[("projet", "installation"), ("date_installation", d)],
            on,
        )
    };
    let closed = Some(("2026-03-31".to_owned(), "aide_close".to_owned()));
    // Installed before the last day, or on it: the aid could have been requested.
    assert_eq!(fin(&installed("15/01/2026")), closed);
    assert_eq!(fin(&installed("31/03/2026")), closed);
    // Installed the day after: no request could have been made for this installation.
    assert_eq!(fin(&installed("01/04/2026")), None);
    // Installation date unknown: the aid's end is said all the same.
    assert_eq!(
        fin(&pistes(&rules, &[("projet", "installation")], on)),
        closed
    );
    // Before the end, no closed window: the aid is to request.
    let open = pistes(
        &rules,
        &[
            ("projet", "installation"),
            ("date_installation", "15/01/2026"),
        ],
        "30/03/2026",
    );
    assert_eq!(fin(&open), None);
}

#[test]
fn a_known_field_excludes_the_hint_unless_its_rule_came_after_the_last_day() {
    let base = [
        ("projet", "installation"),
        ("date_installation", "15/01/2026"),
    ];
    let closed = Some(("2026-03-31".to_owned(), "aide_close".to_owned()));
    let with_pdsa = |pdsa: &'static str| {
        let mut p = base.to_vec();
        p.push(("pdsa", pdsa));
        p
    };
    // The PDSA required all along: a physician without it could never have obtained the aid.
    let always = rules_with(
        "demande_au_plus_tard = 2026-03-31",
        r#"
[[conditions]]
libelle = "Participation à la permanence des soins"
champ = "pdsa"
egal = true
"#,
    );
    assert_eq!(fin(&pistes(&always, &with_pdsa("non"), "06/12/2026")), None);
    assert_eq!(
        fin(&pistes(&always, &with_pdsa("oui"), "06/12/2026")),
        closed
    );
    // Required from 01/06/2026 only: on the aid's last day (31/03/2026) the rule did not apply yet,
    // so time alone excludes him too, and the end is said.
    let later = rules_with(
        "demande_au_plus_tard = 2026-03-31",
        r#"
[[conditions]]
libelle = "Participation à la permanence des soins"
champ = "pdsa"
egal = true
applicable_du = 2026-06-01
"#,
    );
    assert_eq!(
        fin(&pistes(&later, &with_pdsa("non"), "06/12/2026")),
        closed
    );
}

#[test]
fn only_the_requests_own_relative_deadlines_are_last_days() {
    // The request's deadline is a fixed date written as a condition (not in `periode`), next to a
    // relative date on another field (the installation within 10 years of the last aid): the day
    // that date gives (01/03/2026) is no deadline of the request, so no window is said to end then.
    let rules = rules_with(
        "installation_du = 2016-01-01",
        r#"
[[conditions]]
libelle = "Demande au plus tard le 31/03/2026, installation dans les 10 ans de la dernière aide"
tous = [
  { champ = "date_demande", max = 2026-03-31 },
  { champ = "date_installation", max = { champ = "date_derniere_aide", mois = 120 } },
]
"#,
    );
    let profile = [
        ("projet", "installation"),
        ("date_installation", "15/01/2026"),
        ("date_derniere_aide", "01/03/2016"),
    ];
    assert_eq!(fin(&pistes(&rules, &profile, "06/12/2026")), None);
    // The request's own relative deadline (6 months after the installation) is one: the
    // physician's window expired on 15/07/2026.
    let rules = rules_with(
        "installation_du = 2016-01-01",
        r#"
[[conditions]]
libelle = "Demande dans les 6 mois de l'installation"
champ = "date_demande"
max = { champ = "date_installation", mois = 6 }
"#,
    );
    assert_eq!(
        fin(&pistes(&rules, &profile, "06/12/2026")),
        Some(("2026-07-15".to_owned(), "delai_expire".to_owned()))
    );
}
