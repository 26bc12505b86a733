//! A condition tree in plain French, independent of any profile (`aides show`, the catalogue, the
//! web page): each combinator and each test in words, values as the vocabulary displays them.

use super::model::{CmpOp, Node, Operand, Scalar, Test};
use crate::fr;
use crate::profile::{FieldId, Value, display_value};
use crate::referentiel::Referentiel;

/// A condition tree in plain French.
#[must_use]
pub fn describe(node: &Node, refs: &Referentiel) -> String {
    let value = |f: FieldId, s: Scalar| -> String {
        match s.to_value() {
            Value::Date(d) => fr::date(d),
            Value::Num(x) => fr::number(x),
            v => display_value(f, &v, refs),
        }
    };
    let operand = |f: FieldId, o: Operand| -> String {
        match o {
            Operand::Num(x) => fr::number(x),
            Operand::Date(d) => fr::date(d),
            Operand::Rel { field, months } if months % 12 == 0 => {
                format!("{} + {} an(s)", field.name(), months / 12)
            }
            Operand::Rel { field, months } => {
                let _ = f;
                format!("{} + {months} mois", field.name())
            }
        }
    };
    let mask = |f: FieldId, m: u128| -> String {
        let v: Vec<String> = (0..128u16)
            .filter(|i| m & (1u128 << i) != 0)
            .map(|i| value(f, Scalar::Choice(i)))
            .collect();
        v.join(", ")
    };
    match node {
        Node::All(c) => format!(
            "({})",
            c.iter()
                .map(|n| describe(n, refs))
                .collect::<Vec<_>>()
                .join(" et ")
        ),
        Node::Any(c) => format!(
            "({})",
            c.iter()
                .map(|n| describe(n, refs))
                .collect::<Vec<_>>()
                .join(" ou ")
        ),
        Node::Not(n) => format!("non {}", describe(n, refs)),
        Node::IfKnown(n) => format!("{} (si connu)", describe(n, refs)),
        Node::FirstKnown(c) => c
            .iter()
            .map(|n| describe(n, refs))
            .collect::<Vec<_>>()
            .join(" ; à défaut "),
        Node::Reference(op, d) => format!("date de référence {} {}", op_text(*op), fr::date(*d)),
        Node::AppliesFrom(d, n) => format!(
            "pour une demande datée du {} ou après : {}",
            fr::date(*d),
            describe(n, refs)
        ),
        Node::UnknownIf { guard, inner } => format!(
            "{} ; à confirmer si {}",
            describe(inner, refs),
            describe(guard, refs)
        ),
        Node::Leaf(l) => {
            let f = l.field;
            let name = f.name();
            match &l.test {
                Test::Eq(s) => format!("{name} = {}", value(f, *s)),
                Test::Ne(s) => format!("{name} ≠ {}", value(f, *s)),
                Test::In(m) => format!("{name} parmi {}", mask(f, *m)),
                Test::NotIn(m) => format!("{name} hors de {}", mask(f, *m)),
                Test::ContainsAny(m) => {
                    format!(
                        "{name} contient l'un de {}",
                        display_value(f, &Value::Set(*m), refs)
                    )
                }
                Test::Cmp(op, o) => format!("{name} {} {}", op_text(*op), operand(f, *o)),
                Test::Between(a, b) => {
                    format!("{name} entre {} et {}", operand(f, *a), operand(f, *b))
                }
            }
        }
    }
}

fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ge => "≥",
        CmpOp::Le => "≤",
        CmpOp::Gt => ">",
        CmpOp::Lt => "<",
    }
}
