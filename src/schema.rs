//! The JSON Schemas (draft 2020-12) of the advisors' contract (SPEC §1 `aides schema`): the input
//! profile, built from the profile vocabulary (types, domains, French help and questions), and the
//! `--format json` report and `--format ndjson` line, generated from the Rust types that are serialised.
//! Pure: the shell prints them; `schemas/` holds the committed copies, which a test compares.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::profile::{FIELDS, Kind};
use crate::referentiel::Referentiel;
use crate::report::{Compact, LigneErreur, Rapport};

/// The schemas `aides schema` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// A profile given to `--input` (one object; a batch is an array of them or one per line), as
    /// the reader accepts it: a closed value also written another way (case, accents, spaces) or as a
    /// word of the synonyms table (`generaliste`).
    Profil,
    /// The same profile, closed values written only as the tool writes them (`medecine-generale`):
    /// `aides schema profil --canonique`.
    ProfilCanonique,
    /// The report of `--format json`.
    Rapport,
    /// A line of `--format ndjson`.
    Compact,
}

impl Schema {
    pub const ALL: [Schema; 4] = [
        Schema::Profil,
        Schema::ProfilCanonique,
        Schema::Rapport,
        Schema::Compact,
    ];

    /// The name on the command line and of the committed file (`schemas/<nom>.schema.json`).
    #[must_use]
    pub fn nom(self) -> &'static str {
        match self {
            Schema::Profil => "profil",
            Schema::ProfilCanonique => "profil-canonique",
            Schema::Rapport => "rapport",
            Schema::Compact => "compact",
        }
    }

    /// The schema, with the reference data's regions for `region`.
    #[must_use]
    pub fn generate(self, refs: &Referentiel) -> Value {
        match self {
            Schema::Profil => profil(refs, false),
            Schema::ProfilCanonique => profil(refs, true),
            Schema::Rapport => with_error_line::<Rapport<'static>>(
                "aides : réponse pour un profil (aides check --format json)",
                "Un objet par profil ; pour un lot, un tableau de ces objets. Un profil illisible y est remplacé, à sa place, par une ligne d'erreur.",
            ),
            Schema::Compact => with_error_line::<Compact<'static>>(
                "aides : réponse compacte, une ligne de aides check --format ndjson",
                "Un objet par profil et par ligne ; un profil illisible y est remplacé, à sa place, par une ligne d'erreur.",
            ),
        }
    }
}

fn settings() -> SchemaSettings {
    SchemaSettings::draft2020_12()
}

/// The schema of `T`, or of the error line that takes a profile's place in a batch.
fn with_error_line<T: schemars::JsonSchema>(title: &str, description: &str) -> Value {
    let mut generator = settings().into_generator();
    let main = generator.subschema_for::<T>();
    let error = generator.subschema_for::<LigneErreur<'static>>();
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
        "oneOf": [main, error],
    });
    let defs: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    root["$defs"] = Value::Object(defs);
    root
}

/// The profile, from the vocabulary; `canonique`: closed values only as the tool writes them.
fn profil(refs: &Referentiel, canonique: bool) -> Value {
    let mut properties = Map::new();
    for f in FIELDS {
        let mut description = f.help.trim_end_matches('.').to_owned();
        description.push('.');
        if !f.question.is_empty() {
            description.push_str(&format!(" Question posée : « {} »", f.question));
        }
        if f.kind != Kind::Text {
            description.push_str(" Absent ou null : inconnu.");
        }
        let mut p = Map::new();
        p.insert("description".into(), Value::String(description));
        let schema = match (f.kind, canonique) {
            (Kind::Choice(values), false) => lenient_choice(values, id_of(f.name), refs),
            (kind, _) => field_schema(kind, refs),
        };
        if let Value::Object(o) = schema {
            p.extend(o);
        }
        properties.insert(f.name.into(), Value::Object(p));
    }
    let (title, how) = if canonique {
        (
            "aides : profil d'un médecin, forme canonique (aides schema profil --canonique)",
            " Forme canonique : les valeurs fermées s'écrivent comme l'outil les écrit (medecine-generale, liberal) ; l'outil accepte aussi d'autres écritures, que décrit aides schema profil.",
        )
    } else {
        (
            "aides : profil d'un médecin (entrée de aides check --input)",
            " Une valeur fermée s'écrit comme dans enum, ou autrement comme l'outil l'accepte : casse, accents, espaces ou tirets (Médecine générale), mot du tableau des synonymes (generaliste, cardiologue).",
        )
    };
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": format!("Chaque champ est facultatif : un champ absent est inconnu, pas faux. Une clé hors du vocabulaire est une erreur. Un lot est un tableau de ces objets, ou un objet par ligne (NDJSON).{how}"),
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    })
}

fn id_of(name: &str) -> Option<crate::profile::FieldId> {
    crate::profile::field_id(name)
}

/// A closed value as the reader takes it: the canonical `enum`, or a string that `fr::cle` turns
/// into a value or into a word of the synonyms table that names one value only.
fn lenient_choice(
    values: &[&str],
    field: Option<crate::profile::FieldId>,
    refs: &Referentiel,
) -> Value {
    let mut keys: Vec<String> = values.iter().map(|v| crate::fr::cle(v)).collect();
    if let Some(field) = field {
        for word in refs.synonymes_of(field) {
            if refs.synonyme(field, word).is_some_and(|v| v.len() == 1) {
                keys.push(crate::fr::cle(word));
            }
        }
    }
    keys.sort();
    keys.dedup();
    let alternatives: Vec<String> = keys.iter().map(|k| key_pattern(k)).collect();
    let mut canonical: Vec<Value> = values.iter().map(|s| json!(s)).collect();
    canonical.push(Value::Null);
    json!({
        "anyOf": [
            { "enum": canonical },
            {
                "type": "string",
                "pattern": format!("^{SEP}*(?:{}){SEP}*$", alternatives.join("|")),
            }
        ]
    })
}

/// What `fr::cle` reads as a separator (and drops at the ends): spaces, `_`, `'`, `’`, `-`.
const SEP: &str = "[\\s_'’\u{a0}-]";

/// A regular expression matching every string that `fr::cle` turns into `key`.
fn key_pattern(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        let class = match c {
            '-' => {
                out.push_str(SEP);
                out.push('+');
                continue;
            }
            'a' => "aàáâäãåAÀÁÂÄÃÅ",
            'c' => "cçCÇ",
            'e' => "eéèêëEÉÈÊË",
            'i' => "iîïíìIÎÏÍÌ",
            'o' => "oôöóòõOÔÖÓÒÕ",
            'u' => "uùûüúUÙÛÜÚ",
            'y' => "yÿýYŸÝ",
            'n' => "nñNÑ",
            c if c.is_ascii_alphabetic() => {
                out.push('[');
                out.push(c);
                out.push(c.to_ascii_uppercase());
                out.push(']');
                continue;
            }
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            c => {
                out.push('\\');
                out.push(c);
                continue;
            }
        };
        out.push('[');
        out.push_str(class);
        out.push(']');
    }
    out
}

/// The schema of one field's values (`null` always allowed: unknown).
fn field_schema(kind: Kind, refs: &Referentiel) -> Value {
    match kind {
        Kind::Text | Kind::Commune | Kind::Departement => json!({ "type": ["string", "null"] }),
        Kind::CodePostal => json!({ "type": ["string", "null"], "pattern": "^[0-9]{5}$" }),
        Kind::Region => {
            let mut slugs: Vec<Value> = refs
                .regions
                .iter()
                .map(|r| Value::String(r.slug.clone()))
                .collect();
            slugs.push(Value::Null);
            json!({ "enum": slugs })
        }
        Kind::Choice(values) => {
            let mut v: Vec<Value> = values.iter().map(|s| json!(s)).collect();
            v.push(Value::Null);
            json!({ "enum": v })
        }
        Kind::IntChoice(values) => {
            let mut v: Vec<Value> = values.iter().map(|s| json!(s)).collect();
            v.push(Value::Null);
            json!({ "enum": v })
        }
        Kind::Bool => json!({ "type": ["boolean", "null"] }),
        Kind::Number {
            min,
            max,
            min_exclusive,
            step,
        } => {
            let mut o = json!({ "type": ["number", "null"], "maximum": max });
            o[if min_exclusive {
                "exclusiveMinimum"
            } else {
                "minimum"
            }] = json!(min);
            if let Some(step) = step {
                o["multipleOf"] = json!(step);
            }
            o
        }
        Kind::Integer { min } => json!({ "type": ["integer", "null"], "minimum": min }),
        Kind::Date => json!({ "type": ["string", "null"], "format": "date" }),
        Kind::List(values) => json!({
            "type": ["array", "null"],
            "items": { "enum": values },
            "uniqueItems": true,
        }),
    }
}

/// The schema as printed and committed: pretty JSON and a final newline.
#[must_use]
pub fn text(schema: Schema, refs: &Referentiel) -> String {
    let mut s = serde_json::to_string_pretty(&schema.generate(refs)).unwrap_or_default();
    s.push('\n');
    s
}
