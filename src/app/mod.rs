//! The shell: one function per subcommand. The only code that reads files, stdin, the environment and
//! the clock (for the default reference date). It turns CLI structs into a `Profile` and options, calls
//! the pure core, and hands the results to `output`.

// The shell: files, streams, the environment and the clock are its job (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod check;
mod guide;
mod man;
mod meta;
pub mod rules_dir;
mod validate;

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::Path;

use chrono::NaiveDate;

use crate::cli::{
    Cli, Color, Command, ExplainArgs, ListArgs, ListFormat, ProfileArgs, RulesArg, ShowArgs,
};
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::error::{Error, Result};
use crate::exit::ExitCode;
use crate::input::{Problem, stream_profiles};
use crate::output::{self, Style};
use crate::profile::{self, FieldError, Profile, Raw};
use crate::referentiel::{Referentiel, RegionId};
use crate::report::catalogue::{self, Fiche, Liste};
use crate::report::{self};
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
            self.warn(&format!(
                "l'entrée standard n'est pas lue sans --input\n  aide : pour lire les profils qu'elle apporte : aides {command} --input -"
            ));
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

/// Whether `AIDES_RULES` is set and empty (clap then blames `--rules` for a value nobody typed).
#[must_use]
pub fn rules_env_empty() -> bool {
    std::env::var_os("AIDES_RULES").is_some_and(|v| v.is_empty())
}

/// Runs a parsed command line; returns the exit code.
///
/// # Errors
/// A fatal error (bad input, unusable rules, I/O).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode> {
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
        None => Err(Error::Usage {
            message: "aucune commande, et pas de terminal où poser les questions\n  aide : aides check --zone zip --secteur 1 … évalue un profil ; aides --help liste les commandes".into(),
        }),
        Some(Command::Guide(args)) => guide::run(&args, shell, out),
        Some(Command::Check(args)) => check::run(&args, shell, out),
        Some(Command::List(args)) => list_cmd(&args, shell, out),
        Some(Command::Show(args)) => show_cmd(&args, shell, out),
        Some(Command::Explain(args)) => explain_cmd(&args, shell, out),
        Some(Command::Validate(args)) => validate::run(&args, shell, out),
        Some(Command::Schema(args)) => meta::schema(&args, out),
        Some(Command::Completions(args)) => meta::completions(&args, out),
        Some(Command::Man(args)) => man::run(&args, out),
        Some(Command::Serve(args)) => crate::serve::run(&args),
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
        rendered.push_str(&output::wrap::fit(&format!(
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
    let mut message = format!("option --{} : {}", e.field.replace('_', "-"), e.message);
    if let Some(h) = &e.help {
        message.push_str(&format!("\n  aide : {h}"));
    }
    Error::Usage { message }
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

fn open_input(path: &Path) -> Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        return Ok(Box::new(BufReader::new(io::stdin().lock())));
    }
    Ok(Box::new(BufReader::new(open_source(path)?.0)))
}

/// The input named by `--input` (`-`: standard input), unbuffered, and whether it is a regular file
/// (which never waits for a writer).
fn open_source(path: &Path) -> Result<(Box<dyn io::Read + Send>, bool)> {
    if path == Path::new("-") {
        return Ok((Box::new(io::stdin()), stdin_is_file()));
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Input {
        message: format!(
            "--input : {} : {}\n  aide : indiquez un fichier JSON ou NDJSON existant, ou « - » pour l'entrée standard",
            path.display(),
            crate::error::fr_io(&source)
        ),
    })?;
    let regular = file.metadata().is_ok_and(|m| m.is_file());
    Ok((Box::new(file), regular))
}

/// Whether standard input is a regular file (`< profils.ndjson`).
#[cfg(unix)]
fn stdin_is_file() -> bool {
    use std::os::fd::AsFd;
    io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|f| f.metadata())
        .is_ok_and(|m| m.is_file())
}

#[cfg(not(unix))]
fn stdin_is_file() -> bool {
    false
}

fn region_arg(region: &str, refs: &Referentiel) -> Result<RegionId> {
    refs.region_id(region).ok_or_else(|| Error::Usage {
        message: format!(
            "option --region : région « {region} » inconnue\n  aide : {}",
            refs.region_help(region)
        ),
    })
}

fn list_cmd(args: &ListArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let region = args
        .region
        .as_deref()
        .map(|r| region_arg(r, &rules.refs))
        .transpose()?;
    let liste = Liste {
        aides: catalogue::list_items(rules, region, shell.today),
        couverture: region.and_then(|r| report::region_sans_aide(rules, r)),
    };
    match args.format {
        ListFormat::Table => output::list_text(out, &liste.aides, shell.style()).and_then(|()| {
            match &liste.couverture {
                Some(n) => writeln!(
                    out,
                    "\n{}",
                    output::wrap::fit(n, usize::from(shell.style().width.unwrap_or(100)))
                ),
                None => Ok(()),
            }
        }),
        ListFormat::Json => output::json(out, &liste),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// The aid named on the command line, or an error with the closest id.
pub(crate) fn aide_arg<'r>(rules: &'r RuleSet, id: &str) -> Result<&'r crate::rules::model::Aide> {
    rules.aide(id).ok_or_else(|| {
        let help = did_you_mean(id, rules.aides.iter().map(|a| a.id.as_str()))
            .unwrap_or_else(|| "« aides list » donne la liste des aides".into());
        Error::Input {
            message: format!(
                "aide « {} » inconnue\n  aide : {help}",
                crate::diagnostic::echo(id)
            ),
        }
    })
}

/// One profile: the flags, laid over the one JSON profile of `--input` when given.
fn one_profile(flags: &ProfileArgs, input: Option<&Path>, refs: &Referentiel) -> Result<Profile> {
    let flags = flags_profile(flags, refs)?;
    let Some(path) = input else {
        let mut p = flags;
        p.resolve_region(refs).map_err(|e| flag_error(&e))?;
        return Ok(p);
    };
    let mut reader = open_input(path)?;
    // Reading stops at the second profile: nothing after it could make the input right.
    let mut first = None;
    let shape = stream_profiles(&mut *reader, refs, &mut |item| {
        if first.is_some() {
            return Err(Error::Input {
                message: format!(
                    "--input : un seul profil attendu ici, et un deuxième commence ligne {}\n  aide : pour un lot de profils, utilisez aides check --input",
                    item.place.line()
                ),
            });
        }
        first = Some(item);
        Ok(())
    })?;
    let Some(item) = first else {
        let message = if shape.is_some() {
            "--input : tableau vide, aucun profil\n  aide : donnez un objet JSON, le profil à expliquer"
        } else {
            "--input : entrée vide, aucun profil\n  aide : donnez un objet JSON, le profil à expliquer"
        };
        return Err(Error::Input {
            message: message.into(),
        });
    };
    let place = item.place;
    let mut p = item.profile.map_err(|problem| Error::Input {
        message: format!("--input : {}", output::problem_text(place, &problem)),
    })?;
    p.overlay(&flags);
    p.resolve_region(refs).map_err(|e| Error::Input {
        message: format!(
            "--input : {}",
            output::problem_text(place, &Problem::from(e))
        ),
    })?;
    Ok(*p)
}

fn explain_cmd(args: &ExplainArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    shell.stdin_ignored(
        args.input.as_deref(),
        &args.profil,
        &format!("explain {}", args.id),
    );
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    let profile = one_profile(&args.profil, args.input.as_deref(), &rules.refs)?;
    let date = args.date.unwrap_or(shell.today);
    let rapport = report::evaluate(rules, &profile, date);
    let explication = report::Explication::new(&rapport, aide);
    match args.format {
        ListFormat::Table => {
            output::explain::write(out, &explication, &profile, rules, shell.style())
        }
        ListFormat::Json => output::json(out, &explication),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

fn show_cmd(args: &ShowArgs, shell: Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    match args.format {
        ListFormat::Table => output::show_text(out, aide, &rules.refs, shell.style()),
        ListFormat::Json => output::json(out, &Fiche::new(aide, &rules.refs)),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}
