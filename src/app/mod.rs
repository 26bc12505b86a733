//! The shell: one module per subcommand. The only code that reads files, stdin, the environment and
//! the clock (for the default reference date). It turns CLI structs into a `Profile` and options, calls
//! the pure core, hands the results to `output`, and writes what ends the command (`finish`).

// The shell: files, streams, the environment and the clock are its job (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod check;
mod explain;
mod finish;
mod guide;
mod list;
mod man;
mod meta;
pub mod rules_dir;
mod show;
mod validate;

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;

use chrono::NaiveDate;

pub use self::finish::finish;
use crate::cli::{Cli, Color, Command, ProfileArgs, RulesArg, ServeArgs};
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::error::{Context, Error, Fault, Result};
use crate::exit::ExitCode;
use crate::output::Style;
use crate::profile::{self, FieldError, Profile, Raw};
use crate::referentiel::Referentiel;
use crate::rules::model::RuleSet;
use crate::rules::{self, Loaded};

/// What every command shares: today's date, the colour choice, `-q`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shell {
    pub(crate) today: NaiveDate,
    pub(crate) color: Color,
    pub(crate) quiet: bool,
}

impl Shell {
    /// Colours as asked (`auto`: on a terminal without `NO_COLOR`); the width of the terminal, else
    /// `COLUMNS`, else 100.
    pub(crate) fn style(self) -> Style {
        let tty = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c >= 20);
        let width = if tty {
            comfy_width().filter(|w| *w >= 20).or(columns)
        } else {
            columns
        };
        Style {
            color: match self.color {
                Color::Auto => tty && !no_color,
                Color::Always => true,
                Color::Never => false,
            },
            width: Some(width.unwrap_or(100)),
        }
    }

    /// A warning on stderr, unless `-q`.
    pub(crate) fn warn(self, text: &str) {
        if !self.quiet {
            let text = crate::text::visible_lines(text);
            let _ = writeln!(io::stderr(), "attention : {text}");
        }
    }

    /// Says that piped (or redirected) standard input is not read when neither `--input` nor a
    /// profile flag says what to evaluate: the profiles were most likely meant to be read.
    pub(crate) fn stdin_ignored(self, input: Option<&Path>, flags: &ProfileArgs, command: &str) {
        if input.is_none() && flags.values.is_empty() && stdin_is_pipe() {
            let fault = Fault::new(None, "l'entrée standard n'est pas lue sans --input").suggest(
                format!("pour lire les profils qu'elle apporte : aides {command} --input -"),
            );
            self.warn(&fault.to_string());
        }
    }
}

#[cfg(unix)]
fn stdin_is_pipe() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata("/dev/stdin").is_ok_and(|m| m.file_type().is_fifo() || m.is_file())
}

#[cfg(not(unix))]
fn stdin_is_pipe() -> bool {
    false
}

/// Runs a parsed command line; returns the exit code. `serve` runs `aides serve`: the server is built
/// on the commands of this module, so the crate's root hands it in rather than this module importing it.
///
/// # Errors
/// A fatal error (bad input, unusable rules, I/O).
pub fn run(
    cli: Cli,
    out: &mut dyn Write,
    serve: fn(&ServeArgs) -> Result<ExitCode>,
) -> Result<ExitCode> {
    let shell = Shell {
        today: chrono::Local::now().date_naive(),
        color: cli.color,
        quiet: cli.quiet,
    };
    if cli.version {
        return meta::version(out);
    }
    match cli.command {
        None if io::stdin().is_terminal() && io::stdout().is_terminal() => {
            guide::run(&crate::cli::GuideArgs::default(), shell, out)
        }
        None => Err(Error::usage(
            None,
            "aucune commande, et pas de terminal où poser les questions",
            "aides check --zone zip --secteur 1 … évalue un profil ; aides --help liste les commandes",
        )),
        Some(Command::Guide(args)) => guide::run(&args, shell, out),
        Some(Command::Check(args)) => check::run(&args, shell, out),
        Some(Command::List(args)) => list::run(&args, shell, out),
        Some(Command::Show(args)) => show::run(&args, shell, out),
        Some(Command::Explain(args)) => explain::run(&args, shell, out),
        Some(Command::Validate(args)) => validate::run(&args, shell, out),
        Some(Command::Schema(args)) => meta::schema(&args, out),
        Some(Command::Completions(args)) => meta::completions(&args, out),
        Some(Command::Man(args)) => man::run(&args, out),
        Some(Command::Serve(args)) => serve(&args),
        Some(Command::Help(args)) => meta::help(&args, out),
    }
}

/// `aides check` on a batch already open, with rules already loaded: the pipeline of
/// `check --input`, in-process (for fuzzing and benchmarks). `args.input` only names the input (a
/// `.ndjson` name makes it a batch) and is not opened; the reference date is `--date`, else today;
/// no progress and no summary are shown, as with `-q`.
///
/// # Errors
/// A bad profile flag, an empty input, or writing failed.
pub fn check_batch(
    loaded: &Loaded,
    args: &crate::cli::CheckArgs,
    reader: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let shell = Shell {
        today: chrono::Local::now().date_naive(),
        color: Color::Never,
        quiet: true,
    };
    let rules = &loaded.rules;
    let flags = flags_profile(&args.profil, &rules.refs)?;
    let opts = check::Options::new(args, shell)?;
    check::batch(rules, &flags, &opts, reader, None, out)
}

/// The width to wrap error messages at: the terminal's (of stderr), else `COLUMNS`, else 100.
#[must_use]
pub fn stderr_width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|c| *c >= 20);
    let tty = io::stderr().is_terminal().then(comfy_width).flatten();
    usize::from(tty.filter(|w| *w >= 20).or(columns).unwrap_or(100))
}

fn comfy_width() -> Option<u16> {
    let t = comfy_table::Table::new();
    t.width()
}

/// Renders diagnostics as compiler-style text, with their sources.
fn render_all(diags: &[Diagnostic], rules: &RuleSet) -> String {
    diags
        .iter()
        .map(|d| diagnostic::render_text_width(d, rules.source(&d.file), stderr_width()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads the rule set in use: `--rules DIR` (or `AIDES_RULES`), else the embedded one. Refuses a rule
/// set with errors.
pub(crate) fn load(rules: &RulesArg) -> Result<Loaded> {
    let loaded = match &rules.dir {
        Some(dir) => rules_dir::load_paths(std::slice::from_ref(dir)),
        None => rules::embedded(),
    };
    if loaded.has_errors() {
        let errors: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let mut rendered = render_all(&errors, &loaded.rules);
        rendered.push_str(&crate::text::wrap::fit(&format!(
            "\nla base de règles contient {} erreur(s) : corrigez-les (aides validate {}) avant de l'utiliser",
            errors.len(),
            rules.dir.as_ref().map_or_else(|| "rules/".to_owned(), |p| p.display().to_string())
        ), stderr_width()));
        return Err(Error::Rules { rendered });
    }
    Ok(loaded)
}

/// `load` for a command that only evaluates profiles (`check`): the embedded rules are read without
/// their examples, which only `validate` runs.
pub(crate) fn load_for_evaluation(rules: &RulesArg) -> Result<Loaded> {
    if rules.dir.is_none() {
        let loaded = rules::embedded_for_evaluation();
        if !loaded.has_errors() {
            return Ok(loaded);
        }
    }
    load(rules)
}

fn flag_error(e: &FieldError) -> Error {
    Error::Usage(Fault {
        suggestion: e.help.clone(),
        ..Fault::new(
            Some(Context::Arg(format!(
                "option --{}",
                e.field.replace('_', "-")
            ))),
            e.message.clone(),
        )
    })
}

/// The profile given by flags.
fn flags_profile(args: &ProfileArgs, refs: &Referentiel) -> Result<Profile> {
    let mut p = Profile::default();
    for (field, text) in &args.values {
        let value =
            profile::parse_value(*field, &Raw::Flag(text), refs).map_err(|e| flag_error(&e))?;
        p.set(*field, Some(value));
    }
    Ok(p)
}

/// The input named by `--input` (`-`: standard input), unbuffered, and its length when it is a regular
/// file (which never waits for a writer).
fn open_source(path: &Path) -> Result<(Box<dyn io::Read + Send>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(io::stdin()), stdin_file_len()));
    }
    let file = std::fs::File::open(path).map_err(|source| {
        Error::input(
            Some(Context::Input),
            format!("{} : {}", path.display(), crate::error::fr_io(&source)),
            "indiquez un fichier JSON ou NDJSON existant, ou « - » pour l'entrée standard",
        )
    })?;
    let len = file
        .metadata()
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len());
    Ok((Box::new(file), len))
}

/// The length of standard input when it is a regular file (`< profils.ndjson`). It only chooses the
/// quicker path in `check::run`, which gives the same output either way (see there).
#[cfg(unix)]
fn stdin_file_len() -> Option<u64> {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .ok()
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
}

#[cfg(not(unix))]
fn stdin_file_len() -> Option<u64> {
    None
}

/// The aid named on the command line, or an error with the closest id.
pub(crate) fn aide_arg<'r>(rules: &'r RuleSet, id: &str) -> Result<&'r crate::rules::model::Aide> {
    rules.aide(id).ok_or_else(|| {
        let help = did_you_mean(id, rules.aides.iter().map(|a| a.id.as_str()))
            .unwrap_or_else(|| "« aides list » donne la liste des aides".into());
        Error::input(
            None,
            format!("aide « {} » inconnue", crate::diagnostic::echo(id)),
            &help,
        )
    })
}
