//! The one traversal of a condition tree, and what the analyses ask of a node or a leaf. `children` is
//! the only walk over combinators: every structural question (the leaves, the fields read, whether the
//! reference date is compared) goes through it. What a leaf compares is asked through exhaustive
//! matches here, so that a new kind of node or test does not compile until each question has its
//! answer for it.

use chrono::NaiveDate;

use super::model::{CmpOp, Leaf, Node, Operand, Scalar, Test};
use crate::profile::{FieldId, ids};

/// Where a sub-condition sits: an operand takes part in its parent's value; a guard only says when the
/// parent is unknown (`inconnue_si`), and no answer to it decides the condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Operand,
    Guard,
}

/// Which sub-conditions a walk enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every sub-condition, guards included.
    All,
    /// Only those that take part in the value (no guard).
    Operands,
}

impl Node {
    /// The direct sub-conditions, each with its role, in order (a guard before what it guards).
    pub fn children(&self) -> impl Iterator<Item = (Role, &Node)> {
        let (guard, operands): (Option<&Node>, &[Node]) = match self {
            Node::All(c) | Node::Any(c) | Node::FirstKnown(c) => (None, c),
            Node::Not(n) | Node::IfKnown(n) | Node::AppliesFrom(_, n) => {
                (None, std::slice::from_ref(n.as_ref()))
            }
            Node::UnknownIf { guard, inner } => {
                (Some(guard.as_ref()), std::slice::from_ref(inner.as_ref()))
            }
            Node::Reference(..) | Node::Leaf(_) => (None, &[]),
        };
        guard
            .map(|g| (Role::Guard, g))
            .into_iter()
            .chain(operands.iter().map(|n| (Role::Operand, n)))
    }

    /// Calls `f` on this node and on every sub-condition `reach` enters, a node before its
    /// sub-conditions, in order.
    pub fn visit<'a>(&'a self, reach: Reach, f: &mut impl FnMut(&'a Node)) {
        f(self);
        for (role, child) in self.children() {
            if reach == Reach::All || role == Role::Operand {
                child.visit(reach, f);
            }
        }
    }

    /// The leaf this node is, if it is one.
    #[must_use]
    pub fn as_leaf(&self) -> Option<&Leaf> {
        match self {
            Node::Leaf(l) => Some(l),
            Node::All(_)
            | Node::Any(_)
            | Node::Not(_)
            | Node::FirstKnown(_)
            | Node::IfKnown(_)
            | Node::Reference(..)
            | Node::AppliesFrom(..)
            | Node::UnknownIf { .. } => None,
        }
    }

    /// The leaves `reach` enters, in order.
    #[must_use]
    pub fn leaves(&self, reach: Reach) -> Vec<&Leaf> {
        let mut out = Vec::new();
        self.visit(reach, &mut |n| out.extend(n.as_leaf()));
        out
    }

    /// The fields this node reads itself, apart from its sub-conditions: a leaf's field and the date
    /// fields of its relative operands; the request date for a rule in force from a date.
    fn own_fields(&self) -> impl Iterator<Item = FieldId> {
        let (first, leaf) = match self {
            Node::Leaf(l) => (Some(l.field), Some(l)),
            Node::AppliesFrom(..) => (Some(ids::DATE_DEMANDE), None),
            Node::All(_)
            | Node::Any(_)
            | Node::Not(_)
            | Node::FirstKnown(_)
            | Node::IfKnown(_)
            | Node::Reference(..)
            | Node::UnknownIf { .. } => (None, None),
        };
        first
            .into_iter()
            .chain(leaf.into_iter().flat_map(|l| l.test.relative_fields()))
    }

    /// Every field the condition reads (guards included), in order, once each, added to `out`.
    pub fn reads(&self, out: &mut Vec<FieldId>) {
        self.visit(Reach::All, &mut |n| {
            for f in n.own_fields() {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        });
    }

    /// Whether this node itself compares the reference date with a fixed date.
    fn compares_reference(&self) -> bool {
        match self {
            Node::Reference(..) => true,
            Node::All(_)
            | Node::Any(_)
            | Node::Not(_)
            | Node::FirstKnown(_)
            | Node::IfKnown(_)
            | Node::AppliesFrom(..)
            | Node::UnknownIf { .. }
            | Node::Leaf(_) => false,
        }
    }

    /// Whether the condition compares the reference date anywhere (guards included).
    #[must_use]
    pub fn reads_reference_date(&self) -> bool {
        let mut found = false;
        self.visit(Reach::All, &mut |n| found |= n.compares_reference());
        found
    }
}

impl Test {
    /// The right-hand sides of an ordering comparison, in order (none for the other tests).
    pub fn operands(&self) -> impl Iterator<Item = Operand> {
        let pair = match *self {
            Test::Cmp(_, o) => [Some(o), None],
            Test::Between(a, b) => [Some(a), Some(b)],
            Test::Eq(_) | Test::Ne(_) | Test::In(_) | Test::NotIn(_) | Test::ContainsAny(_) => {
                [None, None]
            }
        };
        pair.into_iter().flatten()
    }

    /// The date fields the test's relative operands count from.
    pub fn relative_fields(&self) -> impl Iterator<Item = FieldId> {
        self.operands().filter_map(|o| o.relative().map(|(f, _)| f))
    }

    /// The numbers a field is compared with: the bounds of an ordering comparison, and the value of an
    /// equality on a number.
    #[must_use]
    pub fn numbers(&self) -> Vec<f64> {
        let equal = match *self {
            Test::Eq(s) | Test::Ne(s) => s.number(),
            Test::In(_)
            | Test::NotIn(_)
            | Test::Cmp(..)
            | Test::Between(..)
            | Test::ContainsAny(_) => None,
        };
        self.operands()
            .filter_map(Operand::number)
            .chain(equal)
            .collect()
    }

    /// The least number that meets a lower bound of the test (`step` above a strict one).
    #[must_use]
    pub fn lower_bound(&self, step: f64) -> Option<f64> {
        match *self {
            Test::Cmp(CmpOp::Ge, o) | Test::Between(o, _) => o.number(),
            Test::Cmp(CmpOp::Gt, o) => o.number().map(|x| x + step),
            Test::Cmp(CmpOp::Le | CmpOp::Lt, _)
            | Test::Eq(_)
            | Test::Ne(_)
            | Test::In(_)
            | Test::NotIn(_)
            | Test::ContainsAny(_) => None,
        }
    }

    /// A comparison with another date field plus a number of months (`≤ date_installation + 6 mois`):
    /// the operator, the field and the months.
    #[must_use]
    pub fn relative_bound(&self) -> Option<(CmpOp, FieldId, u32)> {
        match *self {
            Test::Cmp(op, o) => o.relative().map(|(f, m)| (op, f, m)),
            Test::Between(..)
            | Test::Eq(_)
            | Test::Ne(_)
            | Test::In(_)
            | Test::NotIn(_)
            | Test::ContainsAny(_) => None,
        }
    }
}

impl Operand {
    /// A fixed number.
    #[must_use]
    pub fn number(self) -> Option<f64> {
        match self {
            Operand::Num(x) => Some(x),
            Operand::Date(_) | Operand::Rel { .. } => None,
        }
    }

    /// A fixed date.
    #[must_use]
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Operand::Date(d) => Some(d),
            Operand::Num(_) | Operand::Rel { .. } => None,
        }
    }

    /// Another date field plus months.
    #[must_use]
    pub fn relative(self) -> Option<(FieldId, u32)> {
        match self {
            Operand::Rel { field, months } => Some((field, months)),
            Operand::Num(_) | Operand::Date(_) => None,
        }
    }
}

impl Scalar {
    /// A number.
    #[must_use]
    pub fn number(self) -> Option<f64> {
        match self {
            Scalar::Num(x) => Some(x),
            Scalar::Bool(_) | Scalar::Date(_) | Scalar::Choice(_) | Scalar::Set(_) => None,
        }
    }

    /// A date.
    #[must_use]
    pub fn date(self) -> Option<NaiveDate> {
        match self {
            Scalar::Date(d) => Some(d),
            Scalar::Bool(_) | Scalar::Num(_) | Scalar::Choice(_) | Scalar::Set(_) => None,
        }
    }

    /// A value of a closed set (its index in the domain).
    #[must_use]
    pub fn choice(self) -> Option<u16> {
        match self {
            Scalar::Choice(c) => Some(c),
            Scalar::Bool(_) | Scalar::Num(_) | Scalar::Date(_) | Scalar::Set(_) => None,
        }
    }

    /// A set of values of a list field (bit mask).
    #[must_use]
    pub fn set(self) -> Option<u32> {
        match self {
            Scalar::Set(s) => Some(s),
            Scalar::Bool(_) | Scalar::Num(_) | Scalar::Date(_) | Scalar::Choice(_) => None,
        }
    }

    /// A fixed operand of an ordering comparison: a number or a date.
    #[must_use]
    pub fn operand(self) -> Option<Operand> {
        match self {
            Scalar::Num(x) => Some(Operand::Num(x)),
            Scalar::Date(d) => Some(Operand::Date(d)),
            Scalar::Bool(_) | Scalar::Choice(_) | Scalar::Set(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::field_id;

    fn leaf(name: &str, test: Test) -> Node {
        Node::Leaf(Leaf {
            field: field_id(name).unwrap(),
            test,
            span: 0..0,
        })
    }

    fn guarded() -> Node {
        Node::AppliesFrom(
            "2025-03-15".parse().unwrap(),
            Box::new(Node::UnknownIf {
                guard: Box::new(leaf("projet", Test::Eq(Scalar::Choice(1)))),
                inner: Box::new(Node::All(vec![
                    leaf("zone", Test::Eq(Scalar::Choice(0))),
                    leaf(
                        "date_demande",
                        Test::Cmp(
                            CmpOp::Le,
                            Operand::Rel {
                                field: field_id("date_installation").unwrap(),
                                months: 6,
                            },
                        ),
                    ),
                ])),
            }),
        )
    }

    fn names(leaves: &[&Leaf]) -> Vec<&'static str> {
        leaves.iter().map(|l| l.field.name()).collect()
    }

    #[test]
    fn leaves_in_order_with_or_without_guards() {
        let n = guarded();
        assert_eq!(
            names(&n.leaves(Reach::All)),
            ["projet", "zone", "date_demande"]
        );
        assert_eq!(names(&n.leaves(Reach::Operands)), ["zone", "date_demande"]);
    }

    #[test]
    fn reads_every_field_once_in_order() {
        let mut out = Vec::new();
        guarded().reads(&mut out);
        let names: Vec<&str> = out.iter().map(|f| f.name()).collect();
        assert_eq!(
            names,
            ["date_demande", "projet", "zone", "date_installation"]
        );
    }

    #[test]
    fn the_reference_date_is_found_under_a_guard() {
        let date = "2026-01-01".parse().unwrap();
        assert!(!guarded().reads_reference_date());
        let under_guard = Node::UnknownIf {
            guard: Box::new(Node::Reference(CmpOp::Ge, date)),
            inner: Box::new(leaf("zone", Test::Eq(Scalar::Choice(0)))),
        };
        assert!(under_guard.reads_reference_date());
    }

    #[test]
    fn what_leaves_compare() {
        let between = Test::Between(Operand::Num(2.5), Operand::Num(5.0));
        assert_eq!(between.numbers(), [2.5, 5.0]);
        assert_eq!(between.lower_bound(0.5), Some(2.5));
        assert_eq!(Test::Eq(Scalar::Num(7.0)).numbers(), [7.0]);
        assert_eq!(
            Test::Cmp(CmpOp::Gt, Operand::Num(4.0)).lower_bound(0.5),
            Some(4.5)
        );
        assert_eq!(
            Test::Cmp(CmpOp::Le, Operand::Num(4.0)).lower_bound(0.5),
            None
        );
        let rel = Test::Cmp(
            CmpOp::Lt,
            Operand::Rel {
                field: ids::DATE_INSTALLATION,
                months: 6,
            },
        );
        assert_eq!(
            rel.relative_bound(),
            Some((CmpOp::Lt, ids::DATE_INSTALLATION, 6))
        );
        assert_eq!(
            rel.relative_fields().collect::<Vec<_>>(),
            [ids::DATE_INSTALLATION]
        );
        assert!(rel.numbers().is_empty());
    }
}
