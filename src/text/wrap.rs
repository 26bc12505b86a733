//! Word wrapping for human output (SPEC §1), with French typography: lines are cut at spaces only,
//! never inside a word, an amount (`10 000 €` holds no-break spaces) or a URL cut at a `/` when it is
//! wider than the line by itself. The punctuation that French sets after a space (« : », « ; »,
//! « ? », « ! », « » ») never starts a line and « « » never ends one: they stay with the word they
//! follow or precede, whether the text holds the no-break space (U+00A0) or an ordinary one.

/// The no-break space French typography puts before « : ; ? ! » and inside « ».
pub const NBSP: char = '\u{a0}';

/// Marks that French sets after a space and that must not start a line.
const TRAILING: [char; 5] = [':', ';', '?', '!', '»'];

/// Wraps `text` to `width` columns: the first line starts with `first`, the others with `rest`.
#[must_use]
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut len = first.chars().count();
    let mut empty = true;
    let rest_len = rest.chars().count();
    for unit in units(text) {
        let pieces = split_long(&unit, width.saturating_sub(rest_len).max(1));
        if pieces.len() > 1 && !empty {
            // A unit cut in pieces (a long URL) starts on a line of its own.
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            len = rest_len;
            empty = true;
        }
        for piece in pieces {
            let w = piece.chars().count();
            if !empty && len + 1 + w > width {
                lines.push(std::mem::replace(&mut line, rest.to_owned()));
                len = rest_len;
                empty = true;
            }
            if !empty {
                line.push(' ');
                len += 1;
            }
            line.push_str(piece);
            len += w;
            empty = false;
        }
    }
    lines.push(line);
    lines
}

/// The words of `text` as unbreakable units: a trailing mark (« : », « » »…) is joined to the word
/// before it and an opening « « » to the word after it, by the space that separated them.
fn units(text: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut open = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let trails = word.starts_with(TRAILING) && !word.starts_with("://");
        match units.last_mut() {
            Some(last) if open || trails => {
                last.push(' ');
                last.push_str(word);
            }
            _ => units.push(word.to_owned()),
        }
        open = word.ends_with('«');
    }
    units
}

/// A unit wider than `width` cut into pieces that fit: after a `/` (a URL) or a `-` when one is
/// near, else at the width. A unit that fits is returned whole.
fn split_long(unit: &str, width: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = unit;
    while rest.chars().count() > width {
        let limit = rest
            .char_indices()
            .nth(width)
            .map_or(rest.len(), |(i, _)| i);
        let head = &rest[..limit];
        let cut = head
            .rfind(['/', '-', '?', '&'])
            .map(|i| i + 1)
            .filter(|i| *i > limit / 3)
            .unwrap_or(limit);
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

/// Fits a whole text to `width` columns: every line wider than that is wrapped at word boundaries,
/// its continuation lines indented like it (under the text of a `- ` or `• ` item). Lines that fit
/// are kept as they are.
#[must_use]
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        if line.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let hang = ["- ", "• ", "= aide : ", "= ", "→ ", "aide : "]
            .iter()
            .find(|b| body.starts_with(**b))
            .map_or(0, |b| b.chars().count());
        let rest = " ".repeat(indent.len() + hang);
        out.push_str(&wrap(body, width, indent, &rest).join("\n"));
    }
    out
}

/// French typography in a text: the ordinary space before « : », « ; », « ? », « ! » and inside « »
/// becomes a no-break space, and one is added where none was (`mot»` → `mot »`). URLs (`https://`)
/// and times (`10:30`) are left alone.
#[must_use]
pub fn typographie(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        if c == ' ' {
            let before_mark = matches!(next, Some(':' | ';' | '?' | '!' | '»'));
            if before_mark || prev == Some('«') {
                out.push(NBSP);
                continue;
            }
        }
        if matches!(c, ';' | '?' | '!' | '»' | ':')
            && prev.is_some_and(|p| !p.is_whitespace() && p != NBSP && p != '«')
            && needs_space(c, prev, next)
        {
            out.push(NBSP);
        }
        out.push(c);
        if c == '«' && next.is_some_and(|n| !n.is_whitespace() && n != NBSP) {
            out.push(NBSP);
        }
    }
    out
}

/// Whether a mark glued to the word before it is French punctuation that wants a space: « » »
/// always; « : », « ; », « ? », « ! » only after a letter or a digit and before a space or the end
/// (not `https://`, `10:30`, `?page=2`, `!=`, `&amp;`).
fn needs_space(c: char, prev: Option<char>, next: Option<char>) -> bool {
    c == '»'
        || (next.is_none_or(|n| n == ' ' || n == '\n' || n == NBSP)
            && prev.is_some_and(char::is_alphanumeric))
}

/// The places in `text` where French typography is broken: an ordinary space (or none) before
/// « : ; ? ! » or inside « ». Empty when the text is right.
#[must_use]
pub fn typographie_fautes(text: &str) -> Vec<String> {
    let fixed = typographie(text);
    if fixed == text {
        return Vec::new();
    }
    let mut fautes = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let faute = match c {
            ' ' if matches!(next, Some(':' | ';' | '?' | '!' | '»')) => Some(format!(
                "espace ordinaire avant « {} »",
                next.unwrap_or(' ')
            )),
            ' ' if prev == Some('«') => Some("espace ordinaire après « « »".to_owned()),
            _ => None,
        };
        if let Some(f) = faute
            && !fautes.contains(&f)
        {
            fautes.push(f);
        }
    }
    if fautes.is_empty() {
        fautes
            .push("espace insécable manquante avant une ponctuation double ou dans « »".to_owned());
    }
    fautes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_spaces_and_keeps_amounts_whole() {
        let text = "Aide de 10\u{a0}000\u{a0}€ versée par la CPAM du lieu d'exercice";
        let lines = wrap(text, 20, "• ", "  ");
        assert_eq!(
            lines,
            [
                "• Aide de 10\u{a0}000\u{a0}€",
                "  versée par la CPAM",
                "  du lieu d'exercice"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
    }

    #[test]
    fn a_line_is_filled_to_the_width_exactly_and_never_past_it() {
        assert_eq!(wrap("aaaa bbbbb c", 10, "", ""), ["aaaa bbbbb", "c"]);
        assert_eq!(wrap("aaaa bbbbbb", 10, "", ""), ["aaaa", "bbbbbb"]);
        assert_eq!(wrap("a bb", 3, "", ""), ["a", "bb"]);
        assert_eq!(wrap("a b", 3, "", ""), ["a b"]);
    }

    #[test]
    fn a_long_url_is_cut_after_a_slash() {
        let lines = wrap(
            "voir https://www.ameli.fr/loiret/medecin/exercice-liberal",
            20,
            "",
            "",
        );
        assert_eq!(
            lines,
            [
                "voir",
                "https://",
                "www.ameli.fr/loiret/",
                "medecin/exercice-",
                "liberal"
            ]
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20));
        let cut = wrap("abcdefghijklmnopqrstuvwxyz", 10, "", "");
        assert_eq!(cut, ["abcdefghij", "klmnopqrst", "uvwxyz"]);
    }

    #[test]
    fn french_marks_never_start_a_line_and_quotes_stay_closed() {
        // Ordinary spaces, as a message built in code has them.
        for width in 8..40 {
            let text = "la zone « ZIP ou ZAC » : est-elle connue ? oui ; non ! fin";
            for line in wrap(text, width, "", "") {
                assert!(!line.starts_with(TRAILING), "{width}: {line:?}");
                assert!(!line.ends_with('«'), "{width}: {line:?}");
            }
        }
        assert_eq!(
            wrap("voir « la page » : ici", 9, "", ""),
            ["voir « la", "page » :", "ici"]
        );
    }

    #[test]
    fn fit_rewraps_only_long_lines_under_their_item() {
        let text = "Titre :\n  - une condition assez longue pour passer à la ligne\ncourt";
        assert_eq!(
            fit(text, 30),
            "Titre :\n  - une condition assez longue\n    pour passer à la ligne\ncourt"
        );
    }

    #[test]
    fn typographie_puts_no_break_spaces_and_leaves_urls() {
        assert_eq!(
            typographie("Contact : la CPAM ; « voir » ? oui! https://a.fr/x?y=1 à 10:30"),
            "Contact\u{a0}: la CPAM\u{a0}; «\u{a0}voir\u{a0}»\u{a0}? oui\u{a0}! https://a.fr/x?y=1 à 10:30"
        );
        let right = "Contact\u{a0}: «\u{a0}voir\u{a0}»";
        assert_eq!(typographie(right), right);
        assert!(typographie_fautes(right).is_empty());
        assert_eq!(
            typographie_fautes("Contact : « voir »"),
            [
                "espace ordinaire avant « : »",
                "espace ordinaire après « « »",
                "espace ordinaire avant « » »"
            ]
        );
        assert_eq!(typographie_fautes("oui!").len(), 1);
    }
}
