//! The shell: one function per subcommand. The only code that reads files, stdin, the environment and
//! the clock (for the default reference date). It turns CLI structs into a `Profile` and options, calls
//! the pure core, and hands the results to `output`.

// The shell: files, streams, the environment and the clock are its job (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod guide;
pub mod rules_dir;

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::Path;

use chrono::NaiveDate;

use crate::cli::{
    CheckArgs, CheckFormat, Cli, Command, ExplainArgs, ListArgs, ListFormat, ProfileArgs, RulesArg,
    ShowArgs, ValidateArgs, ValidateFormat,
};
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::error::{Error, Result};
use crate::eval;
use crate::exit::ExitCode;
use crate::input::{Item, Place, Problem, Shape, stream_profiles};
use crate::output::{self, Style};
use crate::profile::{self, FieldError, Profile, Raw};
use crate::referentiel::{Referentiel, RegionId};
use crate::report::{self, AideCompacte, Compact, LigneErreur};
use crate::rules::model::RuleSet;
use crate::rules::{self, Loaded, check};

/// Runs a parsed command line; returns the exit code.
///
/// # Errors
/// A fatal error (bad input, unusable rules, I/O).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitCode> {
    let today = chrono::Local::now().date_naive();
    match cli.command {
        None if io::stdin().is_terminal() && io::stdout().is_terminal() => {
            guide::run(&crate::cli::GuideArgs::default(), today, out)
        }
        None => Err(Error::Usage {
            message: "aucune commande, et pas de terminal où poser les questions\n  aide : aides check --zone zip --secteur 1 … évalue un profil ; aides --help liste les commandes".into(),
        }),
        Some(Command::Guide(args)) => guide::run(&args, today, out),
        Some(Command::Check(args)) => check_cmd(&args, today, out),
        Some(Command::List(args)) => list_cmd(&args, today, out),
        Some(Command::Show(args)) => show_cmd(&args, out),
        Some(Command::Explain(args)) => explain_cmd(&args, today, out),
        Some(Command::Validate(args)) => validate_cmd(&args, today, out),
    }
}

/// Colours on a terminal without `NO_COLOR`; the width of the terminal, else `COLUMNS`, else 100.
fn style() -> Style {
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
        color: tty && !no_color,
        width: Some(width.unwrap_or(100)),
    }
}

fn comfy_width() -> Option<u16> {
    let t = comfy_table::Table::new();
    t.width()
}

/// Renders diagnostics as compiler-style text, with their sources.
fn render_all(diags: &[Diagnostic], rules: &RuleSet) -> String {
    diags
        .iter()
        .map(|d| diagnostic::render_text(d, rules.source(&d.file)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads the rule set in use: `--rules DIR` (or `AIDES_RULES`), else the embedded one. Refuses a rule
/// set with errors.
fn load(rules: &RulesArg) -> Result<Loaded> {
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
        rendered.push_str(&format!(
            "\nla base de règles contient {} erreur(s) : corrigez-les (aides validate {}) avant de l'utiliser",
            errors.len(),
            rules.dir.as_ref().map_or_else(|| "rules/".to_owned(), |p| p.display().to_string())
        ));
        return Err(Error::Rules { rendered });
    }
    Ok(loaded)
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
    let file = std::fs::File::open(path).map_err(|source| Error::Input {
        message: format!(
            "--input : {} : {}\n  aide : indiquez un fichier JSON ou NDJSON existant, ou « - » pour l'entrée standard",
            path.display(),
            crate::error::fr_io(&source)
        ),
    })?;
    Ok(Box::new(BufReader::new(file)))
}

fn check_cmd(args: &CheckArgs, today: NaiveDate, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let flags = flags_profile(&args.profil, &rules.refs)?;
    let date = args.date.unwrap_or(today);
    let style = style();
    let Some(input) = &args.input else {
        let mut p = flags;
        p.resolve_region(&rules.refs).map_err(|e| flag_error(&e))?;
        write_profile(args, rules, &p, date, style, false, out).map_err(Error::stdout)?;
        return Ok(ExitCode::Success);
    };
    let mut reader = open_input(input)?;
    let mut batch = Batch {
        args,
        rules,
        flags: &flags,
        date,
        style,
        seen: Seen::Nothing,
        written: 0,
        failed: false,
    };
    let shape = stream_profiles(&mut *reader, &rules.refs, &mut |item| batch.push(item, out))?;
    let Some(shape) = shape else {
        return Err(Error::Input {
            message: "--input : entrée vide, aucun profil\n  aide : un objet JSON, un tableau d'objets, ou un objet par ligne (NDJSON)".into(),
        });
    };
    if shape == Shape::Array && matches!(batch.seen, Seen::Nothing) {
        // An empty array is an empty batch: `[]` in JSON.
        batch.open(out)?;
        batch.seen = Seen::Batch;
    }
    batch.finish(out)?;
    Ok(if batch.failed {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

/// Whether the input is one profile or a batch: known from the second profile (or an array).
enum Seen {
    Nothing,
    /// One profile read, held until the next one (or the end) tells.
    One(Box<Item>),
    Batch,
}

/// Writes the results of `--input`, one profile at a time.
struct Batch<'a> {
    args: &'a CheckArgs,
    rules: &'a RuleSet,
    flags: &'a Profile,
    date: NaiveDate,
    style: Style,
    seen: Seen,
    written: usize,
    failed: bool,
}

impl Batch<'_> {
    fn push(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        let in_array = matches!(item.place, Place::Element { .. });
        match std::mem::replace(&mut self.seen, Seen::Batch) {
            Seen::Nothing if !in_array => {
                self.seen = Seen::One(Box::new(item));
                Ok(())
            }
            Seen::Nothing => {
                self.open(out)?;
                self.emit(item, out)
            }
            Seen::One(first) => {
                self.open(out)?;
                self.emit(*first, out)?;
                self.emit(item, out)
            }
            Seen::Batch => self.emit(item, out),
        }
    }

    fn open(&self, out: &mut dyn Write) -> Result<()> {
        if self.args.format == CheckFormat::Json {
            out.write_all(b"[\n").map_err(Error::stdout)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        match std::mem::replace(&mut self.seen, Seen::Nothing) {
            Seen::One(only) => {
                let place = only.place;
                let p = self.profile(*only).map_err(|problem| Error::Input {
                    message: format!("--input : {}", output::problem_text(place, &problem)),
                })?;
                write_profile(self.args, self.rules, &p, self.date, self.style, false, out)
                    .map_err(Error::stdout)
            }
            Seen::Batch if self.args.format == CheckFormat::Json => {
                let end: &[u8] = if self.written == 0 { b"]\n" } else { b"\n]\n" };
                out.write_all(end).map_err(Error::stdout)
            }
            Seen::Batch | Seen::Nothing => Ok(()),
        }
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

    /// Writes one batch item (a result, or the error that replaces it) after the right separator.
    fn emit(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        let place = item.place;
        let id = item.id.clone();
        let result = self.profile(item);
        let format = self.args.format;
        if self.written > 0 {
            match format {
                CheckFormat::Json => out.write_all(b",\n").map_err(Error::stdout)?,
                CheckFormat::Table if result.is_ok() => writeln!(out).map_err(Error::stdout)?,
                _ => {}
            }
        }
        match result {
            Ok(p) => {
                self.written += 1;
                write_profile(self.args, self.rules, &p, self.date, self.style, true, out)
                    .map_err(Error::stdout)
            }
            Err(problem) => {
                self.failed = true;
                let erreur = LigneErreur {
                    ligne: place.number(),
                    id: id.as_deref(),
                    erreur: output::problem_line(place, &problem),
                };
                match format {
                    CheckFormat::Table => {
                        // The results of the lines before go out first.
                        out.flush().map_err(Error::stdout)?;
                        writeln!(
                            io::stderr(),
                            "erreur : {}",
                            output::problem_text(place, &problem)
                        )
                        .map_err(Error::stdout)
                    }
                    CheckFormat::Json => {
                        self.written += 1;
                        let text = serde_json::to_string_pretty(&erreur)
                            .map_err(|e| Error::stdout(e.into()))?;
                        out.write_all(text.as_bytes()).map_err(Error::stdout)
                    }
                    CheckFormat::Ndjson => output::json_line(out, &erreur).map_err(Error::stdout),
                }
            }
        }
    }
}

fn write_compact(
    all: bool,
    rules: &RuleSet,
    p: &Profile,
    date: NaiveDate,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (verdicts, total) = eval::evaluate_compact(rules, p, date, all);
    let compact = Compact {
        id: p.label(),
        date_reference: date,
        total,
        aides: verdicts
            .into_iter()
            .map(|(a, v)| AideCompacte::new(a, v))
            .collect(),
    };
    output::json_line(out, &compact)
}

/// Writes the result of one profile. In a JSON batch the object gets no newline: the caller separates.
fn write_profile(
    args: &CheckArgs,
    rules: &RuleSet,
    p: &Profile,
    date: NaiveDate,
    style: Style,
    batch: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if args.format == CheckFormat::Ndjson && !args.detail {
        return write_compact(args.all, rules, p, date, out);
    }
    let rapport = report::evaluate(rules, p, date);
    match args.format {
        CheckFormat::Table => {
            let opts = output::answer::AnswerOptions {
                all: args.all,
                detail: args.detail,
                ..output::answer::AnswerOptions::default()
            };
            output::answer::write(out, &rapport, opts, style)
        }
        CheckFormat::Json if batch => {
            let text = serde_json::to_string_pretty(&rapport).map_err(io::Error::other)?;
            out.write_all(text.as_bytes())
        }
        CheckFormat::Json => output::json(out, &rapport),
        CheckFormat::Ndjson => output::json_line(out, &rapport),
    }
}

fn region_arg(region: &str, refs: &Referentiel) -> Result<RegionId> {
    refs.region_id(region).ok_or_else(|| Error::Usage {
        message: format!(
            "option --region : région « {region} » inconnue\n  aide : {}",
            refs.region_help(region)
        ),
    })
}

fn list_cmd(args: &ListArgs, today: NaiveDate, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let region = args
        .region
        .as_deref()
        .map(|r| region_arg(r, &rules.refs))
        .transpose()?;
    let items = output::list_items(rules, region, today);
    let note = region.and_then(|r| report::region_sans_aide(rules, r));
    match args.format {
        ListFormat::Table => output::list_text(out, &items, style()).and_then(|()| match &note {
            Some(n) => writeln!(out, "\n{n}"),
            None => Ok(()),
        }),
        ListFormat::Json => output::json(
            out,
            &serde_json::json!({ "aides": items, "couverture": note }),
        ),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

/// The aid named on the command line, or an error with the closest id.
fn aide_arg<'r>(rules: &'r RuleSet, id: &str) -> Result<&'r crate::rules::model::Aide> {
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
    let mut items = Vec::new();
    stream_profiles(&mut *reader, refs, &mut |item| {
        items.push(item);
        Ok::<(), Error>(())
    })?;
    let mut items = items.into_iter();
    let (Some(item), None) = (items.next(), items.next()) else {
        return Err(Error::Input {
            message: "--input : un seul profil attendu ici\n  aide : pour un lot de profils, utilisez aides check --input".into(),
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
    Ok(p)
}

fn explain_cmd(args: &ExplainArgs, today: NaiveDate, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    let profile = one_profile(&args.profil, args.input.as_deref(), &rules.refs)?;
    let date = args.date.unwrap_or(today);
    let rapport = report::evaluate(rules, &profile, date);
    let explication = report::Explication::new(&rapport, aide);
    match args.format {
        ListFormat::Table => output::explain::write(out, &explication, &profile, rules, style()),
        ListFormat::Json => output::json(out, &explication),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

fn show_cmd(args: &ShowArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let aide = aide_arg(rules, &args.id)?;
    match args.format {
        ListFormat::Table => output::show_text(out, aide, &rules.refs),
        ListFormat::Json => output::json(out, &output::show_json(aide, &rules.refs)),
    }
    .map_err(Error::stdout)?;
    Ok(ExitCode::Success)
}

fn validate_cmd(args: &ValidateArgs, today: NaiveDate, out: &mut dyn Write) -> Result<ExitCode> {
    let loaded = if args.paths.is_empty() {
        match &args.rules.dir {
            Some(dir) => rules_dir::load_paths(std::slice::from_ref(dir)),
            None => rules::embedded(),
        }
    } else {
        rules_dir::load_paths(&args.paths)
    };
    let rules = &loaded.rules;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(check::all(rules, args.today.unwrap_or(today), args.max_age));
    let coverage = args.coverage.then(|| check::coverage(rules));
    if let Some(cov) = &coverage {
        diags.extend(check::coverage_warnings(rules, cov));
    }
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.span.as_ref().map_or(0, |s| s.start))
            .cmp(&(b.file.as_str(), b.span.as_ref().map_or(0, |s| s.start)))
    });
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let w = &mut *out;
    let res: io::Result<()> = (|| {
        for d in &diags {
            let src = rules.source(&d.file);
            match args.format {
                ValidateFormat::Text => writeln!(w, "{}", diagnostic::render_text(d, src))?,
                ValidateFormat::Json => output::json_line(w, &diagnostic::render_json(d, src))?,
                ValidateFormat::Github => writeln!(w, "{}", diagnostic::render_github(d, src))?,
            }
        }
        if let (Some(cov), ValidateFormat::Text) = (&coverage, args.format) {
            output::coverage_table(w, cov, style())?;
        }
        if let (Some(cov), ValidateFormat::Json) = (&coverage, args.format) {
            output::json_line(w, &serde_json::json!({ "couverture": cov }))?;
        }
        if args.format == ValidateFormat::Text {
            let exemples: usize = rules.aides.iter().map(|a| a.exemples.len()).sum();
            writeln!(
                w,
                "{} : {} fichier(s), {} aide(s), {exemples} exemple(s) ; {errors} erreur(s), {warnings} avertissement(s)",
                if errors == 0 {
                    "validation réussie"
                } else {
                    "validation en échec"
                },
                rules.sources.len(),
                rules.aides.len(),
            )?;
        }
        Ok(())
    })();
    res.map_err(Error::stdout)?;
    Ok(if errors > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}
