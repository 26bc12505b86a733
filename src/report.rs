//! The report structures that *are* the JSON contract of SPEC §5 (stable French keys, in this order),
//! built from the verdicts of `eval` and rendered by `output`; borrowed from the rule set so that
//! building one is cheap.

use chrono::NaiveDate;
use serde::Serialize;

use crate::eval::amount::Somme;
use crate::eval::logic::{Env, Tri};
use crate::eval::{Echeance, Total, Verdict, echeances, order_key, total, verdict};
use crate::profile::Profile;
use crate::referentiel::Contact;
use crate::rules::model::{Aide, Reference, RuleSet, Statut};

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

/// Evaluates every aid of the rule set: eligible first, then à confirmer, then non éligible.
#[must_use]
pub fn evaluate<'r>(rules: &'r RuleSet, profile: &'r Profile, date_ref: NaiveDate) -> Rapport<'r> {
    let env = Env { profile, date_ref };
    let mut aides: Vec<(Statut, AideRapport<'r>)> = rules
        .aides
        .iter()
        .map(|aide| {
            let v = verdict(aide, &env);
            (v.statut, full(rules, aide, v, &env))
        })
        .collect();
    aides.sort_by_key(|(s, a)| order_key(*s, &a.montant));
    let total = total(aides.iter().map(|(s, a)| (a.aide, *s, &a.montant)));
    Rapport {
        date_reference: date_ref,
        id: profile.label(),
        aides: aides.into_iter().map(|(_, a)| a).collect(),
        total,
        couverture: couverture(rules, profile),
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

fn full<'r>(rules: &'r RuleSet, aide: &'r Aide, v: Verdict<'r>, env: &Env<'_>) -> AideRapport<'r> {
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
        .map(|(c, r)| ConditionRapport {
            libelle: &c.libelle,
            resultat: *r,
        })
        .collect();
    AideRapport {
        aide,
        id: &aide.id,
        nom: &aide.nom,
        statut: v.statut,
        montant: v.montant,
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
        notes: &aide.notes,
        questions: v
            .manquants
            .iter()
            .map(|f| crate::profile::flag_hint(*f))
            .chain(v.questions.iter().map(|q| match &q.option {
                Some(o) => format!("{} ({o})", q.texte),
                None => q.texte.clone(),
            }))
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
