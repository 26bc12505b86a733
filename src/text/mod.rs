//! Text for people, made safe to show: control characters (C0, DEL, C1), bidi overrides and line
//! separators of user or rule-file text become visible escapes (`\n`, `\u{1b}`, `\u{202e}`), so that no
//! input can clear a screen, retitle a window, overwrite a line or forge a CI workflow command
//! (`::error::…` at the start of a line). Every renderer of text for people goes through here; JSON and
//! GitHub annotations keep their own escaping.

pub mod wrap;

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character must not reach a terminal or a CI log raw.
#[must_use]
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// The first character of `text` that `is_hidden`, looked for by its first byte: every hidden
/// character begins with a control byte or with 0xC2, 0xD8 or 0xE2, so the letters, accents and
/// no-break spaces of a French text are passed over without decoding them.
#[must_use]
pub fn first_hidden(text: &str) -> Option<char> {
    text.bytes().enumerate().find_map(|(i, b)| {
        if b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2 {
            // A byte below 0x80 or a leading byte: `i` is on a character boundary.
            text[i..].chars().next().filter(|&c| is_hidden(c))
        } else {
            None
        }
    })
}

/// One character as shown: itself, or its escape (`\n`, `\t`, `\r`, `\u{1b}`).
fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_hidden(c) => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let hidden = |c: char| is_hidden(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(hidden) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text on one line: every control character (newlines included) and bidi override escaped.
#[must_use]
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Text of several lines that the tool composed: its newlines kept, every other control character and
/// bidi override escaped. User text inside it must have gone through [`visible`] already.
#[must_use]
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

/// How many characters `text` takes once shown by [`visible`].
#[must_use]
pub fn visible_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                2
            } else if is_hidden(c) {
                // `\u{` + hex digits + `}`
                let mut s = String::new();
                push_escaped(&mut s, c);
                s.chars().count()
            } else {
                1
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-led search finds what decoding every character finds, for every character of the
    /// planes in use, alone and after French text.
    #[test]
    fn first_hidden_agrees_with_a_search_of_every_character() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("É\u{a0}« {c} »")] {
                assert_eq!(
                    first_hidden(&text),
                    text.chars().find(|&c| is_hidden(c)),
                    "{c:?}"
                );
            }
        }
    }

    #[test]
    fn controls_and_bidi_overrides_become_escapes() {
        assert_eq!(visible("Orléans"), "Orléans");
        assert!(matches!(visible("Orléans"), Cow::Borrowed(_)));
        assert_eq!(visible("a\n::error::x"), "a\\n::error::x");
        assert_eq!(visible("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(visible("x\u{7f}\u{85}\u{9b}"), "x\\u{7f}\\u{85}\\u{9b}");
        assert_eq!(visible("\u{202e}abc\u{2066}"), "\\u{202e}abc\\u{2066}");
        assert_eq!(visible("\t\r\u{0}"), "\\t\\r\\u{0}");
        assert_eq!(visible_lines("a\nb\u{1b}c"), "a\nb\\u{1b}c");
        for s in ["a\nb", "\u{1b}[2J", "été\u{202e}", "\t"] {
            assert_eq!(visible_width(s), visible(s).chars().count(), "{s:?}");
        }
    }
}
