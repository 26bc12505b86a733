//! Word wrapping for human output (SPEC §1): lines are cut at spaces only, never inside a word, an
//! amount (`10 000 €` holds no-break spaces) or a URL; a word longer than the width stands alone.

/// Wraps `text` to `width` columns: the first line starts with `first`, the others with `rest`.
#[must_use]
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut len = first.chars().count();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = word.chars().count();
        if !empty && len + 1 + w > width {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            len = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
        empty = false;
    }
    lines.push(line);
    lines
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
    fn a_long_word_stands_alone() {
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
                "https://www.ameli.fr/loiret/medecin/exercice-liberal"
            ]
        );
    }
}
