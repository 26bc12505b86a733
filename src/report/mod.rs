//! The report structures that *are* the JSON contract of SPEC §5 (stable French keys, in this order),
//! built from the verdicts of `eval` and rendered by `output`; borrowed from the rule set so that
//! building one is cheap. The French sentences of the report (questions' options, near misses,
//! condition details) are made here, once, for the JSON and the table alike.

pub mod catalogue;
mod provenance;
pub mod validation;

pub use provenance::{Provenance, ProvenanceDe, VERSION};

use std::borrow::Cow;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::eval::amount::Somme;
use crate::eval::detail::{Calcul, DateCalculee, lire};
use crate::eval::logic::{Env, Tri};
use crate::eval::pistes::{Chemin, Motif, Piste, pistes};
use crate::eval::questions::{Question, questions};
use crate::eval::selon::{Selon, groupes, selon};
use crate::eval::{Echeance, Total, Verdict, echeances, order_key, total, verdict};
use crate::fr;
use crate::profile::{self, FieldId, Kind, Profile, Value};
use crate::referentiel::{Contact, Referentiel};
use crate::rules::model::{Aide, CmpOp, Reference, RuleSet, Statut};

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

impl<'r> MontantRapport<'r> {
    #[must_use]
    pub fn new(aide: &Aide, somme: Somme<'r>) -> Self {
        use crate::rules::model::{MontantKind, Periodicite as P};
        let periodicite = match (&aide.montant.kind, aide.montant.kind.periode()) {
            (_, Some(P::Mois)) => Some(Periodicite::Mensuel),
            (_, Some(P::An)) => Some(Periodicite::Annuel),
            (MontantKind::SansMontant { .. }, None) => None,
            _ => Some(Periodicite::Unique),
        };
        MontantRapport { somme, periodicite }
    }
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

fn selon_rapport<'r>(s: &Selon<'r>, refs: &Referentiel) -> SelonRapport<'r> {
    let def = s.champ.def();
    let titre = def.selon.map_or("", |d| d.titre);
    let prefixe = def.selon.map_or("", |d| d.prefixe);
    let valeurs = s
        .branches
        .iter()
        .map(|b| {
            let label = value_label(s.champ, &b.valeur, refs);
            let mut parts: Vec<String> = Vec::new();
            let t = b.total;
            match t.max_eur {
                Some(max) if max > 0 && max == t.min_eur => parts.push(fr::euros(max)),
                Some(max) if max > 0 && t.min_eur == 0 => {
                    parts.push(format!("jusqu'à {}", fr::euros(max)));
                }
                Some(max) if max > 0 => {
                    parts.push(format!("de {} à {}", fr::euros(t.min_eur), fr::euros(max)));
                }
                None => parts.push(format!("au moins {}", fr::euros(t.min_eur))),
                Some(_) => {}
            }
            // What the sum does not count: the aids without a one-off euro amount, by name.
            for (a, v) in &b.aides {
                let counted = v.montant.max_eur.is_some()
                    && total(std::iter::once((*a, Statut::Eligible, &v.montant))).max_eur
                        == v.montant.max_eur;
                if !counted {
                    parts.push(a.nom.clone());
                }
            }
            let texte = if b.aides.is_empty() {
                format!("{label} : aucune aide")
            } else {
                format!("{label} {}", parts.join(" et "))
            };
            SelonValeur {
                valeur: json_value(s.champ, Some(&b.valeur), refs),
                libelle: format!("{prefixe}{label}"),
                aides: b.aides.iter().map(|(a, _)| a.id.as_str()).collect(),
                total: b.total,
                texte,
            }
        })
        .collect();
    SelonRapport {
        champ: def.name,
        question: def.question,
        valeurs,
        titre,
        couvertes: s.couvertes.iter().map(|a| a.id.as_str()).collect(),
    }
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

/// Regional aids that wait only for the region: counted apart, not steps.
#[must_use]
pub fn waits_for_region(a: &AideRapport<'_>) -> bool {
    a.statut == Statut::AConfirmer && a.aide.region.is_some() && a.manquants.contains(&"region")
}

/// The steps of « Que faire maintenant »: one per organisation paying an aid eligible or to confirm,
/// with the first deadline still to come of its aids (the last one passed when none is), the deadlines
/// the profile shows met left out; the steps with the nearest date first.
fn a_faire<'r>(
    aides: &[AideRapport<'r>],
    groupes: &[GroupeRapport<'r>],
    profile: &Profile,
    date_ref: NaiveDate,
) -> Vec<Etape<'r>> {
    let demande = match profile.get(profile::ids::DATE_DEMANDE) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    let mut steps: Vec<Etape<'r>> = Vec::new();
    let order = [Statut::Eligible, Statut::AConfirmer];
    for statut in order {
        let in_a_group = |a: &AideRapport<'_>| groupes.iter().any(|g| g.aides.contains(&a.id));
        for a in aides
            .iter()
            .filter(|a| a.statut == statut && !waits_for_region(a) && !in_a_group(a))
        {
            let deadline = a
                .echeances
                .iter()
                .filter(|e| !e.versement)
                .filter(|e| !(e.demande && demande.is_some_and(|d| d <= e.date)))
                .min_by_key(|e| (e.date < date_ref, e.date))
                .map(|e| (e.date, e.libelle.clone()));
            let name = if statut == Statut::AConfirmer {
                format!("{} (à confirmer)", a.nom)
            } else {
                a.nom.to_owned()
            };
            let i = if let Some(i) = steps.iter().position(|s| s.contact == a.contact) {
                i
            } else {
                steps.push(Etape {
                    organisme: a.contact.organisme.clone(),
                    contact: a.contact.clone(),
                    pour: if statut == Statut::Eligible {
                        "demander"
                    } else {
                        "confirmer"
                    },
                    aides: Vec::new(),
                    noms: Vec::new(),
                    avant_le: None,
                    echeance: None,
                    etat: None,
                });
                steps.len() - 1
            };
            let step = &mut steps[i];
            step.aides.push(a.id);
            step.noms.push(name);
            if let Some((date, what)) = deadline {
                let better = step
                    .avant_le
                    .is_none_or(|e| (date < date_ref, date) < (e < date_ref, e));
                if better {
                    step.avant_le = Some(date);
                    step.echeance = Some(what);
                }
            }
        }
    }
    for s in &mut steps {
        s.etat = s.avant_le.map(|d| match d.cmp(&date_ref) {
            std::cmp::Ordering::Less => "depasse",
            std::cmp::Ordering::Equal => "aujourd_hui",
            std::cmp::Ordering::Greater => "a_venir",
        });
    }
    steps.sort_by_key(|s| (s.avant_le.unwrap_or(NaiveDate::MAX), s.pour != "demander"));
    steps
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

impl<'a, 'r> Explication<'a, 'r> {
    /// The explanation of `aide` within a report.
    ///
    /// # Panics
    /// When the aid is not in the report (every aid of the rule set is).
    #[must_use]
    pub fn new(rapport: &'a Rapport<'r>, aide: &Aide) -> Self {
        Explication {
            date_reference: rapport.date_reference,
            id: rapport.id,
            aide: rapport
                .aides
                .iter()
                .find(|a| a.id == aide.id)
                .expect("every aid of the rule set is in its report"),
            pistes: rapport
                .pistes
                .iter()
                .filter(|p| p.aide == aide.id)
                .collect(),
            lieu: rapport.lieu.as_deref(),
        }
    }
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

impl<'r> AideCompacte<'r> {
    #[must_use]
    pub fn new(aide: &'r Aide, v: Verdict<'r>) -> Self {
        AideCompacte {
            aide,
            id: &aide.id,
            statut: v.statut,
            montant: v.montant,
            manquants: v.manquants.iter().map(|f| f.name()).collect(),
        }
    }
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

/// Evaluates every aid of the rule set: eligible first, then à confirmer, then non éligible; then the
/// questions that remain and the near misses.
#[must_use]
pub fn evaluate<'r>(rules: &'r RuleSet, profile: &'r Profile, date_ref: NaiveDate) -> Rapport<'r> {
    let env = Env { profile, date_ref };
    let mut verdicts: Vec<(&'r Aide, Verdict<'r>)> = rules
        .aides
        .iter()
        .map(|aide| (aide, verdict(aide, &env)))
        .collect();
    verdicts.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
    // Aids gathered in one line while a field is unknown (the structures, until `projet` is known)
    // ask no question and take no step.
    let groupes = groupes(profile, date_ref, &verdicts);
    let in_a_group = |a: &Aide| groupes.iter().any(|(_, l)| l.iter().any(|b| b.id == a.id));
    let refs: Vec<(&'r Aide, &Verdict<'r>)> = verdicts
        .iter()
        .filter(|(a, _)| !in_a_group(a))
        .map(|(a, v)| (*a, v))
        .collect();
    let questions: Vec<QuestionRapport<'r>> = questions(&refs, profile, date_ref, &rules.refs)
        .iter()
        .map(|q| question(q, profile, &rules.refs))
        .collect();
    let pistes = pistes(profile, date_ref, &verdicts)
        .into_iter()
        .map(|p| piste(p, profile, &rules.refs))
        .collect();
    let selon: Vec<SelonRapport<'r>> = selon(profile, date_ref, &verdicts)
        .iter()
        .map(|s| selon_rapport(s, &rules.refs))
        .collect();
    let total = total(verdicts.iter().map(|(a, v)| (*a, v.statut, &v.montant)));
    let aides: Vec<AideRapport<'r>> = verdicts
        .into_iter()
        .map(|(aide, v)| aide_rapport(rules, aide, v, &env, &questions))
        .collect();
    let groupes: Vec<GroupeRapport<'r>> = groupes
        .iter()
        .map(|(g, l)| GroupeRapport {
            texte: g.phrase.replace("{n}", &l.len().to_string()),
            aides: l.iter().map(|a| a.id.as_str()).collect(),
        })
        .collect();
    let a_faire = a_faire(&aides, &groupes, profile, date_ref);
    Rapport {
        date_reference: date_ref,
        id: profile.label(),
        selon,
        a_faire,
        groupes,
        aides,
        total,
        couverture: couverture(rules, profile),
        questions,
        pistes,
        region: profile.region().map(|r| rules.refs.region(r).slug.as_str()),
        lieu: lieu(profile, &rules.refs),
        provenance: ProvenanceDe(rules),
    }
}

/// The practice's département and region, in words: « Loiret (45), Centre-Val de Loire ».
#[must_use]
pub fn lieu(profile: &Profile, refs: &Referentiel) -> Option<String> {
    let commune = profile
        .commune(refs)
        .map_or_else(String::new, |c| format!("{} ({}), ", c.nom, c.code));
    match (profile.departement(), profile.region()) {
        (Some(d), _) => {
            let d = refs.departement(d);
            Some(format!(
                "{commune}{} ({}), {}",
                d.nom,
                d.code,
                refs.region(d.region).nom
            ))
        }
        (None, Some(r)) => Some(refs.region(r).nom.clone()),
        (None, None) => None,
    }
}

/// The sentence saying that the rule base holds no regional aid for the profile's region, if so.
#[must_use]
pub fn couverture(rules: &RuleSet, profile: &Profile) -> Option<String> {
    region_sans_aide(rules, profile.region()?)
}

/// "No regional aid for this region in the rule base yet; ask its ARS", or `None` when it has some.
#[must_use]
pub fn region_sans_aide(rules: &RuleSet, region: crate::referentiel::RegionId) -> Option<String> {
    if rules.aides.iter().any(|a| a.region == Some(region)) {
        return None;
    }
    let r = rules.refs.region(region);
    let details: Vec<&str> = [
        r.email.as_deref(),
        r.telephone.as_deref(),
        r.adresse.as_deref(),
        r.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(" · "))
    };
    Some(format!(
        "La base de règles ne contient pas encore d'aide régionale (ARS) pour la région {} : seules les aides nationales sont évaluées. Renseignez-vous auprès de l'{}{details}.",
        r.nom, r.ars
    ))
}

/// One aid in full: its verdict, contact, conditions with what they read, deadlines and payments.
fn aide_rapport<'r>(
    rules: &'r RuleSet,
    aide: &'r Aide,
    v: Verdict<'r>,
    env: &Env<'_>,
    questions: &[QuestionRapport<'r>],
) -> AideRapport<'r> {
    let montant_eur = v.montant.eur;
    let raison = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .find(|(_, r)| **r == Tri::Faux)
        .map(|(c, _)| c.libelle.as_str());
    let conditions = aide
        .conditions
        .iter()
        .zip(&v.resultats)
        .map(|(c, r)| {
            let (valeurs, calculs) = lire(c, env);
            ConditionRapport {
                libelle: &c.libelle,
                resultat: *r,
                valeurs: Valeurs(
                    valeurs
                        .iter()
                        .map(|(f, value)| (f.name(), json_value(*f, value.as_ref(), &rules.refs)))
                        .collect(),
                ),
                detail: detail(&calculs),
            }
        })
        .collect();
    AideRapport {
        aide,
        id: &aide.id,
        nom: &aide.nom,
        statut: v.statut,
        montant: MontantRapport::new(aide, v.montant),
        financeur: aide.financeur.as_str(),
        region: aide.region.map(|r| rules.refs.region(r).slug.as_str()),
        region_nom: aide.region.map(|r| rules.refs.region(r).nom.as_str()),
        contact: rules.refs.contact(
            &aide.contact,
            aide.region,
            env.profile.departement(),
            env.profile.region(),
        ),
        conditions,
        manquants: v.manquants.iter().map(|f| f.name()).collect(),
        engagements: &aide.engagements,
        echeances: echeances(aide, env),
        sources: &aide.sources,
        raison,
        a_retenir: &aide.a_retenir,
        notes: &aide.notes,
        questions: questions
            .iter()
            .filter(|q| q.aides.contains(&aide.id.as_str()))
            .cloned()
            .collect(),
        versements: aide
            .versements
            .iter()
            .map(|p| VersementRapport {
                part_pct: p.part_pct,
                eur: montant_eur.map(|e| part(e, p.part_pct)),
                quand: &p.quand,
            })
            .collect(),
    }
}

/// `pct` % of `eur`, rounded to the euro.
fn part(eur: i64, pct: f64) -> i64 {
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let share = (eur as f64 * pct / 100.0).round() as i64;
    share
}

/// A profile value as JSON, written as in an input profile (`"ZIP"`, `1`, `"2026-03-01"`).
#[must_use]
pub fn json_value(field: FieldId, value: Option<&Value>, refs: &Referentiel) -> serde_json::Value {
    use serde_json::Value as J;
    let Some(value) = value else {
        return J::Null;
    };
    match (field.def().kind, value) {
        (Kind::IntChoice(values), Value::Choice(i)) => J::from(values[usize::from(*i)]),
        (Kind::List(values), Value::Set(set)) => J::Array(
            values
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, v)| J::from(*v))
                .collect(),
        ),
        (_, Value::Bool(b)) => J::Bool(*b),
        #[allow(clippy::cast_possible_truncation)]
        (_, Value::Num(x)) if x.fract() == 0.0 && x.abs() < 1e15 => J::from(*x as i64),
        (_, Value::Num(x)) => J::from(*x),
        (_, Value::Date(d)) => J::from(d.format("%Y-%m-%d").to_string()),
        (_, v) => J::from(profile::display_value(field, v, refs)),
    }
}

/// The short label of a value (`ZIP`, `une MSP`, `2,5`), for sentences.
#[must_use]
pub fn value_label(field: FieldId, value: &Value, refs: &Referentiel) -> String {
    let def = field.def();
    let short = |label: &str| label.split(" (").next().unwrap_or(label).to_owned();
    match (def.kind, value) {
        (Kind::Choice(_) | Kind::IntChoice(_), Value::Choice(i)) if !def.labels.is_empty() => {
            short(def.labels[usize::from(*i)])
        }
        (Kind::List(_), Value::Set(set)) if !def.labels.is_empty() => {
            let parts: Vec<String> = def
                .labels
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, l)| short(l))
                .collect();
            parts.join(", ")
        }
        (_, Value::Num(x)) => fr::number(*x),
        (_, Value::Date(d)) => fr::date(*d),
        (_, Value::Bool(b)) => if *b { "oui" } else { "non" }.to_owned(),
        (_, v) => profile::display_value(field, v, refs),
    }
}

/// What to type to answer a question.
fn option(q: &Question<'_>) -> String {
    match q.condition {
        Some(c) => c.option.clone().unwrap_or_default(),
        None => q
            .champs
            .iter()
            .map(|f| profile::flag_hint(*f))
            .collect::<Vec<_>>()
            .join(" ou "),
    }
}

fn question<'r>(q: &Question<'r>, profile: &Profile, refs: &Referentiel) -> QuestionRapport<'r> {
    let first = q.champs.first().copied();
    let ou_trouver = first
        .map(|f| f.def().ou_trouver)
        .filter(|w| !w.is_empty())
        .map(|w| w.replace("{zonage}", &zonage(profile, refs)));
    QuestionRapport {
        champ: first.map(FieldId::name),
        question: match (q.condition, first) {
            (Some(c), _) => &c.texte,
            (None, Some(f)) => f.def().question,
            (None, None) => "",
        },
        option: option(q),
        ou_trouver,
        aides: q.aides.iter().map(|a| a.id.as_str()).collect(),
    }
}

/// Where the zonage of the profile's region is published: its ARS page with the page's date where
/// one was found, else the ARS site (the question then points to Rézone as well).
#[must_use]
pub fn zonage(profile: &Profile, refs: &Referentiel) -> String {
    match profile.region() {
        Some(r) => {
            let region = refs.region(r);
            match (&region.zonage, &region.url) {
                (Some(page), _) => match &region.zonage_date {
                    Some(d) => format!("la page zonage de l'{} ({d}) : {page}", region.ars),
                    None => format!("la page zonage de l'{} ({page})", region.ars),
                },
                (None, Some(url)) => format!("le site de l'{} ({url})", region.ars),
                (None, None) => format!("le site de l'{}", region.ars),
            }
        }
        None => "la page zonage de l'ARS de votre région".into(),
    }
}

fn duree(mois: u32) -> String {
    match mois {
        12 => "1 an".to_owned(),
        m if m % 12 == 0 => format!("{} ans", m / 12),
        m => format!("{m} mois"),
    }
}

fn nom(field: FieldId) -> &'static str {
    let n = field.def().nom;
    if n.is_empty() { field.name() } else { n }
}

/// The dates and thresholds a condition computed, in words.
fn detail(calculs: &[Calcul]) -> Option<String> {
    let parts: Vec<String> = calculs
        .iter()
        .map(|c| match c {
            Calcul::Date(d) => date_calculee(d),
            Calcul::EnVigueur {
                depuis,
                demande,
                applique,
            } => format!(
                "règle en vigueur depuis le {} : elle {} à une demande du {}",
                fr::date(*depuis),
                if *applique {
                    "s'applique"
                } else {
                    "ne s'applique pas"
                },
                fr::date(*demande)
            ),
            Calcul::Decide(fields) => {
                let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
                format!("décidé par : {}", names.join(", "))
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" ; "))
}

fn date_calculee(d: &DateCalculee) -> String {
    let (champ, base) = (nom(d.champ), nom(d.base));
    let how = format!("{base} + {}", duree(d.mois));
    match d.op {
        CmpOp::Le => format!("{champ} au plus tard le {} ({how})", fr::date(d.date)),
        CmpOp::Lt => format!("{champ} avant le {} ({how})", fr::date(d.date)),
        CmpOp::Ge | CmpOp::Gt => {
            let from = if d.op == CmpOp::Gt {
                d.date.succ_opt().unwrap_or(d.date)
            } else {
                d.date
            };
            format!(
                "{base} le {} : {champ} possible à partir du {} ({how})",
                fr::date(d.base_date),
                fr::date(from)
            )
        }
    }
}

/// An amount in a few words, with its period when it recurs (« jusqu'à 1 200 € par mois »).
#[must_use]
pub fn court(aide: &Aide, montant: &crate::eval::amount::Somme<'_>) -> String {
    let text = montant.court();
    match aide.montant.kind {
        crate::rules::model::MontantKind::ParUnite {
            periode: Some(p), ..
        } if montant.max_eur.is_some() && !text.contains(p.par()) => format!("{text} {}", p.par()),
        _ => text,
    }
}

/// What would still decide an aid once the change is made: « à confirmer selon : … », or nothing.
fn reste(manquants: &[FieldId]) -> String {
    let helps: Vec<String> = manquants
        .iter()
        .filter(|f| {
            // A field asked with another one that is also missing is said with it.
            f.def()
                .asked_with
                .is_none_or(|w| !manquants.iter().any(|m| m.name() == w))
        })
        .map(|f| lower_first(f.def().help))
        .collect();
    if helps.is_empty() {
        String::new()
    } else if helps.len() > 2 {
        format!(
            ", à confirmer selon {} réponses encore inconnues",
            helps.len()
        )
    } else {
        format!(", à confirmer selon : {}", helps.join(" ; "))
    }
}

/// « Aide à … » → « aide à … ».
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

fn piste<'r>(p: Piste<'r>, profile: &Profile, refs: &Referentiel) -> PisteRapport<'r> {
    let montant_txt = court(p.aide, &p.verdict.montant);
    let reste = reste(&p.verdict.manquants);
    let (changement, fin, motif, libelle) = match &p.chemin {
        Chemin::Changement(field, value) => {
            let phrase = field.def().levier.map_or("", |l| l.phrase);
            let mut phrase = phrase.replace("{valeur}", &value_label(*field, value, refs));
            if let Some(now) = profile.get(*field) {
                phrase = phrase.replace("{actuel}", &value_label(*field, now, refs));
            }
            let mut libelle = format!("{phrase} : {}, {montant_txt}{reste}", p.aide.nom);
            if !p.gagnees.is_empty() {
                let what: Vec<String> = p
                    .gagnees
                    .iter()
                    .map(|(a, v)| format!("{} ({})", a.nom, court(a, &v.montant)))
                    .collect();
                libelle.push_str(&format!(" ; en plus : {}", what.join(", ")));
            }
            if !p.perdues.is_empty() {
                let what: Vec<String> = p
                    .perdues
                    .iter()
                    .map(|(a, v)| format!("{} ({})", a.nom, court(a, &v.montant)))
                    .collect();
                libelle.push_str(&format!(" ; au lieu de : {}", what.join(", ")));
            }
            (
                Some(Valeurs(vec![(
                    field.name(),
                    json_value(*field, Some(value), refs),
                )])),
                None,
                None,
                libelle,
            )
        }
        Chemin::Fin(day, motif) => {
            let (key, what) = match motif {
                Motif::AideClose => ("aide_close", "l'aide a pris fin le"),
                Motif::DelaiExpire => ("delai_expire", "votre délai a expiré le"),
            };
            (
                None,
                Some(*day),
                Some(key),
                format!(
                    "{} : {what} {} (demande possible jusqu'à cette date : {montant_txt}{reste})",
                    p.aide.nom,
                    fr::date(*day),
                ),
            )
        }
    };
    PisteRapport {
        aide: &p.aide.id,
        changement,
        fin,
        motif,
        statut: p.verdict.statut,
        manquants: p.verdict.manquants.iter().map(|f| f.name()).collect(),
        montant: MontantRapport::new(p.aide, p.verdict.montant),
        libelle,
    }
}

/// How far a date is from the reference date, for deadlines: today, past, or nothing to flag.
#[must_use]
pub fn flag(date: NaiveDate, date_ref: NaiveDate) -> Option<&'static str> {
    match date.cmp(&date_ref) {
        std::cmp::Ordering::Equal => Some("aujourd'hui"),
        std::cmp::Ordering::Less => Some("dépassée"),
        std::cmp::Ordering::Greater => None,
    }
}
