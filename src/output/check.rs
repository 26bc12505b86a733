//! What `aides check` prints, one writer per format (table, json, ndjson) behind one trait, from
//! options built once. A writer is told whether the input is a batch; it places the separators, and a
//! profile that could not be read is answered in its place (on stderr for the table, as an error line
//! for JSON). It writes to the streams it is given.

use std::io::{self, Write};

use chrono::NaiveDate;

use super::Style;
use super::answer::{self, AnswerOptions};
use crate::eval;
use crate::input::{Place, Problem};
use crate::profile::Profile;
use crate::report::{self, AideCompacte, Compact, LigneErreur};
use crate::rules::model::RuleSet;

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The answer in French.
    Table,
    /// One report (an array of reports for a batch, one a line).
    Json,
    /// One compact object a line (every key with `detail`).
    Ndjson,
}

/// What `check` prints, decided once from the command line.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    pub format: Format,
    /// Also the non-eligible aids.
    pub all: bool,
    /// Every note and condition (table); every key (ndjson).
    pub detail: bool,
    pub date: NaiveDate,
    pub style: Style,
}

/// Writes the results of `check`, one profile at a time.
pub trait Writer {
    /// Before the first item of a batch.
    ///
    /// # Errors
    /// When writing fails.
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()>;

    /// One profile's result; `batch` when it is one item of a batch.
    ///
    /// # Errors
    /// When writing fails.
    fn profile(
        &mut self,
        out: &mut dyn Write,
        rules: &RuleSet,
        profile: &Profile,
        batch: bool,
    ) -> io::Result<()>;

    /// A batch item that could not be read, in its place.
    ///
    /// # Errors
    /// When writing fails.
    fn error(
        &mut self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<()>;

    /// After the last item of a batch.
    ///
    /// # Errors
    /// When writing fails.
    fn end(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// The writer for the options' format.
#[must_use]
pub fn writer(opts: CheckOptions) -> Box<dyn Writer> {
    match opts.format {
        Format::Table => Box::new(Table { opts, written: 0 }),
        Format::Json => Box::new(Json { opts, written: 0 }),
        Format::Ndjson => Box::new(Ndjson { opts }),
    }
}

fn error_line<'a>(place: Place, id: Option<&'a str>, problem: &Problem) -> LigneErreur<'a> {
    LigneErreur {
        ligne: place.number(),
        id,
        erreur: super::problem_line(place, problem),
    }
}

/// The French answer; a batch's answers separated by a blank line, its bad items on stderr.
struct Table {
    opts: CheckOptions,
    written: usize,
}

impl Writer for Table {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn profile(
        &mut self,
        out: &mut dyn Write,
        rules: &RuleSet,
        p: &Profile,
        _: bool,
    ) -> io::Result<()> {
        if self.written > 0 {
            writeln!(out)?;
        }
        self.written += 1;
        let rapport = report::evaluate(rules, p, self.opts.date);
        let opts = AnswerOptions {
            all: self.opts.all,
            detail: self.opts.detail,
            ..AnswerOptions::default()
        };
        answer::write(out, &rapport, opts, self.opts.style)
    }

    fn error(
        &mut self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        place: Place,
        _: Option<&str>,
        problem: &Problem,
    ) -> io::Result<()> {
        // The answers before it go out first, so that the two streams interleave in order.
        out.flush()?;
        writeln!(err, "erreur : {}", super::problem_text(place, problem))
    }

    fn end(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

/// One pretty report; a batch is an array with one report (or error line) a line.
struct Json {
    opts: CheckOptions,
    written: usize,
}

impl Json {
    fn separate(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.written > 0 {
            out.write_all(b",\n")?;
        }
        self.written += 1;
        Ok(())
    }
}

impl Writer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"[\n")
    }

    fn profile(
        &mut self,
        out: &mut dyn Write,
        rules: &RuleSet,
        p: &Profile,
        batch: bool,
    ) -> io::Result<()> {
        let rapport = report::evaluate(rules, p, self.opts.date);
        if batch {
            self.separate(out)?;
            serde_json::to_writer(&mut *out, &rapport).map_err(io::Error::other)
        } else {
            super::json(out, &rapport)
        }
    }

    fn error(
        &mut self,
        out: &mut dyn Write,
        _: &mut dyn Write,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<()> {
        self.separate(out)?;
        serde_json::to_writer(&mut *out, &error_line(place, id, problem)).map_err(io::Error::other)
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.written == 0 { b"]\n" } else { b"\n]\n" })
    }
}

/// One compact object a line (the full report with `detail`).
struct Ndjson {
    opts: CheckOptions,
}

impl Writer for Ndjson {
    fn begin(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn profile(
        &mut self,
        out: &mut dyn Write,
        rules: &RuleSet,
        p: &Profile,
        _: bool,
    ) -> io::Result<()> {
        let date = self.opts.date;
        if self.opts.detail {
            return super::json_line(out, &report::evaluate(rules, p, date));
        }
        let (verdicts, total) = eval::evaluate_compact(rules, p, date, self.opts.all);
        let compact = Compact {
            id: p.label(),
            date_reference: date,
            total,
            aides: verdicts
                .into_iter()
                .map(|(a, v)| AideCompacte::new(a, v))
                .collect(),
        };
        super::json_line(out, &compact)
    }

    fn error(
        &mut self,
        out: &mut dyn Write,
        _: &mut dyn Write,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<()> {
        super::json_line(out, &error_line(place, id, problem))
    }

    fn end(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
