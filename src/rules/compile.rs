//! Reads one rule file (spanned TOML) into an `Aide`: every key checked, every field name resolved to the
//! profile vocabulary, every value checked against its field's type and domain, dates parsed, scales
//! checked for gaps and overlaps. Problems become coded diagnostics; reading goes on after each one.

use std::ops::Range;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use super::model::{
    Aide, Categorie, Cell, CmpOp, Condition, EcheanceDef, Exemple, Financeur, Leaf, Montant,
    MontantKind, Node, Operand, Palier, Periode, Periodicite, Quand, Reference, Scalar, Statut,
    Test, Versement,
};
use super::referentiel::Referentiel;
use super::walk::{Ctx, Table, Val, as_date, as_num};
use crate::diagnostic::{Code, did_you_mean};
use crate::profile::{self, FieldError, FieldId, Kind, Profile, Raw, Value, ids};

const TOP_KEYS: &[&str] = &[
    "id",
    "nom",
    "resume",
    "financeur",
    "region",
    "public",
    "contact",
    "verifie_le",
    "periode",
    "conditions",
    "montant",
    "versements",
    "echeances",
    "engagements",
    "cumul",
    "notes",
    "sources",
    "exemples_commun",
    "exemples",
];

const COMBINATORS: &[&str] = &["tous", "un_de", "non", "premier_connu"];
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

/// Formats a date the French way (`30/06/2026`).
#[must_use]
pub fn fr_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Where a rule file sits, from its path.
pub struct Placement<'a> {
    pub categorie: Categorie,
    /// The `<region>` folder of `regions/<region>/`.
    pub dossier_region: Option<&'a str>,
    /// The file name without `.toml`.
    pub stem: &'a str,
}

/// Reads one rule file. `None` when the file cannot even be read as a rule (syntax error, no id).
pub fn aide(
    ctx: &mut Ctx<'_>,
    text: &str,
    refs: &Referentiel,
    place: &Placement<'_>,
) -> Option<Aide> {
    let doc = match super::walk::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => {
            ctx.diags.push(d);
            return None;
        }
    };
    let what = "la règle";
    let top = Table::new(ctx, doc.get_ref(), doc.span(), what, TOP_KEYS);
    let (id, id_span) = top.req_str(ctx, "id", what)?;
    if id != place.stem {
        ctx.error(
            Code::IdFileMismatch,
            id_span.clone(),
            format!(
                "l'id « {id} » diffère du nom du fichier « {}.toml »",
                place.stem
            ),
            Some(format!(
                "renommez le fichier en {id}.toml, ou écrivez id = \"{}\"",
                place.stem
            )),
        );
    }
    let nom = req_text(ctx, &top, "nom", what);
    let resume = req_text(ctx, &top, "resume", what);
    let public = req_text(ctx, &top, "public", what);
    let financeur = match top.req_str(ctx, "financeur", what) {
        Some(("CPAM", _)) | None => Financeur::Cpam,
        Some(("ARS", _)) => Financeur::Ars,
        Some((other, span)) => {
            let help = did_you_mean(other, ["CPAM", "ARS"])
                .unwrap_or_else(|| "\"CPAM\" ou \"ARS\"".into());
            ctx.error(
                Code::ValueOutOfDomain,
                span,
                format!("financeur « {other} » inconnu"),
                Some(help),
            );
            Financeur::Cpam
        }
    };
    let region = region(ctx, &top, refs, place);
    let contact = match top.req_str(ctx, "contact", what) {
        Some((text, span)) => match refs.contact_ref(text) {
            Ok(c) => c,
            Err((message, help)) => {
                ctx.error(Code::UnknownContact, span, message, Some(help));
                super::referentiel::ContactRef::Cpam
            }
        },
        None => super::referentiel::ContactRef::Cpam,
    };
    let verifie_le = top.req_date(ctx, "verifie_le", what);
    let periode = periode(ctx, &top);
    let mut conditions =
        periode_conditions(&periode, top.key_span("periode").unwrap_or(id_span.clone()));
    if let Some(r) = region {
        conditions.push(Condition {
            libelle: format!("Cabinet situé en {}", refs.regions[usize::from(r)].nom),
            node: Node::Leaf(Leaf {
                field: ids::REGION,
                test: Test::Eq(Scalar::Choice(r)),
                span: top.key_span("region").unwrap_or(id_span.clone()),
            }),
            span: top.key_span("region").unwrap_or(id_span.clone()),
            generee: true,
        });
    }
    for (t, span) in top.tables(ctx, "conditions") {
        let libelle = t
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
        if let Some(node) = node(ctx, t, span.clone(), refs) {
            conditions.push(Condition {
                libelle: libelle.unwrap_or_default(),
                node,
                span,
                generee: false,
            });
        }
    }
    let montant = if let Some(val) = top.get("montant") {
        montant(ctx, val, refs)
    } else {
        ctx.error(
            Code::MissingKey,
            top.span.clone(),
            "clé « montant » manquante dans la règle".into(),
            Some("ajoutez une table [montant] (type = \"fixe\", eur = …)".into()),
        );
        None
    }
    .unwrap_or(Montant {
        kind: MontantKind::SansMontant,
        libelle: None,
    });
    let versements = versements(ctx, &top);
    let echeances = echeances(ctx, &top);
    let sources = sources(ctx, &top);
    let exemples = exemples(ctx, &top, refs);
    Some(Aide {
        id: id.to_owned(),
        nom,
        resume,
        financeur,
        region,
        categorie: place.categorie,
        public,
        contact,
        verifie_le,
        periode,
        conditions,
        montant,
        versements,
        echeances,
        engagements: top.strings(ctx, "engagements"),
        cumul: top.strings(ctx, "cumul"),
        notes: top.strings(ctx, "notes"),
        sources,
        exemples,
        file: ctx.file.to_owned(),
        id_span,
    })
}

fn req_text(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str, what: &str) -> String {
    t.req_str(ctx, key, what)
        .map(|(s, _)| s.to_owned())
        .unwrap_or_default()
}

fn region(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Referentiel,
    place: &Placement<'_>,
) -> Option<u16> {
    let Some((slug, span)) = top.str(ctx, "region") else {
        if let Some(dir) = place.dossier_region {
            ctx.error(
                Code::MissingKey,
                top.span.start..top.span.start,
                format!("règle régionale (dossier regions/{dir}/) sans clé « region »"),
                Some(format!("ajoutez region = \"{dir}\"")),
            );
        }
        return None;
    };
    let Some(r) = refs.region_index(slug) else {
        let help =
            did_you_mean(slug, refs.regions.iter().map(|r| r.slug.as_str())).unwrap_or_else(|| {
                format!(
                    "régions : {}",
                    refs.regions
                        .iter()
                        .map(|r| r.slug.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
        ctx.error(
            Code::ValueOutOfDomain,
            span,
            format!("région « {slug} » inconnue"),
            Some(help),
        );
        return None;
    };
    if let Some(dir) = place.dossier_region.filter(|dir| *dir != slug) {
        ctx.error(
            Code::ValueOutOfDomain,
            span,
            format!("la région « {slug} » ne correspond pas au dossier regions/{dir}/"),
            Some(format!(
                "déplacez le fichier dans rules/regions/{slug}/, ou écrivez region = \"{dir}\""
            )),
        );
    }
    Some(r)
}

fn periode(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Periode {
    let Some(val) = top.get("periode") else {
        return Periode::default();
    };
    let keys = [
        "en_vigueur_du",
        "signature_au_plus_tard",
        "demande_au_plus_tard",
        "installation_du",
        "installation_au",
    ];
    let Some(t) = Table::of(ctx, "periode", val, "[periode]", &keys) else {
        return Periode::default();
    };
    let mut get = |k| t.date(ctx, k);
    let p = (
        get(keys[0]),
        get(keys[1]),
        get(keys[2]),
        get(keys[3]),
        get(keys[4]),
    );
    let inverted = |ctx: &mut Ctx<'_>,
                    a: &Option<(NaiveDate, Range<usize>)>,
                    b: &Option<(NaiveDate, Range<usize>)>,
                    what: &str| {
        if let (Some((a, _)), Some((b, span))) = (a, b)
            && b < a
        {
            ctx.error(
                Code::EmptyPeriod,
                span.clone(),
                format!(
                    "période vide : {what} ({} avant {})",
                    fr_date(*b),
                    fr_date(*a)
                ),
                Some("vérifiez les dates dans la source : la fin doit suivre le début".into()),
            );
        }
    };
    inverted(
        ctx,
        &p.3,
        &p.4,
        "l'installation doit finir avant de commencer",
    );
    inverted(
        ctx,
        &p.0,
        &p.1,
        "la signature est close avant l'entrée en vigueur",
    );
    inverted(
        ctx,
        &p.0,
        &p.2,
        "la demande est close avant l'entrée en vigueur",
    );
    inverted(
        ctx,
        &p.3,
        &p.2,
        "la demande est close avant la première installation possible",
    );
    Periode {
        en_vigueur_du: p.0.map(|d| d.0),
        signature_au_plus_tard: p.1.map(|d| d.0),
        demande_au_plus_tard: p.2.map(|d| d.0),
        installation_du: p.3.map(|d| d.0),
        installation_au: p.4.map(|d| d.0),
    }
}

/// The conditions a period implies, in the order their failure is reported.
fn periode_conditions(p: &Periode, span: Range<usize>) -> Vec<Condition> {
    let mut out = Vec::new();
    let mut push = |libelle: String, node: Node| {
        out.push(Condition {
            libelle,
            node,
            span: span.clone(),
            generee: true,
        });
    };
    let leaf = |field, test| {
        Node::Leaf(Leaf {
            field,
            test,
            span: span.clone(),
        })
    };
    if let Some(d) = p.en_vigueur_du {
        push(
            format!("Dispositif en vigueur (depuis le {})", fr_date(d)),
            Node::Reference(CmpOp::Ge, d),
        );
    }
    if let Some(d) = p.signature_au_plus_tard {
        push(
            format!("Contrat à signer au plus tard le {}", fr_date(d)),
            Node::Reference(CmpOp::Le, d),
        );
    }
    if let Some(d) = p.demande_au_plus_tard {
        push(
            format!("Demande à déposer au plus tard le {}", fr_date(d)),
            leaf(ids::DATE_DEMANDE, Test::Cmp(CmpOp::Le, Operand::Date(d))),
        );
    }
    match (p.installation_du, p.installation_au) {
        (Some(a), Some(b)) => push(
            format!("Installation entre le {} et le {}", fr_date(a), fr_date(b)),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Between(Operand::Date(a), Operand::Date(b)),
            ),
        ),
        (Some(a), None) => push(
            format!("Installation à partir du {}", fr_date(a)),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Cmp(CmpOp::Ge, Operand::Date(a)),
            ),
        ),
        (None, Some(b)) => push(
            format!("Installation au plus tard le {}", fr_date(b)),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Cmp(CmpOp::Le, Operand::Date(b)),
            ),
        ),
        (None, None) => {}
    }
    out
}

/// Converts a TOML value to the raw form the profile vocabulary checks.
#[must_use]
pub fn to_raw<'a>(v: &'a DeValue<'_>) -> Raw<'a> {
    match v {
        DeValue::String(s) => Raw::Str(s.as_ref()),
        DeValue::Integer(_) => {
            super::walk::as_int(v).map_or(Raw::Other("un entier trop grand"), Raw::Int)
        }
        DeValue::Float(_) => as_num(v).map_or(Raw::Other("un nombre non fini"), Raw::Float),
        DeValue::Boolean(b) => Raw::Bool(*b),
        DeValue::Datetime(_) => as_date(v).map_or(Raw::Other("une date-heure"), Raw::Date),
        DeValue::Array(items) => Raw::List(items.iter().map(|i| to_raw(i.get_ref())).collect()),
        DeValue::Table(_) => Raw::Other("une table"),
    }
}

fn field_error(ctx: &mut Ctx<'_>, span: Range<usize>, e: FieldError) {
    let code = if e.wrong_type {
        Code::TypeMismatch
    } else {
        Code::ValueOutOfDomain
    };
    ctx.error(
        code,
        span,
        format!("« {} » : {}", e.field, e.message),
        e.help,
    );
}

fn to_scalar(v: &Value) -> Option<Scalar> {
    Some(match v {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Num(x) => Scalar::Num(*x),
        Value::Date(d) => Scalar::Date(*d),
        Value::Choice(c) => Scalar::Choice(*c),
        Value::Set(s) => Scalar::Set(*s),
        Value::Text(_) => return None,
    })
}

/// Resolves `champ = "…"`: the field, or an `unknown-field` diagnostic with the closest name.
fn champ(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str) -> Option<(FieldId, Range<usize>)> {
    let (name, span) = t.str(ctx, key)?;
    if let Some(f) = profile::field_id(name) {
        Some((f, span))
    } else {
        let help = did_you_mean(name, profile::field_names()).unwrap_or_else(|| {
            format!(
                "champs du profil : {}",
                profile::field_names().collect::<Vec<_>>().join(", ")
            )
        });
        ctx.error(
            Code::UnknownField,
            span,
            format!("champ « {name} » inconnu du profil"),
            Some(help),
        );
        None
    }
}

fn node(
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
                "condition sans forme : ni « champ », ni tous / un_de / non / premier_connu".into(),
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
                "non" => {
                    let val = t.get("non")?;
                    let DeValue::Table(inner) = val.get_ref() else {
                        ctx.type_mismatch("non", val, "une condition (table)");
                        return None;
                    };
                    node(ctx, inner, val.span(), refs).map(|n| Node::Not(Box::new(n)))
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
        let (other, other_span) = champ(ctx, &t, "champ").or_else(|| {
            if t.get("champ").is_none() {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "date relative sans « champ »".into(),
                    Some("{ champ = \"date_installation\", mois = 6 }".into()),
                );
            }
            None
        })?;
        if other.def().kind != Kind::Date {
            ctx.error(
                Code::TypeMismatch,
                other_span,
                format!("« {} » n'est pas un champ date", other.name()),
                Some("champs date : date_installation, date_demande, date_derniere_aide".into()),
            );
            return None;
        }
        let months = match (t.int(ctx, "mois"), t.int(ctx, "ans")) {
            (Some((m, s)), None) => (m, s),
            (None, Some((y, s))) => (y.saturating_mul(12), s),
            (None, None) => {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "date relative sans durée".into(),
                    Some("ajoutez mois = N ou ans = N".into()),
                );
                return None;
            }
            (Some(_), Some((_, s))) => {
                ctx.error(
                    Code::UnknownKey,
                    s,
                    "« mois » et « ans » ensemble".into(),
                    Some("gardez l'un des deux".into()),
                );
                return None;
            }
        };
        let Ok(m) = u32::try_from(months.0) else {
            ctx.error(
                Code::ValueOutOfDomain,
                months.1,
                "durée négative ou trop grande".into(),
                Some("une durée positive : mois = 6".into()),
            );
            return None;
        };
        return Some(Operand::Rel {
            field: other,
            months: m,
        });
    }
    match scalar(ctx, field, val, refs)? {
        Scalar::Num(x) => Some(Operand::Num(x)),
        Scalar::Date(d) => Some(Operand::Date(d)),
        _ => None,
    }
}

fn montant(ctx: &mut Ctx<'_>, val: &Val<'_>, refs: &Referentiel) -> Option<Montant> {
    let DeValue::Table(table) = val.get_ref() else {
        ctx.type_mismatch("montant", val, "une table [montant]");
        return None;
    };
    let types = ["fixe", "plafond", "par_unite", "bareme", "sans_montant"];
    let kind = table.get("type").map(|v| (v.get_ref().as_str(), v.span()));
    let keys: &[&str] = match kind {
        Some((Some("fixe"), _)) => &["type", "eur", "libelle"],
        Some((Some("plafond"), _)) => &["type", "max_eur", "libelle"],
        Some((Some("par_unite"), _)) => &[
            "type",
            "champ",
            "eur_par_unite",
            "unites_max",
            "unite",
            "periode",
            "libelle",
        ],
        Some((Some("bareme"), _)) => &["type", "par", "colonne", "paliers", "libelle"],
        Some((Some("sans_montant"), _)) => &["type", "libelle"],
        Some((Some(other), span)) => {
            let help = did_you_mean(other, types)
                .unwrap_or_else(|| format!("types : {}", types.join(", ")));
            ctx.error(
                Code::ValueOutOfDomain,
                span,
                format!("type de montant « {other} » inconnu"),
                Some(help),
            );
            return None;
        }
        Some((None, span)) => {
            ctx.error(
                Code::TypeMismatch,
                span,
                "« type » : une chaîne attendue".into(),
                Some(format!("types : {}", types.join(", "))),
            );
            return None;
        }
        None => {
            ctx.error(
                Code::MissingKey,
                val.span(),
                "clé « type » manquante dans [montant]".into(),
                Some(format!("types : {}", types.join(", "))),
            );
            return None;
        }
    };
    let what = "[montant]";
    let t = Table::new(ctx, table, val.span(), what, keys);
    let libelle = t.str(ctx, "libelle").map(|(s, _)| s.to_owned());
    let eur = |ctx: &mut Ctx<'_>, key: &str| -> Option<i64> {
        if t.get(key).is_none() {
            ctx.error(
                Code::MissingKey,
                val.span(),
                format!("clé « {key} » manquante dans {what}"),
                Some(format!("ajoutez {key} = …")),
            );
        }
        let (n, span) = t.int(ctx, key)?;
        if n < 0 {
            ctx.error(Code::ValueOutOfDomain, span, "montant négatif".into(), None);
            return None;
        }
        Some(n)
    };
    let kind = match kind.and_then(|k| k.0) {
        Some("fixe") => MontantKind::Fixe(eur(ctx, "eur")?),
        Some("plafond") => MontantKind::Plafond(eur(ctx, "max_eur")?),
        Some("par_unite") => {
            if t.get("champ").is_none() {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "clé « champ » manquante dans [montant]".into(),
                    Some("champ = \"demi_journees_par_mois\"".into()),
                );
            }
            let champ = number_field(ctx, &t, "champ");
            let eur_par_unite = eur(ctx, "eur_par_unite");
            let unites_max = t.int(ctx, "unites_max").map(|(n, _)| n);
            let unite = t.req_str(ctx, "unite", what).map(|(s, _)| s.to_owned());
            let periode = match t.str(ctx, "periode") {
                None => None,
                Some(("mois", _)) => Some(Periodicite::Mois),
                Some(("an", _)) => Some(Periodicite::An),
                Some((other, span)) => {
                    ctx.error(
                        Code::ValueOutOfDomain,
                        span,
                        format!("période « {other} » inconnue"),
                        Some("\"mois\" ou \"an\"".into()),
                    );
                    None
                }
            };
            MontantKind::ParUnite {
                champ: champ?,
                eur_par_unite: eur_par_unite?,
                unites_max,
                unite: unite?,
                periode,
            }
        }
        Some("bareme") => bareme(ctx, &t, refs)?,
        _ => {
            if libelle.is_none() {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "un montant « sans_montant » a besoin d'un libellé".into(),
                    Some("libelle = \"+10 % du forfait…\"".into()),
                );
            }
            MontantKind::SansMontant
        }
    };
    Some(Montant { kind, libelle })
}

fn number_field(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str) -> Option<FieldId> {
    let (f, span) = champ(ctx, t, key)?;
    if matches!(f.def().kind, Kind::Number { .. } | Kind::Integer { .. }) {
        Some(f)
    } else {
        ctx.error(
            Code::TypeMismatch,
            span,
            format!("« {} » n'est pas un champ numérique", f.name()),
            Some("champs numériques : jours_par_semaine, demi_journees_par_mois, …".into()),
        );
        None
    }
}

fn bareme(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<MontantKind> {
    let par = if t.get("par").is_some() {
        Some(number_field(ctx, t, "par")?)
    } else {
        None
    };
    let colonne = if t.get("colonne").is_none() {
        None
    } else {
        let (f, span) = champ(ctx, t, "colonne")?;
        if !matches!(f.def().kind, Kind::Choice(_) | Kind::IntChoice(_)) {
            ctx.error(
                Code::TypeMismatch,
                span,
                format!("« {} » ne peut pas servir de colonne", f.name()),
                Some("une colonne est un champ à valeurs fixées : zone, equipe_cds…".into()),
            );
            return None;
        }
        Some(f)
    };
    if par.is_none() && colonne.is_none() {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "barème sans « par » ni « colonne »".into(),
            Some("par = \"jours_par_semaine\" et/ou colonne = \"zone\"".into()),
        );
        return None;
    }
    let mut paliers = Vec::new();
    for (pt, span) in t.tables(ctx, "paliers") {
        let what = "un palier";
        let p = Table::new(
            ctx,
            pt,
            span.clone(),
            what,
            &["de", "jusqu_a", "eur", "max_eur", "libelle"],
        );
        let de = p.num(ctx, "de").map(|(x, _)| x);
        let jusqu_a = p.num(ctx, "jusqu_a");
        if par.is_some() && p.get("de").is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                "palier sans « de »".into(),
                Some("de = 2.5 (borne basse incluse)".into()),
            );
        }
        if par.is_none() {
            for k in ["de", "jusqu_a"] {
                if let Some(s) = p.key_span(k) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("« {k} » sans « par »"),
                        Some("les bornes s'appliquent au champ « par » du barème".into()),
                    );
                }
            }
        }
        if let (Some(a), Some((b, bspan))) = (de, &jusqu_a)
            && *b <= a
        {
            ctx.error(
                Code::ScaleOverlap,
                bspan.clone(),
                format!(
                    "palier vide : jusqu_a = {} n'est pas au-dessus de de = {}",
                    profile::fmt_num(*b),
                    profile::fmt_num(a)
                ),
                Some("jusqu_a est la borne haute exclue, supérieure à de".into()),
            );
        }
        let cell_key = match (p.get("eur"), p.get("max_eur")) {
            (Some(_), None) => "eur",
            (None, Some(_)) => "max_eur",
            (None, None) => {
                ctx.error(
                    Code::MissingKey,
                    span.clone(),
                    "palier sans « eur » ni « max_eur »".into(),
                    None,
                );
                continue;
            }
            (Some(_), Some(_)) => {
                ctx.error(
                    Code::UnknownKey,
                    p.key_span("max_eur").unwrap_or(span.clone()),
                    "« eur » et « max_eur » ensemble".into(),
                    Some("eur : montant fixé ; max_eur : plafond (« jusqu'à »)".into()),
                );
                continue;
            }
        };
        let make = |n: i64| {
            if cell_key == "eur" {
                Cell::Eur(n)
            } else {
                Cell::Max(n)
            }
        };
        let cv = p.get(cell_key)?;
        let cells = match (colonne, cv.get_ref()) {
            (None, _) => match p.int(ctx, cell_key) {
                Some((n, _)) => vec![(None, make(n))],
                None => continue,
            },
            (Some(col), DeValue::Table(by_col)) => {
                let mut cells = Vec::new();
                for (k, v) in by_col {
                    match profile::parse_value(col, &Raw::Str(k.get_ref()), refs) {
                        Ok(Value::Choice(i)) => match super::walk::as_int(v.get_ref()) {
                            Some(n) => cells.push((Some(i), make(n))),
                            None => ctx.type_mismatch(k.get_ref(), v, "un montant entier en euros"),
                        },
                        Ok(_) => {}
                        Err(e) => field_error(ctx, k.span(), e),
                    }
                }
                cells
            }
            (Some(col), _) => {
                ctx.type_mismatch(
                    cell_key,
                    cv,
                    &format!(
                        "une table par valeur de « {} » : {{ … = 10000 }}",
                        col.name()
                    ),
                );
                continue;
            }
        };
        paliers.push(Palier {
            de,
            jusqu_a: jusqu_a.map(|j| j.0),
            cells,
            libelle: p.str(ctx, "libelle").map(|(s, _)| s.to_owned()),
            span,
        });
    }
    if paliers.is_empty() {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "barème sans palier".into(),
            Some("ajoutez des [[montant.paliers]]".into()),
        );
        return None;
    }
    if par.is_some() {
        check_scale(ctx, &mut paliers);
    } else if paliers.len() > 1 {
        ctx.error(
            Code::ScaleOverlap,
            paliers[1].span.clone(),
            "plusieurs paliers sans « par » : ils couvrent les mêmes valeurs".into(),
            Some("un barème par colonne seule n'a qu'un palier".into()),
        );
    }
    Some(MontantKind::Bareme {
        par,
        colonne,
        paliers,
    })
}

/// Steps sorted by `de`; each must end (`jusqu_a`) exactly where the next starts; only the last is open.
fn check_scale(ctx: &mut Ctx<'_>, paliers: &mut [Palier]) {
    paliers.sort_by(|a, b| {
        a.de.unwrap_or(f64::MIN)
            .total_cmp(&b.de.unwrap_or(f64::MIN))
    });
    for pair in paliers.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (Some(a_de), Some(b_de)) = (a.de, b.de) else {
            continue;
        };
        let fmt = crate::eval::amount::fr_num;
        match a.jusqu_a {
            None => ctx.error(
                Code::ScaleOverlap,
                a.span.clone(),
                format!("le palier à partir de {} n'a pas de borne haute et chevauche le palier à partir de {}", fmt(a_de), fmt(b_de)),
                Some(format!("ajoutez jusqu_a = {} à ce palier", fmt(b_de))),
            ),
            Some(end) if end < b_de => ctx.error(
                Code::ScaleGap,
                b.span.clone(),
                format!("trou dans le barème : aucun palier de {} à {}", fmt(end), fmt(b_de)),
                Some(format!("faites commencer ce palier à de = {}, ou finir le précédent à jusqu_a = {}", fmt(end), fmt(b_de))),
            ),
            Some(end) if end > b_de => ctx.error(
                Code::ScaleOverlap,
                b.span.clone(),
                format!("chevauchement dans le barème : de {} à {} deux paliers s'appliquent", fmt(b_de), fmt(end)),
                Some(format!("faites finir le palier précédent à jusqu_a = {}", fmt(b_de))),
            ),
            Some(_) => {}
        }
    }
}

fn versements(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<Versement> {
    let mut out = Vec::new();
    let mut total = 0.0;
    for (t, span) in top.tables(ctx, "versements") {
        let what = "un versement";
        let t = Table::new(
            ctx,
            t,
            span.clone(),
            what,
            &["part_pct", "quand", "depuis", "mois", "ans"],
        );
        let part = t.num(ctx, "part_pct");
        if t.get("part_pct").is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                "versement sans « part_pct »".into(),
                Some("part_pct = 50".into()),
            );
        }
        let quand = req_text(ctx, &t, "quand", what);
        let depuis = relative(ctx, &t, span.clone());
        if let Some((p, pspan)) = part {
            if p <= 0.0 || p > 100.0 {
                ctx.error(
                    Code::ValueOutOfDomain,
                    pspan,
                    "part hors de ]0, 100]".into(),
                    None,
                );
            }
            total += p;
            out.push(Versement {
                part_pct: p,
                quand,
                depuis,
            });
        }
    }
    if !out.is_empty() && (total - 100.0).abs() > 1e-9 {
        ctx.error(
            Code::ValueOutOfDomain,
            top.key_span("versements").unwrap_or(top.span.clone()),
            format!(
                "les versements font {} % au total, pas 100 %",
                profile::fmt_num(total)
            ),
            Some("vérifiez les parts (part_pct) dans la source".into()),
        );
    }
    out
}

/// `depuis = "<date field>"` with `mois = N` or `ans = N`, when present.
fn relative(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, span: Range<usize>) -> Option<(FieldId, u32)> {
    if t.get("depuis").is_none() {
        for k in ["mois", "ans"] {
            if let Some(s) = t.key_span(k) {
                ctx.error(
                    Code::MissingKey,
                    s,
                    format!("« {k} » sans « depuis »"),
                    Some("depuis = \"date_installation\"".into()),
                );
            }
        }
        return None;
    }
    let (f, fspan) = champ(ctx, t, "depuis")?;
    if f.def().kind != Kind::Date {
        ctx.error(
            Code::TypeMismatch,
            fspan,
            format!("« {} » n'est pas un champ date", f.name()),
            Some("champs date : date_installation, date_demande, date_derniere_aide".into()),
        );
        return None;
    }
    let months = match (t.int(ctx, "mois"), t.int(ctx, "ans")) {
        (Some((m, s)), None) => (m, s),
        (None, Some((y, s))) => (y.saturating_mul(12), s),
        _ => {
            ctx.error(
                Code::MissingKey,
                span,
                "« depuis » demande soit « mois », soit « ans »".into(),
                Some("mois = 3".into()),
            );
            return None;
        }
    };
    if let Ok(m) = u32::try_from(months.0) {
        Some((f, m))
    } else {
        ctx.error(
            Code::ValueOutOfDomain,
            months.1,
            "durée négative ou trop grande".into(),
            None,
        );
        None
    }
}

fn echeances(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<EcheanceDef> {
    let mut out = Vec::new();
    for (t, span) in top.tables(ctx, "echeances") {
        let what = "une échéance";
        let t = Table::new(
            ctx,
            t,
            span.clone(),
            what,
            &["libelle", "date", "depuis", "mois", "ans"],
        );
        let libelle = req_text(ctx, &t, "libelle", what);
        let quand = match (t.date(ctx, "date"), t.get("depuis")) {
            (Some((d, _)), None) => Some(Quand::Date(d)),
            (None, Some(_)) => relative(ctx, &t, span.clone()).map(|(f, m)| Quand::Depuis(f, m)),
            _ => {
                ctx.error(
                    Code::MissingKey,
                    span,
                    "une échéance a soit « date », soit « depuis » avec « mois » ou « ans »".into(),
                    None,
                );
                None
            }
        };
        if let Some(quand) = quand {
            out.push(EcheanceDef { libelle, quand });
        }
    }
    out
}

fn sources(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<Reference> {
    let tables = top.tables(ctx, "sources");
    if tables.is_empty() {
        ctx.error(
            Code::MissingKey,
            top.span.start..top.span.start,
            "règle sans source".into(),
            Some("ajoutez [[sources]] titre = …, url = …".into()),
        );
    }
    tables
        .into_iter()
        .filter_map(|(t, span)| {
            let what = "une source";
            let t = Table::new(ctx, t, span, what, &["titre", "url", "article"]);
            let titre = t.req_str(ctx, "titre", what);
            let url = t.req_str(ctx, "url", what);
            if let Some((u, s)) = &url
                && !u.starts_with("https://")
                && !u.starts_with("http://")
            {
                ctx.error(
                    Code::ValueOutOfDomain,
                    s.clone(),
                    format!("« {u} » n'est pas une adresse web"),
                    Some("url = \"https://…\"".into()),
                );
            }
            Some(Reference {
                titre: titre?.0.to_owned(),
                url: url?.0.to_owned(),
                article: t.str(ctx, "article").map(|(s, _)| s.to_owned()),
            })
        })
        .collect()
}

/// Reads `profil = { … }` into `out`, reporting unknown fields and bad values.
fn profil_into(ctx: &mut Ctx<'_>, val: &Val<'_>, refs: &Referentiel, out: &mut Profile) {
    let DeValue::Table(t) = val.get_ref() else {
        ctx.type_mismatch("profil", val, "une table { champ = valeur, … }");
        return;
    };
    for (k, v) in t {
        let Some(field) = profile::field_id(k.get_ref()) else {
            let e = profile::unknown_key(k.get_ref());
            ctx.error(
                Code::UnknownField,
                k.span(),
                format!("champ « {} » inconnu du profil", k.get_ref()),
                e.help,
            );
            continue;
        };
        match profile::parse_value(field, &to_raw(v.get_ref()), refs) {
            Ok(value) => out.set(field, Some(value)),
            Err(e) => field_error(ctx, v.span(), e),
        }
    }
}

fn exemples(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Referentiel) -> Vec<Exemple> {
    let mut base = Profile::default();
    let mut base_date = None;
    if let Some(val) = top.get("exemples_commun")
        && let Some(t) = Table::of(
            ctx,
            "exemples_commun",
            val,
            "[exemples_commun]",
            &["date", "profil"],
        )
    {
        base_date = t.date(ctx, "date").map(|d| d.0);
        if let Some(p) = t.get("profil") {
            profil_into(ctx, p, refs, &mut base);
        }
    }
    let tables = top.tables(ctx, "exemples");
    if tables.is_empty() {
        ctx.error(Code::MissingKey, top.span.start..top.span.start, "règle sans exemple".into(), Some("ajoutez des [[exemples]] qui fixent chaque condition dans les deux sens et le montant".into()));
    }
    let mut out = Vec::new();
    for (t, span) in tables {
        let what = "un exemple";
        let t = Table::new(
            ctx,
            t,
            span.clone(),
            what,
            &[
                "nom",
                "date",
                "profil",
                "retirer",
                "statut",
                "eur",
                "min_eur",
                "max_eur",
                "manquants",
            ],
        );
        let nom = req_text(ctx, &t, "nom", what);
        let date = t.date(ctx, "date").map(|d| d.0).or(base_date);
        if date.is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                format!("exemple « {nom} » sans date de référence"),
                Some("ajoutez date = 2026-03-01 ici ou dans [exemples_commun]".into()),
            );
        }
        let mut profil = base.clone();
        if let Some(p) = t.get("profil") {
            profil_into(ctx, p, refs, &mut profil);
        }
        for name in t.strings(ctx, "retirer") {
            if let Some(f) = profile::field_id(&name) {
                profil.set(f, None);
            } else {
                let e = profile::unknown_key(&name);
                ctx.error(
                    Code::UnknownField,
                    t.get("retirer").map_or(span.clone(), Val::span),
                    format!("champ « {name} » inconnu du profil"),
                    e.help,
                );
            }
        }
        if let Err(e) = profil.resolve_region(refs) {
            ctx.error(
                Code::ValueOutOfDomain,
                span.clone(),
                format!("exemple « {nom} » : {}", e.message),
                e.help,
            );
        }
        let statut = match t.req_str(ctx, "statut", what) {
            Some(("eligible", _)) => Some(Statut::Eligible),
            Some(("a_confirmer", _)) => Some(Statut::AConfirmer),
            Some(("non_eligible", _)) => Some(Statut::NonEligible),
            Some((other, s)) => {
                let help = did_you_mean(other, Statut::ALL.iter().map(|s| s.as_str()))
                    .unwrap_or_else(|| "eligible, a_confirmer ou non_eligible".into());
                ctx.error(
                    Code::ValueOutOfDomain,
                    s,
                    format!("statut « {other} » inconnu"),
                    Some(help),
                );
                None
            }
            None => None,
        };
        let manquants = t.get("manquants").map(|_| {
            t.strings(ctx, "manquants")
                .iter()
                .filter_map(|name| {
                    let f = profile::field_id(name);
                    if f.is_none() {
                        let e = profile::unknown_key(name);
                        ctx.error(
                            Code::UnknownField,
                            t.get("manquants").map_or(span.clone(), Val::span),
                            format!("champ « {name} » inconnu du profil"),
                            e.help,
                        );
                    }
                    f
                })
                .collect()
        });
        let (Some(date), Some(statut)) = (date, statut) else {
            continue;
        };
        out.push(Exemple {
            nom,
            date,
            profil,
            statut,
            eur: t.int(ctx, "eur").map(|x| x.0),
            min_eur: t.int(ctx, "min_eur").map(|x| x.0),
            max_eur: t.int(ctx, "max_eur").map(|x| x.0),
            manquants,
            span,
        });
    }
    out
}
