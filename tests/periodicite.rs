//! Amounts that recur say so (SPEC §5 `montant.periodicite`, DOMAIN « Recurring amounts »): a monthly
//! amount is `mensuel` in the JSON report and in its pistes, and « par mois » in its label, whether it
//! has a euro figure (half-days of consultations avancées) or not (the 400 MG salary guarantee, said
//! by its rule's `periode`); an amount without a euro figure whose rule says nothing of a period keeps
//! `periodicite` null, and a one-off amount is `unique`.

// Tests run the binary (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::process::Command;

use aides::rules::{SourceFile, embedded_sources, from_sources, is_referentiel};
use serde_json::Value as J;

const BIN: &str = env!("CARGO_BIN_EXE_aides");

fn report(args: &[&str]) -> J {
    let out = Command::new(BIN)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--date", "06/12/2026"])
        .env_remove("AIDES_RULES")
        .output()
        .expect("lance aides");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn aid<'a>(r: &'a J, id: &str) -> &'a J {
    r["aides"]
        .as_array()
        .expect("aides")
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} absent : {r}"))
}

const SALARIE_34: [&str; 10] = [
    "--departement",
    "34",
    "--specialite",
    "medecine-generale",
    "--exercice",
    "salarie",
    "--zone",
    "ZIP",
    "--exercice-coordonne",
    "cds",
];

#[test]
fn the_400_mg_guarantee_is_monthly_without_a_euro_figure() {
    let mut args = SALARIE_34.to_vec();
    args.push("--pdsa=oui");
    let r = report(&args);
    let mg = aid(&r, "occitanie-400-mg");
    assert_eq!(mg["statut"], "eligible");
    assert_eq!(mg["montant"]["eur"], J::Null);
    assert_eq!(mg["montant"]["periodicite"], "mensuel", "{mg}");
    assert!(
        mg["montant"]["libelle"]
            .as_str()
            .expect("libelle")
            .contains("mensuelle"),
        "{mg}"
    );
    // No euro amount to add: the total stays at zero and never starts with « plus ».
    assert_eq!(r["total"]["min_eur"], 0);
    // As a near miss (no PDSA yet), the piste's amount says the same.
    let mut args = SALARIE_34.to_vec();
    args.push("--pdsa=non");
    let r = report(&args);
    let piste = r["pistes"]
        .as_array()
        .expect("pistes")
        .iter()
        .find(|p| p["aide"] == "occitanie-400-mg")
        .unwrap_or_else(|| panic!("piste 400 MG : {r}"));
    assert_eq!(piste["changement"]["pdsa"], true);
    assert_eq!(piste["montant"]["periodicite"], "mensuel", "{piste}");
}

#[test]
fn other_amounts_keep_their_period_or_none() {
    // The FMT majoration is a percentage with no period in its rule: null. The ZIP aid is one-off.
    let r = report(&[
        "--departement",
        "45",
        "--zone",
        "ZIP",
        "--specialite",
        "medecine-generale",
        "--exercice",
        "liberal",
        "--secteur",
        "1",
        "--projet",
        "installation",
        "--primo-installation",
        "--date-installation",
        "02/03/2026",
        "--aide-installation-10-ans=non",
    ]);
    let fmt = aid(&r, "majoration-forfait-medecin-traitant");
    assert_eq!(fmt["montant"]["eur"], J::Null);
    assert_eq!(fmt["montant"]["periodicite"], J::Null, "{fmt}");
    assert_eq!(
        aid(&r, "primo-installation-zip")["montant"]["periodicite"],
        "unique"
    );
    // Consultations avancées: 200 € a half-day, up to 6 a month: a monthly euro amount.
    let r = report(&[
        "--departement",
        "45",
        "--zone",
        "ZIP",
        "--specialite",
        "cardiologie",
        "--exercice",
        "liberal",
        "--projet",
        "consultations-avancees",
        "--demi-journees-par-mois",
        "4",
    ]);
    let ca = aid(&r, "consultations-avancees");
    assert_eq!(ca["montant"]["periodicite"], "mensuel", "{ca}");
    assert!(
        ca["montant"]["libelle"]
            .as_str()
            .expect("libelle")
            .contains("par mois"),
        "{ca}"
    );
}

/// The diagnostics of the shipped reference tables and one aid whose `[montant]` is given.
fn diagnostics(montant: &str) -> Vec<String> {
    let mut sources: Vec<SourceFile> = embedded_sources()
        .into_iter()
        .filter(|s| is_referentiel(&s.rel))
        .collect();
    let shipped = embedded_sources()
        .into_iter()
        .find(|s| s.rel.ends_with("occitanie-400-mg.toml"))
        .expect("the 400 MG rule");
    let start = shipped.text.find("[montant]").expect("[montant]");
    let end = start
        + shipped.text[start..]
            .find("\n\n")
            .expect("end of [montant]");
    let text = format!(
        "{}{montant}{}",
        &shipped.text[..start],
        &shipped.text[end..]
    );
    sources.push(SourceFile {
        rel: shipped.rel.clone(),
        name: shipped.name.clone(),
        text,
    });
    let loaded = from_sources(sources);
    loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn a_rule_says_the_period_of_an_amount_without_a_euro_figure() {
    let libelle = "libelle = \"Garantie de revenu\"";
    assert_eq!(
        diagnostics(&format!(
            "[montant]\ntype = \"sans_montant\"\n{libelle}\nperiode = \"mois\""
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        diagnostics(&format!("[montant]\ntype = \"sans_montant\"\n{libelle}")),
        Vec::<String>::new()
    );
    let bad = diagnostics(&format!(
        "[montant]\ntype = \"sans_montant\"\n{libelle}\nperiode = \"semaine\""
    ));
    assert!(
        bad.iter().any(|m| m == "période « semaine » inconnue"),
        "{bad:?}"
    );
}
