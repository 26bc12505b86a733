//! Finding conditions that can never be true: contradictory requirements on one field across the
//! conditions of an aid (`zone = ZIP` in one, `zone = ZAC` in another, an installation window that ends
//! before a condition's start date, more than 7 days a week), and `un_de` branches that contradict the
//! aid's other conditions. Only what every eligible profile must satisfy is used: the leaves of the
//! top-level conditions and of their `tous`; `un_de`, `non` and `premier_connu` add no requirement.
//! And the coverage of conditions by examples: how many profiles make each true, false and unknown.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;

use serde::Serialize;

use super::logic::{Env, Tri, eval};
use super::model::{CmpOp, Condition, Leaf, Node, Operand, Scalar, Test};
use super::walk::Reach;
use crate::diagnostic::{Code, Diagnostic};
use crate::profile::{FieldId, Kind};
use crate::referentiel::Referentiel;

/// What an eligible profile may hold in one field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Allowed {
    /// Closed set, as a bit mask of domain indices (booleans: bit 0 false, bit 1 true).
    Mask(u128),
    /// Numbers (dates as day numbers): low and high bound, each with "inclusive".
    Range {
        lo: f64,
        lo_in: bool,
        hi: f64,
        hi_in: bool,
    },
}

impl Allowed {
    // Bounds are copied from rule literals, never computed: exact comparison is what is meant.
    #[allow(clippy::float_cmp)]
    fn is_empty(self) -> bool {
        match self {
            Allowed::Mask(m) => m == 0,
            Allowed::Range {
                lo,
                lo_in,
                hi,
                hi_in,
            } => lo > hi || (lo == hi && !(lo_in && hi_in)),
        }
    }

    fn meet(self, other: Allowed) -> Allowed {
        match (self, other) {
            (Allowed::Mask(a), Allowed::Mask(b)) => Allowed::Mask(a & b),
            (
                Allowed::Range {
                    lo: a,
                    lo_in: ai,
                    hi: b,
                    hi_in: bi,
                },
                Allowed::Range {
                    lo: c,
                    lo_in: ci,
                    hi: d,
                    hi_in: di,
                },
            ) => {
                let (lo, lo_in) = if a > c {
                    (a, ai)
                } else if c > a {
                    (c, ci)
                } else {
                    (a, ai && ci)
                };
                let (hi, hi_in) = if b < d {
                    (b, bi)
                } else if d < b {
                    (d, di)
                } else {
                    (b, bi && di)
                };
                Allowed::Range {
                    lo,
                    lo_in,
                    hi,
                    hi_in,
                }
            }
            _ => self,
        }
    }
}

fn domain_size(field: FieldId, refs: &Referentiel) -> Option<usize> {
    match field.def().kind {
        Kind::Choice(v) => Some(v.len()),
        Kind::IntChoice(v) => Some(v.len()),
        Kind::Departement => Some(refs.departements.len()),
        Kind::Region => Some(refs.regions.len()),
        Kind::Bool => Some(2),
        _ => None,
    }
}

fn whole_domain(field: FieldId, refs: &Referentiel) -> Option<Allowed> {
    if let Some(n) = domain_size(field, refs) {
        let mask = if n >= 128 {
            u128::MAX
        } else {
            (1u128 << n) - 1
        };
        return Some(Allowed::Mask(mask));
    }
    match field.def().kind {
        Kind::Number {
            min,
            max,
            min_exclusive,
            ..
        } => Some(Allowed::Range {
            lo: min,
            lo_in: !min_exclusive,
            hi: max,
            hi_in: true,
        }),
        #[allow(clippy::cast_precision_loss)]
        Kind::Integer { min } => Some(Allowed::Range {
            lo: min as f64,
            lo_in: true,
            hi: f64::INFINITY,
            hi_in: true,
        }),
        Kind::Date => Some(Allowed::Range {
            lo: f64::NEG_INFINITY,
            lo_in: true,
            hi: f64::INFINITY,
            hi_in: true,
        }),
        _ => None,
    }
}

fn day(d: NaiveDate) -> f64 {
    f64::from(chrono::Datelike::num_days_from_ce(&d))
}

fn point(o: Operand) -> Option<f64> {
    match o {
        Operand::Num(x) => Some(x),
        Operand::Date(d) => Some(day(d)),
        Operand::Rel { .. } => None,
    }
}

/// What one leaf requires, if it can be said as an `Allowed`.
fn requirement(leaf: &Leaf, refs: &Referentiel) -> Option<Allowed> {
    let all = whole_domain(leaf.field, refs)?;
    let bit = |s: Scalar| match s {
        Scalar::Choice(i) => Some(1u128 << i),
        Scalar::Bool(b) => Some(1u128 << u8::from(b)),
        Scalar::Num(_) | Scalar::Date(_) | Scalar::Set(_) => None,
    };
    let range = |lo: f64, lo_in: bool, hi: f64, hi_in: bool| {
        Some(Allowed::Range {
            lo,
            lo_in,
            hi,
            hi_in,
        })
    };
    let inf = f64::INFINITY;
    let mask = match all {
        Allowed::Mask(m) => Some(m),
        Allowed::Range { .. } => None,
    };
    match (&leaf.test, mask) {
        (Test::Eq(s), Some(_)) => bit(*s).map(Allowed::Mask),
        (Test::Ne(s), Some(m)) => bit(*s).map(|b| Allowed::Mask(m & !b)),
        (Test::In(x), Some(_)) => Some(Allowed::Mask(*x)),
        (Test::NotIn(x), Some(m)) => Some(Allowed::Mask(m & !x)),
        (Test::Eq(s), None) => match *s {
            Scalar::Num(x) => range(x, true, x, true),
            Scalar::Date(d) => range(day(d), true, day(d), true),
            Scalar::Bool(_) | Scalar::Choice(_) | Scalar::Set(_) => None,
        },
        (Test::Cmp(op, o), None) => {
            let x = point(*o)?;
            match op {
                CmpOp::Ge => range(x, true, inf, true),
                CmpOp::Gt => range(x, false, inf, true),
                CmpOp::Le => range(-inf, true, x, true),
                CmpOp::Lt => range(-inf, true, x, false),
            }
        }
        (Test::Between(a, b), None) => range(point(*a)?, true, point(*b)?, true),
        // A test that says nothing this check can meet with the field's domain.
        (Test::Cmp(..) | Test::Between(..) | Test::ContainsAny(_), Some(_))
        | (Test::Ne(_) | Test::In(_) | Test::NotIn(_) | Test::ContainsAny(_), None) => None,
    }
    .map(|r| all.meet(r))
}

/// The leaves a node requires of every profile that makes it true.
fn required<'a>(node: &'a Node, out: &mut Vec<&'a Leaf>) {
    match node {
        Node::Leaf(l) => out.push(l),
        Node::All(children) => children.iter().for_each(|c| required(c, out)),
        // No requirement every true profile meets: a choice, a negation, a condition that may hold
        // while unknown or before it applies, a date the profile does not hold.
        Node::Any(_)
        | Node::Not(_)
        | Node::FirstKnown(_)
        | Node::IfKnown(_)
        | Node::Reference(..)
        | Node::AppliesFrom(..)
        | Node::UnknownIf { .. } => {}
    }
}

fn first_span(node: &Node) -> Option<Range<usize>> {
    node.leaves(Reach::Operands).first().map(|l| l.span.clone())
}

/// The branches of a condition that is an `un_de`, possibly in force from a date or unknown under a
/// guard (`outer`: one such wrapper may still be taken off).
fn branches(node: &Node, outer: bool) -> Option<&[Node]> {
    match node {
        Node::Any(b) => Some(b),
        Node::AppliesFrom(_, inner) | Node::UnknownIf { inner, .. } if outer => {
            branches(inner, false)
        }
        Node::AppliesFrom(..)
        | Node::UnknownIf { .. }
        | Node::All(_)
        | Node::Not(_)
        | Node::FirstKnown(_)
        | Node::IfKnown(_)
        | Node::Reference(..)
        | Node::Leaf(_) => None,
    }
}

/// What the conditions read so far allow in each field, and the label of the condition that last
/// narrowed it.
type Requirements<'a> = BTreeMap<FieldId, (Allowed, &'a str)>;

/// Adds a node's requirements to `state`; returns the field and the label of the earlier condition it
/// contradicts, if any.
fn require<'a>(
    state: &mut Requirements<'a>,
    node: &Node,
    label: &'a str,
    refs: &Referentiel,
) -> Option<(FieldId, &'a str)> {
    let mut leaves = Vec::new();
    required(node, &mut leaves);
    for leaf in leaves {
        let Some(req) = requirement(leaf, refs) else {
            continue;
        };
        let (current, by) = state.get(&leaf.field).copied().unwrap_or((req, label));
        let met = current.meet(req);
        if met.is_empty() {
            return Some((leaf.field, by));
        }
        state.insert(leaf.field, (met, label));
    }
    None
}

/// The contradictions among the conditions of one aid (`id`, read from `file`).
#[must_use]
pub fn contradictions(conditions: &[Condition], file: &str, refs: &Referentiel) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut state = Requirements::new();
    for c in conditions {
        if let Some((field, by)) = require(&mut state, &c.node, &c.libelle, refs) {
            let against = if by == c.libelle {
                "une autre de ses propres exigences".to_owned()
            } else {
                format!("la condition « {by} »")
            };
            out.push(
                Diagnostic::error(
                    Code::UnreachableCondition,
                    file,
                    Some(c.span.clone()),
                    format!(
                        "l'aide ne peut jamais être éligible : la condition « {} » contredit {against} sur le champ « {} »",
                        c.libelle,
                        field.name()
                    ),
                )
                .with_help("vérifiez la source : deux conditions exigent des valeurs incompatibles ; l'une est sans doute un « un_de »"),
            );
            return out;
        }
    }
    // Each `un_de` branch against everything the other conditions require.
    for (i, c) in conditions.iter().enumerate() {
        let Some(branches) = branches(&c.node, true) else {
            continue;
        };
        let mut others = Requirements::new();
        for (j, o) in conditions.iter().enumerate() {
            if i != j {
                require(&mut others, &o.node, &o.libelle, refs);
            }
        }
        for b in branches {
            let mut st = others.clone();
            if let Some((field, by)) = require(&mut st, b, &c.libelle, refs) {
                out.push(
                    Diagnostic::warning(
                        Code::UnreachableCondition,
                        file,
                        first_span(b).or(Some(c.span.clone())),
                        format!(
                            "branche jamais vraie dans « {} » : elle contredit « {by} » sur le champ « {} »",
                            c.libelle,
                            field.name()
                        ),
                    )
                    .with_help("retirez cette branche, ou corrigez la condition qu'elle contredit"),
                );
            }
        }
    }
    out
}

/// How the examples of one aid exercise one condition.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionCoverage {
    pub libelle: String,
    pub vrai: usize,
    pub faux: usize,
    pub inconnu: usize,
}

impl ConditionCoverage {
    #[must_use]
    pub fn both_ways(&self) -> bool {
        self.vrai > 0 && self.faux > 0
    }
}

/// How many of the profiles (each at its reference date) make each condition true, false and unknown.
#[must_use]
pub fn coverage<'p>(
    conditions: &[Condition],
    envs: impl IntoIterator<Item = Env<'p>>,
) -> Vec<ConditionCoverage> {
    let mut out: Vec<ConditionCoverage> = conditions
        .iter()
        .map(|c| ConditionCoverage {
            libelle: c.libelle.clone(),
            vrai: 0,
            faux: 0,
            inconnu: 0,
        })
        .collect();
    for env in envs {
        for (c, cov) in conditions.iter().zip(out.iter_mut()) {
            match eval(&c.node, &env) {
                Tri::Vrai => cov.vrai += 1,
                Tri::Faux => cov.faux += 1,
                Tri::Inconnu => cov.inconnu += 1,
            }
        }
    }
    out
}
