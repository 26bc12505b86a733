//! One JSON value read as a profile: each key checked against the vocabulary and each value against its
//! field, straight from the text (values borrowed, not built as `serde_json::Value`), with
//! `serde_json`'s syntax errors said in French. Every shape of input (NDJSON lines, array elements,
//! pretty-printed objects) parses its items here.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Problem;
use crate::profile::{self, FieldError, FieldId, Profile, Raw, ids};
use crate::referentiel::Referentiel;

/// A profile object as read: its `id` (read even when another field is wrong) and the profile.
pub(super) struct Parsed {
    pub(super) id: Option<Box<str>>,
    pub(super) profile: Result<Box<Profile>, Problem>,
}

/// Reads one profile object, checking each key against the vocabulary and each value against its
/// field, straight from the JSON text (values are borrowed, not built as `serde_json::Value`).
struct ProfileSeed<'a> {
    refs: &'a Referentiel,
}

impl<'de> DeserializeSeed<'de> for ProfileSeed<'_> {
    type Value = Parsed;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn not_an_object(what: &str) -> Parsed {
    Parsed {
        id: None,
        profile: Err(Problem::whole(
            format!("{what} reçu, un objet JSON attendu"),
            "un profil s'écrit {\"zone\": \"ZIP\", \"secteur\": 1, …}",
        )),
    }
}

/// The keys seen in one object, to refuse a key given twice.
#[derive(Default)]
struct Seen(u64);

const _: () = assert!(profile::FIELD_COUNT <= 64, "Seen holds one bit per field");

impl Seen {
    /// Records `field`; false when it was already there.
    fn insert(&mut self, field: FieldId) -> bool {
        let bit = 1u64 << field.0;
        let new = self.0 & bit == 0;
        self.0 |= bit;
        new
    }
}

/// A key of a profile object: a field of the vocabulary, found without allocating, or the unknown
/// text (for the error message).
enum Key {
    Field(FieldId),
    Unknown(String),
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("un nom de champ")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(profile::field_id(key).map_or_else(|| Key::Unknown(key.to_owned()), Key::Field))
    }
}

impl<'de> Visitor<'de> for ProfileSeed<'_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("un profil (objet JSON)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Boxed from the start: the profile is filled in place and handed on without being copied.
        let mut profile = Box::<Profile>::default();
        let mut problem: Option<Problem> = None;
        let mut seen = Seen::default();
        let mut id_text: Option<&'de RawValue> = None;
        while let Some(key) = map.next_key::<Key>()? {
            let raw: &'de RawValue = map.next_value()?;
            let field = match key {
                Key::Field(field) => field,
                Key::Unknown(key) => {
                    problem.get_or_insert_with(|| profile::unknown_key(&key).into());
                    continue;
                }
            };
            if !seen.insert(field) {
                problem.get_or_insert_with(|| Problem {
                    field: Some(profile::FIELDS[usize::from(field.0)].name.to_owned()),
                    message: "donné deux fois dans le même profil".into(),
                    help: Some("gardez une seule valeur pour ce champ".into()),
                    at: None,
                    too_long: false,
                });
                continue;
            }
            if field == ids::ID {
                id_text = Some(raw);
            }
            if problem.is_some() {
                continue;
            }
            if let Err(e) = read_value(field, raw.get(), self.refs, &mut profile) {
                problem = Some(e.into());
            }
        }
        Ok(match problem {
            None => Parsed {
                id: None,
                profile: Ok(profile),
            },
            // The id of a profile that could not be read, so that its error line can be rejoined.
            Some(problem) => Parsed {
                id: id_text
                    .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
                    .map(String::into_boxed_str),
                profile: Err(problem),
            },
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(not_an_object("une liste"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(not_an_object("un booléen"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(not_an_object("un nombre"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(not_an_object("un nombre"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(not_an_object("un nombre"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(not_an_object("une chaîne"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(not_an_object("null"))
    }
}

/// Checks the JSON text of one value (already valid JSON) against its field and stores it. Plain
/// scalars are read from the text itself; strings with escapes and lists go through `serde_json`.
fn read_value(
    field: FieldId,
    text: &str,
    refs: &Referentiel,
    profile: &mut Profile,
) -> Result<(), FieldError> {
    let raw = match text.as_bytes().first() {
        Some(b'n') => return Ok(()),
        Some(b't') => Raw::Bool(true),
        Some(b'f') => Raw::Bool(false),
        Some(b'"') if !text.contains('\\') => Raw::Str(&text[1..text.len() - 1]),
        Some(b'-' | b'0'..=b'9') => Raw::Number(text),
        Some(b'{') => Raw::Other("un objet"),
        _ => {
            // The parser's own error: a lone UTF-16 half, a list nested too deep.
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| FieldError {
                    field: field.name().into(),
                    message: json_error_fr(&e.to_string()),
                    help: Some(
                        "écrivez la valeur en JSON simple : une chaîne, un nombre, un booléen ou une liste de chaînes"
                            .into(),
                    ),
                    wrong_type: false,
                })?;
            let raw = json_to_raw(&value);
            let v = profile::parse_value(field, &raw, refs)?;
            profile.set(field, Some(v));
            return Ok(());
        }
    };
    let v = profile::parse_value(field, &raw, refs)?;
    profile.set(field, Some(v));
    Ok(())
}

fn json_to_raw(v: &serde_json::Value) -> Raw<'_> {
    match v {
        serde_json::Value::Null => Raw::Null,
        serde_json::Value::Bool(b) => Raw::Bool(*b),
        serde_json::Value::Number(n) => n.as_i64().map_or_else(
            || n.as_f64().map_or(Raw::Other("un nombre"), Raw::Float),
            Raw::Int,
        ),
        serde_json::Value::String(s) => Raw::Str(s),
        serde_json::Value::Array(items) => Raw::List(items.iter().map(json_to_raw).collect()),
        serde_json::Value::Object(_) => Raw::Other("un objet"),
    }
}

/// `serde_json`'s messages in French (every message of its `ErrorCode`); another one keeps its text in
/// a French frame.
fn json_error_fr(text: &str) -> String {
    const KNOWN: [(&str, &str); 20] = [
        (
            "trailing comma",
            "virgule en trop avant la fin de l'objet ou du tableau",
        ),
        ("trailing characters", "caractères en trop après la valeur"),
        ("number out of range", "nombre hors des limites"),
        (
            "control character",
            "retour à la ligne ou caractère de contrôle dans une chaîne (guillemet fermant manquant ?)",
        ),
        (
            "expected value",
            "valeur attendue (une chaîne s'écrit entre guillemets)",
        ),
        (
            "expected `,` or `}`",
            "virgule ou accolade fermante attendue",
        ),
        ("expected `,` or `]`", "virgule ou crochet fermant attendu"),
        ("expected `:`", "deux-points attendus après la clé"),
        ("expected `\"`", "guillemet attendu"),
        (
            "expected ident",
            "mot inconnu (true, false et null s'écrivent en minuscules)",
        ),
        ("key must be a string", "une clé s'écrit entre guillemets"),
        (
            "invalid escape",
            "séquence d'échappement invalide dans une chaîne",
        ),
        ("invalid number", "nombre mal écrit"),
        (
            "invalid unicode code point",
            "caractère Unicode invalide dans une chaîne",
        ),
        (
            "lone leading surrogate",
            "échappement \\u incomplet (demi-caractère UTF-16 seul)",
        ),
        (
            "unexpected end of hex escape",
            "échappement \\u incomplet (4 chiffres hexadécimaux attendus)",
        ),
        (
            "recursion limit exceeded",
            "imbrication trop profonde (un profil n'a pas de listes imbriquées)",
        ),
        ("invalid value", "valeur invalide"),
        ("float key must be finite", "clé numérique invalide"),
        ("EOF while parsing", "fin du texte au milieu d'une valeur"),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| text.starts_with(en))
        .map_or_else(
            || format!("syntaxe JSON incorrecte (message de l'analyseur : {text})"),
            |(_, fr)| (*fr).to_owned(),
        )
}

/// The outcome of parsing one piece of text as a profile.
// Returned once per item and consumed at once: boxing the profile would cost an allocation per item.
#[allow(clippy::large_enum_variant)]
pub(super) enum Parse {
    Done(Parsed),
    /// The text ends inside the value (more lines may complete it).
    Incomplete,
    /// A syntax error at a 1-based line and column of the text.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
}

pub(super) fn parse(text: &str, refs: &Referentiel) -> Parse {
    // A byte order mark starts each file of a concatenation (`cat a.ndjson b.ndjson`): not data.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let seed = ProfileSeed { refs };
    match seed.deserialize(&mut de).and_then(|p| de.end().map(|()| p)) {
        Ok(p) => Parse::Done(p),
        Err(e) if e.is_eof() => Parse::Incomplete,
        Err(e) => {
            let text = e.to_string();
            let text = text.split(" at line ").next().unwrap_or(&text);
            Parse::Syntax {
                line: e.line(),
                column: e.column().max(1),
                message: json_error_fr(text),
            }
        }
    }
}
