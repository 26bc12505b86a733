//! Strict reading of a spanned TOML document: typed getters that record a coded diagnostic (with the
//! span of the offending key or value and a suggestion) instead of failing, so that one pass over a file
//! reports every problem. Used for rule files and reference data alike.

use std::cell::{Cell, RefCell};
use std::ops::Range;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, did_you_mean};

/// A spanned TOML value.
pub type Val<'i> = Spanned<DeValue<'i>>;

/// Collects the diagnostics of one source file.
pub struct Ctx<'f> {
    pub file: &'f str,
    pub diags: Vec<Diagnostic>,
}

impl<'f> Ctx<'f> {
    #[must_use]
    pub fn new(file: &'f str) -> Self {
        Ctx {
            file,
            diags: Vec::new(),
        }
    }

    pub fn error(&mut self, code: Code, span: Range<usize>, message: String, help: Option<String>) {
        self.diags
            .push(Diagnostic::error(code, self.file, Some(span), message).with_help_opt(help));
    }

    pub fn warning(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: String,
        help: Option<String>,
    ) {
        self.diags
            .push(Diagnostic::warning(code, self.file, Some(span), message).with_help_opt(help));
    }

    /// Reports a text that carries a control character or a bidi override: shown to people, it could
    /// clear a screen, overwrite a line or forge a CI annotation.
    pub fn hidden_chars(&mut self, key: &str, text: &str, span: Range<usize>) {
        if let Some(c) = crate::text::first_hidden(text) {
            self.error(
                Code::ValueOutOfDomain,
                span,
                format!(
                    "le texte de « {} » contient le caractère de contrôle U+{:04X}",
                    crate::text::visible(key),
                    u32::from(c)
                ),
                Some(
                    "retirez-le : un texte pour les lecteurs ne porte ni caractère de contrôle, ni \
                     saut de ligne, ni marque de sens d'écriture"
                        .to_owned(),
                ),
            );
        }
    }

    /// Reports a value of the wrong TOML type.
    pub fn type_mismatch(&mut self, key: &str, val: &Val<'_>, expected: &str) {
        self.error(
            Code::TypeMismatch,
            val.span(),
            format!(
                "« {key} » attend {expected}, pas {}",
                type_name(val.get_ref())
            ),
            None,
        );
    }
}

/// The French name of a TOML value's type.
#[must_use]
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "une chaîne",
        // Named for what makes it unfit where a plain one is expected.
        DeValue::Integer(_) if as_int(v).is_none() => "un entier trop grand (plus de 19 chiffres)",
        DeValue::Integer(_) => "un entier",
        DeValue::Float(_) => "un nombre",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(dt) if dt.offset.is_some() => "une date avec heure et fuseau",
        DeValue::Datetime(dt) if dt.time.is_some() && dt.date.is_some() => "une date avec heure",
        DeValue::Datetime(dt) if dt.date.is_none() => "une heure",
        DeValue::Datetime(_) if as_date(v).is_none() => "une date hors du calendrier",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

/// Up to this many keys, a table's key is looked for by comparing them in turn.
const SMALL_TABLE: usize = 16;

/// A table being read. It records every key the reader asks for; `finish` then reports each other key
/// of the table as unknown, suggesting the closest asked-for one. So the keys a table accepts are the
/// keys its reader reads, with no list kept beside the code (the design of toml-span's `TableHelper`).
pub struct Table<'t, 'i> {
    table: &'t DeTable<'i>,
    /// The span to blame for a missing key.
    pub span: Range<usize>,
    /// What the table is, for messages ("[montant]", "une condition").
    what: String,
    asked: RefCell<Vec<&'static str>>,
    finished: Cell<bool>,
}

impl Drop for Table<'_, '_> {
    fn drop(&mut self) {
        debug_assert!(
            self.finished.get() || std::thread::panicking(),
            "a Table ({}) was dropped without finish(): its unknown keys would go unreported",
            self.what
        );
    }
}

impl<'t, 'i> Table<'t, 'i> {
    /// Starts reading a table.
    pub fn new(table: &'t DeTable<'i>, span: Range<usize>, what: impl Into<String>) -> Self {
        Table {
            table,
            span,
            what: what.into(),
            asked: RefCell::new(Vec::new()),
            finished: Cell::new(false),
        }
    }

    /// Starts reading a value that must be a table.
    pub fn of(ctx: &mut Ctx<'_>, key: &str, val: &'t Val<'i>, what: &str) -> Option<Self> {
        if let DeValue::Table(t) = val.get_ref() {
            Some(Table::new(t, val.span(), what))
        } else {
            ctx.type_mismatch(key, val, "une table");
            None
        }
    }

    fn ask(&self, key: &'static str) {
        let mut asked = self.asked.borrow_mut();
        if !asked.contains(&key) {
            asked.push(key);
        }
    }

    /// Reports every key that the reader never asked for, with the closest asked-for name.
    pub fn finish(&self, ctx: &mut Ctx<'_>) {
        self.finished.set(true);
        let asked = self.asked.borrow();
        for (key, _) in self.table {
            let name: &str = key.get_ref();
            if asked.contains(&name) {
                continue;
            }
            let help = did_you_mean(name, asked.iter().copied())
                .unwrap_or_else(|| format!("clés acceptées ici : {}", asked.join(", ")));
            ctx.error(
                Code::UnknownKey,
                key.span(),
                format!(
                    "clé « {} » inconnue dans {}",
                    crate::diagnostic::echo(name),
                    self.what
                ),
                Some(help),
            );
        }
    }

    /// Stops reading without judging the keys (when what the table should hold is not known).
    pub fn abandon(&self) {
        self.finished.set(true);
    }

    /// Marks keys as accepted without reading them (on a path that stops before it gets to them).
    pub fn accept(&self, keys: &[&'static str]) {
        for k in keys {
            self.ask(k);
        }
    }

    /// The keys of the table, as written.
    pub fn keys(&self) -> impl Iterator<Item = &'t str> {
        self.table.iter().map(|(k, _)| k.get_ref().as_ref())
    }

    /// The value of a key (and the key is one this table accepts).
    #[must_use]
    pub fn get(&self, key: &'static str) -> Option<&'t Val<'i>> {
        self.ask(key);
        // The tables of rule files hold a few keys: comparing them is quicker than hashing.
        if self.table.len() <= SMALL_TABLE {
            self.table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == key)
                .map(|(_, v)| v)
        } else {
            self.table.get(key)
        }
    }

    /// The span of a key (for messages about the key itself).
    #[must_use]
    pub fn key_span(&self, key: &'static str) -> Option<Range<usize>> {
        self.ask(key);
        self.table.get_key_value(key).map(|(k, _)| k.span())
    }

    /// Reports a required key that is absent.
    pub fn missing(&self, ctx: &mut Ctx<'_>, key: &str) {
        ctx.error(
            Code::MissingKey,
            self.span.clone(),
            format!("clé « {key} » manquante dans {}", self.what),
            Some(format!("ajoutez {key} = …")),
        );
    }

    pub fn str(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<(&'t str, Range<usize>)> {
        let val = self.get(key)?;
        if let DeValue::String(s) = val.get_ref() {
            ctx.hidden_chars(key, s, val.span());
            Some((s.as_ref(), val.span()))
        } else {
            ctx.type_mismatch(key, val, "une chaîne");
            None
        }
    }

    pub fn req_str(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<(&'t str, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(ctx, key);
        }
        self.str(ctx, key)
    }

    pub fn date(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<(NaiveDate, Range<usize>)> {
        let val = self.get(key)?;
        if let Some(d) = as_date(val.get_ref()) {
            Some((d, val.span()))
        } else {
            ctx.type_mismatch(key, val, "une date AAAA-MM-JJ (sans guillemets)");
            None
        }
    }

    pub fn req_date(
        &self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
    ) -> Option<(NaiveDate, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(ctx, key);
        }
        self.date(ctx, key)
    }

    pub fn int(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<(i64, Range<usize>)> {
        let val = self.get(key)?;
        if let Some(n) = as_int(val.get_ref()) {
            Some((n, val.span()))
        } else {
            ctx.type_mismatch(key, val, "un entier");
            None
        }
    }

    pub fn num(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Option<(f64, Range<usize>)> {
        let val = self.get(key)?;
        if let Some(n) = as_num(val.get_ref()) {
            Some((n, val.span()))
        } else {
            ctx.type_mismatch(key, val, "un nombre");
            None
        }
    }

    /// An array of strings.
    pub fn strings(&self, ctx: &mut Ctx<'_>, key: &'static str) -> Vec<String> {
        let Some(val) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = val.get_ref() else {
            ctx.type_mismatch(key, val, "une liste de chaînes");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                if let DeValue::String(s) = item.get_ref() {
                    ctx.hidden_chars(key, s, item.span());
                    Some(s.to_string())
                } else {
                    ctx.type_mismatch(key, item, "une chaîne");
                    None
                }
            })
            .collect()
    }

    /// An array of tables (`[[key]]` or an array of inline tables).
    pub fn tables(
        &self,
        ctx: &mut Ctx<'_>,
        key: &'static str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(val) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = val.get_ref() else {
            ctx.type_mismatch(key, val, "une liste de tables");
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                if let DeValue::Table(t) = item.get_ref() {
                    Some((t, item.span()))
                } else {
                    ctx.type_mismatch(key, item, "une table");
                    None
                }
            })
            .collect()
    }
}

/// A TOML local date (`2026-01-01`) as a `NaiveDate`.
#[must_use]
pub fn as_date(v: &DeValue<'_>) -> Option<NaiveDate> {
    let DeValue::Datetime(dt) = v else {
        return None;
    };
    if dt.time.is_some() || dt.offset.is_some() {
        return None;
    }
    let d = dt.date?;
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
}

/// A TOML integer as `i64` (underscores and radix handled).
#[must_use]
pub fn as_int(v: &DeValue<'_>) -> Option<i64> {
    let DeValue::Integer(i) = v else {
        return None;
    };
    i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
}

/// A TOML integer or float as `f64`.
#[must_use]
pub fn as_num(v: &DeValue<'_>) -> Option<f64> {
    match v {
        #[allow(clippy::cast_precision_loss)]
        DeValue::Integer(_) => as_int(v).map(|n| n as f64),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite()),
        _ => None,
    }
}

/// Parses a document, turning a syntax error into a located `toml-syntax` diagnostic.
///
/// # Errors
/// The syntax diagnostic.
pub fn parse<'i>(file: &str, text: &'i str) -> Result<Spanned<DeTable<'i>>, Diagnostic> {
    DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let at = text.get(span.start..).unwrap_or("");
        // A date written the French way (24/11/2026): say how TOML writes that very date.
        if let Some(iso) = french_date(at) {
            return Diagnostic::error(
                Code::TomlSyntax,
                file,
                Some(span),
                "date au format JJ/MM/AAAA : une date TOML s'écrit AAAA-MM-JJ".into(),
            )
            .with_help(format!("écrivez {iso}, sans guillemets"));
        }
        let raw = e.message().trim();
        let message = toml_message_fr(raw);
        let help = if raw.starts_with("invalid date") || raw.starts_with("invalid datetime") {
            "une date s'écrit AAAA-MM-JJ, avec des zéros et sans guillemets : 2026-01-01"
        } else {
            "voir la syntaxe TOML (https://toml.io/fr/) ; une chaîne s'écrit entre guillemets, une date sans guillemets : 2026-01-01"
        };
        Diagnostic::error(
            Code::TomlSyntax,
            file,
            Some(span),
            format!("syntaxe TOML invalide : {message}"),
        )
        .with_help(help)
    })
}

/// `24/11/2026` (or `1/2/2026`) at the start of `text`, as the TOML date `2026-11-24`; `None` when
/// it is not a real date in that form.
fn french_date(text: &str) -> Option<String> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '/'))
        .unwrap_or(text.len());
    let mut parts = text[..end].split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() > 2 || m.len() > 2 || y.len() != 4 {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// The parser's descriptions and their French.
const DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "`_` may only go between digits",
        "« _ » ne peut séparer que des chiffres",
    ),
    (
        "cannot recurse further",
        "imbrication trop profonde (listes ou tables les unes dans les autres)",
    ),
    (
        "recursion limit",
        "imbrication trop profonde (listes ou tables les unes dans les autres)",
    ),
    (
        "carriage return must be followed by newline",
        "retour chariot isolé",
    ),
    ("duplicate key", "clé en double"),
    ("extra `=`", "« = » en trop"),
    (
        "extra assignment between key-value pairs",
        "affectation en trop entre deux clés",
    ),
    ("extra comma in array", "virgule en trop dans la liste"),
    (
        "extra comma in inline table",
        "virgule en trop dans la table en ligne",
    ),
    (
        "integers with a radix cannot be signed",
        "un entier hexadécimal, octal ou binaire ne prend pas de signe",
    ),
    (
        "invalid comment character",
        "caractère interdit dans un commentaire",
    ),
    (
        "invalid inline table element",
        "élément invalide dans la table en ligne",
    ),
    ("invalid key-value pair", "couple clé = valeur invalide"),
    (
        "invalid unquoted key",
        "clé invalide (entre guillemets si elle contient autre chose que lettres, chiffres, - et _)",
    ),
    ("invalid value", "valeur invalide"),
    ("invalid basic string", "chaîne invalide"),
    (
        "invalid multi-line basic string",
        "chaîne multiligne invalide",
    ),
    ("invalid date", "date invalide"),
    ("invalid time", "heure invalide"),
    ("invalid boolean", "booléen invalide"),
    ("invalid", "valeur invalide"),
    ("key with no value", "clé sans valeur"),
    (
        "keys cannot be multi-line",
        "une clé ne peut pas être une chaîne multiligne",
    ),
    ("missing array opening", "crochet ouvrant manquant"),
    (
        "missing assignment between key-value pairs",
        "« = » manquant",
    ),
    (
        "missing comma between array elements",
        "virgule manquante entre deux éléments de la liste",
    ),
    (
        "missing comma between key-value pairs",
        "virgule manquante entre deux clés",
    ),
    (
        "missing comment start",
        "« # » manquant avant le commentaire",
    ),
    ("missing escaped value", "séquence d'échappement incomplète"),
    (
        "missing inline table opening",
        "accolade ouvrante manquante",
    ),
    (
        "missing key for inline table element",
        "clé manquante dans la table en ligne",
    ),
    ("missing opening quote", "guillemet ouvrant manquant"),
    ("missing table open", "crochet ouvrant manquant"),
    ("missing value for key", "valeur manquante après la clé"),
    ("missing value", "valeur manquante"),
    (
        "radix must be lowercase",
        "le préfixe 0x, 0o ou 0b s'écrit en minuscules",
    ),
    (
        "redundant integer number prefix",
        "préfixe de nombre en double",
    ),
    ("redundant numeric sign", "signe en double"),
    (
        "string values must be quoted",
        "une chaîne s'écrit entre guillemets",
    ),
    (
        "too few unicode value digits",
        "échappement unicode incomplet",
    ),
    ("unclosed array table", "[[table]] non fermée"),
    ("unclosed array", "liste non fermée"),
    ("unclosed inline table", "table en ligne non fermée"),
    ("unclosed table", "[table] non fermée"),
    ("unexpected `=` in array", "« = » inattendu dans une liste"),
    (
        "unexpected content between comment and newline",
        "contenu inattendu après le commentaire",
    ),
    ("unexpected content", "contenu inattendu"),
    ("unexpected key or value", "clé ou valeur inattendue"),
    ("unexpected leading zero", "zéro en tête d'un nombre"),
    ("unexpected sign", "signe inattendu"),
    ("unquoted keys cannot be empty", "clé vide"),
];
/// The parser's expected tokens and their French.
const TOKENS: &[(&str, &str)] = &[
    ("newline", "fin de ligne"),
    ("nothing", "rien"),
    ("letters", "lettres"),
    ("numbers", "chiffres"),
    ("digits", "chiffres"),
    ("literal string", "chaîne entre guillemets"),
    ("basic string", "chaîne entre guillemets"),
    ("multi-line basic string", "chaîne multiligne"),
    ("month between 01 and 12", "un mois de 01 à 12"),
    ("day between 01 and 31", "un jour de 01 à 31"),
    ("day between 01 and 30", "un jour de 01 à 30"),
    ("day between 01 and 29", "un jour de 01 à 29"),
    ("day between 01 and 28", "un jour de 01 à 28"),
    (
        "a four-digit year (YYYY)",
        "une année à quatre chiffres (AAAA)",
    ),
    ("a two-digit month (MM)", "un mois à deux chiffres (MM)"),
    ("a two-digit day (DD)", "un jour à deux chiffres (JJ)"),
    ("a two-digit hour (HH)", "une heure à deux chiffres (HH)"),
    (
        "a two-digit minute (MM)",
        "des minutes à deux chiffres (MM)",
    ),
    (
        "a two-digit second (SS)",
        "des secondes à deux chiffres (SS)",
    ),
    ("year or hour", "une année ou une heure"),
    ("month", "un mois"),
    ("day", "un jour"),
    ("hour", "une heure"),
    ("minute", "des minutes"),
    ("second", "des secondes"),
    ("nanosecond", "des fractions de seconde"),
    (
        "`-` (YYYY-MM) or `:` (HH:MM)",
        "« - » (AAAA-MM) ou « : » (HH:MM)",
    ),
    ("`-` (MM-DD)", "« - » (MM-JJ)"),
    ("`:` (HH:MM)", "« : » (HH:MM)"),
    (
        "`T` between date and time",
        "« T » entre la date et l'heure",
    ),
    ("key", "une clé"),
    ("value", "une valeur"),
    ("printable characters", "caractères imprimables"),
    ("characters", "caractères"),
    ("unicode hexadecimal value", "valeur unicode hexadécimale"),
];

/// The TOML parser's messages (`<description>, expected <tokens>`) in French. A description this table
/// does not know keeps its text, framed as the parser's.
#[must_use]
pub fn toml_message_fr(message: &str) -> String {
    let (description, expected) = match message.split_once(", expected ") {
        Some((d, e)) => (d, Some(e)),
        None => (message, None),
    };
    let mut out = DESCRIPTIONS
        .iter()
        .find(|(en, _)| description.starts_with(en))
        .map_or_else(
            || format!("message de l'analyseur TOML : {description}"),
            |(_, fr)| (*fr).to_owned(),
        );
    if let Some(expected) = expected {
        let tokens: Vec<String> = expected
            .split(", ")
            .map(|t| {
                let t = t.trim_start_matches("or ");
                TOKENS
                    .iter()
                    .find(|(en, _)| *en == t)
                    .map_or_else(|| t.to_owned(), |(_, fr)| (*fr).to_owned())
            })
            .collect();
        out.push_str(&format!(" (attendu : {})", tokens.join(", ")));
    }
    out
}
