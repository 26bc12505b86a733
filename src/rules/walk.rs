//! Strict reading of a spanned TOML document: typed getters that record a coded diagnostic (with the
//! span of the offending key or value and a suggestion) instead of failing, so that one pass over a file
//! reports every problem. Used for rule files and reference data alike.

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
        DeValue::Integer(_) => "un entier",
        DeValue::Float(_) => "un nombre",
        DeValue::Boolean(_) => "un booléen",
        DeValue::Datetime(_) => "une date",
        DeValue::Array(_) => "une liste",
        DeValue::Table(_) => "une table",
    }
}

/// A table being read: the keys it allows, and the span to blame for a missing key.
pub struct Table<'t, 'i> {
    pub table: &'t DeTable<'i>,
    pub span: Range<usize>,
}

impl<'t, 'i> Table<'t, 'i> {
    /// Wraps a table and reports every key outside `allowed`, with the closest allowed name.
    pub fn new(
        ctx: &mut Ctx<'_>,
        table: &'t DeTable<'i>,
        span: Range<usize>,
        what: &str,
        allowed: &[&str],
    ) -> Self {
        for (key, _) in table {
            if !allowed.contains(&key.get_ref().as_ref()) {
                let help = did_you_mean(key.get_ref(), allowed.iter().copied())
                    .unwrap_or_else(|| format!("clés acceptées ici : {}", allowed.join(", ")));
                ctx.error(
                    Code::UnknownKey,
                    key.span(),
                    format!("clé « {} » inconnue dans {what}", key.get_ref()),
                    Some(help),
                );
            }
        }
        Table { table, span }
    }

    /// Wraps a value that must be a table.
    pub fn of(
        ctx: &mut Ctx<'_>,
        key: &str,
        val: &'t Val<'i>,
        what: &str,
        allowed: &[&str],
    ) -> Option<Self> {
        if let DeValue::Table(t) = val.get_ref() {
            Some(Table::new(ctx, t, val.span(), what, allowed))
        } else {
            ctx.type_mismatch(key, val, "une table");
            None
        }
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&'t Val<'i>> {
        self.table.get(key)
    }

    /// The span of a key (for messages about the key itself).
    #[must_use]
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table.get_key_value(key).map(|(k, _)| k.span())
    }

    fn missing(&self, ctx: &mut Ctx<'_>, key: &str, what: &str) {
        ctx.error(
            Code::MissingKey,
            self.span.clone(),
            format!("clé « {key} » manquante dans {what}"),
            Some(format!("ajoutez {key} = …")),
        );
    }

    pub fn str(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<(&'t str, Range<usize>)> {
        let val = self.get(key)?;
        if let DeValue::String(s) = val.get_ref() {
            Some((s.as_ref(), val.span()))
        } else {
            ctx.type_mismatch(key, val, "une chaîne");
            None
        }
    }

    pub fn req_str(
        &self,
        ctx: &mut Ctx<'_>,
        key: &str,
        what: &str,
    ) -> Option<(&'t str, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(ctx, key, what);
        }
        self.str(ctx, key)
    }

    pub fn date(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<(NaiveDate, Range<usize>)> {
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
        key: &str,
        what: &str,
    ) -> Option<(NaiveDate, Range<usize>)> {
        if self.get(key).is_none() {
            self.missing(ctx, key, what);
        }
        self.date(ctx, key)
    }

    pub fn int(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<(i64, Range<usize>)> {
        let val = self.get(key)?;
        if let Some(n) = as_int(val.get_ref()) {
            Some((n, val.span()))
        } else {
            ctx.type_mismatch(key, val, "un entier");
            None
        }
    }

    pub fn num(&self, ctx: &mut Ctx<'_>, key: &str) -> Option<(f64, Range<usize>)> {
        let val = self.get(key)?;
        if let Some(n) = as_num(val.get_ref()) {
            Some((n, val.span()))
        } else {
            ctx.type_mismatch(key, val, "un nombre");
            None
        }
    }

    /// An array of strings.
    pub fn strings(&self, ctx: &mut Ctx<'_>, key: &str) -> Vec<String> {
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
                    Some(s.to_string())
                } else {
                    ctx.type_mismatch(key, item, "une chaîne");
                    None
                }
            })
            .collect()
    }

    /// An array of tables (`[[key]]` or an array of inline tables).
    pub fn tables(&self, ctx: &mut Ctx<'_>, key: &str) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
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
        let message = e.message().trim().to_owned();
        Diagnostic::error(
            Code::TomlSyntax,
            file,
            e.span().or(Some(0..0)),
            format!("syntaxe TOML invalide : {message}"),
        )
        .with_help("voir la syntaxe TOML (https://toml.io/fr/) ; une chaîne s'écrit entre guillemets, une date sans guillemets : 2026-01-01")
    })
}
