//! Coded, located problems of a rule set (and the "did you mean" helper).
//! A `Diagnostic` carries a stable code, a byte span into a named source and a help line; the renderers
//! here turn it into compiler-style text, JSON or GitHub annotations. Nothing here prints.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

use crate::text::visible;

/// How bad a diagnostic is: errors fail `aides validate` (exit 1), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Erreur,
    Avertissement,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Erreur => "erreur",
            Severity::Avertissement => "avertissement",
        }
    }
}

macro_rules! codes {
    ($($variant:ident => $text:literal, $doc:literal;)*) => {
        /// The stable identifier of a kind of problem; scripts and CI rely on these strings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $(#[doc = $doc] $variant,)* }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed (`erreur[unknown-key]`).
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            /// One line saying what the code means (for the README and `--help`).
            #[must_use]
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    Io => "io", "a rule file or directory cannot be read";
    UnsafePath => "unsafe-path", "a path in the rules directory is not read: a link out of it or in a loop, not a regular file, or too large";
    TomlSyntax => "toml-syntax", "the file is not valid TOML";
    UnknownKey => "unknown-key", "a key the rule format does not define";
    MissingKey => "missing-key", "a required key is absent";
    UnknownField => "unknown-field", "a condition or example names a field outside the profile vocabulary";
    TypeMismatch => "type-mismatch", "a value has the wrong type for its key or field";
    ValueOutOfDomain => "value-out-of-domain", "a value is outside the accepted values of its key or field";
    DuplicateId => "duplicate-id", "two rule files declare the same id";
    IdFileMismatch => "id-file-mismatch", "the id differs from the file name";
    UnknownContact => "unknown-contact", "the contact reference is not in the reference data";
    UnknownCondition => "unknown-condition", "a shared condition (`partagee`) is not in the reference data";
    EmptyPeriod => "empty-period", "a period ends before it starts";
    ScaleGap => "scale-gap", "a value between two scale steps has no amount";
    ScaleOverlap => "scale-overlap", "two scale steps cover the same values";
    ExampleMismatch => "example-mismatch", "an example's expected outcome differs from the evaluation";
    UnreachableCondition => "unreachable-condition", "a condition or branch can never be true (error when it makes the aid impossible, warning for a dead `un_de` branch)";
    StaleRule => "stale-rule", "the facts were last checked against the sources too long ago";
    BreakableAmount => "breakable-amount", "an amount or number in a text has an ordinary space that a line could break at (warning)";
    BreakablePunctuation => "breakable-punctuation", "a text has an ordinary space (or none) before « : ; ? ! » or inside « », where a line could break (warning)";
    UncoveredCondition => "uncovered-condition", "no example makes a condition both true and false (warning, with `--coverage`)";
}

/// One problem, located in a named source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Display name of the source (a path such as `rules/national/x.toml`).
    pub file: String,
    /// Byte range in the source; `None` for problems of a whole file or directory.
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    #[must_use]
    pub fn error(code: Code, file: &str, span: Option<Range<usize>>, message: String) -> Self {
        Diagnostic {
            severity: Severity::Erreur,
            code,
            file: file.to_owned(),
            span,
            message,
            help: None,
        }
    }

    #[must_use]
    pub fn warning(code: Code, file: &str, span: Option<Range<usize>>, message: String) -> Self {
        Diagnostic {
            severity: Severity::Avertissement,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Erreur
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[must_use]
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where a diagnostic points, resolved against its source.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

/// Resolves a diagnostic's span to line and column, given the text of its file.
#[must_use]
pub fn locate(diag: &Diagnostic, source: Option<&str>) -> Option<Location> {
    let (source, span) = (source?, diag.span.as_ref()?);
    let (line, col) = line_col(source, span.start);
    Some(Location { line, col })
}

/// Compiler-style text: header, `--> file:line:col`, the line with carets, `= aide : …`. Every part
/// taken from a rule file or its name shows its control characters as escapes (`text::visible`).
#[must_use]
pub fn render_text(diag: &Diagnostic, source: Option<&str>) -> String {
    render_text_width(diag, source, MAX_SNIPPET + 8)
}

/// [`render_text`] for a terminal of `columns` columns: the source line is cut around the span to
/// fit, and the message and help are wrapped at word boundaries.
#[must_use]
pub fn render_text_width(diag: &Diagnostic, source: Option<&str>, columns: usize) -> String {
    let text = render_lines(diag, source, columns);
    let fitted = crate::text::wrap::fit(text.trim_end_matches('\n'), columns);
    unforged(&fitted) + "\n"
}

/// Wrapping may start a line with a word of the rule file's text: a line that would start (after
/// its indent) with `::`, a CI workflow command, shows its first colon as an escape instead.
fn unforged(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            let body = line.trim_start();
            if body.starts_with("::") {
                let indent = &line[..line.len() - body.len()];
                format!("{indent}\\u{{3a}}{}", &body[1..])
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn render_lines(diag: &Diagnostic, source: Option<&str>, columns: usize) -> String {
    let mut out = String::new();
    let file = visible(&diag.file);
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        diag.severity.label(),
        diag.code.as_str(),
        visible(&diag.message)
    );
    let help = diag.help.as_deref().map(visible);
    if let (Some(src), Some(span)) = (source, diag.span.as_ref()) {
        let (line, col) = line_col(src, span.start);
        let gutter = " ".repeat(line.to_string().len());
        let _ = writeln!(out, "{gutter}--> {file}:{line}:{col}");
        let text = src.split('\n').nth(line - 1).unwrap_or("");
        let text = text.strip_suffix('\r').unwrap_or(text);
        let start = floor_char_boundary(src, span.start.min(src.len()));
        let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
        // A span may start on the line's `\r` (before its `\n`), past the text shown.
        let line_end = (line_start + text.len()).max(start);
        let end = floor_char_boundary(src, span.end.clamp(start, line_end));
        let width = src[start..end].chars().count().max(1);
        let room = columns
            .saturating_sub(gutter.len() + 3)
            .clamp(20, MAX_SNIPPET);
        let (shown, caret_at, width) = window(text, col - 1, width, room);
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{line} | {}", visible(&shown));
        let _ = writeln!(
            out,
            "{gutter} | {}{}",
            " ".repeat(caret_at),
            "^".repeat(width)
        );
        if let Some(help) = help {
            let _ = writeln!(out, "{gutter} = aide : {help}");
        }
    } else {
        let _ = writeln!(out, " --> {file}");
        if let Some(help) = help {
            let _ = writeln!(out, "  = aide : {help}");
        }
    }
    out
}

/// Longest source line shown in a snippet; a longer one is cut around the span.
const MAX_SNIPPET: usize = 100;

/// The part of a source line to show, the caret's column in it and the caret's width (counted as
/// shown, control characters escaped): the whole line when short, else a window of it around the span
/// with `…` where it was cut.
fn window(text: &str, col: usize, width: usize, room: usize) -> (String, usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let shown_width = |cs: &[char]| crate::text::visible_width(&cs.iter().collect::<String>());
    let col = col.min(chars.len());
    if chars.len() <= room {
        let to = (col + width).min(chars.len());
        let caret_width = shown_width(&chars[col..to]).max(1);
        return (text.to_owned(), shown_width(&chars[..col]), caret_width);
    }
    let room = room - 2;
    let from = col.saturating_sub(room / 3).min(chars.len());
    let to = (from + room).min(chars.len());
    let mut shown = String::new();
    let mut caret = shown_width(&chars[from..col]);
    if from > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    let span_end = (col + width.min(to.saturating_sub(col).max(1))).min(to);
    let width = shown_width(&chars[col..span_end]).max(1);
    (shown, caret, width)
}

/// A GitHub Actions workflow annotation (`::error file=…,line=…,col=…::…`).
#[must_use]
pub fn render_github(diag: &Diagnostic, source: Option<&str>) -> String {
    let level = match diag.severity {
        Severity::Erreur => "error",
        Severity::Avertissement => "warning",
    };
    let mut props = format!("file={}", escape_property(&visible(&diag.file)));
    if let Some(loc) = locate(diag, source) {
        let _ = write!(props, ",line={},col={}", loc.line, loc.col);
    }
    let _ = write!(props, ",title={}", escape_property(diag.code.as_str()));
    let mut message = visible(&diag.message).into_owned();
    if let Some(help) = &diag.help {
        let _ = write!(message, "\naide : {}", visible(help));
    }
    format!("::{level} {props}::{}", escape_data(&message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Words longer than this get no suggestion: nobody mistypes a name that long, and the distance would
/// cost time proportional to its length.
const MAX_SUGGESTED_WORD: usize = 64;

/// Longest user text echoed in a message; longer text is cut, with its length.
const MAX_ECHO: usize = 80;

/// User text as quoted in a message: whole when short, else its first characters and its length;
/// its control characters escaped.
#[must_use]
pub fn echo(text: &str) -> Cow<'_, str> {
    let mut chars = text.char_indices();
    match chars.nth(MAX_ECHO) {
        None => visible(text),
        Some((cut, _)) => Cow::Owned(format!(
            "{}… ({} caractères)",
            visible(&text[..cut]),
            text.chars().count()
        )),
    }
}

/// The closest candidate within distance 2 (1 for words of three letters or fewer, where 2 edits would
/// match nearly anything), case-insensitive, `-` and `_` alike.
#[must_use]
pub fn suggest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if word.len() > MAX_SUGGESTED_WORD * 4 || word.chars().count() > MAX_SUGGESTED_WORD {
        return None;
    }
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let word = norm(word);
    let max = if word.chars().count() <= 3 { 1 } else { 2 };
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // A name that contains the word whole ("crai" in "hauts-de-france-crai") beats a near spelling.
    let containing = candidates
        .iter()
        .copied()
        .filter(|c| word.chars().count() >= 3 && norm(c).contains(&word))
        .min_by_key(|c| c.len());
    containing.or_else(|| {
        candidates
            .into_iter()
            .map(|c| (strsim::levenshtein(&word, &norm(c)), c))
            .filter(|(d, _)| *d <= max)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c)
    })
}

/// The candidate a word is a spelling slip of, if any: at most one edit for a word of five letters or
/// fewer, two otherwise (a swap of two letters counts as one), and never a candidate that only
/// contains the word (which would name another value).
#[must_use]
pub fn suggest_spelling<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    if word.chars().count() > MAX_SUGGESTED_WORD {
        return None;
    }
    let norm = |s: &str| s.to_lowercase().replace('_', "-");
    let word = norm(word);
    let max = if word.chars().count() <= 5 { 1 } else { 2 };
    candidates
        .into_iter()
        .map(|c| (strsim::osa_distance(&word, &norm(c)), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "vouliez-vous dire « x » ?" when a close name exists.
#[must_use]
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    suggest(word, candidates).map(|s| format!("vouliez-vous dire « {s} » ?"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wrapped_line_never_starts_with_a_workflow_command() {
        assert_eq!(
            super::unforged("erreur : x\n::warning y\n  ::z\nok"),
            "erreur : x\n\\u{3a}:warning y\n  \\u{3a}:z\nok"
        );
    }

    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(
                seen.insert(code.as_str()),
                "code {} repeated",
                code.as_str()
            );
        }
    }

    #[test]
    fn long_user_text_is_cut_and_gets_no_suggestion() {
        let long = "z".repeat(5_000_000);
        assert_eq!(suggest(&long, ["zone"]), None);
        let shown = echo(&long);
        assert!(shown.starts_with(&"z".repeat(80)), "{}", &shown[..90]);
        assert!(
            shown.ends_with("… (5000000 caractères)"),
            "{}",
            &shown[80..]
        );
        assert_eq!(echo("zone"), "zone");
    }

    #[test]
    fn line_col_counts_characters() {
        let src = "a = 1\nété = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        let off = src.find('=').unwrap();
        assert_eq!(line_col(src, off), (1, 3));
        let off = src.rfind('=').unwrap();
        assert_eq!(line_col(src, off), (2, 5));
    }

    #[test]
    fn suggestion_within_two_edits() {
        let names = ["zone", "qpv", "secteur"];
        assert_eq!(suggest("zonne", names), Some("zone"));
        assert_eq!(suggest("sector", names), Some("secteur"));
        assert_eq!(suggest("departement", names), None);
        assert_eq!(suggest("999", ["09", "99"]), Some("99"));
        assert_eq!(suggest("999", ["09", "01"]), None);
        assert_eq!(
            suggest("crai", ["caim", "hauts-de-france-crai"]),
            Some("hauts-de-france-crai")
        );
    }

    #[test]
    fn a_span_on_the_carriage_return_of_a_line_is_shown() {
        // Found by fuzzing: the span starts on the `\n` of a `\r\n`, past the text of the line.
        let src = "\"x\\:\r\n\"x\\:nw:arogier";
        let at = src.find('\n').unwrap();
        let d = Diagnostic::error(
            Code::TomlSyntax,
            "x\n::y",
            Some(at..at + 1),
            "m\u{1b}".into(),
        );
        let text = render_text(&d, Some(src));
        assert!(text.contains("--> x\\n::y:1:6"), "{text}");
        assert!(
            text.starts_with("erreur[toml-syntax]: m\\u{1b}\n"),
            "{text}"
        );
        assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
    }

    #[test]
    fn text_rendering_points_at_the_span() {
        let src = "id = \"x\"\nchamp = \"zonne\"\n";
        let start = src.find("\"zonne\"").unwrap();
        let d = Diagnostic::error(
            Code::UnknownField,
            "r.toml",
            Some(start..start + 7),
            "champ inconnu".into(),
        )
        .with_help("vouliez-vous dire « zone » ?");
        let text = render_text(&d, Some(src));
        assert_eq!(
            text,
            "erreur[unknown-field]: champ inconnu\n --> r.toml:2:9\n  |\n2 | champ = \"zonne\"\n  |         ^^^^^^^\n  = aide : vouliez-vous dire « zone » ?\n"
        );
    }
}
