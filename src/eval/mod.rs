//! The evaluation of a profile against a rule set at a reference date (SPEC §4). Pure: same rule set,
//! profile and date give the same report, byte for byte. `verdict` is the lean per-aid result used in
//! batch mode; `evaluate` builds the whole report.

pub mod amount;
pub mod logic;

use chrono::NaiveDate;

use self::amount::Somme;
use self::logic::{Env, Tri, add_months, eval, missing, unknown_by_guard};
use crate::profile::{FieldId, Profile, Value};
use crate::report::{AideRapport, ConditionRapport, Echeance, Rapport, Total, VersementRapport};
use crate::rules::model::{Aide, ConditionQuestion, MontantKind, Quand, RuleSet, Statut};

/// The outcome of one aid for one profile, before presentation.
#[derive(Debug, Clone)]
pub struct Verdict<'r> {
    pub statut: Statut,
    /// One result per condition of the aid, in order.
    pub resultats: Vec<Tri>,
    /// Fields that would decide an `a_confirmer` aid (empty otherwise).
    pub manquants: Vec<FieldId>,
    /// Questions of conditions that no field decides (`inconnue_si`), for an `a_confirmer` aid.
    pub questions: Vec<&'r ConditionQuestion>,
    pub montant: Somme<'r>,
}

/// Evaluates one aid.
#[must_use]
pub fn verdict<'r>(aide: &'r Aide, env: &Env<'_>) -> Verdict<'r> {
    let resultats: Vec<Tri> = aide.conditions.iter().map(|c| eval(&c.node, env)).collect();
    let statut = if resultats.contains(&Tri::Faux) {
        Statut::NonEligible
    } else if resultats.contains(&Tri::Inconnu) {
        Statut::AConfirmer
    } else {
        Statut::Eligible
    };
    let mut manquants = Vec::new();
    let mut questions = Vec::new();
    if statut == Statut::AConfirmer {
        for (c, r) in aide.conditions.iter().zip(&resultats) {
            if *r == Tri::Inconnu {
                missing(&c.node, env, &mut manquants);
                if let Some(q) = &c.question
                    && unknown_by_guard(&c.node, env)
                {
                    questions.push(q);
                }
            }
        }
    }
    Verdict {
        statut,
        resultats,
        manquants,
        questions,
        montant: amount::compute(&aide.montant, env),
    }
}

/// Whether an aid's amount counts in the total: a one-off euro amount (monthly amounts and
/// percentages do not add up with one-off sums).
fn counts_in_total(aide: &Aide) -> bool {
    !matches!(
        aide.montant.kind,
        MontantKind::SansMontant
            | MontantKind::ParUnite {
                periode: Some(_),
                ..
            }
    )
}

/// Sums the eligible aids' one-off amounts (`min_eur` unknown counts as 0; `max_eur` unknown makes the
/// total's ceiling unknown).
fn total<'a>(items: impl Iterator<Item = (&'a Aide, Statut, &'a Somme<'a>)>) -> Total {
    let mut t = Total {
        min_eur: 0,
        max_eur: Some(0),
    };
    for (aide, statut, somme) in items {
        if statut != Statut::Eligible || !counts_in_total(aide) {
            continue;
        }
        t.min_eur += somme.min_eur.unwrap_or(0);
        t.max_eur = t.max_eur.zip(somme.max_eur).map(|(a, b)| a + b);
    }
    t
}

/// The deadlines that matter for this profile, by date.
#[must_use]
pub fn echeances<'r>(aide: &'r Aide, env: &Env<'_>) -> Vec<Echeance<'r>> {
    let mut out = Vec::new();
    let p = &aide.periode;
    if let Some(d) = p.demande_au_plus_tard {
        out.push(Echeance {
            libelle: "Dépôt de la demande (date limite)".into(),
            date: d,
        });
    }
    if let Some(d) = p.signature_au_plus_tard {
        out.push(Echeance {
            libelle: "Signature du contrat (date limite)".into(),
            date: d,
        });
    }
    let relative = |field: FieldId, months: u32| -> Option<NaiveDate> {
        match env.profile.get(field) {
            Some(Value::Date(d)) => add_months(*d, months),
            _ => None,
        }
    };
    for e in &aide.echeances {
        let date = match e.quand {
            Quand::Date(d) => Some(d),
            Quand::Depuis(f, m) => relative(f, m),
        };
        if let Some(date) = date {
            out.push(Echeance {
                libelle: e.libelle.as_str().into(),
                date,
            });
        }
    }
    for v in &aide.versements {
        if let Some(date) = v.depuis.and_then(|(f, m)| relative(f, m)) {
            out.push(Echeance {
                libelle: format!(
                    "Versement ({} %) : {}",
                    crate::profile::fmt_num(v.part_pct),
                    v.quand
                )
                .into(),
                date,
            });
        }
    }
    out.sort_by_key(|e| e.date);
    out
}

/// Report order: by status (eligible, à confirmer, non éligible), then largest euro amount first, then
/// catalogue order (the sort is stable).
fn order_key(statut: Statut, m: &Somme<'_>) -> (Statut, std::cmp::Reverse<i64>) {
    (statut, std::cmp::Reverse(m.max_eur.or(m.eur).unwrap_or(-1)))
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

/// The lean report of batch mode: statut, amount and missing fields per aid, in report order. Without
/// `all`, non éligible aids are left out, and the evaluation of each stops at its first false condition.
#[must_use]
pub fn evaluate_compact<'r>(
    rules: &'r RuleSet,
    profile: &Profile,
    date_ref: NaiveDate,
    all: bool,
) -> (Vec<(&'r Aide, Verdict<'r>)>, Total) {
    let env = Env { profile, date_ref };
    let fails = |a: &Aide| {
        a.conditions
            .iter()
            .any(|c| eval(&c.node, &env) == Tri::Faux)
    };
    let mut out: Vec<(&'r Aide, Verdict<'r>)> = rules
        .aides
        .iter()
        .filter(|a| all || !fails(a))
        .map(|a| (a, verdict(a, &env)))
        .collect();
    out.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
    let t = total(out.iter().map(|(a, v)| (*a, v.statut, &v.montant)));
    (out, t)
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
