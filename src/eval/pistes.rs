//! Near misses (SPEC §5 `pistes`): a non-eligible aid that one change of a field the physician can act
//! on would make eligible (the levers are declared in the vocabulary: OPTAM, coordinated practice, PDSA,
//! days a week, the zone of a practice not yet chosen…), and an aid that the same profile would have
//! obtained before it closed. The search is generic: it tries each lever's values against the failing
//! conditions, and the last days an aid could be requested; no aid is named here.

use chrono::{Months, NaiveDate};

use super::logic::{Env, Tri, reads};
use super::{Verdict, verdict};
use crate::profile::{FIELDS, FieldId, Kind, LevierQuand, Profile, Value, ids};
use crate::rules::model::{Aide, CmpOp, Condition, Node, Operand, Statut, Test};

/// How a near miss would be reached.
#[derive(Debug, Clone, PartialEq)]
pub enum Chemin {
    /// One change of a lever field.
    Changement(FieldId, Value),
    /// The aid has closed: it could be requested until this date.
    Fin(NaiveDate),
}

/// One near miss.
#[derive(Debug, Clone)]
pub struct Piste<'r> {
    pub aide: &'r Aide,
    pub chemin: Chemin,
    /// The aid's verdict with the change (or on its last day).
    pub verdict: Verdict<'r>,
    /// The aids now eligible that the change would lose (a zone chosen for one aid loses another's).
    pub perdues: Vec<(&'r Aide, Verdict<'r>)>,
}

/// Every near miss of a profile, those that bring the most first, then the aids that have closed.
#[must_use]
pub fn pistes<'r>(
    profile: &Profile,
    date_ref: NaiveDate,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Vec<Piste<'r>> {
    let mut out = Vec::new();
    let installed = match profile.get(ids::DATE_INSTALLATION) {
        Some(Value::Date(d)) => *d <= date_ref,
        _ => false,
    };
    for (aide, v) in verdicts {
        if v.statut != Statut::NonEligible {
            continue;
        }
        let failing: Vec<&Condition> = failing(aide, v);
        if let Some(p) = lever(aide, &failing, profile, date_ref, installed, verdicts) {
            out.push(p);
        } else if let Some(p) = closed(aide, &failing, profile, date_ref) {
            out.push(p);
        }
    }
    let gain = |p: &Piste<'_>| {
        let lost: i64 = p
            .perdues
            .iter()
            .filter_map(|(_, v)| v.montant.max_eur)
            .sum();
        p.verdict.montant.max_eur.unwrap_or(0) - lost
    };
    out.sort_by_key(|p| {
        (
            matches!(p.chemin, Chemin::Fin(_)),
            std::cmp::Reverse(gain(p)),
        )
    });
    out
}

fn failing<'r>(aide: &'r Aide, v: &Verdict<'_>) -> Vec<&'r Condition> {
    aide.conditions
        .iter()
        .zip(&v.resultats)
        .filter(|(_, r)| **r == Tri::Faux)
        .map(|(c, _)| c)
        .collect()
}

fn fields_of(c: &Condition) -> Vec<FieldId> {
    let mut out = Vec::new();
    reads(&c.node, &mut out);
    out
}

/// The first lever of the vocabulary whose one change makes the aid eligible, with its smallest value.
fn lever<'r>(
    aide: &'r Aide,
    failing: &[&Condition],
    profile: &Profile,
    date_ref: NaiveDate,
    installed: bool,
    verdicts: &[(&'r Aide, Verdict<'r>)],
) -> Option<Piste<'r>> {
    for (i, def) in FIELDS.iter().enumerate() {
        let Some(levier) = def.levier else { continue };
        if levier.quand == LevierQuand::AvantInstallation && installed {
            continue;
        }
        let field = FieldId(u8::try_from(i).ok()?);
        // One change must mend every failing condition: each must read the field.
        if !failing.iter().all(|c| fields_of(c).contains(&field)) {
            continue;
        }
        for value in lever_values(field, failing, profile) {
            let mut changed = profile.clone();
            changed.set(field, Some(value.clone()));
            let env = Env {
                profile: &changed,
                date_ref,
            };
            let v = verdict(aide, &env);
            if v.statut != Statut::Eligible {
                continue;
            }
            let perdues: Vec<(&'r Aide, Verdict<'r>)> = verdicts
                .iter()
                .filter(|(a, before)| before.statut == Statut::Eligible && a.id != aide.id)
                .filter(|(a, _)| verdict(a, &env).statut != Statut::Eligible)
                .map(|(a, before)| (*a, before.clone()))
                .collect();
            // A change that loses more than it brings is no near miss.
            let lost: i64 = perdues.iter().filter_map(|(_, v)| v.montant.max_eur).sum();
            if lost > 0 && v.montant.max_eur.unwrap_or(0) <= lost {
                continue;
            }
            return Some(Piste {
                aide,
                chemin: Chemin::Changement(field, value),
                verdict: v,
                perdues,
            });
        }
    }
    None
}

/// The values of a lever worth trying, smallest change first.
fn lever_values(field: FieldId, failing: &[&Condition], profile: &Profile) -> Vec<Value> {
    let current = profile.get(field);
    match field.def().kind {
        Kind::Bool => (current != Some(&Value::Bool(true)))
            .then_some(Value::Bool(true))
            .into_iter()
            .collect(),
        Kind::Choice(values) => match current {
            Some(Value::Choice(c)) => (0..values.len())
                .filter_map(|i| u16::try_from(i).ok())
                .filter(|i| i != c)
                .map(Value::Choice)
                .collect(),
            _ => Vec::new(),
        },
        Kind::List(values) => {
            let set = match current {
                Some(Value::Set(s)) => *s,
                _ => 0,
            };
            (0..values.len())
                .map(|i| 1u32 << i)
                .filter(|bit| set & bit == 0)
                .map(|bit| Value::Set(set | bit))
                .collect()
        }
        Kind::Number { .. } | Kind::Integer { .. } => {
            let now = match current {
                Some(Value::Num(x)) => Some(*x),
                _ => None,
            };
            let mut out: Vec<f64> = Vec::new();
            for c in failing {
                minimums(&c.node, field, step_of(field), &mut out);
            }
            out.sort_by(f64::total_cmp);
            out.dedup();
            out.into_iter()
                .filter(|x| now.is_none_or(|n| *x > n))
                .map(Value::Num)
                .filter(|v| crate::profile::check_value(field, v))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn step_of(field: FieldId) -> f64 {
    match field.def().kind {
        Kind::Number { step, .. } => step.unwrap_or(0.5),
        _ => 1.0,
    }
}

/// The least values of `field` that the lower bounds of a condition ask for.
fn minimums(node: &Node, field: FieldId, step: f64, out: &mut Vec<f64>) {
    match node {
        Node::All(c) | Node::Any(c) | Node::FirstKnown(c) => {
            for n in c {
                minimums(n, field, step, out);
            }
        }
        Node::Not(n) | Node::IfKnown(n) | Node::AppliesFrom(_, n) => minimums(n, field, step, out),
        Node::UnknownIf { inner, .. } => minimums(inner, field, step, out),
        Node::Leaf(l) if l.field == field => match l.test {
            Test::Cmp(CmpOp::Ge, Operand::Num(x)) | Test::Between(Operand::Num(x), _) => {
                out.push(x);
            }
            Test::Cmp(CmpOp::Gt, Operand::Num(x)) => out.push(x + step),
            _ => {}
        },
        Node::Reference(..) | Node::Leaf(_) => {}
    }
}

/// Whether a condition can turn false only with time: it compares the reference date, or the date of
/// the request (which is the reference date unless given).
fn over_time(c: &Condition) -> bool {
    fn reference(node: &Node) -> bool {
        match node {
            Node::Reference(..) => true,
            Node::All(c) | Node::Any(c) | Node::FirstKnown(c) => c.iter().any(reference),
            Node::Not(n) | Node::IfKnown(n) | Node::AppliesFrom(_, n) => reference(n),
            Node::UnknownIf { guard, inner } => reference(guard) || reference(inner),
            Node::Leaf(_) => false,
        }
    }
    reference(&c.node) || fields_of(c).contains(&ids::DATE_DEMANDE)
}

/// An aid that has closed and that the profile would have obtained on one of its last days: the
/// deadlines of its period and of its conditions on the request's date, on or after the installation.
fn closed<'r>(
    aide: &'r Aide,
    failing: &[&Condition],
    profile: &Profile,
    date_ref: NaiveDate,
) -> Option<Piste<'r>> {
    let Some(Value::Date(installed)) = profile.get(ids::DATE_INSTALLATION) else {
        return None;
    };
    if failing.is_empty() || !failing.iter().all(|c| over_time(c)) {
        return None;
    }
    let mut days: Vec<NaiveDate> = [
        aide.periode.demande_au_plus_tard,
        aide.periode.signature_au_plus_tard,
    ]
    .into_iter()
    .flatten()
    .collect();
    let env = Env { profile, date_ref };
    for c in failing {
        request_deadlines(&c.node, &env, &mut days);
    }
    days.sort_unstable();
    days.dedup();
    for day in days.into_iter().rev() {
        if day >= date_ref || day < *installed {
            continue;
        }
        let mut then = profile.clone();
        then.set(ids::DATE_DEMANDE, Some(Value::Date(day)));
        let env = Env {
            profile: &then,
            date_ref: day,
        };
        let v = verdict(aide, &env);
        if v.statut == Statut::Eligible {
            return Some(Piste {
                aide,
                chemin: Chemin::Fin(day),
                verdict: v,
                perdues: Vec::new(),
            });
        }
    }
    None
}

/// The last days a request is in time for the relative deadlines of a condition
/// (`date_demande ≤ date_installation + 6 mois`).
fn request_deadlines(node: &Node, env: &Env<'_>, out: &mut Vec<NaiveDate>) {
    match node {
        Node::All(c) | Node::Any(c) | Node::FirstKnown(c) => {
            for n in c {
                request_deadlines(n, env, out);
            }
        }
        Node::Not(n) | Node::IfKnown(n) | Node::AppliesFrom(_, n) => request_deadlines(n, env, out),
        Node::UnknownIf { inner, .. } => request_deadlines(inner, env, out),
        Node::Leaf(l) if l.field == ids::DATE_DEMANDE => {
            if let Test::Cmp(op, Operand::Rel { field, months }) = l.test
                && let Some(base) = env.date(field)
                && let Some(d) = base.checked_add_months(Months::new(months))
            {
                match op {
                    CmpOp::Le => out.push(d),
                    CmpOp::Lt => out.extend(d.pred_opt()),
                    CmpOp::Ge | CmpOp::Gt => {}
                }
            }
        }
        Node::Reference(..) | Node::Leaf(_) => {}
    }
}
