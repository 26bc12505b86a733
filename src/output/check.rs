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

/// Full reports in a block: about 1 MB of output.
const FULL_REPORTS_PER_BLOCK: usize = 16;

/// Writes the results of `check`. A batch is written in blocks, possibly by several threads: each item
/// goes into a block's buffers with its separator before it, and the caller drops the separator of the
/// very first item (`BlockOut::first`).
pub trait Writer: Sync {
    /// What every batch item but the first begins with.
    fn separator(&self) -> &'static [u8];

    /// How many items a block of a batch holds at most, so that its output stays small (a full
    /// report is some 70 kB) and, for people, each bad item reaches stderr in its place.
    fn block_items(&self) -> usize;

    /// Whether a batch's blocks may be evaluated apart from the reading, on worker threads, its
    /// NDJSON lines handed over raw and parsed with their block. The table may not: its bad items
    /// go to stderr in their place between the answers.
    fn parallel(&self) -> bool;

    /// Whether one profile alone is answered as the first item of a batch is (a compact line, a
    /// French answer), so that a pause after it may answer it at once; not a JSON report, which
    /// becomes an array in a batch.
    fn same_alone(&self) -> bool;

    /// Before the first item of a batch.
    fn begin(&self, out: &mut Vec<u8>);

    /// After the last item of a batch.
    fn end(&self, out: &mut Vec<u8>, any: bool);

    /// One profile that is not part of a batch.
    ///
    /// # Errors
    /// When writing fails.
    fn single(&self, out: &mut dyn Write, rules: &RuleSet, profile: &Profile) -> io::Result<()>;

    /// One batch item's result, its separator first.
    ///
    /// # Errors
    /// When serialising fails.
    fn item(&self, out: &mut Vec<u8>, rules: &RuleSet, profile: &Profile) -> io::Result<()>;

    /// A batch item that could not be read, in its place: in `out` (its separator first; returns
    /// true), or on `err` for people (returns false).
    ///
    /// # Errors
    /// When serialising fails.
    fn error(
        &self,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<bool>;
}

/// What a block of batch items gives.
#[derive(Debug, Default)]
pub struct BlockOut {
    /// For stdout.
    pub out: Vec<u8>,
    /// For stderr (the table's bad items), written after `out`.
    pub err: Vec<u8>,
    /// Where the first item in `out` begins (at its separator).
    pub first: Option<usize>,
    pub profiles: usize,
    pub errors: usize,
}

impl BlockOut {
    /// Empties the block's output, keeping its buffers.
    pub fn clear(&mut self) {
        self.out.clear();
        self.err.clear();
        self.first = None;
        self.profiles = 0;
        self.errors = 0;
    }
}

/// The writer for the options' format.
#[must_use]
pub fn writer(opts: CheckOptions) -> Box<dyn Writer> {
    match opts.format {
        Format::Table => Box::new(Table { opts }),
        Format::Json => Box::new(Json { opts }),
        Format::Ndjson => Box::new(Ndjson {
            opts,
            date_json: serde_json::to_string(&opts.date).unwrap_or_default(),
        }),
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
}

impl Table {
    fn answer(&self, out: &mut dyn Write, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        let rapport = report::evaluate(rules, p, self.opts.date);
        let opts = AnswerOptions {
            all: self.opts.all,
            detail: self.opts.detail,
            ..AnswerOptions::default()
        };
        answer::write(out, &rapport, opts, self.opts.style)
    }
}

impl Writer for Table {
    fn separator(&self) -> &'static [u8] {
        b"\n"
    }

    fn block_items(&self) -> usize {
        1
    }

    fn parallel(&self) -> bool {
        false
    }

    fn same_alone(&self) -> bool {
        true
    }

    fn begin(&self, _: &mut Vec<u8>) {}

    fn end(&self, _: &mut Vec<u8>, _: bool) {}

    fn single(&self, out: &mut dyn Write, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        self.answer(out, rules, p)
    }

    fn item(&self, out: &mut Vec<u8>, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        out.push(b'\n');
        self.answer(out, rules, p)
    }

    fn error(
        &self,
        _: &mut Vec<u8>,
        err: &mut Vec<u8>,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<bool> {
        // The id names the profile, as the json and ndjson error lines do.
        let profil = id.map_or(String::new(), |id| {
            format!("profil « {} », ", crate::diagnostic::echo(id))
        });
        let text = format!("erreur : {profil}{}", super::problem_text(place, problem));
        let width = usize::from(self.opts.style.width.unwrap_or(100));
        writeln!(err, "{}", crate::text::wrap::fit(&text, width))?;
        Ok(false)
    }
}

/// One pretty report; a batch is an array with one report (or error line) a line.
struct Json {
    opts: CheckOptions,
}

impl Writer for Json {
    fn separator(&self) -> &'static [u8] {
        b",\n"
    }

    fn block_items(&self) -> usize {
        FULL_REPORTS_PER_BLOCK
    }

    fn parallel(&self) -> bool {
        true
    }

    fn same_alone(&self) -> bool {
        false
    }

    fn begin(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"[\n");
    }

    fn end(&self, out: &mut Vec<u8>, any: bool) {
        out.extend_from_slice(if any { b"\n]\n" } else { b"]\n" });
    }

    fn single(&self, out: &mut dyn Write, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        super::json(out, &report::evaluate(rules, p, self.opts.date))
    }

    fn item(&self, out: &mut Vec<u8>, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        out.extend_from_slice(b",\n");
        let rapport = report::evaluate(rules, p, self.opts.date);
        serde_json::to_writer(out, &rapport).map_err(io::Error::other)
    }

    fn error(
        &self,
        out: &mut Vec<u8>,
        _: &mut Vec<u8>,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<bool> {
        out.extend_from_slice(b",\n");
        serde_json::to_writer(out, &error_line(place, id, problem)).map_err(io::Error::other)?;
        Ok(true)
    }
}

/// One compact object a line (the full report with `detail`).
struct Ndjson {
    opts: CheckOptions,
    /// The reference date as JSON, written once for the batch.
    date_json: String,
}

impl Ndjson {
    fn line(&self, out: &mut Vec<u8>, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        let date = self.opts.date;
        if self.opts.detail {
            serde_json::to_writer(&mut *out, &report::evaluate(rules, p, date))
                .map_err(io::Error::other)?;
        } else {
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
            compact.write_json(out, &self.date_json);
        }
        out.push(b'\n');
        Ok(())
    }
}

impl Writer for Ndjson {
    fn separator(&self) -> &'static [u8] {
        b""
    }

    fn block_items(&self) -> usize {
        if self.opts.detail {
            FULL_REPORTS_PER_BLOCK
        } else {
            1024
        }
    }

    fn parallel(&self) -> bool {
        true
    }

    fn same_alone(&self) -> bool {
        true
    }

    fn begin(&self, _: &mut Vec<u8>) {}

    fn end(&self, _: &mut Vec<u8>, _: bool) {}

    fn single(&self, out: &mut dyn Write, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        let mut buf = Vec::new();
        self.line(&mut buf, rules, p)?;
        out.write_all(&buf)
    }

    fn item(&self, out: &mut Vec<u8>, rules: &RuleSet, p: &Profile) -> io::Result<()> {
        self.line(out, rules, p)
    }

    fn error(
        &self,
        out: &mut Vec<u8>,
        _: &mut Vec<u8>,
        place: Place,
        id: Option<&str>,
        problem: &Problem,
    ) -> io::Result<bool> {
        serde_json::to_writer(&mut *out, &error_line(place, id, problem))
            .map_err(io::Error::other)?;
        out.push(b'\n');
        Ok(true)
    }
}
