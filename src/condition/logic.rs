//! Three-valued logic (vrai / faux / inconnu) and the evaluation of a condition tree against a profile.
//! A leaf is unknown when a field it reads is absent; `date_demande` defaults to the reference date.

use chrono::{Months, NaiveDate};
use schemars::JsonSchema;
use serde::Serialize;

use super::model::{CmpOp, Leaf, Node, Operand, Scalar, Test};
use crate::profile::{FieldId, Profile, Value, ids};

/// A condition's truth: true, false, or unknown for lack of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "Le résultat d'une condition : vrai, faux, ou inconnu faute d'un champ.")]
pub enum Tri {
    Vrai,
    Faux,
    Inconnu,
}

impl Tri {
    #[must_use]
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::Vrai } else { Tri::Faux }
    }

    /// Kleene conjunction: false wins, then unknown.
    #[must_use]
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Faux, _) | (_, Tri::Faux) => Tri::Faux,
            (Tri::Inconnu, _) | (_, Tri::Inconnu) => Tri::Inconnu,
            _ => Tri::Vrai,
        }
    }

    /// Kleene disjunction: true wins, then unknown.
    #[must_use]
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Vrai, _) | (_, Tri::Vrai) => Tri::Vrai,
            (Tri::Inconnu, _) | (_, Tri::Inconnu) => Tri::Inconnu,
            _ => Tri::Faux,
        }
    }

    #[must_use]
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Tri {
        match self {
            Tri::Vrai => Tri::Faux,
            Tri::Faux => Tri::Vrai,
            Tri::Inconnu => Tri::Inconnu,
        }
    }

    /// In French, for tables.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Tri::Vrai => "vrai",
            Tri::Faux => "faux",
            Tri::Inconnu => "inconnu",
        }
    }
}

/// A profile seen at a reference date.
#[derive(Debug, Clone, Copy)]
pub struct Env<'p> {
    pub profile: &'p Profile,
    pub date_ref: NaiveDate,
}

impl Env<'_> {
    /// The value a condition compares, with `date_demande` defaulting to the reference date.
    #[must_use]
    pub fn scalar(&self, field: FieldId) -> Option<Scalar> {
        match self.profile.get(field) {
            Some(Value::Bool(b)) => Some(Scalar::Bool(*b)),
            Some(Value::Num(x)) => Some(Scalar::Num(*x)),
            Some(Value::Date(d)) => Some(Scalar::Date(*d)),
            Some(Value::Choice(c)) => Some(Scalar::Choice(*c)),
            Some(Value::Set(s)) => Some(Scalar::Set(*s)),
            None if field == ids::DATE_DEMANDE => Some(Scalar::Date(self.date_ref)),
            Some(Value::Text(_)) | None => None,
        }
    }

    #[must_use]
    pub fn date(&self, field: FieldId) -> Option<NaiveDate> {
        self.scalar(field).and_then(Scalar::date)
    }

    #[must_use]
    pub fn num(&self, field: FieldId) -> Option<f64> {
        self.scalar(field).and_then(Scalar::number)
    }
}

/// The last date the tool computes or shows (a four-digit year, as the report's schema says).
pub const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");

/// `date` plus `months`, clamped to the end of the month (2025-08-31 + 6 months = 2026-02-28); `None`
/// beyond `LAST_DATE` (not shown, as a payment beyond the calendar).
#[must_use]
pub fn add_months(date: NaiveDate, months: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(months))
        .filter(|d| *d <= LAST_DATE)
}

/// Evaluates a condition tree.
#[must_use]
pub fn eval(node: &Node, env: &Env<'_>) -> Tri {
    match node {
        Node::All(children) => {
            let mut acc = Tri::Vrai;
            for c in children {
                acc = acc.and(eval(c, env));
                if acc == Tri::Faux {
                    break;
                }
            }
            acc
        }
        Node::Any(children) => {
            let mut acc = Tri::Faux;
            for c in children {
                acc = acc.or(eval(c, env));
                if acc == Tri::Vrai {
                    break;
                }
            }
            acc
        }
        Node::Not(inner) => eval(inner, env).not(),
        Node::IfKnown(inner) => match eval(inner, env) {
            Tri::Inconnu => Tri::Vrai,
            t => t,
        },
        Node::FirstKnown(children) => children
            .iter()
            .map(|c| eval(c, env))
            .find(|t| *t != Tri::Inconnu)
            .unwrap_or(Tri::Inconnu),
        Node::Reference(op, date) => Tri::from_bool(compare(*op, env.date_ref.cmp(date))),
        Node::AppliesFrom(from, inner) => {
            if applies(*from, env) {
                eval(inner, env)
            } else {
                Tri::Vrai
            }
        }
        Node::UnknownIf { guard, inner } => {
            if eval(guard, env) == Tri::Vrai {
                Tri::Inconnu
            } else {
                eval(inner, env)
            }
        }
        Node::Leaf(leaf) => eval_leaf(leaf, env),
    }
}

/// Whether a condition is unknown because its `inconnue_si` guard holds (no field would decide it).
#[must_use]
pub fn unknown_by_guard(node: &Node, env: &Env<'_>) -> bool {
    match node {
        Node::AppliesFrom(from, inner) => applies(*from, env) && unknown_by_guard(inner, env),
        Node::UnknownIf { guard, .. } => eval(guard, env) == Tri::Vrai,
        Node::All(_)
        | Node::Any(_)
        | Node::Not(_)
        | Node::FirstKnown(_)
        | Node::IfKnown(_)
        | Node::Reference(..)
        | Node::Leaf(_) => false,
    }
}

/// Whether a rule in force from `from` applies to the request (`date_demande`, by default the reference
/// date).
#[must_use]
pub fn applies(from: NaiveDate, env: &Env<'_>) -> bool {
    env.date(ids::DATE_DEMANDE).is_none_or(|d| d >= from)
}

fn compare(op: CmpOp, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        CmpOp::Ge => matches!(ord, Greater | Equal),
        CmpOp::Le => matches!(ord, Less | Equal),
        CmpOp::Gt => ord == Greater,
        CmpOp::Lt => ord == Less,
    }
}

/// The ordering of `actual` against an operand; `None` when the operand reads an unknown field.
fn order(actual: Scalar, operand: Operand, env: &Env<'_>) -> Option<std::cmp::Ordering> {
    match (actual, operand) {
        (Scalar::Num(a), Operand::Num(b)) => a.partial_cmp(&b),
        (Scalar::Date(a), Operand::Date(b)) => Some(a.cmp(&b)),
        (Scalar::Date(a), Operand::Rel { field, months }) => {
            let base = env.date(field)?;
            Some(add_months(base, months).map_or(std::cmp::Ordering::Less, |b| a.cmp(&b)))
        }
        _ => None,
    }
}

fn eval_leaf(leaf: &Leaf, env: &Env<'_>) -> Tri {
    let Some(actual) = env.scalar(leaf.field) else {
        return Tri::Inconnu;
    };
    let tri = |o: Option<bool>| o.map_or(Tri::Inconnu, Tri::from_bool);
    match &leaf.test {
        Test::Eq(v) => Tri::from_bool(actual == *v),
        Test::Ne(v) => Tri::from_bool(actual != *v),
        Test::In(mask) => {
            Tri::from_bool(matches!(actual, Scalar::Choice(i) if mask & (1u128 << i) != 0))
        }
        Test::NotIn(mask) => {
            Tri::from_bool(!matches!(actual, Scalar::Choice(i) if mask & (1u128 << i) != 0))
        }
        Test::ContainsAny(mask) => {
            Tri::from_bool(matches!(actual, Scalar::Set(s) if s & mask != 0))
        }
        Test::Cmp(op, operand) => tri(order(actual, *operand, env).map(|o| compare(*op, o))),
        Test::Between(a, b) => {
            let low = order(actual, *a, env).map(|o| compare(CmpOp::Ge, o));
            let high = order(actual, *b, env).map(|o| compare(CmpOp::Le, o));
            tri(low).and(tri(high))
        }
    }
}

/// The fields whose absence makes `node` unknown (only under branches that are themselves unknown).
pub fn missing(node: &Node, env: &Env<'_>, out: &mut Vec<FieldId>) {
    if eval(node, env) != Tri::Inconnu {
        return;
    }
    match node {
        Node::All(children) | Node::Any(children) | Node::FirstKnown(children) => {
            for c in children {
                missing(c, env, out);
            }
        }
        Node::Not(inner) | Node::AppliesFrom(_, inner) => missing(inner, env, out),
        // Unknown through its guard: no field answers it (the condition's own question does).
        Node::UnknownIf { guard, inner } => {
            if eval(guard, env) != Tri::Vrai {
                missing(inner, env, out);
            }
        }
        // Never unknown (the reference date is always known): nothing to ask.
        Node::IfKnown(_) | Node::Reference(..) => {}
        Node::Leaf(leaf) => {
            let mut push = |f: FieldId| {
                if env.scalar(f).is_none() && !out.contains(&f) {
                    out.push(f);
                }
            };
            push(leaf.field);
            leaf.test.relative_fields().for_each(push);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::field_id;
    use Tri::{Faux, Inconnu, Vrai};

    const ALL: [Tri; 3] = [Vrai, Faux, Inconnu];

    #[test]
    fn and_truth_table() {
        let expected = [
            [Vrai, Faux, Inconnu],
            [Faux, Faux, Faux],
            [Inconnu, Faux, Inconnu],
        ];
        for (i, a) in ALL.iter().enumerate() {
            for (j, b) in ALL.iter().enumerate() {
                assert_eq!(a.and(*b), expected[i][j], "{a:?} et {b:?}");
            }
        }
    }

    #[test]
    fn or_truth_table() {
        let expected = [
            [Vrai, Vrai, Vrai],
            [Vrai, Faux, Inconnu],
            [Vrai, Inconnu, Inconnu],
        ];
        for (i, a) in ALL.iter().enumerate() {
            for (j, b) in ALL.iter().enumerate() {
                assert_eq!(a.or(*b), expected[i][j], "{a:?} ou {b:?}");
            }
        }
    }

    #[test]
    fn not_truth_table() {
        assert_eq!(Vrai.not(), Faux);
        assert_eq!(Faux.not(), Vrai);
        assert_eq!(Inconnu.not(), Inconnu);
    }

    fn leaf(name: &str, test: Test) -> Node {
        Node::Leaf(Leaf {
            field: field_id(name).unwrap(),
            test,
            span: 0..0,
        })
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn profile(pairs: &[(&str, Value)]) -> Profile {
        let mut p = Profile::default();
        for (k, v) in pairs {
            p.set(field_id(k).unwrap(), Some(v.clone()));
        }
        p
    }

    #[test]
    fn combinators_over_leaves() {
        let qpv = leaf("qpv", Test::Eq(Scalar::Bool(true)));
        let pdsa = leaf("pdsa", Test::Eq(Scalar::Bool(true)));
        let p = profile(&[("qpv", Value::Bool(true))]);
        let env = Env {
            profile: &p,
            date_ref: date("2026-01-01"),
        };
        assert_eq!(
            eval(&Node::All(vec![qpv.clone(), pdsa.clone()]), &env),
            Inconnu
        );
        assert_eq!(
            eval(&Node::Any(vec![qpv.clone(), pdsa.clone()]), &env),
            Vrai
        );
        assert_eq!(eval(&Node::Not(Box::new(qpv.clone())), &env), Faux);
        assert_eq!(
            eval(&Node::FirstKnown(vec![pdsa.clone(), qpv.clone()]), &env),
            Vrai
        );
        assert_eq!(
            eval(&Node::IfKnown(Box::new(pdsa.clone())), &env),
            Vrai,
            "unknown: applies later"
        );
        assert_eq!(
            eval(
                &Node::IfKnown(Box::new(Node::Not(Box::new(qpv.clone())))),
                &env
            ),
            Faux,
            "known: decides"
        );
        let mut out = Vec::new();
        missing(&Node::All(vec![qpv.clone(), pdsa.clone()]), &env, &mut out);
        assert_eq!(out, vec![field_id("pdsa").unwrap()]);
        out.clear();
        missing(&Node::Any(vec![qpv, pdsa]), &env, &mut out);
        assert!(out.is_empty(), "a true branch decides: nothing to ask");
    }

    #[test]
    fn ten_year_rule_expires_after_the_anniversary_day() {
        let rule = leaf(
            "date_demande",
            Test::Cmp(
                CmpOp::Gt,
                Operand::Rel {
                    field: field_id("date_derniere_aide").unwrap(),
                    months: 120,
                },
            ),
        );
        let p = profile(&[("date_derniere_aide", Value::Date(date("2016-11-23")))]);
        let on_day = Env {
            profile: &p,
            date_ref: date("2026-11-23"),
        };
        let next_day = Env {
            profile: &p,
            date_ref: date("2026-11-24"),
        };
        assert_eq!(eval(&rule, &on_day), Faux);
        assert_eq!(eval(&rule, &next_day), Vrai);
        let leap = profile(&[("date_derniere_aide", Value::Date(date("2016-02-29")))]);
        assert_eq!(
            eval(
                &rule,
                &Env {
                    profile: &leap,
                    date_ref: date("2026-02-28")
                }
            ),
            Faux
        );
        assert_eq!(
            eval(
                &rule,
                &Env {
                    profile: &leap,
                    date_ref: date("2026-03-01")
                }
            ),
            Vrai
        );
    }

    #[test]
    fn a_rule_in_force_from_a_date_holds_for_earlier_requests() {
        let barred = Node::AppliesFrom(
            date("2025-03-15"),
            Box::new(leaf(
                "aide_installation_10_ans",
                Test::Eq(Scalar::Bool(false)),
            )),
        );
        let p = profile(&[("aide_installation_10_ans", Value::Bool(true))]);
        let at = |d: &str| Env {
            profile: &p,
            date_ref: date(d),
        };
        assert_eq!(eval(&barred, &at("2025-03-14")), Vrai, "not yet in force");
        assert_eq!(eval(&barred, &at("2025-03-15")), Faux, "in force that day");
        let asked = profile(&[("date_demande", Value::Date(date("2025-01-10")))]);
        let env = Env {
            profile: &asked,
            date_ref: date("2026-01-01"),
        };
        assert_eq!(eval(&barred, &env), Vrai, "the request's date decides");
        let unknown = Profile::default();
        let env = Env {
            profile: &unknown,
            date_ref: date("2026-01-01"),
        };
        let mut out = Vec::new();
        missing(&barred, &env, &mut out);
        assert_eq!(out, vec![field_id("aide_installation_10_ans").unwrap()]);
    }

    fn env_of(p: &Profile) -> Env<'_> {
        Env {
            profile: p,
            date_ref: date("2026-01-01"),
        }
    }

    #[test]
    fn a_guard_makes_a_condition_unknown_without_a_field_to_ask() {
        let zip = Node::UnknownIf {
            guard: Box::new(leaf("projet", Test::Eq(Scalar::Choice(1)))),
            inner: Box::new(leaf("zone", Test::Eq(Scalar::Choice(0)))),
        };
        let secondary = profile(&[("projet", Value::Choice(1)), ("zone", Value::Choice(1))]);
        assert_eq!(eval(&zip, &env_of(&secondary)), Inconnu);
        assert!(unknown_by_guard(&zip, &env_of(&secondary)));
        let mut out = Vec::new();
        missing(&zip, &env_of(&secondary), &mut out);
        assert!(out.is_empty(), "no field decides it: {out:?}");
        let main = profile(&[("projet", Value::Choice(0)), ("zone", Value::Choice(1))]);
        assert_eq!(eval(&zip, &env_of(&main)), Faux);
        let unknown_projet = profile(&[("zone", Value::Choice(0))]);
        assert_eq!(eval(&zip, &env_of(&unknown_projet)), Vrai);
        assert!(!unknown_by_guard(&zip, &env_of(&unknown_projet)));
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(add_months(date("2025-08-31"), 6), Some(date("2026-02-28")));
        assert_eq!(add_months(date("2025-09-15"), 6), Some(date("2026-03-15")));
    }

    #[test]
    fn date_demande_defaults_to_the_reference_date() {
        let p = Profile::default();
        let env = Env {
            profile: &p,
            date_ref: date("2026-07-01"),
        };
        let deadline = leaf(
            "date_demande",
            Test::Cmp(CmpOp::Le, Operand::Date(date("2026-06-30"))),
        );
        assert_eq!(eval(&deadline, &env), Faux);
        let env = Env {
            profile: &p,
            date_ref: date("2026-06-30"),
        };
        assert_eq!(eval(&deadline, &env), Vrai);
    }

    #[test]
    fn relative_date_with_unknown_base_is_unknown_and_asked() {
        let within = leaf(
            "date_demande",
            Test::Cmp(
                CmpOp::Le,
                Operand::Rel {
                    field: field_id("date_installation").unwrap(),
                    months: 6,
                },
            ),
        );
        let p = Profile::default();
        let env = Env {
            profile: &p,
            date_ref: date("2026-01-01"),
        };
        assert_eq!(eval(&within, &env), Inconnu);
        let mut out = Vec::new();
        missing(&within, &env, &mut out);
        assert_eq!(out, vec![field_id("date_installation").unwrap()]);
    }
}
