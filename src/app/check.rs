//! `aides check`: one profile from the flags, or the profiles of `--input` streamed through the
//! writer of the chosen format. The shape of the output follows the input: one JSON object in, one
//! answer out; an array, several objects, or a file named `.ndjson`/`.jsonl` (even of one line) is a
//! batch. A batch shows its progress on a terminal after a second, and ends with a one-line summary
//! on stderr (`-q` silences both).

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Shell, flag_error, flags_profile, load, open_input};
use crate::cli::{CheckArgs, CheckFormat};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::input::{Item, Problem, Shape, stream_profiles};
use crate::output;
use crate::output::check::{CheckOptions, Format, Writer};
use crate::profile::Profile;
use crate::rules::model::RuleSet;

/// The options of `check`, once.
fn options(args: &CheckArgs, shell: Shell) -> CheckOptions {
    CheckOptions {
        format: match args.format {
            CheckFormat::Table => Format::Table,
            CheckFormat::Json => Format::Json,
            CheckFormat::Ndjson => Format::Ndjson,
        },
        all: args.all,
        detail: args.detail,
        date: args.date.unwrap_or(shell.today),
        style: shell.style(),
    }
}

/// Whether a file is a batch by its name, whatever it holds.
fn named_batch(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ndjson") || e.eq_ignore_ascii_case("jsonl"))
}

pub(super) fn run(args: &CheckArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    shell.stdin_ignored(args.input.as_deref(), &args.profil, "check");
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let flags = flags_profile(&args.profil, &rules.refs)?;
    let opts = options(args, shell);
    let mut writer = output::check::writer(opts);
    let Some(input) = &args.input else {
        let mut p = flags;
        p.resolve_region(&rules.refs).map_err(|e| flag_error(&e))?;
        writer
            .profile(out, rules, &p, false)
            .map_err(Error::stdout)?;
        return Ok(ExitCode::Success);
    };
    let mut reader = open_input(input)?;
    let mut batch = Batch {
        rules,
        flags: &flags,
        writer,
        seen: if named_batch(input) {
            Seen::Batch
        } else {
            Seen::Nothing
        },
        opened: false,
        profiles: 0,
        errors: 0,
        progress: Progress::new(shell),
    };
    let shape = stream_profiles(&mut *reader, &rules.refs, &mut |item| batch.push(item, out))?;
    if shape.is_none() && matches!(batch.seen, Seen::Nothing) {
        return Err(Error::Input {
            message: "--input : entrée vide, aucun profil\n  aide : un objet JSON, un tableau d'objets, ou un objet par ligne (NDJSON)".into(),
        });
    }
    if shape == Some(Shape::Array) && matches!(batch.seen, Seen::Nothing) {
        // An empty array is an empty batch: `[]` in JSON.
        batch.seen = Seen::Batch;
    }
    batch.finish(out)?;
    if batch.opened && !shell.quiet {
        let _ = writeln!(io::stderr(), "{}", summary(batch.profiles, batch.errors));
    }
    Ok(if batch.errors > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

/// The batch's last line on stderr.
fn summary(profiles: usize, errors: usize) -> String {
    let lus = match profiles {
        0 => "aucun profil lu".to_owned(),
        1 => "1 profil lu".to_owned(),
        n => format!("{} profils lus", crate::fr::entier(n as u64)),
    };
    match errors {
        0 => format!("aides : {lus}, aucune erreur"),
        1 => format!("aides : {lus}, dont 1 en erreur (à sa place dans la sortie)"),
        n => format!(
            "aides : {lus}, dont {} en erreur (à leur place dans la sortie)",
            crate::fr::entier(n as u64)
        ),
    }
}

/// Whether the input is one profile or a batch: known from the second profile, an array, or the
/// file's name.
enum Seen {
    Nothing,
    /// One profile read, held until the next one (or the end) tells.
    One(Box<Item>),
    Batch,
}

/// Writes the results of `--input`, one profile at a time.
struct Batch<'a> {
    rules: &'a RuleSet,
    flags: &'a Profile,
    writer: Box<dyn Writer>,
    seen: Seen,
    /// Whether the batch's output has begun.
    opened: bool,
    profiles: usize,
    errors: usize,
    progress: Progress,
}

impl Batch<'_> {
    fn push(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        let in_array = matches!(item.place, crate::input::Place::Element { .. });
        match std::mem::replace(&mut self.seen, Seen::Batch) {
            Seen::Nothing if !in_array => {
                self.seen = Seen::One(Box::new(item));
                Ok(())
            }
            Seen::One(first) => {
                self.emit(*first, out)?;
                self.emit(item, out)
            }
            Seen::Nothing | Seen::Batch => self.emit(item, out),
        }
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        match std::mem::replace(&mut self.seen, Seen::Nothing) {
            Seen::One(only) => {
                let place = only.place;
                let p = self.profile(*only).map_err(|problem| Error::Input {
                    message: format!("--input : {}", output::problem_text(place, &problem)),
                })?;
                self.writer
                    .profile(out, self.rules, &p, false)
                    .map_err(Error::stdout)
            }
            Seen::Batch => {
                self.open(out)?;
                self.progress.finish();
                self.writer.end(out).map_err(Error::stdout)
            }
            Seen::Nothing => Ok(()),
        }
    }

    fn open(&mut self, out: &mut dyn Write) -> Result<()> {
        if !self.opened {
            self.opened = true;
            self.writer.begin(out).map_err(Error::stdout)?;
        }
        Ok(())
    }

    /// The item's profile with the flags laid over it and its region resolved.
    fn profile(&self, item: Item) -> std::result::Result<Profile, Problem> {
        item.profile.and_then(|mut p| {
            p.overlay(self.flags);
            p.resolve_region(&self.rules.refs)
                .map(|()| p)
                .map_err(Problem::from)
        })
    }

    /// Writes one batch item: its result, or the error line in its place.
    fn emit(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        self.open(out)?;
        self.profiles += 1;
        self.progress.tick(self.profiles);
        let place = item.place;
        let id = item.id.clone();
        match self.profile(item) {
            Ok(p) => self.writer.profile(out, self.rules, &p, true),
            Err(problem) => {
                self.errors += 1;
                self.progress.suspend(|| {
                    self.writer
                        .error(out, &mut io::stderr(), place, id.as_deref(), &problem)
                })
            }
        }
        .map_err(Error::stdout)
    }
}

/// The progress of a long batch, on stderr when it is a terminal, from its first second on.
struct Progress {
    enabled: bool,
    start: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(shell: Shell) -> Self {
        Progress {
            enabled: !shell.quiet && io::stderr().is_terminal(),
            start: Instant::now(),
            bar: None,
        }
    }

    fn tick(&mut self, count: usize) {
        if !self.enabled || !count.is_multiple_of(64) {
            return;
        }
        let bar = match &self.bar {
            Some(bar) => bar,
            None if self.start.elapsed() < Duration::from_secs(1) => return,
            None => {
                let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {human_pos} profils évalués ({per_sec}, {elapsed})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                bar.enable_steady_tick(Duration::from_millis(200));
                self.bar.insert(bar)
            }
        };
        bar.set_position(count as u64);
    }

    /// Runs `f` with the bar hidden (a message on stderr).
    fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
