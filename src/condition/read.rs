//! Reads a condition tree (`tous` / `un_de` / `non` / `si_connu` / `premier_connu` over leaves `champ` +
//! operator): field names resolved to the profile vocabulary, values checked against the field's type and
//! domain, relative dates (`{ champ = "date_installation", mois = 6 }`) resolved. The operators and the
//! combinators are each one table (name, what it applies to, help); problems become diagnostics.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::field::{champ, date_plus_duree, field_error, to_raw};
use super::model::{
    CmpOp, Condition, ConditionQuestion, Leaf, Node, Operand, Scalar, SharedCondition,
    SharedConditions, Test,
};
use crate::diagnostic::Code;
use crate::profile::{self, FieldId, Kind};
use crate::referentiel::Referentiel;
use crate::toml_read::{Ctx, Table, Val};

/// A comparison of a field with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Egal,
    Different,
    Dans,
    Hors,
    Min,
    Max,
    Sup,
    Inf,
    Entre,
    ContientUnDe,
}

/// One operator: its key in a rule file and the fields it applies to.
pub(super) struct OpDef {
    pub(super) op: Op,
    pub(super) name: &'static str,
    pub(super) applies: fn(Kind) -> bool,
    /// What it means, for messages.
    pub(super) help: &'static str,
}

fn comparable(kind: Kind) -> bool {
    !matches!(
        kind,
        Kind::Text | Kind::Commune | Kind::CodePostal | Kind::List(_)
    )
}

fn closed_set(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Choice(_) | Kind::IntChoice(_) | Kind::Departement | Kind::Region
    )
}

fn ordered(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Number { .. } | Kind::Integer { .. } | Kind::Date
    )
}

fn list(kind: Kind) -> bool {
    matches!(kind, Kind::List(_))
}

/// Every operator, in the order messages list them.
pub(super) const OPERATORS: [OpDef; 10] = [
    OpDef {
        op: Op::Egal,
        name: "egal",
        applies: comparable,
        help: "égal à la valeur",
    },
    OpDef {
        op: Op::Different,
        name: "different",
        applies: comparable,
        help: "différent de la valeur",
    },
    OpDef {
        op: Op::Dans,
        name: "dans",
        applies: closed_set,
        help: "l'une des valeurs de la liste",
    },
    OpDef {
        op: Op::Hors,
        name: "hors",
        applies: closed_set,
        help: "aucune des valeurs de la liste",
    },
    OpDef {
        op: Op::Min,
        name: "min",
        applies: ordered,
        help: "au moins (≥)",
    },
    OpDef {
        op: Op::Max,
        name: "max",
        applies: ordered,
        help: "au plus (≤)",
    },
    OpDef {
        op: Op::Sup,
        name: "sup",
        applies: ordered,
        help: "strictement plus (>)",
    },
    OpDef {
        op: Op::Inf,
        name: "inf",
        applies: ordered,
        help: "strictement moins (<)",
    },
    OpDef {
        op: Op::Entre,
        name: "entre",
        applies: ordered,
        help: "entre deux bornes incluses [min, max]",
    },
    OpDef {
        op: Op::ContientUnDe,
        name: "contient_un_de",
        applies: list,
        help: "la liste contient au moins l'une des valeurs",
    },
];

/// A combination of conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Combinator {
    Tous,
    UnDe,
    Non,
    SiConnu,
    PremierConnu,
}

/// One combinator: its key, and whether it takes a list of conditions or one.
pub(super) struct CombinatorDef {
    pub(super) combinator: Combinator,
    pub(super) name: &'static str,
    pub(super) list: bool,
    pub(super) help: &'static str,
}

pub(super) const COMBINATORS: [CombinatorDef; 5] = [
    CombinatorDef {
        combinator: Combinator::Tous,
        name: "tous",
        list: true,
        help: "toutes vraies",
    },
    CombinatorDef {
        combinator: Combinator::UnDe,
        name: "un_de",
        list: true,
        help: "au moins une vraie",
    },
    CombinatorDef {
        combinator: Combinator::Non,
        name: "non",
        list: false,
        help: "le contraire",
    },
    CombinatorDef {
        combinator: Combinator::SiConnu,
        name: "si_connu",
        list: false,
        help: "vraie tant que son champ est inconnu, sinon décide",
    },
    CombinatorDef {
        combinator: Combinator::PremierConnu,
        name: "premier_connu",
        list: true,
        help: "la première qui n'est pas inconnue décide",
    },
];

/// Every operator with what it means, for a help line.
fn operators_help() -> String {
    OPERATORS
        .iter()
        .map(|d| format!("{} ({})", d.name, d.help))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every combinator with what it means, for a help line.
fn combinators_help() -> String {
    COMBINATORS
        .iter()
        .map(|d| format!("{} ({})", d.name, d.help))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one `[[conditions]]` table: a shared condition (`partagee = "…"`), or a label, a form, and the
/// optional `applicable_du` (in force from a date) and `inconnue_si` (with its `question`).
pub fn top(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
    shared: &SharedConditions,
) -> Option<Condition> {
    let t = Table::new(table, span.clone(), "une condition");
    if t.get("partagee").is_some() {
        let key = t.str(ctx, "partagee");
        t.finish(ctx);
        let (key, key_span) = key?;
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
    let c = condition(ctx, &t, refs);
    t.finish(ctx);
    c
}

/// A condition with its label: the form of `node`, plus `applicable_du`, `inconnue_si` and `question`.
/// The caller finishes the table (it may read more keys of it).
fn condition(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<Condition> {
    let libelle = t.req_str(ctx, "libelle").map(|(s, _)| s.to_owned());
    let applicable_du = t.date(ctx, "applicable_du");
    let guard = match t.get("inconnue_si") {
        Some(val) => {
            if let DeValue::Table(inner) = val.get_ref() {
                Some(child(ctx, inner, val.span(), refs)?)
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
                t.span.clone(),
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
    let mut node = node(ctx, t, refs)?;
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
        span: t.span.clone(),
        question,
    })
}

/// A condition nested in another (no label of its own), read and finished.
fn child(
    ctx: &mut Ctx<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    refs: &Referentiel,
) -> Option<Node> {
    let t = Table::new(table, span, "une condition");
    let n = node(ctx, &t, refs);
    t.finish(ctx);
    n
}

/// The form of a condition: a field compared with a value, or one combinator.
fn node(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<Node> {
    let combinators: Vec<&CombinatorDef> = COMBINATORS
        .iter()
        .filter(|c| t.get(c.name).is_some())
        .collect();
    let has_field = t.get("champ").is_some();
    let mut forms: Vec<&'static str> = combinators.iter().map(|c| c.name).collect();
    if has_field {
        forms.push("champ");
    }
    if forms.len() > 1 {
        let first = forms[0];
        for other in &forms[1..] {
            if let Some(s) = t.key_span(other) {
                ctx.error(
                    Code::UnknownKey,
                    s,
                    format!("« {other} » en trop : cette condition a déjà « {first} »"),
                    Some("une condition a une seule forme ; imbriquez avec tous = [ … ]".into()),
                );
            }
        }
        // The operators belong to the form with a field: asked for, so not reported again as unknown.
        for d in &OPERATORS {
            let _ = t.get(d.name);
        }
        return None;
    }
    if has_field {
        return leaf(ctx, t, refs).map(Node::Leaf);
    }
    let Some(def) = combinators.first() else {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "condition sans forme : ni « champ », ni tous / un_de / non / si_connu / premier_connu"
                .into(),
            Some(format!(
                "écrivez champ = \"zone\" avec un opérateur (egal = \"ZIP\"), ou un combinateur : {}",
                combinators_help()
            )),
        );
        return None;
    };
    for d in &OPERATORS {
        if let Some(s) = t.key_span(d.name) {
            ctx.error(
                Code::UnknownKey,
                s,
                format!("opérateur « {} » sans « champ »", d.name),
                Some(format!(
                    "un opérateur s'applique à un champ : {{ champ = \"…\", {} = … }}",
                    d.name
                )),
            );
        }
    }
    let val = t.get(def.name)?;
    if !def.list {
        let DeValue::Table(inner) = val.get_ref() else {
            ctx.type_mismatch(def.name, val, "une condition (table)");
            return None;
        };
        let inner = Box::new(child(ctx, inner, val.span(), refs)?);
        return Some(match def.combinator {
            Combinator::Non => Node::Not(inner),
            Combinator::SiConnu => Node::IfKnown(inner),
            Combinator::Tous | Combinator::UnDe | Combinator::PremierConnu => {
                unreachable!("list combinators are read below")
            }
        });
    }
    let children: Vec<Node> = t
        .tables(ctx, def.name)
        .into_iter()
        .filter_map(|(inner, s)| child(ctx, inner, s, refs))
        .collect();
    if children.is_empty() {
        ctx.error(
            Code::MissingKey,
            val.span(),
            format!("« {} » sans aucune condition", def.name),
            Some(format!("{} = [ {{ champ = …, egal = … }}, … ]", def.name)),
        );
        return None;
    }
    Some(match def.combinator {
        Combinator::Tous => Node::All(children),
        Combinator::UnDe => Node::Any(children),
        Combinator::PremierConnu => Node::FirstKnown(children),
        Combinator::Non | Combinator::SiConnu => unreachable!("single combinators are read above"),
    })
}

fn leaf(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<Leaf> {
    let given: Vec<&OpDef> = OPERATORS
        .iter()
        .filter(|d| t.get(d.name).is_some())
        .collect();
    let (field, field_span) = champ(ctx, t, "champ")?;
    let def = match given.as_slice() {
        [def] => *def,
        [] => {
            ctx.error(
                Code::MissingKey,
                field_span,
                format!("condition sur « {} » sans opérateur", field.name()),
                Some(format!("opérateurs : {}", operators_help())),
            );
            return None;
        }
        [_, rest @ ..] => {
            for other in rest {
                if let Some(s) = t.key_span(other.name) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("opérateur « {} » en trop", other.name),
                        Some("un seul opérateur par condition ; combinez avec tous = [ … ]".into()),
                    );
                }
            }
            return None;
        }
    };
    let name = def.name;
    let val = t.get(name)?;
    let kind = field.def().kind;
    if !(def.applies)(kind) {
        let ok: Vec<&str> = OPERATORS
            .iter()
            .filter(|d| (d.applies)(kind))
            .map(|d| d.name)
            .collect();
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
            t.key_span(name).unwrap_or(val.span()),
            format!(
                "l'opérateur « {name} » ne s'applique pas au champ « {} »",
                field.name()
            ),
            Some(help),
        );
        return None;
    }
    let test = match def.op {
        Op::Egal => Test::Eq(scalar(ctx, field, val, refs)?),
        Op::Different => Test::Ne(scalar(ctx, field, val, refs)?),
        Op::Dans => Test::In(mask(ctx, field, name, val, refs)?),
        Op::Hors => Test::NotIn(mask(ctx, field, name, val, refs)?),
        Op::ContientUnDe => Test::ContainsAny(scalar(ctx, field, val, refs)?.set()?),
        Op::Entre => between(ctx, field, val, refs)?,
        Op::Min => Test::Cmp(CmpOp::Ge, operand(ctx, field, name, val, refs)?),
        Op::Max => Test::Cmp(CmpOp::Le, operand(ctx, field, name, val, refs)?),
        Op::Sup => Test::Cmp(CmpOp::Gt, operand(ctx, field, name, val, refs)?),
        Op::Inf => Test::Cmp(CmpOp::Lt, operand(ctx, field, name, val, refs)?),
    };
    Some(Leaf {
        field,
        test,
        span: field_span.start..val.span().end,
    })
}

/// `dans` / `hors`: a list of values of a closed set, as a bit mask of domain indices.
fn mask(
    ctx: &mut Ctx<'_>,
    field: FieldId,
    name: &str,
    val: &Val<'_>,
    refs: &Referentiel,
) -> Option<u128> {
    let DeValue::Array(items) = val.get_ref() else {
        ctx.type_mismatch(name, val, "une liste de valeurs");
        return None;
    };
    let mut mask = 0u128;
    let mut ok = true;
    for item in items {
        match scalar(ctx, field, item, refs) {
            Some(Scalar::Choice(i)) if i < 128 => mask |= 1 << i,
            Some(Scalar::Choice(_)) => {
                ctx.error(
                    Code::ValueOutOfDomain,
                    item.span(),
                    "valeur au-delà de la 128e du domaine : une liste « dans » ou « hors » ne peut pas la compter".into(),
                    Some("le domaine de ce champ est trop grand pour une liste ; écrivez plusieurs conditions egal".into()),
                );
                ok = false;
            }
            _ => ok = false,
        }
    }
    ok.then_some(mask)
}

/// `entre = [a, b]`.
fn between(ctx: &mut Ctx<'_>, field: FieldId, val: &Val<'_>, refs: &Referentiel) -> Option<Test> {
    let bounds = match val.get_ref() {
        DeValue::Array(items) if items.len() == 2 => {
            let items: Vec<&Val<'_>> = items.iter().collect();
            (
                operand(ctx, field, "entre", items[0], refs),
                operand(ctx, field, "entre", items[1], refs),
            )
        }
        _ => {
            ctx.type_mismatch("entre", val, "une liste de deux bornes [min, max]");
            return None;
        }
    };
    let (Some(a), Some(b)) = bounds else {
        return None;
    };
    let inverted = match (a.number(), b.number(), a.date(), b.date()) {
        (Some(a), Some(b), _, _) => b < a,
        (_, _, Some(a), Some(b)) => b < a,
        // A bound relative to another date field is known only with a profile.
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
    Some(Test::Between(a, b))
}

fn scalar(ctx: &mut Ctx<'_>, field: FieldId, val: &Val<'_>, refs: &Referentiel) -> Option<Scalar> {
    match profile::parse_value(field, &to_raw(val.get_ref()), refs) {
        Ok(v) => Scalar::from_value(&v),
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
        let t = Table::new(rel, val.span(), "une date relative");
        let relative = date_plus_duree(ctx, &t, "champ", val.span());
        t.finish(ctx);
        let (field, months) = relative?;
        return Some(Operand::Rel { field, months });
    }
    scalar(ctx, field, val, refs)?.operand()
}

/// Reads `referentiel/conditions.toml`: conditions that several rules share (`partagee = "<clé>"`), each
/// with its label, form and the notes that go with it, written once.
pub fn shared(ctx: &mut Ctx<'_>, text: &str, refs: &Referentiel) -> SharedConditions {
    let doc = match crate::toml_read::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => {
            ctx.diags.push(d);
            return SharedConditions::default();
        }
    };
    let top = Table::new(
        doc.get_ref(),
        doc.span(),
        "le fichier des conditions partagées",
    );
    let val = top.get("condition");
    top.finish(ctx);
    let Some(val) = val else {
        return SharedConditions::default();
    };
    // Condition keys are free names: each is read as a condition.
    let DeValue::Table(named) = val.get_ref() else {
        ctx.type_mismatch("condition", val, "une table [condition.<clé>]");
        return SharedConditions::default();
    };
    let mut out = Vec::new();
    for (key, val) in named {
        let Some(t) = Table::of(ctx, key.get_ref(), val, "une condition partagée") else {
            continue;
        };
        let condition = condition(ctx, &t, refs);
        let notes = t.strings(ctx, "notes");
        t.finish(ctx);
        if let Some(condition) = condition {
            out.push(SharedCondition {
                key: key.get_ref().to_string(),
                condition,
                notes,
            });
        }
    }
    SharedConditions(out)
}
