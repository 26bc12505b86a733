//! Reading profiles from JSON: one object, an array of objects, NDJSON (one object a line), or a stream
//! of pretty-printed objects, detected from the first bytes and streamed from the `BufRead` it is
//! handed. Memory stays bounded whatever the input: no item may exceed `MAX_ITEM_BYTES`, and a longer
//! one is a bad item in place. Every problem (bad UTF-8, JSON syntax, a bad field) is an `Item` carrying
//! its place and, when it could be read, the profile's `id`; the stream goes on after it.

use std::fmt;
use std::io::{self, BufRead};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::profile::{self, FieldError, FieldId, Profile, Raw, ids};
use crate::referentiel::Referentiel;

/// The largest input item (one NDJSON line, one array element, one pretty-printed object): 1 MiB.
pub const MAX_ITEM_BYTES: usize = 1 << 20;

/// Where an item was in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// 1-based line where the item starts (NDJSON, a single object, pretty-printed objects).
    Line(usize),
    /// 1-based position in a JSON array, and the line where the element starts.
    Element { index: usize, line: usize },
}

impl Place {
    /// The line where the item starts.
    #[must_use]
    pub fn line(self) -> usize {
        match self {
            Place::Line(n) | Place::Element { line: n, .. } => n,
        }
    }

    /// The number scripts read in `"ligne"`: the line, or the position in the array.
    #[must_use]
    pub fn number(self) -> usize {
        match self {
            Place::Line(n) | Place::Element { index: n, .. } => n,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Line(n) => write!(f, "ligne {n}"),
            Place::Element { index, line } => {
                write!(f, "profil n° {index} du tableau (ligne {line})")
            }
        }
    }
}

/// What is wrong with an input item: the field when one is at fault, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The key as written (shortened when very long); `None` for problems of the whole item.
    pub field: Option<String>,
    pub message: String,
    pub help: Option<String>,
    /// Line and column of a JSON syntax error (the item's place says where the item starts).
    pub at: Option<(usize, usize)>,
    /// What kind of problem, for those who answer it differently (an HTTP status).
    pub kind: ProblemKind,
}

/// The kinds of input problem that a caller tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProblemKind {
    /// What the item says (its syntax, a field, its encoding).
    #[default]
    Content,
    /// The item is longer than `MAX_ITEM_BYTES`: it was not read.
    TooLong,
}

impl Problem {
    fn whole(message: String, help: &str) -> Self {
        Problem {
            field: None,
            message,
            help: Some(help.to_owned()),
            at: None,
            kind: ProblemKind::Content,
        }
    }
}

impl From<FieldError> for Problem {
    fn from(e: FieldError) -> Self {
        Problem {
            field: Some(e.field),
            message: e.message,
            help: e.help,
            at: None,
            kind: ProblemKind::Content,
        }
    }
}

/// One item of the input: where it was, the profile or its problem, and for a problem the profile's
/// `id` when it could be read (a profile that was read carries its own: `Profile::label`).
#[derive(Debug)]
pub struct Item {
    pub place: Place,
    pub id: Option<Box<str>>,
    pub profile: Result<Box<Profile>, Problem>,
}

/// How the input was laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON array.
    Array,
    /// Values one after the other (NDJSON, or pretty-printed objects): how many items.
    Values(usize),
}

/// A profile object as read: its `id` (read even when another field is wrong) and the profile.
struct Parsed {
    id: Option<Box<str>>,
    profile: Result<Box<Profile>, Problem>,
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
                    kind: ProblemKind::Content,
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
enum Parse {
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

fn parse(text: &str, refs: &Referentiel) -> Parse {
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

const SYNTAX_HELP: &str = "un profil s'écrit {\"zone\": \"ZIP\", \"secteur\": 1} : clés et chaînes entre guillemets droits, virgules entre les champs";
const UTF8_HELP: &str = "enregistrez le fichier en UTF-8 (dans un tableur : « CSV UTF-8 » ; sinon iconv -f latin1 -t utf-8)";

fn syntax_problem(line: usize, column: usize, message: &str) -> Problem {
    Problem {
        at: Some((line, column)),
        ..Problem::whole(format!("JSON invalide : {message}"), SYNTAX_HELP)
    }
}

fn too_long() -> Problem {
    Problem {
        kind: ProblemKind::TooLong,
        ..Problem::whole(
            format!(
                "profil trop long : plus de {} Mio sans fin de ligne ou de valeur",
                MAX_ITEM_BYTES >> 20
            ),
            "un profil tient sur une ligne de moins de 1 Mio ; vérifiez que le fichier est bien du JSON ou du NDJSON",
        )
    }
}

fn bad_utf8(bytes: &[u8], e: std::str::Utf8Error) -> Problem {
    let at = e.valid_up_to();
    Problem::whole(
        format!(
            "texte non UTF-8 : octet 0x{:02X} à la position {} de la ligne",
            bytes.get(at).copied().unwrap_or(0),
            at + 1
        ),
        UTF8_HELP,
    )
}

fn io_problem(e: &io::Error) -> Problem {
    Problem::whole(
        format!(
            "lecture interrompue : {} ; la suite de l'entrée n'a pas été lue",
            crate::error::fr_io(e)
        ),
        "vérifiez le fichier ou la commande qui l'envoie, puis relancez",
    )
}

/// One line read with a length limit.
enum Line {
    /// The line is in `Lines::buf` (without its line break).
    Text,
    /// The line is longer than `MAX_ITEM_BYTES`; what follows up to the line break is skipped.
    TooLong,
    Eof,
}

/// Reads lines of bounded length and counts them.
struct Lines<'r> {
    reader: &'r mut dyn BufRead,
    buf: Vec<u8>,
    /// Number of the last line read (1-based).
    n: usize,
    /// A line over the limit was reported: skip to its end before reading the next.
    skipping: bool,
}

impl Lines<'_> {
    fn next(&mut self) -> io::Result<Line> {
        if self.skipping {
            self.skip_rest()?;
        }
        self.buf.clear();
        let mut any = false;
        loop {
            let avail = self.reader.fill_buf()?;
            if avail.is_empty() {
                if !any {
                    return Ok(Line::Eof);
                }
                break;
            }
            any = true;
            let (take, end) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i, true),
                None => (avail.len(), false),
            };
            if self.buf.len() + take > MAX_ITEM_BYTES {
                self.reader.consume(take + usize::from(end));
                self.n += 1;
                self.skipping = !end;
                return Ok(Line::TooLong);
            }
            self.buf.extend_from_slice(&avail[..take]);
            self.reader.consume(take + usize::from(end));
            if end {
                break;
            }
        }
        self.n += 1;
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Line::Text)
    }

    fn skip_rest(&mut self) -> io::Result<()> {
        loop {
            let avail = self.reader.fill_buf()?;
            if avail.is_empty() {
                break;
            }
            if let Some(i) = memchr::memchr(b'\n', avail) {
                self.reader.consume(i + 1);
                break;
            }
            let n = avail.len();
            self.reader.consume(n);
        }
        self.skipping = false;
        Ok(())
    }
}

/// Skips a UTF-8 byte order mark and whitespace; returns the first other byte (without consuming it)
/// and the number of line breaks skipped.
fn first_byte(reader: &mut dyn BufRead) -> io::Result<Option<(u8, usize)>> {
    let buf = reader.fill_buf()?;
    if buf.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    let mut lines = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        if let Some(i) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
            let b = buf[i];
            lines += memchr::memchr_iter(b'\n', &buf[..i]).count();
            // Keep the line breaks of the value's own line count exact: leave them consumed.
            reader.consume(i);
            return Ok(Some((b, lines)));
        }
        lines += memchr::memchr_iter(b'\n', buf).count();
        let n = buf.len();
        reader.consume(n);
    }
}

/// Streams the profiles of `reader` to `each`, with bounded memory: one JSON object, an array of them,
/// NDJSON, or pretty-printed objects one after the other. Every problem is an item in its place; the
/// stream goes on. `None` for an input with no value at all.
///
/// # Errors
/// Only what `each` returns (a failure to write the results).
pub fn stream_profiles<E>(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    each: &mut dyn FnMut(Item) -> Result<(), E>,
) -> Result<Option<Shape>, E> {
    stream(reader, refs, false, &mut |event| match event {
        Event::Item(item) => each(*item),
        Event::Line { n, text } => match parse_line(n, text, refs) {
            Some(item) => each(item),
            None => Ok(()),
        },
    })
}

/// What `stream` hands over, in input order.
pub enum Event<'a> {
    /// A profile, or the problem in its place (boxed: a profile is large, a line small).
    Item(Box<Item>),
    /// With `raw_lines`, once the input is known to be NDJSON: one line (number, bytes without the
    /// line break), to be read with `parse_line`, in any thread.
    Line { n: usize, text: &'a [u8] },
}

/// `stream_profiles`, with the NDJSON lines after the first value handed over unparsed when
/// `raw_lines` (so that a caller can parse them in parallel, in blocks, and keep their order).
///
/// # Errors
/// Only what `each` returns.
pub fn stream<E>(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    raw_lines: bool,
    each: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
) -> Result<Option<Shape>, E> {
    let (first, skipped) = match first_byte(reader) {
        Ok(Some(first)) => first,
        Ok(None) => return Ok(None),
        Err(e) => {
            each(Event::Item(Box::new(Item {
                place: Place::Line(1),
                id: None,
                profile: Err(io_problem(&e)),
            })))?;
            return Ok(Some(Shape::Values(1)));
        }
    };
    if first == b'[' {
        array::stream(reader, skipped + 1, refs, &mut |item| {
            each(Event::Item(Box::new(item)))
        })?;
        return Ok(Some(Shape::Array));
    }
    let mut lines = Lines {
        reader,
        buf: Vec::new(),
        n: skipped,
        skipping: false,
    };
    values(&mut lines, refs, raw_lines, each).map(|n| Some(Shape::Values(n)))
}

/// One NDJSON line: its profile, or the problem in its place; `None` for a blank line.
#[must_use]
pub fn parse_line(n: usize, bytes: &[u8], refs: &Referentiel) -> Option<Item> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return Some(Item {
                place: Place::Line(n),
                id: None,
                profile: Err(bad_utf8(bytes, e)),
            });
        }
    };
    if text.trim().is_empty() {
        return None;
    }
    let (id, profile) = match parse(text, refs) {
        Parse::Done(p) => (p.id, p.profile),
        Parse::Incomplete => (None, Err(incomplete_line())),
        Parse::Syntax {
            line: _,
            column,
            message,
        } => (
            id_before(text, column),
            Err(syntax_problem(n, column, &message)),
        ),
    };
    Some(Item {
        place: Place::Line(n),
        id,
        profile,
    })
}

/// The id of a profile whose line has a JSON syntax error, when it was written first and whole
/// before the error (`{"id":"y", zone:1}` → `y`): so that the error line names its profile.
fn id_before(text: &str, column: usize) -> Option<Box<str>> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"id\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let value = rest.strip_prefix('"')?;
    let end = value.find(['"', '\\'])?;
    if !value[end..].starts_with('"') {
        return None;
    }
    // The closing quote must come before the error (columns count from 1, in characters).
    let closing = text.len() - value.len() + end;
    let closing_col = text[..closing].chars().count() + 1;
    (closing_col < column).then(|| value[..end].into())
}

fn incomplete_line() -> Problem {
    Problem::whole(
        "ligne incomplète : le profil n'est pas fermé (accolade ou guillemet manquant ?)".into(),
        "en NDJSON, chaque profil tient sur une seule ligne",
    )
}

/// Values one after the other. NDJSON (each value on its line) unless the first value spans several
/// lines: then the input is pretty-printed objects, and each value may span lines.
fn values<E>(
    lines: &mut Lines<'_>,
    refs: &Referentiel,
    raw_lines: bool,
    each: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
) -> Result<usize, E> {
    let mut count = 0;
    let mut multi_line = false;
    // A line already read that starts the next value (after a value left unclosed).
    let mut pending: Option<(usize, String)> = None;
    loop {
        let (start, text) = if let Some(p) = pending.take() {
            p
        } else {
            match lines.next() {
                Ok(Line::Eof) => return Ok(count),
                Ok(Line::TooLong) => {
                    emit(
                        each,
                        Place::Line(lines.n),
                        None,
                        Err(too_long()),
                        &mut count,
                    )?;
                    continue;
                }
                Ok(Line::Text) => {}
                Err(e) => {
                    emit(
                        each,
                        Place::Line(lines.n + 1),
                        None,
                        Err(io_problem(&e)),
                        &mut count,
                    )?;
                    return Ok(count);
                }
            }
            // NDJSON from here on: each line is a value of its own.
            if raw_lines && count > 0 && !multi_line {
                each(Event::Line {
                    n: lines.n,
                    text: &lines.buf,
                })?;
                continue;
            }
            let text = match std::str::from_utf8(&lines.buf) {
                Ok(t) => t,
                Err(e) => {
                    let p = bad_utf8(&lines.buf, e);
                    emit(each, Place::Line(lines.n), None, Err(p), &mut count)?;
                    continue;
                }
            };
            if text.trim().is_empty() {
                continue;
            }
            let start = lines.n;
            // The common case, one value on one line, is parsed in place.
            match parse(text, refs) {
                Parse::Done(p) => {
                    emit(each, Place::Line(start), p.id, p.profile, &mut count)?;
                    continue;
                }
                Parse::Incomplete if count == 0 || multi_line => (start, text.to_owned()),
                Parse::Incomplete => {
                    emit(
                        each,
                        Place::Line(start),
                        None,
                        Err(incomplete_line()),
                        &mut count,
                    )?;
                    continue;
                }
                Parse::Syntax {
                    line: _,
                    column,
                    message,
                } => {
                    let p = syntax_problem(start, column, &message);
                    let id = id_before(text, column);
                    emit(each, Place::Line(start), id, Err(p), &mut count)?;
                    if multi_line {
                        pending = resync(lines);
                    }
                    continue;
                }
            }
        };
        // A value over several lines: add lines until it is complete.
        match rest_of_value(lines, refs, start, text, each, &mut count)? {
            Suite::Fin => return Ok(count),
            Suite::Complet { multi } => multi_line |= multi,
            Suite::Reprise(next) => pending = next,
        }
    }
}

/// Hands one item to the caller and counts it.
fn emit<E>(
    each: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
    place: Place,
    id: Option<Box<str>>,
    profile: Result<Box<Profile>, Problem>,
    count: &mut usize,
) -> Result<(), E> {
    *count += 1;
    each(Event::Item(Box::new(Item { place, id, profile })))
}

/// What follows a value read over several lines.
enum Suite {
    /// It was read (`multi`: it spanned lines, so the input is pretty-printed).
    Complet { multi: bool },
    /// It was broken; reading goes on from this line (a line that starts a profile), if any.
    Reprise(Option<(usize, String)>),
    /// The input ended.
    Fin,
}

/// Adds lines to a value begun on line `start` until it parses, or reports why it cannot.
fn rest_of_value<E>(
    lines: &mut Lines<'_>,
    refs: &Referentiel,
    start: usize,
    mut text: String,
    each: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
    count: &mut usize,
) -> Result<Suite, E> {
    let mut parse_again = true;
    loop {
        let outcome = if parse_again {
            parse(&text, refs)
        } else {
            Parse::Incomplete
        };
        parse_again = true;
        match outcome {
            Parse::Done(p) => {
                emit(each, Place::Line(start), p.id, p.profile, count)?;
                return Ok(Suite::Complet {
                    multi: text.contains('\n'),
                });
            }
            Parse::Incomplete => match lines.next() {
                Ok(Line::Text) if text.len() + lines.buf.len() < MAX_ITEM_BYTES => {
                    match std::str::from_utf8(&lines.buf) {
                        Ok(t) => {
                            text.push('\n');
                            text.push_str(t);
                            // A value can only end on a line that closes something: parse again
                            // only then.
                            if !t.contains(['}', ']']) {
                                parse_again = false;
                            }
                        }
                        Err(e) => {
                            let mut p = bad_utf8(&lines.buf, e);
                            p.message = format!("{} (ligne {})", p.message, lines.n);
                            emit(each, Place::Line(start), None, Err(p), count)?;
                            return Ok(Suite::Reprise(resync(lines)));
                        }
                    }
                }
                Ok(Line::Eof) => {
                    let p = Problem::whole(
                        format!(
                            "JSON invalide : la valeur commencée ligne {start} n'est pas fermée (accolade ou crochet manquant ?)"
                        ),
                        SYNTAX_HELP,
                    );
                    emit(each, Place::Line(start), None, Err(p), count)?;
                    return Ok(Suite::Fin);
                }
                Ok(_) => {
                    emit(each, Place::Line(start), None, Err(too_long()), count)?;
                    return Ok(Suite::Reprise(resync(lines)));
                }
                Err(e) => {
                    emit(each, Place::Line(start), None, Err(io_problem(&e)), count)?;
                    return Ok(Suite::Fin);
                }
            },
            Parse::Syntax {
                line,
                column,
                message,
            } => {
                let at = start + line - 1;
                let rest = text.lines().nth(line - 1).unwrap_or("");
                if line > 1 && rest.trim_start().starts_with('{') {
                    // The value was left unclosed and a new one starts on this line.
                    let p = Problem::whole(
                        format!(
                            "JSON invalide : la valeur commencée ligne {start} n'est pas fermée (la ligne {at} commence un autre profil)"
                        ),
                        SYNTAX_HELP,
                    );
                    emit(each, Place::Line(start), None, Err(p), count)?;
                    let tail: Vec<&str> = text.lines().skip(line - 1).collect();
                    return Ok(Suite::Reprise(Some((at, tail.join("\n")))));
                }
                let p = syntax_problem(at, column, &message);
                emit(each, Place::Line(start), None, Err(p), count)?;
                return Ok(Suite::Reprise(resync(lines)));
            }
        }
    }
}

/// After a broken pretty-printed value: skips lines up to the next one that starts a profile (`{`).
fn resync(lines: &mut Lines<'_>) -> Option<(usize, String)> {
    loop {
        match lines.next() {
            Ok(Line::Text) => {
                if let Ok(t) = std::str::from_utf8(&lines.buf)
                    && t.trim_start().starts_with('{')
                {
                    return Some((lines.n, t.to_owned()));
                }
            }
            Ok(Line::TooLong) => {}
            Ok(Line::Eof) | Err(_) => return None,
        }
    }
}

mod array {
    //! A JSON array of profiles, cut into elements by a byte scanner (strings and nesting tracked) so
    //! that each element is parsed on its own: a bad element is reported in place and the next one is
    //! read, and no element may exceed `MAX_ITEM_BYTES`.

    use std::io::BufRead;

    use super::{
        Item, MAX_ITEM_BYTES, Parse, Place, Problem, SYNTAX_HELP, bad_utf8, io_problem, parse,
        syntax_problem, too_long,
    };
    use crate::referentiel::Referentiel;

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Expect {
        /// After `[` or `,`: an element, or `]`.
        Element,
        /// Inside an element.
        Inside,
        /// After `]`: whitespace only.
        Done,
    }

    struct Scan {
        state: Expect,
        line: usize,
        index: usize,
        elem: Vec<u8>,
        elem_line: usize,
        too_long: bool,
        depth: usize,
        string: Str,
        trailing_reported: bool,
    }

    /// Where the scanner is with respect to JSON strings.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Str {
        Outside,
        Inside,
        /// Just after a backslash inside a string.
        Escape,
    }

    /// Streams the elements of an array whose `[` is the next byte of `reader`, at line `line`.
    pub(super) fn stream<E>(
        reader: &mut dyn BufRead,
        line: usize,
        refs: &Referentiel,
        each: &mut dyn FnMut(Item) -> Result<(), E>,
    ) -> Result<(), E> {
        reader.consume(1);
        let mut s = Scan {
            state: Expect::Element,
            line,
            index: 0,
            elem: Vec::new(),
            elem_line: line,
            too_long: false,
            depth: 0,
            string: Str::Outside,
            trailing_reported: false,
        };
        loop {
            let buf = match reader.fill_buf() {
                Ok(b) => b,
                Err(e) => {
                    let place = Place::Element {
                        index: s.index + 1,
                        line: s.line,
                    };
                    return each(Item {
                        place,
                        id: None,
                        profile: Err(io_problem(&e)),
                    });
                }
            };
            if buf.is_empty() {
                break;
            }
            let n = buf.len();
            let mut ended = Vec::new();
            for &b in buf {
                if let Some(done) = s.byte(b) {
                    ended.push(done);
                }
            }
            reader.consume(n);
            for item in ended {
                emit(item, refs, each)?;
            }
        }
        if s.state == Expect::Inside {
            // The input ends after an element: read it, then report the missing `]`.
            s.index += 1;
            let place = Place::Element {
                index: s.index,
                line: s.elem_line,
            };
            let bytes = std::mem::take(&mut s.elem);
            let (too_long, unclosed) = (s.too_long, s.depth > 0 || s.string != Str::Outside);
            if unclosed {
                let p = Problem::whole(
                    "JSON invalide : le tableau s'arrête au milieu de ce profil".into(),
                    SYNTAX_HELP,
                );
                return each(Item {
                    place,
                    id: None,
                    profile: Err(p),
                });
            }
            emit(
                Done::Element {
                    bytes,
                    place,
                    too_long,
                },
                refs,
                each,
            )?;
        }
        if s.state == Expect::Done {
            return Ok(());
        }
        each(Item {
            place: Place::Element {
                index: s.index + 1,
                line: s.line,
            },
            id: None,
            profile: Err(Problem::whole(
                "JSON invalide : le tableau n'est pas fermé (crochet ] manquant)".into(),
                SYNTAX_HELP,
            )),
        })
    }

    /// What the scanner hands over: an element's bytes, or a problem found between elements.
    pub(super) enum Done {
        Element {
            bytes: Vec<u8>,
            place: Place,
            too_long: bool,
        },
        Problem(Place, Problem),
    }

    impl Scan {
        fn byte(&mut self, b: u8) -> Option<Done> {
            let newline = b == b'\n';
            let out = match self.state {
                Expect::Element => {
                    if b.is_ascii_whitespace() {
                        None
                    } else if b == b']' {
                        self.state = Expect::Done;
                        None
                    } else if b == b',' {
                        self.index += 1;
                        Some(Done::Problem(
                            Place::Element {
                                index: self.index,
                                line: self.line,
                            },
                            Problem::whole(
                                "élément vide : deux virgules de suite".into(),
                                SYNTAX_HELP,
                            ),
                        ))
                    } else {
                        self.state = Expect::Inside;
                        self.elem.clear();
                        self.elem_line = self.line;
                        self.too_long = false;
                        self.depth = 0;
                        self.string = Str::Outside;
                        self.inside(b)
                    }
                }
                Expect::Inside => self.inside(b),
                Expect::Done => {
                    if b.is_ascii_whitespace() || self.trailing_reported {
                        None
                    } else {
                        self.trailing_reported = true;
                        Some(Done::Problem(
                            Place::Element {
                                index: self.index + 1,
                                line: self.line,
                            },
                            Problem::whole(
                                "JSON invalide : caractères en trop après la fin du tableau".into(),
                                "tout le lot tient dans un seul tableau [ … ], ou en NDJSON un profil par ligne, sans crochets",
                            ),
                        ))
                    }
                }
            };
            if newline {
                self.line += 1;
            }
            out
        }

        fn inside(&mut self, b: u8) -> Option<Done> {
            match (self.string, b) {
                (Str::Escape, _) | (Str::Outside, b'"') => self.string = Str::Inside,
                (Str::Inside, b'\\') => self.string = Str::Escape,
                (Str::Inside, b'"') => self.string = Str::Outside,
                (Str::Outside, b'{' | b'[') => self.depth += 1,
                (Str::Outside, b'}' | b']') if self.depth > 0 => self.depth -= 1,
                (Str::Outside, b']' | b',') if self.depth == 0 => {
                    self.state = if b == b']' {
                        Expect::Done
                    } else {
                        Expect::Element
                    };
                    self.index += 1;
                    return Some(Done::Element {
                        bytes: std::mem::take(&mut self.elem),
                        place: Place::Element {
                            index: self.index,
                            line: self.elem_line,
                        },
                        too_long: self.too_long,
                    });
                }
                (Str::Inside | Str::Outside, _) => {}
            }
            if !self.too_long {
                if self.elem.len() >= MAX_ITEM_BYTES {
                    self.too_long = true;
                    self.elem = Vec::new();
                } else {
                    self.elem.push(b);
                }
            }
            None
        }
    }

    fn emit<E>(
        done: Done,
        refs: &Referentiel,
        each: &mut dyn FnMut(Item) -> Result<(), E>,
    ) -> Result<(), E> {
        let (bytes, place, too_long_elem) = match done {
            Done::Problem(place, p) => {
                return each(Item {
                    place,
                    id: None,
                    profile: Err(p),
                });
            }
            Done::Element {
                bytes,
                place,
                too_long,
            } => (bytes, place, too_long),
        };
        let mut problem = |p| {
            each(Item {
                place,
                id: None,
                profile: Err(p),
            })
        };
        if too_long_elem {
            return problem(too_long());
        }
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.trim_end(),
            Err(e) => return problem(bad_utf8(&bytes, e)),
        };
        let Place::Element { line, .. } = place else {
            unreachable!("array elements have an element place")
        };
        match parse(text, refs) {
            Parse::Done(p) => each(Item {
                place,
                id: p.id,
                profile: p.profile,
            }),
            Parse::Incomplete => problem(Problem::whole(
                "JSON invalide : ce profil n'est pas fermé".into(),
                SYNTAX_HELP,
            )),
            Parse::Syntax {
                line: l,
                column,
                message,
            } => problem(syntax_problem(line + l - 1, column, &message)),
        }
    }
}

#[cfg(test)]
mod id_before_tests {
    use super::id_before;

    #[test]
    fn the_id_written_before_a_syntax_error_is_kept() {
        let line = r#"{"id":"y", zone:1}"#;
        assert_eq!(id_before(line, 12).as_deref(), Some("y"));
        assert_eq!(
            id_before(r#"  { "id" : "p-2" , zone: 1}"#, 20).as_deref(),
            Some("p-2")
        );
        // Not before the error, not first, escaped, or not a string: no id.
        assert_eq!(id_before(r#"{"id":"y"x}"#, 9), None);
        assert_eq!(id_before(r#"{"zone":1, "id":"y" x}"#, 21), None);
        assert_eq!(id_before(r#"{"id":"a\"b", x}"#, 14), None);
        assert_eq!(id_before(r#"{"id":12, x}"#, 10), None);
    }
}
