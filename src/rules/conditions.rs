//! Reads a condition tree (`tous` / `un_de` / `non` / `premier_connu` over leaves `champ` + operator):
//! field names resolved to the profile vocabulary, values checked against the field's type and domain,
//! relative dates (`{ champ = "date_installation", mois = 6 }`) resolved. Problems become diagnostics.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::compile::{champ, date_plus_duree, field_error, to_raw, to_scalar};
use super::model::{CmpOp, Condition, ConditionQuestion, Leaf, Node, Operand, Scalar, Test};
use super::model::{SharedCondition, SharedConditions};
use crate::diagnostic::Code;
use crate::profile::{self, FieldId, Kind};
use crate::referentiel::Referentiel;
use crate::toml_read::{Ctx, Table, Val};

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

/// Keys of a top-level condition besides its form.
const TOP_KEYS: &[&str] = &[
    "libelle",
    "applicable_du",
    "inconnue_si",
    "question",
    "option",
];

/// Reads one `[[conditions]]` table: a shared condition (`partagee = "…"`), or a label, a form, and the
/// optional `applicable_du` (in force from a date) and `inconnue_si` (with its `question`).
pub(super) fn top(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
    shared: &SharedConditions,
) -> Option<Condition> {
    if table.contains_key("partagee") {
        let t = Table::new(
            ctx,
            table,
            span.clone(),
            "une condition partagée",
            &["partagee"],
        );
        let (key, key_span) = t.str(ctx, "partagee")?;
        if let Some(c) = shared.get(key) {
            return Some(Condition {
                span,
                ..c.condition.clone()
            });
        }
        ctx.error(
            Code::UnknownCondition,
            key_span,
            format!("condition partagée « {key} » inconnue"),
            Some(shared.help(key)),
        );
        return None;
    }
    condition(ctx, table, span, refs, &[])
}

/// A condition with its label: the form of `node`, plus `applicable_du`, `inconnue_si` and `question`;
/// `extra` lists further keys the caller reads itself.
pub(super) fn condition(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
    extra: &[&str],
) -> Option<Condition> {
    let libelle = table
        .get("libelle")
        .and_then(|v| v.get_ref().as_str())
        .map(str::to_owned);
    if libelle.is_none() {
        ctx.error(
            Code::MissingKey,
            span.clone(),
            "condition sans « libelle »".into(),
            Some("chaque [[conditions]] a un libellé en français : libelle = \"Installation en ZIP\"".into()),
        );
    }
    let t = Table {
        table,
        span: span.clone(),
    };
    let applicable_du = t.date(ctx, "applicable_du");
    let guard = match t.get("inconnue_si") {
        Some(val) => {
            if let DeValue::Table(inner) = val.get_ref() {
                Some(node(ctx, inner, val.span(), refs, &[])?)
            } else {
                ctx.type_mismatch("inconnue_si", val, "une condition (table)");
                None
            }
        }
        None => None,
    };
    let texte = t.str(ctx, "question").map(|(s, _)| s.to_owned());
    let option = t.str(ctx, "option").map(|(s, _)| s.to_owned());
    let question = match (&guard, texte) {
        (Some(_), Some(texte)) => Some(ConditionQuestion { texte, option }),
        (Some(_), None) => {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                "« inconnue_si » sans « question »".into(),
                Some("quand la condition est inconnue, aucun champ du profil ne la décide : écrivez la question à poser, question = \"Votre cabinet principal est-il en ZIP ?\"".into()),
            );
            None
        }
        (None, Some(_)) => {
            for k in ["question", "option"] {
                if let Some(s) = t.key_span(k) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("« {k} » sans « inconnue_si »"),
                        Some("une question propre à la condition ne sert que si inconnue_si la rend inconnue ; sinon ce sont les questions des champs qui s'affichent".into()),
                    );
                }
            }
            None
        }
        (None, None) => None,
    };
    let keys: Vec<&str> = TOP_KEYS.iter().chain(extra).copied().collect();
    let mut node = node(ctx, table, span.clone(), refs, &keys)?;
    if let Some(guard) = guard {
        node = Node::UnknownIf {
            guard: Box::new(guard),
            inner: Box::new(node),
        };
    }
    if let Some((from, _)) = applicable_du {
        node = Node::AppliesFrom(from, Box::new(node));
    }
    Some(Condition {
        libelle: libelle.unwrap_or_default(),
        node,
        span,
        question,
    })
}

/// Reads a condition tree; `extra` lists the keys of the enclosing condition that are not part of it.
pub(super) fn node(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
    extra: &[&str],
) -> Option<Node> {
    let allowed: Vec<&str> = ["champ"]
        .iter()
        .chain(COMBINATORS)
        .chain(OPERATORS)
        .chain(extra)
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
                    let inner = Box::new(node(ctx, inner, val.span(), refs, &[])?);
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
                        .filter_map(|(inner, s)| node(ctx, inner, s, refs, &[]))
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

/// Reads `referentiel/conditions.toml`: conditions that several rules share (`partagee = "<clé>"`), each
/// with its label, form and the notes that go with it, written once.
pub(super) fn shared(ctx: &mut Ctx<'_>, text: &str, refs: &Referentiel) -> SharedConditions {
    let doc = match crate::toml_read::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => {
            ctx.diags.push(d);
            return SharedConditions::default();
        }
    };
    let top = Table::new(
        ctx,
        doc.get_ref(),
        doc.span(),
        "le fichier des conditions partagées",
        &["condition"],
    );
    let Some(val) = top.get("condition") else {
        return SharedConditions::default();
    };
    // Condition keys are free names, so this table is read without a list of allowed keys.
    let DeValue::Table(named) = val.get_ref() else {
        ctx.type_mismatch("condition", val, "une table [condition.<clé>]");
        return SharedConditions::default();
    };
    let mut out = Vec::new();
    for (key, val) in named {
        let DeValue::Table(t) = val.get_ref() else {
            ctx.type_mismatch(key.get_ref(), val, "une table");
            continue;
        };
        let Some(condition) = condition(ctx, t, val.span(), refs, &["notes"]) else {
            continue;
        };
        let notes = Table {
            table: t,
            span: val.span(),
        }
        .strings(ctx, "notes");
        out.push(SharedCondition {
            key: key.get_ref().to_string(),
            condition,
            notes,
        });
    }
    SharedConditions(out)
}
