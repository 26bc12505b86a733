//! Reads a condition tree (`tous` / `un_de` / `non` / `premier_connu` over leaves `champ` + operator):
//! field names resolved to the profile vocabulary, values checked against the field's type and domain,
//! relative dates (`{ champ = "date_installation", mois = 6 }`) resolved. Problems become diagnostics.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::compile::{champ, date_plus_duree, field_error, to_raw, to_scalar};
use super::model::{CmpOp, Leaf, Node, Operand, Scalar, Test};
use super::referentiel::Referentiel;
use super::walk::{Ctx, Table, Val};
use crate::diagnostic::Code;
use crate::profile::{self, FieldId, Kind};

const COMBINATORS: &[&str] = &["tous", "un_de", "non", "si_connu", "premier_connu"];
const OPERATORS: &[&str] = &[
    "egal",
    "different",
    "dans",
    "hors",
    "min",
    "max",
    "sup",
    "inf",
    "entre",
    "contient_un_de",
];

pub(super) fn node(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
) -> Option<Node> {
    let allowed: Vec<&str> = ["libelle", "champ"]
        .iter()
        .chain(COMBINATORS)
        .chain(OPERATORS)
        .copied()
        .collect();
    let t = Table::new(ctx, table, span.clone(), "une condition", &allowed);
    let forms: Vec<&str> = COMBINATORS
        .iter()
        .chain(["champ"].iter())
        .copied()
        .filter(|k| t.get(k).is_some())
        .collect();
    match forms.as_slice() {
        [] => {
            ctx.error(
                Code::MissingKey,
                span,
                "condition sans forme : ni « champ », ni tous / un_de / non / si_connu / premier_connu".into(),
                Some("écrivez champ = \"zone\" avec un opérateur (egal = \"ZIP\"), ou un combinateur : tous = [ … ]".into()),
            );
            None
        }
        [form] => {
            if *form != "champ" {
                for op in OPERATORS {
                    if let Some(s) = t.key_span(op) {
                        ctx.error(
                            Code::UnknownKey,
                            s,
                            format!("opérateur « {op} » sans « champ »"),
                            Some(format!(
                                "un opérateur s'applique à un champ : {{ champ = \"…\", {op} = … }}"
                            )),
                        );
                    }
                }
            }
            match *form {
                "champ" => leaf(ctx, &t, refs).map(Node::Leaf),
                "non" | "si_connu" => {
                    let val = t.get(form)?;
                    let DeValue::Table(inner) = val.get_ref() else {
                        ctx.type_mismatch(form, val, "une condition (table)");
                        return None;
                    };
                    let inner = Box::new(node(ctx, inner, val.span(), refs)?);
                    Some(if *form == "non" {
                        Node::Not(inner)
                    } else {
                        Node::IfKnown(inner)
                    })
                }
                combinator => {
                    let children: Vec<Node> = t
                        .tables(ctx, combinator)
                        .into_iter()
                        .filter_map(|(inner, s)| node(ctx, inner, s, refs))
                        .collect();
                    if children.is_empty() {
                        ctx.error(
                            Code::MissingKey,
                            t.get(combinator)?.span(),
                            format!("« {combinator} » sans aucune condition"),
                            Some(format!("{combinator} = [ {{ champ = …, egal = … }}, … ]")),
                        );
                        return None;
                    }
                    Some(match combinator {
                        "tous" => Node::All(children),
                        "un_de" => Node::Any(children),
                        _ => Node::FirstKnown(children),
                    })
                }
            }
        }
        [first, rest @ ..] => {
            for other in rest {
                if let Some(s) = t.key_span(other) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("« {other} » en trop : cette condition a déjà « {first} »"),
                        Some(
                            "une condition a une seule forme ; imbriquez avec tous = [ … ]".into(),
                        ),
                    );
                }
            }
            None
        }
    }
}

fn leaf(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<Leaf> {
    let (field, field_span) = champ(ctx, t, "champ")?;
    let ops: Vec<&str> = OPERATORS
        .iter()
        .copied()
        .filter(|k| t.get(k).is_some())
        .collect();
    let op = match ops.as_slice() {
        [op] => *op,
        [] => {
            ctx.error(
                Code::MissingKey,
                field_span,
                format!("condition sur « {} » sans opérateur", field.name()),
                Some(format!("opérateurs : {}", OPERATORS.join(", "))),
            );
            return None;
        }
        [_, rest @ ..] => {
            for other in rest {
                if let Some(s) = t.key_span(other) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("opérateur « {other} » en trop"),
                        Some("un seul opérateur par condition ; combinez avec tous = [ … ]".into()),
                    );
                }
            }
            return None;
        }
    };
    let val = t.get(op)?;
    let kind = field.def().kind;
    let applies = match op {
        "egal" | "different" => !matches!(kind, Kind::Text | Kind::List(_)),
        "dans" | "hors" => matches!(
            kind,
            Kind::Choice(_) | Kind::IntChoice(_) | Kind::Departement | Kind::Region
        ),
        "contient_un_de" => matches!(kind, Kind::List(_)),
        _ => matches!(
            kind,
            Kind::Number { .. } | Kind::Integer { .. } | Kind::Date
        ),
    };
    if !applies {
        let ok: &[&str] = match kind {
            Kind::Text => &[],
            Kind::List(_) => &["contient_un_de"],
            Kind::Choice(_) | Kind::IntChoice(_) | Kind::Departement | Kind::Region => {
                &["egal", "different", "dans", "hors"]
            }
            Kind::Bool => &["egal", "different"],
            Kind::Number { .. } | Kind::Integer { .. } | Kind::Date => {
                &["egal", "different", "min", "max", "sup", "inf", "entre"]
            }
        };
        let help = if ok.is_empty() {
            format!("le champ « {} » ne sert pas aux conditions", field.name())
        } else {
            format!(
                "opérateurs possibles pour « {} » : {}",
                field.name(),
                ok.join(", ")
            )
        };
        ctx.error(
            Code::TypeMismatch,
            t.key_span(op).unwrap_or(val.span()),
            format!(
                "l'opérateur « {op} » ne s'applique pas au champ « {} »",
                field.name()
            ),
            Some(help),
        );
        return None;
    }
    let test = match op {
        "egal" => Test::Eq(scalar(ctx, field, val, refs)?),
        "different" => Test::Ne(scalar(ctx, field, val, refs)?),
        "dans" | "hors" => {
            let DeValue::Array(items) = val.get_ref() else {
                ctx.type_mismatch(op, val, "une liste de valeurs");
                return None;
            };
            let mut mask = 0u128;
            let mut ok = true;
            for item in items {
                match scalar(ctx, field, item, refs) {
                    Some(Scalar::Choice(i)) if i < 128 => mask |= 1 << i,
                    _ => ok = false,
                }
            }
            if !ok {
                return None;
            }
            if op == "dans" {
                Test::In(mask)
            } else {
                Test::NotIn(mask)
            }
        }
        "contient_un_de" => match scalar(ctx, field, val, refs)? {
            Scalar::Set(s) => Test::ContainsAny(s),
            _ => return None,
        },
        "entre" => {
            let bounds = match val.get_ref() {
                DeValue::Array(items) if items.len() == 2 => {
                    let items: Vec<&Val<'_>> = items.iter().collect();
                    (
                        operand(ctx, field, op, items[0], refs),
                        operand(ctx, field, op, items[1], refs),
                    )
                }
                _ => {
                    ctx.type_mismatch(op, val, "une liste de deux bornes [min, max]");
                    return None;
                }
            };
            let (Some(a), Some(b)) = bounds else {
                return None;
            };
            let inverted = match (a, b) {
                (Operand::Num(a), Operand::Num(b)) => b < a,
                (Operand::Date(a), Operand::Date(b)) => b < a,
                _ => false,
            };
            if inverted {
                ctx.error(
                    Code::EmptyPeriod,
                    val.span(),
                    "intervalle vide : la borne haute précède la borne basse".into(),
                    Some("écrivez entre = [min, max]".into()),
                );
            }
            Test::Between(a, b)
        }
        _ => {
            let cmp = match op {
                "min" => CmpOp::Ge,
                "max" => CmpOp::Le,
                "sup" => CmpOp::Gt,
                _ => CmpOp::Lt,
            };
            Test::Cmp(cmp, operand(ctx, field, op, val, refs)?)
        }
    };
    Some(Leaf {
        field,
        test,
        span: field_span.start..val.span().end,
    })
}

fn scalar(ctx: &mut Ctx<'_>, field: FieldId, val: &Val<'_>, refs: &Referentiel) -> Option<Scalar> {
    match profile::parse_value(field, &to_raw(val.get_ref()), refs) {
        Ok(v) => to_scalar(&v),
        Err(e) => {
            field_error(ctx, val.span(), e);
            None
        }
    }
}

fn operand(
    ctx: &mut Ctx<'_>,
    field: FieldId,
    op: &str,
    val: &Val<'_>,
    refs: &Referentiel,
) -> Option<Operand> {
    if let DeValue::Table(rel) = val.get_ref() {
        if field.def().kind != Kind::Date {
            ctx.type_mismatch(
                op,
                val,
                &format!(
                    "un nombre (le champ « {} » n'est pas une date)",
                    field.name()
                ),
            );
            return None;
        }
        let t = Table::new(
            ctx,
            rel,
            val.span(),
            "une date relative",
            &["champ", "mois", "ans"],
        );
        let (field, months) = date_plus_duree(ctx, &t, "champ", val.span())?;
        return Some(Operand::Rel { field, months });
    }
    match scalar(ctx, field, val, refs)? {
        Scalar::Num(x) => Some(Operand::Num(x)),
        Scalar::Date(d) => Some(Operand::Date(d)),
        _ => None,
    }
}
