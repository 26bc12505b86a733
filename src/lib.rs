//! `aides`: which French installation aids a physician can claim, how much, on which conditions, before
//! which deadline, and whom to contact.
//!
//! The core is pure (no I/O, no clock, no printing), by lint (`clippy.toml`, `print_*` denied below):
//! `profile` (the vocabulary and profiles), `referentiel` (départements, regions, contacts) and
//! `communes`, `condition` (the condition language whole: its model and one traversal, its reading from
//! rule files, its three-valued evaluation, its description in French, its contradiction and coverage
//! checks), `rules` (loading rule files), `eval` (the verdict of each aid), `validate` (the checks of a
//! loaded rule set), `report` (the JSON contract, built from eval's verdicts) and `schema` (its JSON
//! Schemas), `questionnaire` (the guide's answers and command line), `input` (reading JSON profiles
//! from a stream), `fr` (French formatting), `text` (control characters made visible, and wrapping),
//! `error` (fatal errors as data) and `exit` (exit codes).
//! The shell is `app` (all I/O, and the text that ends a command) with `cli` (argument structs) and
//! `output` (rendering); `serve` is the web page and the HTTP API over the same functions, reached only
//! by `aides serve`. Which module may import which: README, « Architecture » (`tests/architecture.rs`
//! checks it).

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod app;
pub mod cli;
pub mod communes;
pub mod condition;
pub mod diagnostic;
pub mod error;
pub mod eval;
pub mod exit;
pub mod fr;
pub mod input;
pub mod output;
pub mod profile;
pub mod questionnaire;
pub mod referentiel;
pub mod report;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod text;
pub mod toml_read;
pub mod validate;

use std::ffi::OsString;
use std::io::Write;

pub use crate::error::{Error, Result};
pub use crate::exit::ExitCode;

/// Parses the arguments and runs the command, writing results to `out`.
///
/// # Errors
/// A fatal error; clap's own errors (usage, `--help`, `--version`) are returned as `Err(clap::Error)`.
pub fn run<I, T>(args: I, out: &mut dyn Write) -> std::result::Result<Result<ExitCode>, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    // The help texts' French typography costs more than the rest of a start: it is applied only
    // when clap has something to show (help, version, an error), by reading the line again.
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let plain = <cli::Cli as clap::CommandFactory>::command().try_get_matches_from(&args);
    let matches = match plain {
        Ok(matches) => matches,
        Err(_) => cli::command().try_get_matches_from(args)?,
    };
    let cli = <cli::Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
    Ok(app::run(cli, out, serve::run))
}

/// The whole program: runs the command line, then writes its error (or help) and returns the exit code.
pub fn main_with<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let result = run(args.clone(), out);
    let flushed = out.flush();
    app::finish(&args, result, flushed, out, err)
}
