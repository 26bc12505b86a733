//! Values one after the other: NDJSON (one profile a line), or pretty-printed objects each spanning
//! lines, read line by line with a length limit. Once the input is known to be NDJSON, its lines can be
//! handed over unparsed (`Event::Line`) and read later, in any thread, by `parse_line`.

use std::io::{self, BufRead};

use super::value::{Parse, parse};
use super::{
    Event, Item, MAX_ITEM_BYTES, Place, Problem, SYNTAX_HELP, bad_utf8, io_problem, syntax_problem,
    too_long,
};
use crate::profile::Profile;
use crate::referentiel::Referentiel;

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

/// Values one after the other, the first one starting after `skipped` line breaks. NDJSON (each value
/// on its line) unless the first value spans several lines: then the input is pretty-printed objects,
/// and each value may span lines. Returns how many items were handed over.
pub(super) fn values<E>(
    reader: &mut dyn BufRead,
    skipped: usize,
    refs: &Referentiel,
    raw_lines: bool,
    each: &mut dyn FnMut(Event<'_>) -> Result<(), E>,
) -> Result<usize, E> {
    let lines = &mut Lines {
        reader,
        buf: Vec::new(),
        n: skipped,
        skipping: false,
    };
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
