//! The evaluation of a profile against a rule set at a reference date (SPEC §4): per aid, its status,
//! the result of each condition, the fields that would decide it, its amount and its dates; over aids,
//! the total. Pure: same rule set, profile and date, same result. The report (`report`) is built from
//! these verdicts; nothing here knows the shape of the output.

pub mod montant;
pub mod pistes;
pub mod questions;
pub mod selon;

// The condition language evaluates and describes itself; these paths stay for the modules that
// read verdicts through `eval`.
pub use crate::condition::{detail, logic};

use chrono::NaiveDate;
use schemars::JsonSchema;

use self::montant::Somme;
use crate::condition::logic::{Env, Tri, add_months, eval, missing, unknown_by_guard};
use crate::profile::{FieldId, Profile, Value};
use serde::Serialize;

use crate::condition::ConditionQuestion;
use crate::rules::model::{Aide, MontantKind, Quand, RuleSet, Statut};
use std::borrow::Cow;

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
    finish_verdict(aide, env, resultats)
}

/// The verdict, or `None` as soon as a condition is false when `stop_at_false` (batch mode leaves
/// out the aids that are not eligible): each condition is evaluated once, and the results of an aid
/// left out are never allocated.
fn verdict_unless_false<'r>(
    aide: &'r Aide,
    env: &Env<'_>,
    stop_at_false: bool,
) -> Option<Verdict<'r>> {
    const ON_STACK: usize = 16;
    let n = aide.conditions.len();
    // Both paths give the same verdict; `n >= ON_STACK` here would only move sixteen-condition aids
    // to the allocating path (an equivalent mutant, which no test can tell).
    if !stop_at_false || n > ON_STACK {
        let resultats: Vec<Tri> = aide.conditions.iter().map(|c| eval(&c.node, env)).collect();
        if stop_at_false && resultats.contains(&Tri::Faux) {
            return None;
        }
        return Some(finish_verdict(aide, env, resultats));
    }
    let mut buf = [Tri::Vrai; ON_STACK];
    for (slot, c) in buf.iter_mut().zip(&aide.conditions) {
        *slot = eval(&c.node, env);
        if *slot == Tri::Faux {
            return None;
        }
    }
    Some(finish_verdict(aide, env, buf[..n].to_vec()))
}

fn finish_verdict<'r>(aide: &'r Aide, env: &Env<'_>, resultats: Vec<Tri>) -> Verdict<'r> {
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
        montant: montant::compute(&aide.montant, env),
    }
}

/// Sum over eligible aids of their one-off euro amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(description = "Total des montants uniques en euros des aides éligibles.")]
pub struct Total {
    #[schemars(description = "Somme des montants bas.")]
    pub min_eur: i64,
    /// `None` when an eligible aid states no ceiling.
    #[schemars(
        description = "Somme des montants hauts ; null quand une aide éligible n'a pas de plafond."
    )]
    pub max_eur: Option<i64>,
}

/// A date that matters for an aid (a deadline, a payment).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(description = "Une date qui compte pour l'aide.")]
pub struct Echeance<'r> {
    #[schemars(description = "Ce qui tombe à cette date.")]
    pub libelle: Cow<'r, str>,
    #[schemars(description = "La date (AAAA-MM-JJ).")]
    pub date: NaiveDate,
    /// A payment the payer makes (not a deadline for the physician).
    #[serde(skip)]
    pub versement: bool,
    /// A deadline for the request, which a `date_demande` on or before it meets.
    #[serde(skip)]
    pub demande: bool,
}

/// Whether an aid's amount counts in the total: a one-off euro amount (monthly amounts and
/// percentages do not add up with one-off sums).
fn counts_in_total(aide: &Aide) -> bool {
    !matches!(
        aide.montant.kind,
        MontantKind::SansMontant { .. }
            | MontantKind::ParUnite {
                periode: Some(_),
                ..
            }
    )
}

/// Sums the eligible aids' one-off amounts (`min_eur` unknown counts as 0; `max_eur` unknown makes the
/// total's ceiling unknown).
#[must_use]
pub fn total<'a>(items: impl Iterator<Item = (&'a Aide, Statut, &'a Somme<'a>)>) -> Total {
    let mut t = Total {
        min_eur: 0,
        max_eur: Some(0),
    };
    for (aide, statut, somme) in items {
        if statut != Statut::Eligible || !counts_in_total(aide) {
            continue;
        }
        // Amounts are bounded by validate; a total never wraps all the same.
        t.min_eur = t.min_eur.saturating_add(somme.min_eur.unwrap_or(0));
        t.max_eur = t
            .max_eur
            .zip(somme.max_eur)
            .map(|(a, b)| a.saturating_add(b));
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
            versement: false,
            demande: true,
        });
    }
    if let Some(d) = p.signature_au_plus_tard {
        out.push(Echeance {
            libelle: "Signature du contrat (date limite)".into(),
            date: d,
            versement: false,
            demande: false,
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
                versement: false,
                // The deadlines the rule files declare are the request's (the CRAI's 6 months, the
                // ZAC FIR's first anniversary).
                demande: true,
            });
        }
    }
    for v in &aide.versements {
        if let Some(date) = v.depuis.and_then(|(f, m)| relative(f, m)) {
            out.push(Echeance {
                libelle: format!(
                    "Versement ({} %) : {}",
                    crate::fr::fmt_num(v.part_pct),
                    v.quand
                )
                .into(),
                date,
                versement: true,
                demande: false,
            });
        }
    }
    out.sort_by_key(|e| e.date);
    out
}

/// Report order: by status (eligible, à confirmer, non éligible), then largest euro amount first, then
/// catalogue order (the sort is stable).
#[must_use]
pub fn order_key(statut: Statut, m: &Somme<'_>) -> (Statut, std::cmp::Reverse<i64>) {
    (statut, std::cmp::Reverse(m.max_eur.or(m.eur).unwrap_or(-1)))
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
    let mut out: Vec<(&'r Aide, Verdict<'r>)> = rules
        .aides
        .iter()
        .filter_map(|a| verdict_unless_false(a, &env, !all).map(|v| (a, v)))
        .collect();
    out.sort_by_key(|(_, v)| order_key(v.statut, &v.montant));
    let t = total(out.iter().map(|(a, v)| (*a, v.statut, &v.montant)));
    (out, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{SourceFile, embedded, embedded_sources, from_sources};

    /// The lean evaluation of batch mode gives what the full one gives: with `all`, every aid with
    /// the same verdict; without, the same minus the non-eligible aids, and the same total.
    fn agrees(rules: &RuleSet, profile: &Profile, date: NaiveDate) -> usize {
        let env = Env {
            profile,
            date_ref: date,
        };
        let (every, total_all) = evaluate_compact(rules, profile, date, true);
        assert_eq!(every.len(), rules.aides.len());
        for (a, v) in &every {
            let full = verdict(a, &env);
            assert_eq!(format!("{v:?}"), format!("{full:?}"), "{}", a.id);
        }
        let (lean, total) = evaluate_compact(rules, profile, date, false);
        let kept: Vec<&str> = every
            .iter()
            .filter(|(_, v)| v.statut != Statut::NonEligible)
            .map(|(a, _)| a.id.as_str())
            .collect();
        let lean_ids: Vec<&str> = lean.iter().map(|(a, _)| a.id.as_str()).collect();
        assert_eq!(lean_ids, kept);
        for (a, v) in &lean {
            assert_eq!(
                format!("{v:?}"),
                format!("{:?}", verdict(a, &env)),
                "{}",
                a.id
            );
        }
        assert_eq!(format!("{total:?}"), format!("{total_all:?}"));
        every.len() - lean.len()
    }

    #[test]
    fn the_compact_evaluation_agrees_with_the_full_one() {
        let loaded = embedded();
        let rules = &loaded.rules;
        let mut left_out = 0;
        for aide in &rules.aides {
            for ex in &aide.exemples {
                left_out += agrees(rules, &ex.profil, ex.date);
            }
        }
        assert!(left_out > 0, "some examples leave aids out");
    }

    #[test]
    fn the_compact_evaluation_agrees_past_sixteen_conditions() {
        // One aid with 16 and one with 17 conditions (the lean path keeps 16 results on the stack):
        // the extra conditions repeat one that the examples already decide.
        let mut sources = embedded_sources();
        let base = sources
            .iter()
            .position(|s| s.rel.ends_with("cabinet-secondaire-zip.toml"))
            .expect("the rule");
        let n = embedded()
            .rules
            .aides
            .iter()
            .find(|a| a.id == "cabinet-secondaire-zip")
            .expect("the aid")
            .conditions
            .len();
        for (id, extra) in [("seize", 16 - n), ("dix-sept", 17 - n)] {
            let mut text = sources[base].text.replace("cabinet-secondaire-zip", id);
            for _ in 0..extra {
                text.push_str(
                    "\n[[conditions]]\nlibelle = \"Exercice libéral\"\nchamp = \"exercice\"\negal = \"liberal\"\n",
                );
            }
            sources.push(SourceFile {
                rel: format!("national/{id}.toml"),
                name: format!("rules/national/{id}.toml"),
                text,
            });
        }
        let loaded = from_sources(sources);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let rules = &loaded.rules;
        let counts: Vec<usize> = ["seize", "dix-sept"]
            .iter()
            .map(|id| {
                rules
                    .aides
                    .iter()
                    .find(|a| a.id == *id)
                    .expect("loaded")
                    .conditions
                    .len()
            })
            .collect();
        assert_eq!(counts, [16, 17]);
        let mut left_out = 0;
        for aide in &rules.aides {
            for ex in &aide.exemples {
                left_out += agrees(rules, &ex.profil, ex.date);
            }
        }
        assert!(left_out > 0);
    }
}
