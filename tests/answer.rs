//! The answer a physician reads, measured as they see it: at 80 columns, a complete profile fits one
//! 80×40 screen and says what to do (SPEC §6), and the near misses say what would have changed it.

// Tests run the binary (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_aides");

fn answer(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env("COLUMNS", "80")
        .env_remove("NO_COLOR")
        .output()
        .expect("lance aides");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

const LOIRET: [&str; 18] = [
    "check",
    "--zone",
    "ZIP",
    "--departement",
    "45",
    "--secteur",
    "1",
    "--exercice",
    "liberal",
    "--specialite",
    "medecine-generale",
    "--projet",
    "installation",
    "--primo-installation",
    "--date-installation",
    "2026-03-02",
    "--aide-installation-10-ans=non",
    "--date=2026-12-01",
];

#[test]
fn a_complete_profile_fits_one_screen_and_says_whom_to_contact() {
    let text = answer(&LOIRET);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() <= 40, "{} lignes :\n{text}", lines.len());
    for l in &lines {
        assert!(l.chars().count() <= 80, "ligne trop large : {l}");
    }
    assert!(text.contains("10\u{a0}000\u{a0}€"), "{text}");
    let steps = text.find("Que faire maintenant").expect("next steps");
    let after = &text[steps..];
    assert!(after.contains("la CPAM du Loiret"), "{after}");
    assert!(
        after.contains("RPS45.cpam-loiret@assurance-maladie.fr"),
        "{after}"
    );
    // A payment date that has passed is not shown as something to do.
    assert!(!text.contains("02/06/2026"), "{text}");
}

#[test]
fn a_sector_2_paediatrician_is_told_what_the_optam_would_bring() {
    let mut args = LOIRET.to_vec();
    let at = |args: &Vec<&str>, flag: &str| args.iter().position(|a| *a == flag).unwrap() + 1;
    let i = at(&args, "--secteur");
    args[i] = "2";
    let i = at(&args, "--specialite");
    args[i] = "pediatre";
    args.push("--optam=non");
    let text = answer(&args);
    let pistes = &text[text.find("Pistes").expect("near misses")..];
    assert!(pistes.contains("Avec l'OPTAM"), "{pistes}");
    assert!(pistes.contains("10\u{a0}000\u{a0}€"), "{pistes}");
}

#[test]
fn a_calvados_gp_is_told_the_ars_contract_has_closed() {
    let text = answer(&[
        "check",
        "--zone",
        "ZAC",
        "--departement",
        "14",
        "--secteur",
        "1",
        "--exercice",
        "liberal",
        "--specialite",
        "generaliste",
        "--projet",
        "installation",
        "--primo-installation",
        "--date-installation",
        "15/11/2025",
        "--aide-installation-10-ans=non",
        "--jours-par-semaine",
        "4",
        "--pdsa",
        "--exercice-coordonne",
        "msp",
        "--date=2026-12-01",
    ]);
    let pistes = &text[text.find("Pistes").expect("near misses")..];
    assert!(pistes.contains("ZAC FIR"), "{pistes}");
    assert!(pistes.contains("a pris fin"), "{pistes}");
    assert!(pistes.contains("31/03/2026"), "{pistes}");
}

#[test]
fn explain_shows_the_dates_it_computed() {
    let text = answer(&[
        "explain",
        "hauts-de-france-crai",
        "--departement",
        "59",
        "--date-installation",
        "15/09/2025",
        "--date-derniere-aide",
        "15/06/2018",
        "--date=2026-02-01",
    ]);
    // Read as one text: the wrapping cuts lines at spaces.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("demande au plus tard le 15/03/2026 (installation + 6 mois)"),
        "{text}"
    );
    assert!(
        text.contains("dernière aide le 15/06/2018 : demande possible à partir du 16/06/2028"),
        "{text}"
    );
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&answer(&all)).expect("JSON")
}

const CRAI_DEMANDE: [&str; 30] = [
    "check",
    "--date",
    "01/04/2026",
    "--departement",
    "59",
    "--specialite",
    "medecine-generale",
    "--exercice",
    "liberal",
    "--secteur",
    "1",
    "--zone",
    "ZAC",
    "--projet",
    "installation",
    "--primo-installation",
    "--date-installation",
    "15/09/2025",
    "--jours-par-semaine",
    "4.5",
    "--exercice-coordonne",
    "msp",
    "--projet-sante-valide",
    "--aide-installation-10-ans=non",
    "--qpv=non",
    "--pdsa",
    "--date-demande",
    "01/02/2026",
    "--cabinet-ex-nihilo=non",
    "--exercice-groupe=non",
];

#[test]
fn a_deadline_met_by_the_request_is_not_past() {
    let r = json(&CRAI_DEMANDE);
    let steps = r["a_faire"].as_array().expect("a_faire");
    let ars = steps
        .iter()
        .find(|s| {
            s["aides"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "hauts-de-france-crai")
        })
        .expect("étape de l'ARS");
    assert_eq!(ars["pour"], "demander");
    // The request (01/02/2026) met the 6-month limit (15/03/2026) and the 30/06/2026 one: what remains
    // is the signature, by 30/10/2026.
    assert_eq!(ars["avant_le"], "2026-10-30", "{ars}");
    assert_eq!(ars["etat"], "a_venir");
    // Without the request's date, the same limit has passed.
    let without: Vec<&str> = CRAI_DEMANDE[..26].to_vec();
    let r = json(&without);
    assert!(
        r["a_faire"].as_array().unwrap().iter().all(|s| !s["aides"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "hauts-de-france-crai")),
        "le CRAI n'est plus à demander : {}",
        r["a_faire"]
    );
}

#[test]
fn aids_to_confirm_have_steps_with_their_organisation() {
    let r = json(&[
        "check",
        "--date",
        "06/12/2026",
        "--departement",
        "45",
        "--projet",
        "installation",
        "--primo-installation",
    ]);
    let steps = r["a_faire"].as_array().expect("a_faire");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!(steps[0]["organisme"], "CPAM du Loiret");
    assert_eq!(steps[0]["pour"], "confirmer");
    assert_eq!(
        steps[0]["contact"]["email"],
        "RPS45.cpam-loiret@assurance-maladie.fr"
    );
    let selon = r["selon"].as_array().expect("selon");
    assert_eq!(selon[0]["champ"], "zone");
    assert_eq!(selon[0]["valeurs"][0]["valeur"], "ZIP");
    assert_eq!(selon[0]["valeurs"][0]["total"]["max_eur"], 10_000);
}
