//! The shell: one function per subcommand. The only code that reads files, stdin, the environment and
//! the clock (for the default reference date). It turns CLI structs into a `Profile` and options, calls
//! the pure core, and hands the results to `output`.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::cli::{
    CheckArgs, CheckFormat, Cli, Command, ListArgs, ListFormat, RulesArg, ShowArgs, ValidateArgs,
    ValidateFormat,
};
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::error::{Error, Result};
use crate::eval;
use crate::output::{self, Style};
use crate::profile::{self, FieldError, Profile, Raw};
use crate::report::{AideCompacte, Compact, LigneErreur};
use crate::rules::model::RuleSet;
use crate::rules::referentiel::Referentiel;
use crate::rules::{self, Loaded, check};

/// Runs a parsed command line; returns the exit code.
///
/// # Errors
/// A fatal error (bad input, unusable rules, I/O).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<u8> {
    let today = chrono::Local::now().date_naive();
    match cli.command {
        Command::Check(args) => check_cmd(&args, today, out),
        Command::List(args) => list_cmd(&args, out),
        Command::Show(args) => show_cmd(&args, out),
        Command::Validate(args) => validate_cmd(&args, today, out),
    }
}

fn style() -> Style {
    let tty = io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = if tty { comfy_width() } else { None };
    Style {
        color: tty && !no_color,
        width,
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
    let loaded = match &rules.rules {
        Some(dir) => rules::load_paths(std::slice::from_ref(dir)),
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
            rules.rules.as_ref().map_or_else(|| "rules/".to_owned(), |p| p.display().to_string())
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

fn input_error(context: &str, e: &FieldError) -> String {
    let mut message = if profile::field_id(&e.field).is_some() || !e.field.starts_with('(') {
        format!("{context} : champ « {} » : {}", e.field, e.message)
    } else {
        format!("{context} : {}", e.message)
    };
    if let Some(h) = &e.help {
        message.push_str(&format!("\n  aide : {h}"));
    }
    message
}

/// The profile given by flags.
fn flags_profile(args: &CheckArgs, refs: &Referentiel) -> Result<Profile> {
    let mut p = Profile::default();
    for (field, text) in &args.profil.values {
        let value =
            profile::parse_value(*field, &Raw::Flag(text), refs).map_err(|e| flag_error(&e))?;
        p.set(*field, Some(value));
    }
    Ok(p)
}

/// Reads one profile object from JSON, checking each key against the vocabulary.
struct ProfileSeed<'a> {
    refs: &'a Referentiel,
}

impl<'de> DeserializeSeed<'de> for ProfileSeed<'_> {
    type Value = std::result::Result<Profile, FieldError>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn not_an_object(what: &str) -> FieldError {
    FieldError {
        field: "(profil)".into(),
        message: format!("{what} reçu, un objet JSON attendu"),
        help: Some("un profil s'écrit {\"zone\": \"ZIP\", \"secteur\": 1, …}".into()),
        wrong_type: true,
    }
}

fn json_to_raw(v: &serde_json::Value) -> Raw<'_> {
    match v {
        serde_json::Value::Null => Raw::Null,
        serde_json::Value::Bool(b) => Raw::Bool(*b),
        serde_json::Value::Number(n) => n.as_i64().map_or_else(
            || n.as_f64().map_or(Raw::Other("un nombre"), Raw::Float),
            Raw::Int,
        ),
        serde_json::Value::String(s) => Raw::Str(s),
        serde_json::Value::Array(items) => Raw::List(items.iter().map(json_to_raw).collect()),
        serde_json::Value::Object(_) => Raw::Other("un objet"),
    }
}

impl<'de> Visitor<'de> for ProfileSeed<'_> {
    type Value = std::result::Result<Profile, FieldError>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("un profil (objet JSON)")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut profile = Profile::default();
        let mut error = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if error.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let Some(field) = profile::field_id(&key) else {
                error = Some(profile::unknown_key(&key));
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let value: serde_json::Value = map.next_value()?;
            let raw = json_to_raw(&value);
            if raw == Raw::Null {
                continue;
            }
            match profile::parse_value(field, &raw, self.refs) {
                Ok(v) => profile.set(field, Some(v)),
                Err(e) => error = Some(e),
            }
        }
        Ok(error.map_or(Ok(profile), Err))
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Err(not_an_object("une liste")))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un booléen")))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("un nombre")))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("une chaîne")))
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err(not_an_object("null")))
    }
}

/// A JSON syntax error in French: where (serde's line plus `line_offset`, and column) and what. An input
/// that ends inside a value names the line where that value started.
fn json_syntax(e: &serde_json::Error, line_offset: usize, started: usize) -> String {
    if e.classify() == serde_json::error::Category::Eof {
        return format!(
            "JSON invalide : la valeur commencée ligne {started} n'est pas fermée (accolade ou crochet manquant ?)"
        );
    }
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!(
        "JSON invalide ligne {}, colonne {} : syntaxe incorrecte ({text})",
        e.line() + line_offset,
        e.column().max(1)
    )
}

/// One item of the input: where it was, and the profile or what is wrong with it.
struct Item {
    /// 1-based line (NDJSON, single object) or position in the array.
    ligne: usize,
    in_array: bool,
    profile: std::result::Result<Profile, String>,
}

/// Streams the profiles of `reader` (one object, an array, or NDJSON) to `each`, with constant memory.
/// Returns whether the input was a JSON array, or `Err` for an input that cannot be read at all (a
/// syntax error outside NDJSON).
fn stream_profiles(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    each: &mut dyn FnMut(Item) -> Result<()>,
) -> Result<bool> {
    let io_err = |source| Error::Io {
        path: "--input".into(),
        source,
    };
    // Find the first non-blank byte to tell an array from objects.
    let first = loop {
        let buf = reader.fill_buf().map_err(io_err)?;
        if buf.is_empty() {
            return Err(Error::Input {
                message: "--input : entrée vide, aucun profil\n  aide : un objet JSON, un tableau d'objets, ou un objet par ligne (NDJSON)".into(),
            });
        }
        if let Some(i) = buf.iter().position(|b| !b.is_ascii_whitespace()) {
            break buf[i];
        }
        let n = buf.len();
        reader.consume(n);
    };
    let wrap = |r: std::result::Result<Profile, FieldError>, ctx: &str| {
        r.map_err(|e| input_error(ctx, &e))
    };
    if first == b'[' {
        return stream_array(reader, refs, each, &wrap).map(|()| true);
    }
    // NDJSON, or one (possibly multi-line) object: read line by line; a line that is an incomplete
    // value switches to reading the rest as a stream of values.
    let mut line = String::new();
    let mut n = 0;
    // Only the first profile may span several lines (one pretty-printed object); after that the input
    // is NDJSON, and a line cut short is a bad line like any other.
    let mut first_line = true;
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(io_err)?;
        if read == 0 {
            return Ok(false);
        }
        n += 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut de = serde_json::Deserializer::from_str(&line);
        let parsed = ProfileSeed { refs }
            .deserialize(&mut de)
            .and_then(|p| de.end().map(|()| p));
        match parsed {
            Ok(p) => each(Item {
                ligne: n,
                in_array: false,
                profile: wrap(p, &format!("ligne {n}")),
            })?,
            Err(e) if e.is_eof() && first_line => {
                let mut rest = std::mem::take(&mut line);
                reader.read_to_string(&mut rest).map_err(io_err)?;
                let start = n;
                let mut stream =
                    serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
                for value in stream.by_ref() {
                    match value {
                        Ok(v) => {
                            let p =
                                ProfileSeed { refs }
                                    .deserialize(v)
                                    .map_err(|e| Error::Input {
                                        message: e.to_string(),
                                    })?;
                            each(Item {
                                ligne: start,
                                in_array: false,
                                profile: wrap(p, "profil"),
                            })?;
                        }
                        Err(e) => {
                            return Err(Error::Input {
                                message: format!("--input : {}", json_syntax(&e, start - 1, start)),
                            });
                        }
                    }
                }
                return Ok(false);
            }
            Err(e) => each(Item {
                ligne: n,
                in_array: false,
                profile: Err(json_syntax(&e, n - 1, n)),
            })?,
        }
        first_line = false;
    }
}

/// Turns a profile's field error into the message of its input line.
type Wrap<'a> = dyn Fn(std::result::Result<Profile, FieldError>, &str) -> std::result::Result<Profile, String>
    + 'a;

fn stream_array(
    reader: &mut dyn BufRead,
    refs: &Referentiel,
    each: &mut dyn FnMut(Item) -> Result<()>,
    wrap: &Wrap<'_>,
) -> Result<()> {
    struct Elements<'a, 'b> {
        refs: &'a Referentiel,
        each: &'a mut dyn FnMut(Item) -> Result<()>,
        wrap: &'a Wrap<'a>,
        failure: &'b RefCell<Option<Error>>,
    }
    impl<'de> Visitor<'de> for Elements<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("un tableau de profils")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            let mut i = 0;
            while let Some(p) = seq.next_element_seed(ProfileSeed { refs: self.refs })? {
                i += 1;
                let item = Item {
                    ligne: i,
                    in_array: true,
                    profile: (self.wrap)(p, &format!("profil n° {i} du tableau")),
                };
                if let Err(e) = (self.each)(item) {
                    *self.failure.borrow_mut() = Some(e);
                    return Err(de::Error::custom("arrêt"));
                }
            }
            Ok(())
        }
    }
    let failure = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let result = de
        .deserialize_seq(Elements {
            refs,
            each,
            wrap,
            failure: &failure,
        })
        .and_then(|()| de.end());
    if let Some(e) = failure.into_inner() {
        return Err(e);
    }
    result.map_err(|e| Error::Input {
        message: format!("--input : {}", json_syntax(&e, 0, 1)),
    })
}

fn open_input(path: &str) -> Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(io::stdin().lock())));
    }
    let file = std::fs::File::open(path).map_err(|source| Error::Input {
        message: format!(
            "--input : {path} : {}\n  aide : indiquez un fichier JSON ou NDJSON existant, ou « - » pour l'entrée standard",
            crate::error::fr_io(&source)
        ),
    })?;
    Ok(Box::new(BufReader::new(file)))
}

fn check_cmd(args: &CheckArgs, today: NaiveDate, out: &mut dyn Write) -> Result<u8> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let flags = flags_profile(args, &rules.refs)?;
    let date = args.date.unwrap_or(today);
    let style = style();
    let Some(input) = &args.input else {
        let mut p = flags;
        p.resolve_region(&rules.refs).map_err(|e| flag_error(&e))?;
        write_profile(args, rules, &p, date, style, false, out).map_err(Error::stdout)?;
        return Ok(0);
    };
    let mut reader = open_input(input)?;
    let mut batch = Batch {
        args,
        rules,
        flags: &flags,
        date,
        style,
        state: State::Empty,
        written: 0,
        failed: false,
    };
    let array = stream_profiles(&mut *reader, &rules.refs, &mut |item| batch.push(item, out))?;
    if array && matches!(batch.state, State::Empty) {
        // An empty array is an empty batch: `[]` in JSON.
        batch.open(out)?;
        batch.state = State::Batch;
    }
    batch.finish(out)?;
    Ok(u8::from(batch.failed))
}

/// Whether the input is one profile or a batch: known from the second profile (or an array).
enum State {
    Empty,
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
    state: State,
    written: usize,
    failed: bool,
}

impl Batch<'_> {
    fn push(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        match std::mem::replace(&mut self.state, State::Batch) {
            State::Empty if !item.in_array => {
                self.state = State::One(Box::new(item));
                Ok(())
            }
            State::Empty => {
                self.open(out)?;
                self.emit(item, out)
            }
            State::One(first) => {
                self.open(out)?;
                self.emit(*first, out)?;
                self.emit(item, out)
            }
            State::Batch => self.emit(item, out),
        }
    }

    fn open(&self, out: &mut dyn Write) -> Result<()> {
        if self.args.format == CheckFormat::Json {
            out.write_all(b"[\n").map_err(Error::stdout)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        match std::mem::replace(&mut self.state, State::Empty) {
            State::One(only) => {
                let p = self.profile(*only).map_err(|message| Error::Input {
                    message: format!("--input : {message}"),
                })?;
                write_profile(self.args, self.rules, &p, self.date, self.style, false, out)
                    .map_err(Error::stdout)
            }
            State::Batch if self.args.format == CheckFormat::Json => {
                let end: &[u8] = if self.written == 0 { b"]\n" } else { b"\n]\n" };
                out.write_all(end).map_err(Error::stdout)
            }
            State::Batch | State::Empty => Ok(()),
        }
    }

    /// The item's profile with the flags laid over it and its region resolved.
    fn profile(&self, item: Item) -> std::result::Result<Profile, String> {
        let ligne = item.ligne;
        item.profile.and_then(|mut p| {
            p.overlay(self.flags);
            p.resolve_region(&self.rules.refs)
                .map(|()| p)
                .map_err(|e| input_error(&format!("ligne {ligne}"), &e))
        })
    }

    /// Writes one batch item (a result, or the error that replaces it) after the right separator.
    fn emit(&mut self, item: Item, out: &mut dyn Write) -> Result<()> {
        let ligne = item.ligne;
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
            Err(message) => {
                self.failed = true;
                // One line per error in batch output: the help goes after a semicolon, and the
                // position is the `ligne` key (the table, on stderr, keeps it in the text).
                let text = message.replace("\n  aide : ", " ; aide : ");
                let positionless = [
                    format!("ligne {ligne} : "),
                    format!("profil n° {ligne} du tableau : "),
                ]
                .iter()
                .find_map(|p| text.strip_prefix(p.as_str()))
                .map(str::to_owned);
                let erreur = LigneErreur {
                    ligne,
                    erreur: positionless.unwrap_or_else(|| text.clone()),
                };
                match format {
                    CheckFormat::Table => {
                        writeln!(io::stderr(), "erreur : {text}").map_err(Error::stdout)
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
    let rapport = eval::evaluate(rules, p, date);
    match args.format {
        CheckFormat::Table => output::check_table(out, &rapport, args.all, style),
        CheckFormat::Json if batch => {
            let text = serde_json::to_string_pretty(&rapport).map_err(io::Error::other)?;
            out.write_all(text.as_bytes())
        }
        CheckFormat::Json => output::json(out, &rapport),
        CheckFormat::Ndjson => output::json_line(out, &rapport),
    }
}

fn region_arg(region: &str, refs: &Referentiel) -> Result<u16> {
    refs.region_index(region).ok_or_else(|| Error::Usage {
        message: format!(
            "option --region : région « {region} » inconnue\n  aide : {}",
            refs.region_help(region)
        ),
    })
}

fn list_cmd(args: &ListArgs, out: &mut dyn Write) -> Result<u8> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let region = args
        .region
        .as_deref()
        .map(|r| region_arg(r, &rules.refs))
        .transpose()?;
    let items = output::list_items(rules, region);
    let note = region.and_then(|r| eval::region_sans_aide(rules, r));
    match args.format {
        ListFormat::Table => output::list_table(out, &items, style()).and_then(|()| match &note {
            Some(n) => writeln!(out, "\n{n}"),
            None => Ok(()),
        }),
        ListFormat::Json => output::json(
            out,
            &serde_json::json!({ "aides": items, "couverture": note }),
        ),
    }
    .map_err(Error::stdout)?;
    Ok(0)
}

fn show_cmd(args: &ShowArgs, out: &mut dyn Write) -> Result<u8> {
    let loaded = load(&args.rules)?;
    let rules = &loaded.rules;
    let Some(aide) = rules.aide(&args.id) else {
        let help = did_you_mean(&args.id, rules.aides.iter().map(|a| a.id.as_str()))
            .unwrap_or_else(|| "« aides list » donne la liste des aides".into());
        return Err(Error::Input {
            message: format!("aide « {} » inconnue\n  aide : {help}", args.id),
        });
    };
    match args.format {
        ListFormat::Table => output::show_text(out, aide, &rules.refs),
        ListFormat::Json => output::json(out, &output::show_json(aide, &rules.refs)),
    }
    .map_err(Error::stdout)?;
    Ok(0)
}

fn validate_cmd(args: &ValidateArgs, today: NaiveDate, out: &mut dyn Write) -> Result<u8> {
    let loaded = if args.paths.is_empty() {
        match &args.rules.rules {
            Some(dir) => rules::load_paths(std::slice::from_ref(dir)),
            None => rules::embedded(),
        }
    } else {
        rules::load_paths(&args.paths)
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
    Ok(u8::from(errors > 0))
}

/// The reference date as the user would write it (used in messages).
#[must_use]
pub fn paths_display(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}
