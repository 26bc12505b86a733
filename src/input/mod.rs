//! Reading profiles from JSON: one object, an array of objects, NDJSON (one object a line), or a stream
//! of pretty-printed objects, detected from the first bytes and streamed from the `BufRead` it is
//! handed. Memory stays bounded whatever the input: no item may exceed `MAX_ITEM_BYTES`, and a longer
//! one is a bad item in place. Every problem (bad UTF-8, JSON syntax, a bad field) is an `Item` carrying
//! its place and, when it could be read, the profile's `id`; the stream goes on after it.
//!
//! One room per shape: `value` reads one JSON value as a profile, `lines` the values one after the
//! other (NDJSON, pretty-printed objects), `array` the elements of a JSON array; this module detects
//! the shape and holds what they share (places, problems, items).

mod array;
mod lines;
mod value;

pub use lines::parse_line;

use std::fmt;
use std::io::{self, BufRead};

use crate::profile::{FieldError, Profile};
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
    /// The item is longer than a profile may be (`MAX_ITEM_BYTES`): the server answers 413.
    pub too_long: bool,
}

impl Problem {
    fn whole(message: String, help: &str) -> Self {
        Problem {
            field: None,
            message,
            help: Some(help.to_owned()),
            at: None,
            too_long: false,
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
            too_long: false,
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
        too_long: true,
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
    lines::values(reader, skipped, refs, raw_lines, each).map(|n| Some(Shape::Values(n)))
}
