//! The report structures that *are* the JSON contract of SPEC §5 (stable French keys, in this order).
//! Built by `eval`, rendered by `output`; borrowed from the rule set so that building one is cheap.

use std::borrow::Cow;

use chrono::NaiveDate;
use serde::Serialize;

use crate::eval::Verdict;
use crate::eval::amount::Somme;
use crate::eval::logic::Tri;
use crate::referentiel::Contact;
use crate::rules::model::{Aide, Reference, Statut};

/// `--format json`: one object per profile.
#[derive(Debug, Serialize)]
pub struct Rapport<'r> {
    pub date_reference: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'r str>,
    /// Every aid of the rule set, eligible ones first.
    pub aides: Vec<AideRapport<'r>>,
    /// Over eligible aids.
    pub total: Total,
    /// What the rule base does not cover for this profile (a region without regional aids).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub couverture: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AideRapport<'r> {
    #[serde(skip)]
    pub aide: &'r Aide,
    pub id: &'r str,
    pub nom: &'r str,
    pub statut: Statut,
    pub montant: Somme<'r>,
    pub financeur: &'static str,
    /// The region's name, for tables.
    #[serde(skip)]
    pub region_nom: Option<&'r str>,
    pub contact: Contact<'r>,
    pub conditions: Vec<ConditionRapport<'r>>,
    /// Profile fields whose value would decide an `a_confirmer` aid.
    pub manquants: Vec<&'static str>,
    pub engagements: &'r [String],
    pub echeances: Vec<Echeance<'r>>,
    pub sources: &'r [Reference],
    /// Region slug of a regional aid; absent for national aids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<&'r str>,
    /// For a `non_eligible` aid: the first condition that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raison: Option<&'r str>,
    /// Points of attention: the rule base's decisions where the texts are silent.
    pub notes: &'r [String],
    /// The flags that would answer `manquants` (`--qpv ou --qpv=non`).
    pub questions: Vec<String>,
    /// The payment schedule, with each payment's amount when the aid's amount is fixed.
    pub versements: Vec<VersementRapport<'r>>,
}

/// One payment: its share, its amount when known, and when it is paid.
#[derive(Debug, Serialize)]
pub struct VersementRapport<'r> {
    #[serde(serialize_with = "crate::rules::model::whole_if_integral")]
    pub part_pct: f64,
    pub eur: Option<i64>,
    pub quand: &'r str,
}

#[derive(Debug, Serialize)]
pub struct ConditionRapport<'r> {
    pub libelle: &'r str,
    pub resultat: Tri,
}

#[derive(Debug, Clone, Serialize)]
pub struct Echeance<'r> {
    pub libelle: Cow<'r, str>,
    pub date: NaiveDate,
}

/// Sum over eligible aids of their one-off euro amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    pub min_eur: i64,
    /// `None` when an eligible aid states no ceiling.
    pub max_eur: Option<i64>,
}

/// `--format ndjson` (compact): per profile, `id`, `date_reference`, `total`, and the aids.
#[derive(Debug, Serialize)]
pub struct Compact<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'r str>,
    pub date_reference: NaiveDate,
    pub total: Total,
    pub aides: Vec<AideCompacte<'r>>,
}

#[derive(Debug, Serialize)]
pub struct AideCompacte<'r> {
    pub id: &'r str,
    pub statut: Statut,
    pub montant: Somme<'r>,
    pub manquants: Vec<&'static str>,
}

impl<'r> AideCompacte<'r> {
    #[must_use]
    pub fn new(aide: &'r Aide, v: Verdict<'r>) -> Self {
        AideCompacte {
            id: &aide.id,
            statut: v.statut,
            montant: v.montant,
            manquants: v.manquants.iter().map(|f| f.name()).collect(),
        }
    }
}

/// A batch line that could not be read: `{"ligne": N, "id": "…", "erreur": "…"}` (`id` when the
/// profile's id could be read).
#[derive(Debug, Serialize)]
pub struct LigneErreur<'a> {
    pub ligne: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    pub erreur: String,
}
