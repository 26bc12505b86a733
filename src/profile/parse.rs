//! Checking raw values (from JSON, TOML or a flag) against a field's type and domain, and writing them
//! back as text. Every message says what is wrong and what the field accepts.

use chrono::NaiveDate;

use super::{FieldError, FieldId, Kind, Value};
use crate::diagnostic::{did_you_mean, echo};
use crate::fr::fmt_num;
use crate::referentiel::Referentiel;

/// A raw value as read from JSON, TOML or a flag, before it is checked against the vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A JSON number, as written (so that messages echo it exactly: `1e-400`, `9007199254740993`).
    Number(&'a str),
    Str(&'a str),
    /// Text typed on the command line: converted to the field's type (`1`, `oui`, `2.5`, `msp,cpts`).
    Flag(&'a str),
    Date(NaiveDate),
    List(Vec<Raw<'a>>),
    /// Anything else (a table, an object…), with its type name for the message.
    Other(&'static str),
}

impl Raw<'_> {
    fn type_name(&self) -> &'static str {
        match self {
            Raw::Null => "null",
            Raw::Bool(_) => "un booléen",
            Raw::Int(_) => "un entier",
            Raw::Float(_) | Raw::Number(_) => "un nombre",
            Raw::Str(_) | Raw::Flag(_) => "une chaîne",
            Raw::Date(_) => "une date",
            Raw::List(_) => "une liste",
            Raw::Other(t) => t,
        }
    }
}

/// A value of the field as it is written in JSON (and in rule files, dates aside).
#[must_use]
pub fn example_literal(field: FieldId) -> String {
    match field.def().kind {
        Kind::Text => "\"p-0001\"".into(),
        Kind::Departement => "\"45\"".into(),
        Kind::Commune => "\"Orléans\" ou \"45234\"".into(),
        Kind::CodePostal => "\"45000\"".into(),
        Kind::Region => "\"occitanie\"".into(),
        Kind::Choice(values) => format!(
            "\"{}\"",
            values
                .iter()
                .find(|v| **v == "medecine-generale")
                .unwrap_or(&values[0])
        ),
        Kind::IntChoice(values) => values[0].to_string(),
        Kind::Bool => "true".into(),
        Kind::Number { .. } => "2.5".into(),
        Kind::Integer { .. } => "4".into(),
        Kind::Date => "\"2026-03-01\" en JSON, 2026-03-01 en TOML".into(),
        Kind::List(values) => format!("[\"{}\"]", values[0]),
    }
}

/// What a field accepts, in words, for messages.
#[must_use]
pub fn expected(field: FieldId, refs: &Referentiel) -> String {
    match field.def().kind {
        Kind::Text => "une chaîne".into(),
        Kind::Commune => {
            "un nom de commune ou un code INSEE entre guillemets : \"Orléans\", \"45234\"".into()
        }
        Kind::CodePostal => "un code postal entre guillemets : \"45000\"".into(),
        Kind::Departement => {
            "un code de département entre guillemets : \"45\", \"2A\", \"971\"".into()
        }
        Kind::Region => format!(
            "une région parmi {}",
            quoted(refs.regions.iter().map(|r| r.slug.as_str()))
        ),
        Kind::Choice(values) => format!("une valeur parmi {}", quoted(values.iter().copied())),
        Kind::IntChoice(values) => {
            let v: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("un entier parmi {}", v.join(", "))
        }
        Kind::Bool => "true ou false".into(),
        Kind::Number {
            min,
            max,
            min_exclusive,
            step,
        } => {
            let low = if min_exclusive {
                "supérieur à"
            } else {
                "d'au moins"
            };
            let step = step.map_or(String::new(), |s| format!(", par pas de {}", fmt_num(s)));
            format!(
                "un nombre {low} {} et d'au plus {}{step}",
                fmt_num(min),
                fmt_num(max)
            )
        }
        Kind::Integer { min } => format!("un entier d'au moins {min}"),
        Kind::Date => "une date AAAA-MM-JJ, par exemple 2026-03-01".into(),
        Kind::List(values) => format!(
            "une liste de valeurs parmi {} (liste vide : aucune)",
            quoted(values.iter().copied())
        ),
    }
}

fn quoted<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = values.map(|v| format!("«\u{a0}{v}\u{a0}»")).collect();
    v.join(", ")
}

/// Parses a date `AAAA-MM-JJ`, telling an impossible date from a malformed one.
///
/// # Errors
/// A French message and a help line.
pub fn parse_date(text: &str) -> Result<NaiveDate, (String, String)> {
    parse_ymd(
        text,
        text,
        "format attendu AAAA-MM-JJ, par exemple 2026-03-01",
    )
}

/// Parses `AAAA-MM-JJ`; the messages show the date as the person wrote it (`shown`) and `help`.
fn parse_ymd(text: &str, shown: &str, help: &str) -> Result<NaiveDate, (String, String)> {
    let help = || help.to_owned();
    let parts: Vec<&str> = text.trim().split('-').collect();
    let nums: Option<Vec<u32>> =
        if parts.len() == 3 && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2 {
            parts.iter().map(|p| p.parse().ok()).collect()
        } else {
            None
        };
    let Some(n) = nums else {
        return Err((format!("« {} » n'est pas une date", echo(shown)), help()));
    };
    let year = i32::try_from(n[0]).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, n[1], n[2]).ok_or_else(|| {
        let msg = if (1..=12).contains(&n[1]) {
            format!(
                "la date {shown} n'existe pas (ce mois n'a pas de {}e jour)",
                n[2]
            )
        } else {
            format!("la date {shown} n'existe pas (mois {} invalide)", n[1])
        };
        (msg, help())
    })
}

const TYPED_DATE_HELP: &str = "format attendu JJ/MM/AAAA (ou AAAA-MM-JJ), par exemple 02/03/2026";

/// Parses a date typed by a person: `JJ/MM/AAAA` (the form the tool prints) or `AAAA-MM-JJ`.
///
/// # Errors
/// A French message and a help line.
pub fn parse_date_typed(text: &str) -> Result<NaiveDate, (String, String)> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('/').collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 4
        && (1..=2).contains(&d.len())
        && (1..=2).contains(&m.len())
    {
        return parse_ymd(&format!("{y}-{m:0>2}-{d:0>2}"), t, TYPED_DATE_HELP);
    }
    parse_ymd(t, t, TYPED_DATE_HELP)
}

/// Checks a raw value against a field's type and domain.
///
/// # Errors
/// What is wrong and the accepted values.
// One arm per (field type, raw value) pair, each with its message: the match is the table of what each
// type accepts, and reads best whole.
#[allow(clippy::too_many_lines)]
pub fn parse_value(field: FieldId, raw: &Raw<'_>, refs: &Referentiel) -> Result<Value, FieldError> {
    let def = field.def();
    let err = |message: String, help: Option<String>| FieldError {
        field: def.name.to_owned(),
        message,
        help,
        wrong_type: false,
    };
    let wrong_type = || FieldError {
        wrong_type: true,
        ..err(
            format!("attend {}, pas {}", expected(field, refs), raw.type_name()),
            Some(format!("par exemple : {}", example_literal(field))),
        )
    };
    if let (Raw::Flag(s), Kind::Date) = (raw, def.kind) {
        return parse_date_typed(s)
            .map(Value::Date)
            .map_err(|(m, h)| err(m, Some(h)));
    }
    if let Raw::Flag(s) = raw
        && matches!(
            def.kind,
            Kind::Text
                | Kind::Commune
                | Kind::CodePostal
                | Kind::Departement
                | Kind::Region
                | Kind::Choice(_)
        )
    {
        return parse_value(field, &Raw::Str(s), refs);
    }
    match (def.kind, raw) {
        (Kind::Text, Raw::Str(s)) => Ok(Value::Text((*s).into())),
        // Checked with the rest of the place by `Profile::resolve_region`.
        (Kind::Commune | Kind::CodePostal, Raw::Str(s)) => Ok(Value::Text(s.trim().into())),
        (Kind::Departement, Raw::Str(s)) => refs
            .departement_id(s)
            .map(|d| Value::Choice(d.0))
            .ok_or_else(|| {
                err(
                    format!("département « {} » inconnu", echo(s)),
                    Some(if s.trim() == "20" {
                        "la Corse a deux départements : \"2A\" (Corse-du-Sud) et \"2B\" (Haute-Corse)".to_owned()
                    } else if s.trim().len() == 5 && s.trim().chars().all(|c| c.is_ascii_digit()) {
                        format!("{} est un code postal : donnez-le comme code postal (--code-postal {}, ou la clé code_postal), ou le département (2 ou 3 caractères)", s.trim(), s.trim())
                    } else {
                        // A number is no spelling slip: 975 is not the 75, nor the 971.
                        let numeric = s.trim().bytes().all(|b| b.is_ascii_digit());
                        let codes = refs
                            .departements
                            .iter()
                            .map(|d| d.code.as_str())
                            .filter(|_| !numeric);
                        did_you_mean(s, codes).unwrap_or_else(|| {
                            "un code de département : \"01\" à \"95\", \"2A\", \"2B\", \"971\" à \"976\"".to_owned()
                        })
                    }),
                )
            }),
        (Kind::Region, Raw::Str(s)) => refs.region_id(s).map(|r| Value::Choice(r.0)).ok_or_else(|| {
            err(
                format!("région « {} » inconnue", echo(s)),
                Some(refs.region_help(s)),
            )
        }),
        (Kind::Choice(values), Raw::Str(s)) => choice(field, values, s, refs),
        (Kind::Number { .. } | Kind::Integer { .. } | Kind::IntChoice(_), Raw::Number(t)) => {
            number_text(field, t, t, refs)
        }
        (Kind::IntChoice(_) | Kind::Integer { .. }, Raw::Int(n)) => int_value(field, *n, &n.to_string(), refs),
        (Kind::IntChoice(values), Raw::Flag(s)) => match s.trim().parse::<i64>() {
            Ok(n) if values.contains(&n) => parse_value(field, &Raw::Int(n), refs),
            _ => Err(err(format!("valeur « {} » non acceptée", echo(s)), Some(expected(field, refs)))),
        },
        (Kind::Bool, Raw::Bool(b)) => Ok(Value::Bool(*b)),
        (Kind::Bool, Raw::Flag(s)) => parse_oui_non(s)
            .map(Value::Bool)
            .ok_or_else(|| err(format!("« {} » n'est pas oui/non", echo(s)), Some("true ou false (oui/non en ligne de commande)".into()))),
        (Kind::Number { .. }, Raw::Int(n)) => {
            #[allow(clippy::cast_precision_loss)]
            let x = *n as f64;
            check_number(field, x, None, refs)
        }
        (Kind::Number { .. }, Raw::Float(x)) => check_number(field, *x, None, refs),
        (Kind::Integer { .. }, Raw::Float(x)) if x.fract() == 0.0 && x.abs() < 1e15 => {
            #[allow(clippy::cast_possible_truncation)]
            parse_value(field, &Raw::Int(*x as i64), refs)
        }
        (Kind::Number { .. } | Kind::Integer { .. }, Raw::Flag(s)) => {
            let t = s.trim().replace(',', ".");
            if t.parse::<f64>().is_ok() {
                number_text(field, &t, s.trim(), refs)
            } else {
                Err(err(format!("« {} » n'est pas un nombre", echo(s)), Some(expected(field, refs))))
            }
        }
        (Kind::Date, Raw::Date(d)) => Ok(Value::Date(*d)),
        (Kind::Date, Raw::Str(s)) => parse_date(s).map(Value::Date).map_err(|(m, h)| err(m, Some(h))),
        (Kind::List(values), Raw::List(items)) => {
            let mut set = 0u32;
            for item in items {
                let Raw::Str(s) = item else {
                    return Err(err(format!("chaque élément de la liste doit être une chaîne, pas {}", item.type_name()), Some(expected(field, refs))));
                };
                let i = choice_index(values, s).ok_or_else(|| {
                    err(
                        format!("valeur « {} » non acceptée", echo(s)),
                        Some(did_you_mean(s, values.iter().copied()).unwrap_or_else(|| expected(field, refs))),
                    )
                })?;
                set |= 1 << i;
            }
            Ok(Value::Set(set))
        }
        (Kind::List(_), Raw::Flag(s)) => {
            let t = s.trim();
            if t.is_empty() || t == "aucun" || t == "aucune" {
                return Ok(Value::Set(0));
            }
            let items: Vec<Raw<'_>> = t.split(',').map(|p| Raw::Str(p.trim())).collect();
            parse_value(field, &Raw::List(items), refs)
        }
        _ => Err(wrong_type()),
    }
}

/// A value of a closed set: as written, or written another way (case, accents, spaces), or a word
/// of the synonyms table (`generaliste`). A word that names several values is refused with their list;
/// a suggestion is offered only for a spelling slip, never another value.
fn choice(
    field: FieldId,
    values: &[&str],
    s: &str,
    refs: &Referentiel,
) -> Result<Value, FieldError> {
    if let Some(i) = choice_index(values, s) {
        return Ok(Value::Choice(i));
    }
    let key = crate::fr::cle(s);
    if let Some(i) = values
        .iter()
        .position(|v| crate::fr::cle(v) == key)
        .and_then(|i| u16::try_from(i).ok())
    {
        return Ok(Value::Choice(i));
    }
    let err = |message: String, help: String| FieldError {
        field: field.name().to_owned(),
        message,
        help: Some(help),
        wrong_type: false,
    };
    match refs.synonyme(field, &key) {
        Some([one]) => return Ok(Value::Choice(*one)),
        Some(many) => {
            let names: Vec<&str> = many.iter().map(|i| values[usize::from(*i)]).collect();
            return Err(err(
                format!(
                    "« {} » désigne plusieurs valeurs : {}",
                    echo(s),
                    names.join(", ")
                ),
                format!(
                    "précisez laquelle, par exemple --{} {}",
                    field.flag(),
                    names[0]
                ),
            ));
        }
        None => {}
    }
    let words = values.iter().copied().chain(refs.synonymes_of(field));
    // The values that hold what was typed (`gyneco`), before the whole list.
    let holding: Vec<&str> = values
        .iter()
        .copied()
        .filter(|v| key.len() >= 3 && v.contains(key.as_str()))
        .collect();
    let help = crate::diagnostic::suggest_spelling(&key, words).map_or_else(
        || {
            if holding.is_empty() {
                expected(field, refs)
            } else {
                format!("une valeur parmi {}", quoted(holding.iter().copied()))
            }
        },
        |w| {
            let canonical = refs
                .synonyme(field, w)
                .and_then(|v| v.first())
                .map_or(w, |i| values[usize::from(*i)]);
            format!("vouliez-vous dire « {canonical} » ?")
        },
    );
    Err(err(format!("valeur « {} » non acceptée", echo(s)), help))
}

fn choice_index(values: &[&str], s: &str) -> Option<u16> {
    values
        .iter()
        .position(|v| *v == s)
        .and_then(|i| u16::try_from(i).ok())
}

/// A whole number written as an integer (`4`) or a float with no fraction (`4.0`, `4e0`).
/// A number of a numeric field, from its JSON text `t` (`2.5`); the messages say it as the person
/// wrote it (`written`: `2,5` on the command line).
fn number_text(
    field: FieldId,
    t: &str,
    written: &str,
    refs: &Referentiel,
) -> Result<Value, FieldError> {
    let err = |message: String| FieldError {
        field: field.name().to_owned(),
        message,
        help: Some(expected(field, refs)),
        wrong_type: false,
    };
    if let Kind::Number { .. } = field.def().kind {
        return match t.parse::<f64>() {
            Ok(x) => check_number(field, x, Some(written), refs),
            Err(_) => Err(err(format!("« {} » n'est pas un nombre", echo(written)))),
        };
    }
    match whole(t) {
        Some(n) => int_value(field, n, &echo(written), refs),
        None if t
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit()) =>
        {
            Err(err(format!(
                "{} est trop {}",
                echo(written),
                if t.starts_with('-') { "petit" } else { "grand" }
            )))
        }
        None => Err(err(format!("{} n'est pas un nombre entier", echo(written)))),
    }
}

/// A whole number of an `Integer` or `IntChoice` field; the messages say it as `written`.
fn int_value(
    field: FieldId,
    n: i64,
    written: &str,
    refs: &Referentiel,
) -> Result<Value, FieldError> {
    let err = |message: String| FieldError {
        field: field.name().to_owned(),
        message,
        help: Some(expected(field, refs)),
        wrong_type: false,
    };
    match field.def().kind {
        Kind::IntChoice(values) => values
            .iter()
            .position(|v| *v == n)
            .and_then(|i| u16::try_from(i).ok())
            .map(Value::Choice)
            .ok_or_else(|| err(format!("valeur {written} non acceptée"))),
        #[allow(clippy::cast_precision_loss)]
        Kind::Integer { min } if n >= min => Ok(Value::Num(n as f64)),
        Kind::Integer { .. } => Err(err(format!("{written} est trop petit"))),
        // Only the whole-number kinds come here.
        _ => Err(err(format!("valeur {written} non acceptée"))),
    }
}

fn whole(t: &str) -> Option<i64> {
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    let x: f64 = t.parse().ok()?;
    #[allow(clippy::cast_possible_truncation)]
    (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64)
}

/// `literal`: the number as written, echoed in the message rather than its conversion.
fn check_number(
    field: FieldId,
    x: f64,
    literal: Option<&str>,
    refs: &Referentiel,
) -> Result<Value, FieldError> {
    if check_value(field, &Value::Num(x)) {
        Ok(Value::Num(x))
    } else {
        Err(FieldError {
            field: field.name().to_owned(),
            message: format!(
                "{} est hors des valeurs acceptées",
                literal.map_or_else(|| fmt_num(x), |t| echo(t).into_owned())
            ),
            help: Some(expected(field, refs)),
            wrong_type: false,
        })
    }
}

/// Whether a value is within its field's domain (a number in its range and on its step); values of other
/// kinds are built from the domain and always are.
#[must_use]
pub fn check_value(field: FieldId, value: &Value) -> bool {
    match (field.def().kind, value) {
        (
            Kind::Number {
                min,
                max,
                min_exclusive,
                step,
            },
            Value::Num(x),
        ) => {
            let low_ok = if min_exclusive { *x > min } else { *x >= min };
            let step_ok = step.is_none_or(|s| ((x / s).round() * s - x).abs() < 1e-9);
            x.is_finite() && low_ok && *x <= max && step_ok
        }
        (Kind::Integer { min }, Value::Num(x)) => {
            #[allow(clippy::cast_precision_loss)]
            let min = min as f64;
            x.fract() == 0.0 && *x >= min
        }
        _ => true,
    }
}

/// `oui`/`non` and their English and boolean spellings.
#[must_use]
pub fn parse_oui_non(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "oui" | "o" | "true" | "vrai" | "yes" | "1" => Some(true),
        "non" | "n" | "false" | "faux" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// The value as written in a profile (for messages and `show`).
#[must_use]
pub fn display_value(field: FieldId, value: &Value, refs: &Referentiel) -> String {
    match (field.def().kind, value) {
        (Kind::Choice(values), Value::Choice(i)) => values[usize::from(*i)].to_owned(),
        (Kind::IntChoice(values), Value::Choice(i)) => values[usize::from(*i)].to_string(),
        (Kind::Departement, Value::Choice(i)) => refs.departements[usize::from(*i)].code.clone(),
        (Kind::Region, Value::Choice(i)) => refs.regions[usize::from(*i)].slug.clone(),
        (Kind::List(values), Value::Set(set)) => {
            let v: Vec<&str> = values
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, v)| *v)
                .collect();
            format!("[{}]", v.join(", "))
        }
        (_, Value::Bool(b)) => if *b { "oui" } else { "non" }.to_owned(),
        (_, Value::Num(x)) => fmt_num(*x),
        (_, Value::Date(d)) => d.format("%Y-%m-%d").to_string(),
        (_, Value::Text(t)) => t.to_string(),
        (_, Value::Choice(i)) => i.to_string(),
        (_, Value::Set(s)) => s.to_string(),
    }
}
