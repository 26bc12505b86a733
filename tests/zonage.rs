//! The zone question points to the region's zonage page, with the page's date, for every region where
//! one was found (DOMAIN.md, « Zonage pages found for the other regions »), and to Rézone and the
//! ARS site elsewhere.

use std::process::Command;

fn zone_where(region: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aides"))
        .args([
            "check",
            "--region",
            region,
            "--format",
            "json",
            "--date",
            "2026-12-01",
        ])
        .env_remove("AIDES_RULES")
        .output()
        .expect("aides runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["champ"] == "zone")
        .and_then(|q| q["ou_trouver"].as_str())
        .unwrap_or_else(|| panic!("{region}: no zone question"))
        .to_owned()
}

#[test]
fn the_zone_question_names_each_regions_zonage_page_and_its_date() {
    let pages = [
        (
            "auvergne-rhone-alpes",
            "auvergne-rhone-alpes.paps.sante.fr/index.php/nouveau-zonage",
            "01/01/2026",
        ),
        (
            "bourgogne-franche-comte",
            "bourgogne-franche-comte.paps.sante.fr/zones-eligibles",
            "25/11/2025",
        ),
        (
            "centre-val-de-loire",
            "centre-val-de-loire.ars.sante.fr/index.php/zonage-medecin",
            "09/05/2025",
        ),
        (
            "corse",
            "corse.ars.sante.fr/nouveaux-zonages-medecins",
            "01/02/2026",
        ),
        (
            "grand-est",
            "grand-est.ars.sante.fr/medecins-generalistes-publication-du-nouveau-zonage-2026",
            "2026",
        ),
        (
            "nouvelle-aquitaine",
            "nouvelle-aquitaine.ars.sante.fr/le-zonage-des-medecins",
            "30/12/2025",
        ),
        (
            "provence-alpes-cote-d-azur",
            "paca.paps.sante.fr/nouveau-zonage-des-medecins-liberaux",
            "08/01/2026",
        ),
    ];
    for (region, page, date) in pages {
        let text = zone_where(region);
        assert!(text.contains("la page zonage de l'ARS"), "{region}: {text}");
        assert!(text.contains(page), "{region}: {text}");
        assert!(text.contains(date), "{region}: {text}");
        assert!(text.contains("https://rezone.ameli.fr"), "{region}: {text}");
    }
    for region in [
        "bretagne",
        "ile-de-france",
        "pays-de-la-loire",
        "guadeloupe",
        "la-reunion",
    ] {
        let text = zone_where(region);
        assert!(!text.contains("page zonage"), "{region}: {text}");
        assert!(text.contains("le site de l'ARS"), "{region}: {text}");
        assert!(text.contains("https://rezone.ameli.fr"), "{region}: {text}");
    }
}
