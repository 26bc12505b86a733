//! The condition language's model: a condition with its label, the tree of combinators over leaves
//! (a field compared with a value), and the values and operands leaves compare. Built by `read`,
//! walked by `walk`; nothing here evaluates.

use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::profile::{FieldId, Value};

/// A top-level condition with the label a physician reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Condition {
    pub libelle: String,
    pub node: Node,
    pub span: Range<usize>,
    /// The question to ask when `inconnue_si` makes the condition unknown (no profile field decides it).
    pub question: Option<ConditionQuestion>,
}

/// The conditions several rules share (`referentiel/conditions.toml`), by key.
#[derive(Debug, Clone, Default)]
pub struct SharedConditions(pub Vec<SharedCondition>);

impl SharedConditions {
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&SharedCondition> {
        self.0.iter().find(|c| c.key == key)
    }

    /// The help for an unknown key: the closest key, else every key.
    #[must_use]
    pub fn help(&self, key: &str) -> String {
        let keys = self.0.iter().map(|c| c.key.as_str());
        crate::diagnostic::did_you_mean(key, keys.clone()).unwrap_or_else(|| {
            format!(
                "conditions partagées (rules/referentiel/conditions.toml) : {}",
                keys.collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// A condition written once in `referentiel/conditions.toml` and used by several rules.
#[derive(Debug, Clone)]
pub struct SharedCondition {
    pub key: String,
    pub condition: Condition,
    /// Shown with every aid that uses the condition.
    pub notes: Vec<String>,
}

/// A question that no profile field answers: the condition is unknown because the fields given describe
/// something else (`inconnue_si`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionQuestion {
    pub texte: String,
    /// What to type or do to answer it.
    pub option: Option<String>,
}

/// A node of the condition tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    /// The first child that is not unknown decides.
    FirstKnown(Vec<Node>),
    /// True when the inner condition is unknown: it applies only once its fields are known.
    IfKnown(Box<Node>),
    /// Compares the reference date (always known) with a fixed date.
    Reference(CmpOp, NaiveDate),
    /// A rule in force from a date: true for a request (`date_demande`) dated before it, else the inner
    /// condition.
    AppliesFrom(NaiveDate, Box<Node>),
    /// Unknown while `guard` holds (the fields describe another place than the one the condition is
    /// about); otherwise the inner condition.
    UnknownIf {
        guard: Box<Node>,
        inner: Box<Node>,
    },
    Leaf(Leaf),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaf {
    pub field: FieldId,
    pub test: Test,
    pub span: Range<usize>,
}

/// A known value in the form conditions compare (a `Value` without text).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Scalar {
    Bool(bool),
    Num(f64),
    Date(NaiveDate),
    Choice(u16),
    Set(u32),
}

impl Scalar {
    /// The form a condition compares of a profile value; `None` for text, which no condition compares.
    #[must_use]
    pub fn from_value(v: &Value) -> Option<Scalar> {
        Some(match v {
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Num(x) => Scalar::Num(*x),
            Value::Date(d) => Scalar::Date(*d),
            Value::Choice(c) => Scalar::Choice(*c),
            Value::Set(s) => Scalar::Set(*s),
            Value::Text(_) => return None,
        })
    }

    /// The profile value this scalar stands for.
    #[must_use]
    pub fn to_value(self) -> Value {
        match self {
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Num(x) => Value::Num(x),
            Scalar::Date(d) => Value::Date(d),
            Scalar::Choice(c) => Value::Choice(c),
            Scalar::Set(x) => Value::Set(x),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    Ge,
    Le,
    Gt,
    Lt,
}

/// The right-hand side of an ordering comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Operand {
    Num(f64),
    Date(NaiveDate),
    /// Another date field plus a number of months (end-of-month clamped).
    Rel {
        field: FieldId,
        months: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Test {
    Eq(Scalar),
    Ne(Scalar),
    /// Closed-set membership, as a bit mask of domain indices.
    In(u128),
    NotIn(u128),
    Cmp(CmpOp, Operand),
    Between(Operand, Operand),
    /// A list field holds at least one of these (bit mask).
    ContainsAny(u32),
}
