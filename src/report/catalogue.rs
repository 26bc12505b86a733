//! The rule base as a catalogue, in French and as typed JSON (`aides list`, `aides show`): each aid's
//! amount, period, contact and conditions in words, independent of any profile. Pure.

use chrono::NaiveDate;
use serde::Serialize;

pub use crate::condition::describe::describe;
use crate::fr;
use crate::referentiel::{ContactRef, Referentiel, RegionId};
use crate::rules::model::{Aide, Categorie, Reference, RuleSet, Versement};

/// `aides list --format json`: the aids, and what the rule base does not cover for the region asked.
#[derive(Debug, Serialize)]
pub struct Liste<'r> {
    pub aides: Vec<ListItem<'r>>,
    /// For `--region`: a region the rule base holds no regional aid for.
    pub couverture: Option<String>,
}

/// `aides show --format json`: one aid in full, in words.
#[derive(Debug, Serialize)]
pub struct Fiche<'r> {
    pub id: &'r str,
    pub nom: &'r str,
    pub resume: &'r str,
    pub financeur: &'static str,
    pub region: Option<&'r str>,
    pub categorie: Categorie,
    pub public: &'r str,
    pub periode: String,
    pub montant: String,
    pub contact: String,
    pub conditions: Vec<FicheCondition<'r>>,
    pub versements: &'r [Versement],
    pub engagements: &'r [String],
    pub cumul: &'r [String],
    pub a_retenir: &'r [String],
    pub notes: &'r [String],
    pub sources: &'r [Reference],
    pub verifie_le: Option<NaiveDate>,
}

/// One condition of `Fiche`: its label, and the test in words.
#[derive(Debug, Serialize)]
pub struct FicheCondition<'r> {
    pub libelle: &'r str,
    pub detail: String,
}

impl<'r> Fiche<'r> {
    #[must_use]
    pub fn new(aide: &'r Aide, refs: &'r Referentiel) -> Self {
        Fiche {
            id: &aide.id,
            nom: &aide.nom,
            resume: &aide.resume,
            financeur: aide.financeur.as_str(),
            region: aide.region.map(|r| refs.region(r).slug.as_str()),
            categorie: aide.categorie,
            public: &aide.public,
            periode: periode_text(aide),
            montant: montant_text(aide),
            contact: contact_ref_text(aide, refs),
            conditions: aide
                .conditions
                .iter()
                .map(|c| FicheCondition {
                    libelle: &c.libelle,
                    detail: describe(&c.node, refs),
                })
                .collect(),
            versements: &aide.versements,
            engagements: &aide.engagements,
            cumul: &aide.cumul,
            a_retenir: &aide.a_retenir,
            notes: &aide.notes,
            sources: &aide.sources,
            verifie_le: aide.verifie_le.as_ref().map(|(d, _)| *d),
        }
    }
}

/// Every detail of a contact the rule base knows, on one line.
#[must_use]
pub fn join_contact(c: &crate::referentiel::Contact<'_>) -> String {
    [
        Some(c.organisme.as_ref()),
        c.email,
        c.telephone,
        c.adresse,
        c.url,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
}

/// One line of `aides list`.
#[derive(Debug, Serialize)]
pub struct ListItem<'r> {
    pub id: &'r str,
    pub nom: &'r str,
    pub financeur: &'static str,
    pub region: Option<&'r str>,
    pub categorie: Categorie,
    pub montant: String,
    pub periode: String,
    /// The last day the aid can be requested or signed, when its period says.
    pub fin: Option<NaiveDate>,
    /// Whether that day has passed at the reference date.
    pub fermee: bool,
}

/// The amount of an aid in words, independent of any profile.
#[must_use]
pub fn montant_text(aide: &Aide) -> String {
    aide.montant.label.clone()
}

/// The period of an aid in words.
#[must_use]
pub fn periode_text(aide: &Aide) -> String {
    let p = &aide.periode;
    let mut parts = Vec::new();
    if let Some(d) = p.en_vigueur_du {
        parts.push(format!("depuis le {}", fr::date(d)));
    }
    match (p.installation_du, p.installation_au) {
        (Some(a), Some(b)) => {
            parts.push(format!(
                "installation du {} au {}",
                fr::date(a),
                fr::date(b)
            ));
        }
        (Some(a), None) if Some(a) != p.en_vigueur_du => {
            parts.push(format!("installation dès le {}", fr::date(a)));
        }
        (None, Some(b)) => parts.push(format!("installation jusqu'au {}", fr::date(b))),
        _ => {}
    }
    if let Some(d) = p.demande_au_plus_tard {
        parts.push(format!("demande au plus tard le {}", fr::date(d)));
    }
    if let Some(d) = p.signature_au_plus_tard {
        parts.push(format!("signature au plus tard le {}", fr::date(d)));
    }
    if parts.is_empty() {
        "sans limite publiée".into()
    } else {
        parts.join(" ; ")
    }
}

/// Items of `aides list`.
#[must_use]
pub fn list_items(
    rules: &RuleSet,
    region: Option<RegionId>,
    today: NaiveDate,
) -> Vec<ListItem<'_>> {
    rules
        .aides
        .iter()
        .filter(|a| region.is_none() || a.region.is_none() || a.region == region)
        .map(|a| ListItem {
            id: &a.id,
            nom: &a.nom,
            financeur: a.financeur.as_str(),
            region: a.region.map(|r| rules.refs.region(r).slug.as_str()),
            categorie: a.categorie,
            montant: montant_text(a),
            periode: periode_text(a),
            fin: fin(a),
            fermee: fin(a).is_some_and(|d| d < today),
        })
        .collect()
}

/// The last day an aid can be obtained: the latest of its request and signature deadlines.
fn fin(aide: &Aide) -> Option<NaiveDate> {
    match (
        aide.periode.demande_au_plus_tard,
        aide.periode.signature_au_plus_tard,
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The contact of an aid in words, independent of any profile.
#[must_use]
pub fn contact_ref_text(aide: &Aide, refs: &Referentiel) -> String {
    match &aide.contact {
        ContactRef::Cpam => "la CPAM du département du cabinet concerné (le cabinet secondaire, pour une aide au cabinet secondaire)".into(),
        ContactRef::Ars if aide.region.is_none() => "l'ARS de la région d'exercice".into(),
        ContactRef::ArsDepartement => {
            "la direction départementale de l'ARS du département d'exercice".into()
        }
        // A regional ARS or a named contact does not depend on the profile: the shared resolver says it.
        reference => join_contact(&refs.contact(reference, aide.region, None, None)),
    }
}
