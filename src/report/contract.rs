//! The report structures that *are* the JSON contract of SPEC §5: stable French keys, in this order,
//! with their JSON Schema descriptions, and the compact line's hand-written serialiser. Types only:
//! `build` makes them from eval's verdicts, `output` renders them.

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;
use serde::ser::SerializeMap;

use super::{Provenance, ProvenanceDe};
use crate::eval::logic::Tri;
use crate::eval::montant::Somme;
use crate::eval::{Echeance, Total};
use crate::profile;
use crate::referentiel::Contact;
use crate::rules::model::{Aide, Reference, Statut};

/// `--format json`: one object per profile.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "La réponse pour un profil (aides check --format json).")]
pub struct Rapport<'r> {
    #[schemars(
        description = "Date de référence de l'évaluation (AAAA-MM-JJ) : périodes, délais et règle des dix ans sont lus à cette date."
    )]
    pub date_reference: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "L'id du profil, quand il en avait un.")]
    pub id: Option<&'r str>,
    /// Every aid of the rule set, eligible ones first.
    #[schemars(
        description = "Toutes les aides de la base : éligibles d'abord, puis à confirmer, puis non éligibles."
    )]
    pub aides: Vec<AideRapport<'r>>,
    /// Over eligible aids.
    #[schemars(description = "Somme des montants uniques en euros des aides éligibles.")]
    pub total: Total,
    /// What the rule base does not cover for this profile (a region without regional aids).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Ce que la base ne couvre pas pour ce profil (une région sans aide régionale dans la base)."
    )]
    pub couverture: Option<String>,
    /// The questions that would decide the à-confirmer aids, best first.
    #[schemars(
        description = "Les champs encore inconnus qui décideraient une aide à confirmer, du plus décisif au moins décisif."
    )]
    pub questions: Vec<QuestionRapport<'r>>,
    /// Near misses: one change that would make an aid eligible, or an aid that has closed.
    #[schemars(
        description = "Les aides presque obtenues : un changement du profil qui rendrait une aide éligible, ou une aide fermée que ce profil aurait obtenue."
    )]
    pub pistes: Vec<PisteRapport<'r>>,
    /// The splits of the aids to confirm by an unknown field (the zone), most money first.
    #[schemars(
        description = "Pour un champ inconnu dont les valeurs partagent les aides à confirmer (la zone) : les aides possibles pour chaque valeur, la plus grosse somme d'abord ; la réponse texte l'affiche « Selon la zone de votre cabinet : … » à la place des aides qu'il couvre."
    )]
    pub selon: Vec<SelonRapport<'r>>,
    /// The next steps, in order (« Que faire maintenant »).
    #[schemars(
        description = "Les prochaines étapes, dans l'ordre (« Que faire maintenant ») : l'organisme à contacter pour demander les aides éligibles ou confirmer les aides à confirmer, et la date avant laquelle agir."
    )]
    pub a_faire: Vec<Etape<'r>>,
    /// Aids to confirm said in one line while a field is unknown (not in the JSON: the aids are).
    #[serde(skip)]
    pub groupes: Vec<GroupeRapport<'r>>,
    /// The profile's region slug, when known (to list its own region's aids first).
    #[serde(skip)]
    pub region: Option<&'r str>,
    /// Where the practice is, in words, for the answer's first line.
    #[serde(skip)]
    pub lieu: Option<String>,
    /// The version and the rule set that produced the report.
    #[schemars(with = "Provenance")]
    #[schemars(
        description = "La version d'aides et la base de règles qui ont produit cette réponse."
    )]
    pub provenance: ProvenanceDe<'r>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une aide, évaluée pour le profil.")]
pub struct AideRapport<'r> {
    #[serde(skip)]
    pub aide: &'r Aide,
    #[schemars(description = "Identifiant stable de l'aide (voir aides list).")]
    pub id: &'r str,
    #[schemars(description = "Nom de l'aide.")]
    pub nom: &'r str,
    #[schemars(
        description = "eligible, a_confirmer (aucune condition fausse, certaines inconnues) ou non_eligible."
    )]
    pub statut: Statut,
    #[schemars(
        description = "Le montant, calculé quand les champs dont il dépend sont connus, sinon ses bornes ; periodicite dit s'il revient."
    )]
    pub montant: MontantRapport<'r>,
    #[schemars(description = "CPAM ou ARS.")]
    pub financeur: &'static str,
    /// The region's name, for tables.
    #[serde(skip)]
    pub region_nom: Option<&'r str>,
    #[schemars(description = "Qui contacter, résolu par le département ou la région du profil.")]
    pub contact: Contact<'r>,
    #[schemars(description = "Chaque condition, avec son résultat et les valeurs lues.")]
    pub conditions: Vec<ConditionRapport<'r>>,
    /// Profile fields whose value would decide an `a_confirmer` aid.
    #[schemars(
        description = "Les champs du profil dont la valeur déciderait une aide à confirmer."
    )]
    pub manquants: Vec<&'static str>,
    #[schemars(description = "Ce à quoi le médecin s'engage.")]
    pub engagements: &'r [String],
    #[schemars(description = "Les dates qui comptent : dates limites, versements.")]
    pub echeances: Vec<Echeance<'r>>,
    #[schemars(description = "Les textes officiels de l'aide.")]
    pub sources: &'r [Reference],
    /// Region slug of a regional aid; absent for national aids.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "La région d'une aide régionale (absente pour une aide nationale).")]
    pub region: Option<&'r str>,
    /// For a `non_eligible` aid: the first condition that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Pour une aide non éligible : la première condition fausse.")]
    pub raison: Option<&'r str>,
    /// The few points a physician must read to act.
    #[schemars(description = "Les quelques points à lire pour agir.")]
    pub a_retenir: &'r [String],
    /// The rule base's decisions where the texts are silent, and details.
    #[schemars(
        description = "Les décisions de la base de règles là où les textes se taisent, et les détails."
    )]
    pub notes: &'r [String],
    /// The questions that would decide this aid (the same objects as the top-level `questions`).
    #[schemars(
        description = "Les questions qui décideraient cette aide (les mêmes objets que questions au premier niveau)."
    )]
    pub questions: Vec<QuestionRapport<'r>>,
    /// The payment schedule, with each payment's amount when the aid's amount is fixed.
    #[schemars(
        description = "L'échéancier des versements, avec le montant de chacun quand le montant est fixé."
    )]
    pub versements: Vec<VersementRapport<'r>>,
}

/// One payment: its share, its amount when known, and when it is paid.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Un versement de l'aide.")]
pub struct VersementRapport<'r> {
    #[serde(serialize_with = "crate::rules::model::whole_if_integral")]
    #[schemars(description = "Part du montant, en pourcentage.")]
    pub part_pct: f64,
    #[schemars(
        description = "Montant du versement en euros, quand le montant de l'aide est fixé."
    )]
    pub eur: Option<i64>,
    #[schemars(description = "Quand il est versé.")]
    pub quand: &'r str,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une condition d'une aide, évaluée.")]
pub struct ConditionRapport<'r> {
    #[schemars(description = "La condition, en français.")]
    pub libelle: &'r str,
    #[schemars(description = "vrai, faux ou inconnu (elle lit un champ que le profil n'a pas).")]
    pub resultat: Tri,
    /// Each field the condition read, with its value (null when unknown).
    #[schemars(description = "Chaque champ lu, avec sa valeur (null quand il est inconnu).")]
    pub valeurs: Valeurs,
    /// The dates and thresholds it computed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Les dates et seuils calculés, en mots (« demande au plus tard le 15/03/2026 (installation + 6 mois) »)."
    )]
    pub detail: Option<String>,
}

/// Field → value, in the order the condition reads them.
#[derive(Debug, Clone, Default)]
pub struct Valeurs(pub Vec<(&'static str, serde_json::Value)>);

impl JsonSchema for Valeurs {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Valeurs".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = profile::field_names().collect();
        schemars::json_schema!({
            "description": "Champ du profil → valeur lue (null quand le champ est inconnu), dans l'ordre où la condition les lit.",
            "type": "object",
            "propertyNames": { "enum": names }
        })
    }
}

impl Serialize for Valeurs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One question (SPEC §5): the field it asks, in French, what to type, and the aids it would decide.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(description = "Une question qui reste, avec les aides qu'elle déciderait.")]
pub struct QuestionRapport<'r> {
    /// The field asked; absent for a condition's own question, which no field answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Le champ demandé ; absent pour la question propre d'une condition, qu'aucun champ ne décide."
    )]
    pub champ: Option<&'static str>,
    #[schemars(description = "La question, en français.")]
    pub question: &'r str,
    #[schemars(description = "L'option à taper pour y répondre (« --qpv=oui|non »).")]
    pub option: String,
    /// Where to find the answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "Où trouver la réponse.")]
    pub ou_trouver: Option<String>,
    #[schemars(description = "Les aides qu'elle déciderait.")]
    pub aides: Vec<&'r str>,
}

/// An aid's amount in the full report: the amount, and whether it recurs (SPEC §5
/// `montant.periodicite`). The compact line keeps the bare amount.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MontantRapport<'r> {
    #[serde(flatten)]
    pub somme: Somme<'r>,
    #[schemars(
        description = "unique (versé une fois), mensuel ou annuel (le montant revient chaque mois ou chaque année) ; null pour une aide sans montant en euros (pourcentage, garantie de revenu : libelle dit ce qu'elle est), sauf quand sa règle dit qu'elle revient (une garantie mensuelle : mensuel)."
    )]
    pub periodicite: Option<Periodicite>,
}

/// How often an amount is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Periodicite {
    Unique,
    Mensuel,
    Annuel,
}

impl<'r> std::ops::Deref for MontantRapport<'r> {
    type Target = Somme<'r>;
    fn deref(&self) -> &Somme<'r> {
        &self.somme
    }
}

/// Aids to confirm said in one line (« 4 aide(s) financent des structures : --projet structure »).
#[derive(Debug)]
pub struct GroupeRapport<'r> {
    pub texte: String,
    pub aides: Vec<&'r str>,
}

/// The split of the aids to confirm by one unknown field (SPEC §5 `selon`).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Les aides à confirmer, partagées selon les valeurs d'un champ inconnu.")]
pub struct SelonRapport<'r> {
    #[schemars(description = "Le champ inconnu (« zone »).")]
    pub champ: &'static str,
    #[schemars(description = "La question qui le demande.")]
    pub question: &'static str,
    #[schemars(description = "Chaque valeur, la plus grosse somme d'abord.")]
    pub valeurs: Vec<SelonValeur<'r>>,
    /// The text's title (« Selon la zone de votre cabinet »).
    #[serde(skip)]
    pub titre: &'static str,
    /// The ids of the aids to confirm that the split stands for in the text.
    #[serde(skip)]
    pub couvertes: Vec<&'r str>,
}

/// One value of a `selon` field.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une valeur du champ, avec les aides qu'elle laisse possibles.")]
pub struct SelonValeur<'r> {
    #[schemars(description = "La valeur, écrite comme dans un profil (« ZIP »).")]
    pub valeur: serde_json::Value,
    #[schemars(description = "La valeur en mots (« en ZIP »).")]
    pub libelle: String,
    #[schemars(description = "Les ids des aides éligibles ou à confirmer avec cette valeur.")]
    pub aides: Vec<&'r str>,
    #[schemars(
        description = "La somme de leurs montants uniques en euros (sans les montants mensuels ni les aides sans montant en euros)."
    )]
    pub total: Total,
    /// The text: « ZIP 10 000 € et Majoration … », « ZAR : aucune aide ».
    #[serde(skip)]
    pub texte: String,
}

/// One next step (SPEC §5 `a_faire`): whom to contact, for which aids, by which date.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une étape : qui contacter, pour quelles aides, avant quelle date.")]
pub struct Etape<'r> {
    #[schemars(description = "L'organisme à contacter (« CPAM du Loiret »).")]
    pub organisme: Cow<'r, str>,
    #[schemars(description = "Comment le joindre.")]
    pub contact: Contact<'r>,
    #[schemars(
        description = "demander (au moins une aide éligible) ou confirmer (des aides à confirmer seulement)."
    )]
    pub pour: &'static str,
    #[schemars(description = "Les ids des aides concernées.")]
    pub aides: Vec<&'r str>,
    /// The aids' names, with « (à confirmer) », for the text.
    #[serde(skip)]
    pub noms: Vec<String>,
    #[schemars(
        description = "La première date limite encore à venir des aides concernées (sinon la dernière passée), AAAA-MM-JJ ; null sans date limite. Une date limite que le profil montre tenue (demande déposée à temps) n'est pas retenue."
    )]
    pub avant_le: Option<NaiveDate>,
    /// What falls due on that date, for the text.
    #[serde(skip)]
    pub echeance: Option<Cow<'r, str>>,
    #[schemars(
        description = "a_venir, aujourd_hui ou depasse, par rapport à la date de référence ; null sans date limite."
    )]
    pub etat: Option<&'static str>,
}

/// One near miss (SPEC §5 `pistes`).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une aide presque obtenue.")]
pub struct PisteRapport<'r> {
    #[schemars(description = "L'id de l'aide.")]
    pub aide: &'r str,
    /// The one change of the profile that would make the aid eligible.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Le changement du profil qui rendrait l'aide éligible (champ : valeur)."
    )]
    pub changement: Option<Valeurs>,
    /// For an aid that has closed: the last day it could be requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Pour une aide fermée : le dernier jour où elle pouvait être demandée."
    )]
    pub fin: Option<NaiveDate>,
    /// For an aid whose window closed: `aide_close` (ended for everyone) or `delai_expire` (the
    /// physician's own delay ran out).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(
        description = "Pour une fenêtre fermée : aide_close (l'aide a pris fin pour tous) ou delai_expire (le délai propre au médecin a expiré).",
        with = "Option<MotifFin>"
    )]
    pub motif: Option<&'static str>,
    #[schemars(
        description = "Ce que l'aide deviendrait avec le changement (ou à sa date limite) : eligible, ou a_confirmer quand d'autres champs inconnus la décident encore."
    )]
    pub statut: Statut,
    #[schemars(
        description = "Les champs encore inconnus qui la décideraient après le changement (vide quand elle serait éligible)."
    )]
    pub manquants: Vec<&'static str>,
    #[schemars(description = "Le montant qu'elle donnerait ; periodicite dit s'il revient.")]
    pub montant: MontantRapport<'r>,
    #[schemars(description = "La piste, en français (« Avec l'OPTAM : 10 000 € »).")]
    pub libelle: String,
}

/// Why a window closed (`pistes[].motif`).
#[derive(JsonSchema)]
#[schemars(rename_all = "snake_case")]
#[allow(dead_code)] // Only its schema is used: the report writes the key as a string.
enum MotifFin {
    AideClose,
    DelaiExpire,
}

/// `aides explain --format json`: one aid for one profile in full, with its near misses.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une aide pour un profil, en entier (aides explain --format json).")]
pub struct Explication<'a, 'r> {
    #[schemars(description = "Date de référence de l'évaluation.")]
    pub date_reference: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "L'id du profil, quand il en avait un.")]
    pub id: Option<&'r str>,
    #[schemars(description = "L'aide, évaluée en entier.")]
    pub aide: &'a AideRapport<'r>,
    /// The near misses of this aid.
    #[schemars(description = "Les pistes de cette aide.")]
    pub pistes: Vec<&'a PisteRapport<'r>>,
    #[serde(skip)]
    pub lieu: Option<&'a str>,
}

/// `--format ndjson` (compact): per profile, `id`, `date_reference`, `total`, and the aids.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(
    description = "La réponse compacte pour un profil : une ligne de aides check --format ndjson."
)]
pub struct Compact<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "L'id du profil, quand il en avait un.")]
    pub id: Option<&'r str>,
    #[schemars(description = "Date de référence de l'évaluation (AAAA-MM-JJ).")]
    pub date_reference: NaiveDate,
    #[schemars(description = "Somme des montants uniques en euros des aides éligibles.")]
    pub total: Total,
    #[schemars(description = "Les aides éligibles et à confirmer (toutes avec --all).")]
    pub aides: Vec<AideCompacte<'r>>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Une aide, en bref.")]
pub struct AideCompacte<'r> {
    #[serde(skip)]
    pub aide: &'r Aide,
    #[schemars(description = "Identifiant stable de l'aide.")]
    pub id: &'r str,
    #[schemars(description = "eligible, a_confirmer ou non_eligible.")]
    pub statut: Statut,
    #[schemars(description = "Le montant, ou ses bornes.")]
    pub montant: Somme<'r>,
    #[schemars(
        description = "Les champs du profil dont la valeur déciderait une aide à confirmer."
    )]
    pub manquants: Vec<&'static str>,
}

impl Compact<'_> {
    /// Writes the line as `serde_json::to_writer` does, byte for byte (tested), faster: the reference
    /// date comes written once for the batch (`date_json`), each aid's static amount label once for
    /// the rule set (`Montant::label_json`), and no string goes through the formatter twice.
    pub fn write_json(&self, out: &mut Vec<u8>, date_json: &str) {
        out.push(b'{');
        if let Some(id) = self.id {
            out.extend_from_slice(b"\"id\":");
            json_str(out, id);
            out.push(b',');
        }
        out.extend_from_slice(b"\"date_reference\":");
        out.extend_from_slice(date_json.as_bytes());
        out.extend_from_slice(b",\"total\":{\"min_eur\":");
        json_int(out, Some(self.total.min_eur));
        out.extend_from_slice(b",\"max_eur\":");
        json_int(out, self.total.max_eur);
        out.extend_from_slice(b"},\"aides\":[");
        for (k, a) in self.aides.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":");
            json_str(out, a.id);
            out.extend_from_slice(b",\"statut\":\"");
            out.extend_from_slice(a.statut.as_str().as_bytes());
            out.extend_from_slice(b"\",\"montant\":{\"eur\":");
            let m = &a.montant;
            json_int(out, m.eur);
            out.extend_from_slice(b",\"min_eur\":");
            json_int(out, m.min_eur);
            out.extend_from_slice(b",\"max_eur\":");
            json_int(out, m.max_eur);
            out.extend_from_slice(b",\"libelle\":");
            let label = &a.aide.montant;
            if std::ptr::eq(m.libelle.as_ptr(), label.label.as_ptr())
                && m.libelle.len() == label.label.len()
            {
                out.extend_from_slice(label.label_json.as_bytes());
            } else {
                json_str(out, &m.libelle);
            }
            out.extend_from_slice(b"},\"manquants\":[");
            for (i, f) in a.manquants.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, f);
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"]}");
    }
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing JSON into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn json_int(out: &mut Vec<u8>, n: Option<i64>) {
    match n {
        Some(n) => {
            let _ = serde_json::to_writer(&mut *out, &n);
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// A batch line that could not be read: `{"ligne": N, "id": "…", "erreur": "…"}` (`id` when the
/// profile's id could be read).
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(description = "Un profil qui n'a pas pu être lu, à sa place dans le lot.")]
pub struct LigneErreur<'a> {
    #[schemars(
        description = "La ligne de l'entrée (pour un tableau JSON : la position du profil dans le tableau, à partir de 1)."
    )]
    pub ligne: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(description = "L'id du profil, quand il a pu être lu.")]
    pub id: Option<&'a str>,
    #[schemars(description = "Ce qui ne va pas, où, et comment le corriger.")]
    pub erreur: String,
}
