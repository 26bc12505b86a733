//! Reading profiles from JSON: one object, an array of objects, or NDJSON (one object a line), detected
//! from the first bytes and streamed from the `BufRead` it is handed, so memory stays flat. Each key is
//! checked against the profile vocabulary as it is read; a bad line becomes an `Item` carrying its error.

use std::cell::RefCell;
use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, Result};
use crate::profile::{self, FieldError, Profile, Raw};
use crate::rules::referentiel::Referentiel;

/// The message of a bad field, prefixed by where it was (`ligne 3`), with the help on its own line.
#[must_use]
pub fn input_error(context: &str, e: &FieldError) -> String {
    let mut message = if profile::field_id(&e.field).is_some() || !e.field.starts_with('(') {
        format!("{context} : champ « {} » : {}", e.field, e.message)
    } else {
        format!("{context} : {}", e.message)
    };
    if let Some(h) = &e.help {
        message.push_str(&format!("\n  aide : {h}"));
    }
    message
}

/// Reads one profile object from JSON, checking each key against the vocabulary.
struct ProfileSeed<'a> {
    refs: &'a Referentiel,
}

impl<'de> DeserializeSeed<'de> for ProfileSeed<'_> {
    type Value = std::result::Result<Profile, FieldError>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn not_an_object(what: &str) -> FieldError {
    FieldError {
        field: "(profil)".into(),
        message: format!("{what} reçu, un objet JSON attendu"),
        help: Some("un profil s'écrit {\"zone\": \"ZIP\", \"secteur\": 1, …}".into()),
        wrong_type: true,
    }
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

impl<'de> Visitor<'de> for ProfileSeed<'_> {
    type Value = std::result::Result<Profile, FieldError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("un profil (objet JSON)")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut profile = Profile::default();
        let mut error = None;
        let mut seen = 0u32;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if error.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let Some(field) = profile::field_id(&key) else {
                error = Some(profile::unknown_key(&key));
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if seen & (1 << field.0) != 0 {
                error = Some(FieldError {
                    field: key.to_string(),
                    message: "donné deux fois dans le même profil".into(),
                    help: Some("gardez une seule valeur pour ce champ".into()),
                    wrong_type: false,
                });
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            seen |= 1 << field.0;
            let value: serde_json::Value = map.next_value()?;
            let raw = json_to_raw(&value);
            if raw == Raw::Null {
                continue;
            }
            match profile::parse_value(field, &raw, self.refs) {
                Ok(v) => profile.set(field, Some(v)),
                Err(e) => error = Some(e),
            }
        }
        Ok(error.map_or(Ok(profile), Err))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(not_an_object("une liste")))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un booléen")))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("une chaîne")))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("null")))
    }
}

/// `serde_json`'s usual messages in French; others keep their English text in parentheses.
fn json_error_fr(text: &str) -> String {
    const KNOWN: [(&str, &str); 10] = [
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
        ("key must be a string", "une clé s'écrit entre guillemets"),
        (
            "invalid escape",
            "séquence d'échappement invalide dans une chaîne",
        ),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| text.starts_with(en))
        .map_or_else(
            || format!("syntaxe incorrecte ({text})"),
            |(_, fr)| (*fr).to_owned(),
        )
}

/// A JSON syntax error in French: where (serde's line plus `line_offset`, and column) and what. An input
/// that ends inside a value names the line where that value started.
fn json_syntax(e: &serde_json::Error, line_offset: usize, started: usize) -> String {
    if e.classify() == serde_json::error::Category::Eof {
        return format!(
            "JSON invalide : la valeur commencée ligne {started} n'est pas fermée (accolade ou crochet manquant ?)"
        );
    }
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!(
        "JSON invalide ligne {}, colonne {} : {}",
        e.line() + line_offset,
        e.column().max(1),
        json_error_fr(text)
    )
}

/// One item of the input: where it was, and the profile or what is wrong with it.
pub struct Item {
    /// 1-based line (NDJSON, single object) or position in the array.
    pub ligne: usize,
    pub in_array: bool,
    pub profile: std::result::Result<Profile, String>,
}

/// Streams the profiles of `reader` (one object, an array, or NDJSON) to `each`, with constant memory.
/// Returns whether the input was a JSON array, or `Err` for an input that cannot be read at all (a
/// syntax error outside NDJSON).
///
/// # Errors
/// An input that cannot be read at all.
pub fn stream_profiles(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<bool> {
    let io_err = |source| Error::Io {
        path: "--input".into(),
        source,
    };
    // Find the first non-blank byte to tell an array from objects.
    let first = loop {
        let buf = reader.fill_buf().map_err(io_err)?;
        if buf.is_empty() {
            return Err(Error::Input {
                message: "--input : entrée vide, aucun profil\n  aide : un objet JSON, un tableau d'objets, ou un objet par ligne (NDJSON)".into(),
            });
        }
        if let Some(i) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
            break buf[i];
        }
        let n = buf.len();
        reader.consume(n);
    };
    let wrap = |r: std::result::Result<Profile, FieldError>, ctx: &str| {
        r.map_err(|e| input_error(ctx, &e))
    };
    if first == b'[' {
        return stream_array(reader, refs, each, &wrap).map(|()| true);
    }
    // NDJSON, or one (possibly multi-line) object: read line by line; a line that is an incomplete
    // value switches to reading the rest as a stream of values.
    let mut line = String::new();
    let mut n = 0;
    // Only the first profile may span several lines (one pretty-printed object); after that the input
    // is NDJSON, and a line cut short is a bad line like any other.
    let mut first_line = true;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(io_err)?;
        if read == 0 {
            return Ok(false);
        }
        n += 1;
        if line.trim().is_empty() {
            continue;
        }
        // Without its line break, a line cut inside a string is reported on its own line.
        let mut de = serde_json::Deserializer::from_str(line.trim_end_matches(['\n', '\r']));
        let parsed = ProfileSeed { refs }
            .deserialize(&mut de)
            .and_then(|p| de.end().map(|()| p));
        match parsed {
            Ok(p) => each(Item {
                ligne: n,
                in_array: false,
                profile: wrap(p, &format!("ligne {n}")),
            })?,
            Err(e) if e.is_eof() && first_line => {
                let mut rest = std::mem::take(&mut line);
                reader.read_to_string(&mut rest).map_err(io_err)?;
                let start = n;
                let mut stream =
                    serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
                for value in stream.by_ref() {
                    match value {
                        Ok(v) => {
                            let p =
                                ProfileSeed { refs }
                                    .deserialize(v)
                                    .map_err(|e| Error::Input {
                                        message: e.to_string(),
                                    })?;
                            each(Item {
                                ligne: start,
                                in_array: false,
                                profile: wrap(p, "profil"),
                            })?;
                        }
                        Err(e) => {
                            return Err(Error::Input {
                                message: format!("--input : {}", json_syntax(&e, start - 1, start)),
                            });
                        }
                    }
                }
                return Ok(false);
            }
            Err(e) => each(Item {
                ligne: n,
                in_array: false,
                profile: Err(json_syntax(&e, n - 1, n)),
            })?,
        }
        first_line = false;
    }
}

/// Turns a profile's field error into the message of its input line.
type Wrap<'a> = dyn Fn(std::result::Result<Profile, FieldError>, &str) -> std::result::Result<Profile, String>
    + 'a;

fn stream_array(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    each: &mut dyn FnMut(Item) -> Result<()>,
    wrap: &Wrap<'_>,
) -> Result<()> {
    struct Elements<'a, 'b> {
        refs: &'a Referentiel,
        each: &'a mut dyn FnMut(Item) -> Result<()>,
        wrap: &'a Wrap<'a>,
        failure: &'b RefCell<Option<Error>>,
    }
    impl<'de> Visitor<'de> for Elements<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("un tableau de profils")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            let mut i = 0;
            while let Some(p) = seq.next_element_seed(ProfileSeed { refs: self.refs })? {
                i += 1;
                let item = Item {
                    ligne: i,
                    in_array: true,
                    profile: (self.wrap)(p, &format!("profil n° {i} du tableau")),
                };
                if let Err(e) = (self.each)(item) {
                    *self.failure.borrow_mut() = Some(e);
                    return Err(de::Error::custom("arrêt"));
                }
            }
            Ok(())
        }
    }
    let failure = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = de
        .deserialize_seq(Elements {
            refs,
            each,
            wrap,
            failure: &failure,
        })
        .and_then(|()| de.end());
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    result.map_err(|e| Error::Input {
        message: format!("--input : {}", json_syntax(&e, 0, 1)),
    })
}
