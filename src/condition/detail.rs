//! What a condition read and what it computed, for `aides explain` and the report's
//! `conditions[].valeurs` and `detail`: each field's value (or its absence), the dates computed from
//! other dates (a deadline six months after the installation, the end of the 10-year delay), whether a
//! rule in force from a date applies to the request, and which branch of a `premier_connu` decided.

use chrono::NaiveDate;

use super::logic::{Env, Tri, add_months, applies, eval};
use super::model::{CmpOp, Condition, Node};
use crate::profile::{FieldId, Value, ids};

/// A date computed from another date of the profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateCalculee {
    /// The field compared (`date_demande`).
    pub champ: FieldId,
    pub op: CmpOp,
    /// The date it is compared with, and how it was computed: `base + mois`.
    pub base: FieldId,
    pub base_date: NaiveDate,
    pub mois: u32,
    pub date: NaiveDate,
}

/// What one condition computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Calcul {
    Date(DateCalculee),
    /// A rule in force from `depuis`: whether it applies to the request dated `demande`.
    EnVigueur {
        depuis: NaiveDate,
        demande: NaiveDate,
        applique: bool,
    },
    /// The branch of a `premier_connu` that decided reads these fields.
    Decide(Vec<FieldId>),
}

/// The values a condition read (the reference date stands for an unknown request date) and what it
/// computed.
#[must_use]
pub fn read(c: &Condition, env: &Env<'_>) -> (Vec<(FieldId, Option<Value>)>, Vec<Calcul>) {
    let mut fields = Vec::new();
    c.node.reads(&mut fields);
    let valeurs = fields
        .into_iter()
        .map(|f| {
            let v = env
                .profile
                .get(f)
                .cloned()
                .or_else(|| (f == ids::DATE_DEMANDE).then_some(Value::Date(env.date_ref)));
            (f, v)
        })
        .collect();
    let mut calculs = Vec::new();
    compute(&c.node, env, &mut calculs);
    (valeurs, calculs)
}

fn compute(node: &Node, env: &Env<'_>, out: &mut Vec<Calcul>) {
    match node {
        Node::All(c) | Node::Any(c) => c.iter().for_each(|n| compute(n, env, out)),
        Node::FirstKnown(c) => {
            if let Some(decisive) = c.iter().find(|n| eval(n, env) != Tri::Inconnu) {
                let mut fields = Vec::new();
                decisive.reads(&mut fields);
                if c.len() > 1 {
                    out.push(Calcul::Decide(fields));
                }
                compute(decisive, env, out);
            } else {
                for n in c {
                    compute(n, env, out);
                }
            }
        }
        Node::Not(n) | Node::IfKnown(n) => compute(n, env, out),
        Node::AppliesFrom(depuis, n) => {
            let applique = applies(*depuis, env);
            out.push(Calcul::EnVigueur {
                depuis: *depuis,
                demande: env.date(ids::DATE_DEMANDE).unwrap_or(env.date_ref),
                applique,
            });
            if applique {
                compute(n, env, out);
            }
        }
        Node::UnknownIf { inner, .. } => compute(inner, env, out),
        Node::Reference(..) => {}
        Node::Leaf(l) => {
            if let Some((op, field, months)) = l.test.relative_bound()
                && let Some(base_date) = env.date(field)
                && let Some(date) = add_months(base_date, months)
            {
                out.push(Calcul::Date(DateCalculee {
                    champ: l.field,
                    op,
                    base: field,
                    base_date,
                    mois: months,
                    date,
                }));
            }
        }
    }
}
