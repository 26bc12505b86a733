//! A JSON array of profiles, cut into elements by a byte scanner (strings and nesting tracked) so
//! that each element is parsed on its own: a bad element is reported in place and the next one is
//! read, and no element may exceed `MAX_ITEM_BYTES`.

use std::io::BufRead;

use super::value::{Parse, parse};
use super::{
    Item, MAX_ITEM_BYTES, Place, Problem, SYNTAX_HELP, bad_utf8, io_problem, syntax_problem,
    too_long,
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
                        Problem::whole("élément vide : deux virgules de suite".into(), SYNTAX_HELP),
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
