//! The JSON contract of SPEC §5, pinned two ways:
//! - snapshots: the whole `--format json` object for four fixed profiles, compared byte for byte with
//!   `tests/snapshots/<name>.json`. Refresh with `SNAPSHOTS=overwrite cargo test --test contract`, then read
//!   the diff: every change there is a change of the contract that scripts rely on;
//! - `keys_follow_the_contract`: the key set and order of the report object and of every aid object, as
//!   SPEC §5 lists them, so that a renamed, dropped or reordered key fails with a message naming it.

// Tests and benchmarks read fixtures and time things (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::fmt;

use aides::profile::{self, Profile};
use aides::rules::compile::to_raw;
use aides::rules::model::RuleSet;
use chrono::NaiveDate;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::de::{DeTable, DeValue};

fn rules() -> RuleSet {
    let loaded = aides::rules::embedded();
    assert!(
        !loaded.has_errors(),
        "les règles embarquées ont des erreurs : {:?}",
        loaded.diagnostics
    );
    loaded.rules
}

/// A profile written as a TOML inline table body (`zone = "ZIP", secteur = 1`), read through the
/// library's profile vocabulary.
fn profile(rules: &RuleSet, fields: &str) -> Profile {
    let text = format!("profil = {{ {fields} }}");
    let doc = DeTable::parse(&text).unwrap_or_else(|e| panic!("profil TOML invalide : {e}"));
    let (_, v) = doc.get_ref().iter().next().expect("profil");
    let DeValue::Table(t) = v.get_ref() else {
        panic!("profil : table attendue")
    };
    let pairs = t
        .iter()
        .map(|(k, v)| (k.get_ref().as_ref(), to_raw(v.get_ref())));
    profile::from_pairs(pairs, &rules.refs).unwrap_or_else(|e| panic!("profil invalide : {e}"))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// The four fixed profiles: (snapshot name, reference date, profile fields).
const CASES: [(&str, &str, &str); 4] = [
    (
        "primo-zip-eligible",
        "2026-03-01",
        r#"id = "p-0001", departement = "45", zone = "ZIP", secteur = 1, primo_installation = true, exercice = "liberal", projet = "installation", date_installation = 2026-03-01, aide_installation_10_ans = false"#,
    ),
    (
        "primo-zip-a-confirmer",
        "2026-03-01",
        r#"zone = "ZIP", secteur = 1"#,
    ),
    (
        "crai-hauts-de-france",
        "2026-02-01",
        r#"departement = "59", zone = "ZAC", specialite = "medecine-generale", exercice = "liberal", secteur = 1, primo_installation = true, exercice_coordonne = ["msp"], date_installation = 2025-09-15, jours_par_semaine = 4.5, date_demande = 2026-02-01, projet = "installation", projet_sante_valide = true, aide_installation_10_ans = false"#,
    ),
    (
        "caim",
        "2025-06-01",
        r#"zone = "ZIP", secteur = 1, jours_par_semaine = 4, exercice_coordonne = ["msp"], pdsa = true, exercice = "liberal", projet = "installation", date_installation = 2025-05-15, aide_installation_10_ans = false"#,
    ),
];

/// The report of case `name`, as `--format json` prints it.
fn report_json(name: &str) -> String {
    let (_, d, fields) = CASES
        .iter()
        .find(|(n, _, _)| *n == name)
        .expect("cas connu");
    let rules = rules();
    let p = profile(&rules, fields);
    let rapport = aides::report::evaluate(&rules, &p, date(d));
    let mut json = serde_json::to_string_pretty(&rapport).expect("sérialisation JSON");
    json.push('\n');
    // The fingerprint changes with every rule edit: the snapshot says where it is.
    json.replace(rules.empreinte(), "[EMPREINTE]")
}

#[test]
fn snapshot_primo_zip_eligible() {
    snapbox::assert_data_eq!(
        report_json("primo-zip-eligible"),
        snapbox::file!["snapshots/primo-zip-eligible.json"].raw()
    );
}

#[test]
fn snapshot_primo_zip_a_confirmer() {
    snapbox::assert_data_eq!(
        report_json("primo-zip-a-confirmer"),
        snapbox::file!["snapshots/primo-zip-a-confirmer.json"].raw()
    );
}

#[test]
fn snapshot_crai_hauts_de_france() {
    snapbox::assert_data_eq!(
        report_json("crai-hauts-de-france"),
        snapbox::file!["snapshots/crai-hauts-de-france.json"].raw()
    );
}

#[test]
fn snapshot_caim() {
    snapbox::assert_data_eq!(
        report_json("caim"),
        snapbox::file!["snapshots/caim.json"].raw()
    );
}

// --- Key order -----------------------------------------------------------------------------------

/// A JSON value that keeps the order of object keys (`serde_json::Value` sorts them).
#[derive(Debug)]
enum J {
    Obj(Vec<(String, J)>),
    Arr(Vec<J>),
    Str(String),
    Num(f64),
    Bool,
    Null,
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = J;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("une valeur JSON")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<J, E> {
                Ok(J::Bool)
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<J, E> {
                Ok(J::Num(n as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<J, E> {
                Ok(J::Num(n as f64))
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<J, E> {
                Ok(J::Num(x))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<J, E> {
                Ok(J::Str(s.to_owned()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<J, E> {
                Ok(J::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(J::Arr(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, J>()? {
                    out.push((k, v));
                }
                Ok(J::Obj(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl J {
    fn obj<'a>(&'a self, path: &str) -> &'a [(String, J)] {
        match self {
            J::Obj(o) => o,
            other => panic!("{path} : objet JSON attendu, {other:?} trouvé"),
        }
    }

    fn arr<'a>(&'a self, path: &str) -> &'a [J] {
        match self {
            J::Arr(a) => a,
            other => panic!("{path} : tableau JSON attendu, {other:?} trouvé"),
        }
    }

    fn str<'a>(&'a self, path: &str) -> &'a str {
        match self {
            J::Str(s) => s,
            other => panic!("{path} : chaîne JSON attendue, {other:?} trouvé"),
        }
    }

    fn get<'a>(&'a self, path: &str, key: &str) -> &'a J {
        self.obj(path)
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| panic!("{path} : clé « {key} » absente"), |(_, v)| v)
    }
}

/// What is wrong with an object's keys, if anything: the contract keys must all be present (`optional`
/// ones may be missing) and in this relative order; `additions` are allowed too; anything else fails.
fn key_problem(
    path: &str,
    obj: &[(String, J)],
    contract: &[&str],
    optional: &[&str],
    additions: &[&str],
) -> Option<String> {
    let keys: Vec<&str> = obj.iter().map(|(k, _)| k.as_str()).collect();
    if let Some(k) = keys
        .iter()
        .find(|k| !contract.contains(k) && !additions.contains(k))
    {
        return Some(format!(
            "{path} : clé « {k} » hors contrat (SPEC §5 : {contract:?} ; ajouts admis : {additions:?}) ; clés trouvées : {keys:?}"
        ));
    }
    if let Some(k) = contract
        .iter()
        .find(|k| !optional.contains(k) && !keys.contains(k))
    {
        return Some(format!(
            "{path} : clé « {k} » du contrat absente (renommée ou supprimée ?) ; clés trouvées : {keys:?}"
        ));
    }
    let in_contract: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| contract.contains(k))
        .collect();
    let expected: Vec<&str> = contract
        .iter()
        .copied()
        .filter(|k| in_contract.contains(k))
        .collect();
    (in_contract != expected).then(|| {
        format!("{path} : clés du contrat dans le mauvais ordre : {in_contract:?} au lieu de {expected:?} (SPEC §5)")
    })
}

fn check_keys(
    path: &str,
    obj: &[(String, J)],
    contract: &[&str],
    optional: &[&str],
    additions: &[&str],
) {
    if let Some(problem) = key_problem(path, obj, contract, optional, additions) {
        panic!("{problem}");
    }
}

fn check_str_list(path: &str, v: &J) {
    for (i, item) in v.arr(path).iter().enumerate() {
        item.str(&format!("{path}[{i}]"));
    }
}

fn is_iso_date(s: &str) -> bool {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok_and(|d| d.format("%Y-%m-%d").to_string() == s)
}

fn check_amount_field(path: &str, v: &J) {
    assert!(
        matches!(v, J::Num(x) if x.fract() == 0.0) || matches!(v, J::Null),
        "{path} : entier ou null attendu, {v:?} trouvé"
    );
}

/// The keys of an aid object, in the order of SPEC §5.
const AIDE: [&str; 11] = [
    "id",
    "nom",
    "statut",
    "montant",
    "financeur",
    "contact",
    "conditions",
    "manquants",
    "engagements",
    "echeances",
    "sources",
];

/// Additions to SPEC §5, after its keys (not in its example; scripts must not depend on their absence):
/// `region` (slug of a regional aid, absent for national ones), `raison` (first false condition of a
/// `non_eligible` aid), `notes` (the rule base's decisions), `questions` (flags that answer `manquants`),
/// `versements` (payment schedule, with amounts when fixed).
const AIDE_AJOUTS: [&str; 6] = [
    "region",
    "raison",
    "a_retenir",
    "notes",
    "questions",
    "versements",
];

/// SPEC §5: an aid's `montant`, `contact` and `conditions`.
fn check_montant_contact_conditions(path: &str, aide: &J) {
    let p = format!("{path}.montant");
    let montant = aide.get(path, "montant");
    check_keys(
        &p,
        montant.obj(&p),
        &["eur", "min_eur", "max_eur", "libelle"],
        &[],
        // SPEC §5 "Partial profiles": whether the amount recurs.
        &["periodicite"],
    );
    for k in ["eur", "min_eur", "max_eur"] {
        check_amount_field(&format!("{p}.{k}"), montant.get(&p, k));
    }
    montant.get(&p, "libelle").str(&format!("{p}.libelle"));
    let periodicite = montant.get(&p, "periodicite");
    let no_euro = matches!(montant.get(&p, "max_eur"), J::Null)
        && matches!(montant.get(&p, "min_eur"), J::Null);
    match periodicite {
        J::Null => assert!(no_euro, "{p}.periodicite null avec un montant"),
        // Without a euro amount, a period only where the rule says the aid recurs (a monthly
        // guarantee); never « unique ».
        J::Str(s) if ["mensuel", "annuel"].contains(&s.as_str()) => {}
        J::Str(s) if s == "unique" => assert!(!no_euro, "{p}.periodicite unique sans montant"),
        other => panic!("{p}.periodicite : {other:?}"),
    }

    let p = format!("{path}.contact");
    let contact = aide.get(path, "contact");
    // Keys the rule base does not know are omitted (SPEC §5); `organisme` is always known.
    check_keys(
        &p,
        contact.obj(&p),
        &["organisme", "email", "telephone", "adresse", "url"],
        &["email", "telephone", "adresse", "url"],
        &[],
    );
    for (k, v) in contact.obj(&p) {
        v.str(&format!("{p}.{k}"));
    }

    let p = format!("{path}.conditions");
    let conditions = aide.get(path, "conditions").arr(&p);
    assert!(
        !conditions.is_empty(),
        "{p} : au moins une condition attendue"
    );
    for (i, c) in conditions.iter().enumerate() {
        let p = format!("{p}[{i}]");
        // Additions: `valeurs` (what the condition read) and `detail` (what it computed).
        check_keys(
            &p,
            c.obj(&p),
            &["libelle", "resultat"],
            &["detail"],
            &["valeurs", "detail"],
        );
        c.get(&p, "libelle").str(&p);
        let r = c.get(&p, "resultat").str(&p);
        assert!(
            ["vrai", "faux", "inconnu"].contains(&r),
            "{p}.resultat : « {r} » hors contrat"
        );
    }
}

/// SPEC §5, one aid object.
fn check_aide(path: &str, aide: &J) {
    let o = aide.obj(path);
    check_keys(path, o, &AIDE, &[], &AIDE_AJOUTS);

    let id = aide.get(path, "id").str(&format!("{path}.id"));
    let path = format!("{path} ({id})");
    aide.get(&path, "nom").str(&format!("{path}.nom"));
    let statut = aide.get(&path, "statut").str(&format!("{path}.statut"));
    assert!(
        ["eligible", "a_confirmer", "non_eligible"].contains(&statut),
        "{path}.statut : « {statut} » hors contrat"
    );
    let financeur = aide
        .get(&path, "financeur")
        .str(&format!("{path}.financeur"));
    assert!(
        ["CPAM", "ARS"].contains(&financeur),
        "{path}.financeur : « {financeur} » hors contrat"
    );

    check_montant_contact_conditions(&path, aide);
    let manquants = aide.get(&path, "manquants");
    check_str_list(&format!("{path}.manquants"), manquants);
    // An aid to confirm says what would decide it: fields, or its own questions (`inconnue_si`).
    let questions = aide.get(&path, "questions").arr(&path);
    if statut == "a_confirmer" {
        assert!(
            !manquants.arr(&path).is_empty() || !questions.is_empty(),
            "{path} : une aide a_confirmer a des « manquants » ou des « questions »"
        );
    } else {
        assert!(
            manquants.arr(&path).is_empty(),
            "{path} : « manquants » n'est rempli que pour une aide a_confirmer"
        );
    }
    check_str_list(
        &format!("{path}.engagements"),
        aide.get(&path, "engagements"),
    );

    let p = format!("{path}.echeances");
    for (i, e) in aide.get(&path, "echeances").arr(&p).iter().enumerate() {
        let p = format!("{p}[{i}]");
        check_keys(&p, e.obj(&p), &["libelle", "date"], &[], &[]);
        e.get(&p, "libelle").str(&p);
        let d = e.get(&p, "date").str(&p);
        assert!(
            is_iso_date(d),
            "{p}.date : « {d} » n'est pas une date AAAA-MM-JJ"
        );
    }

    let p = format!("{path}.sources");
    let sources = aide.get(&path, "sources").arr(&p);
    assert!(
        !sources.is_empty(),
        "{p} : chaque aide cite au moins une source"
    );
    for (i, s) in sources.iter().enumerate() {
        let p = format!("{p}[{i}]");
        // Addition: `article` (the article cited), when the rule gives one.
        check_keys(&p, s.obj(&p), &["titre", "url"], &[], &["article"]);
        s.get(&p, "titre").str(&p);
        let url = s.get(&p, "url").str(&p);
        assert!(
            url.starts_with("https://") || url.starts_with("http://"),
            "{p}.url : « {url} »"
        );
    }
}

/// SPEC §5, the report object.
fn check_rapport(name: &str, json: &str, with_id: bool) {
    // Contract keys, in the order of SPEC §5 (`id` only when the profile had one).
    const RAPPORT: [&str; 4] = ["date_reference", "id", "aides", "total"];
    // Addition to SPEC §5: `couverture` (a sentence when the rule base holds no regional aid for the
    // profile's region), absent otherwise.
    // `questions` (best first) and `pistes` (near misses), always present; `selon` (the split of the
    // aids to confirm by an unknown field) and `a_faire` (the next steps), SPEC §5 "Partial profiles",
    // always present.
    const RAPPORT_AJOUTS: [&str; 6] = [
        "couverture",
        "questions",
        "pistes",
        "selon",
        "a_faire",
        "provenance",
    ];
    let root: J = serde_json::from_str(json).expect("JSON valide");
    let path = format!("rapport « {name} »");
    let o = root.obj(&path);
    check_keys(&path, o, &RAPPORT, &["id"], &RAPPORT_AJOUTS);
    assert_eq!(
        o.iter().any(|(k, _)| k == "id"),
        with_id,
        "{path} : « id » présent exactement quand le profil en a un"
    );

    let d = root.get(&path, "date_reference").str(&path);
    assert!(
        is_iso_date(d),
        "{path}.date_reference : « {d} » n'est pas une date AAAA-MM-JJ"
    );

    let p = format!("{path}.total");
    let total = root.get(&path, "total");
    check_keys(&p, total.obj(&p), &["min_eur", "max_eur"], &[], &[]);
    check_amount_field(&format!("{p}.min_eur"), total.get(&p, "min_eur"));
    check_amount_field(&format!("{p}.max_eur"), total.get(&p, "max_eur"));

    let p = format!("{path}.aides");
    let aides = root.get(&path, "aides").arr(&p);
    assert_eq!(
        aides.len(),
        rules().aides.len(),
        "{p} : chaque aide de la base, une fois"
    );
    let mut rang_precedent = 0;
    for (i, aide) in aides.iter().enumerate() {
        let p = format!("{p}[{i}]");
        check_aide(&p, aide);
        let statut = aide.get(&p, "statut").str(&p);
        let rang = ["eligible", "a_confirmer", "non_eligible"]
            .iter()
            .position(|s| *s == statut)
            .unwrap();
        assert!(
            rang >= rang_precedent,
            "{p} : les aides éligibles d'abord, puis à confirmer, puis non éligibles"
        );
        rang_precedent = rang;
    }
}

#[test]
fn keys_follow_the_contract() {
    for (name, _, fields) in CASES {
        check_rapport(name, &report_json(name), fields.starts_with("id = "));
    }
}

/// The key checker itself must catch a renamed, a dropped, a reordered and an unknown key.
#[test]
fn key_checker_catches_changes() {
    let json = report_json("crai-hauts-de-france");
    let root: J = serde_json::from_str(&json).unwrap();
    let aides = root.get("rapport", "aides").arr("aides");
    // A regional aid (it has the `region` addition) and a national one.
    for aide in [&aides[0], &aides[aides.len() - 1]] {
        let keys: Vec<&str> = aide.obj("aide").iter().map(|(k, _)| k.as_str()).collect();
        let problem = |ks: &[&str]| {
            let obj: Vec<(String, J)> = ks.iter().map(|k| ((*k).to_owned(), J::Null)).collect();
            key_problem("aide", &obj, &AIDE, &[], &AIDE_AJOUTS)
        };
        assert_eq!(problem(&keys), None, "l'objet réel doit passer");
        let renamed: Vec<&str> = keys
            .iter()
            .map(|k| if *k == "statut" { "status" } else { k })
            .collect();
        assert!(
            problem(&renamed).is_some_and(|p| p.contains("« status » hors contrat")),
            "une clé renommée doit échouer"
        );
        let dropped: Vec<&str> = keys.iter().copied().filter(|k| *k != "echeances").collect();
        assert!(
            problem(&dropped).is_some_and(|p| p.contains("« echeances » du contrat absente")),
            "une clé supprimée doit échouer"
        );
        let mut swapped = keys.clone();
        let a = swapped.iter().position(|k| *k == "nom").unwrap();
        let b = swapped.iter().position(|k| *k == "statut").unwrap();
        swapped.swap(a, b);
        assert!(
            problem(&swapped).is_some_and(|p| p.contains("mauvais ordre")),
            "deux clés interverties doivent échouer"
        );
    }
}
