//! French formatting of what people read: dates (`30/06/2026`), euros (`10 000 €`, never split across
//! lines), numbers (`2,5`), and the labels of amounts. Every human output formats through here.

use chrono::NaiveDate;

use crate::profile::fmt_num;
use crate::rules::model::{Cell, MontantKind, Periodicite};

/// Formats a date the French way (`30/06/2026`).
#[must_use]
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The form words are compared in: lower case, no accents, spaces, underscores and apostrophes as
/// single hyphens (« Médecin  généraliste » and `medecin_generaliste` give `medecin-generaliste`;
/// « Saint-Étienne » gives `saint-etienne`, and so does « Saint-E\u{301}tienne », its accent typed
/// apart).
#[must_use]
pub fn cle(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        let plain = match c {
            // Accents typed apart from their letter (macOS, PDF copies: « e\u{301} »), as the
            // composed letter would be: dropped.
            '\u{300}'..='\u{36f}' => continue,
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' | 'ý' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            ' ' | '_' | '\'' | '’' | '-' | '\u{a0}' => "-",
            _ => {
                out.push(c);
                continue;
            }
        };
        if plain == "-" && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push_str(plain);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// « de » before a name, elided before a vowel: « de Paris », « d'Orléans ».
#[must_use]
pub fn de(name: &str) -> String {
    if name.starts_with(|c: char| "AEIOUYÉÈÊÎÔaeiouyéèêîô".contains(c)) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// An organisation's name with its article: « la CPAM du Loiret », « l'ARS Normandie » (every
/// organisation the rule base names is feminine: caisse, agence, direction).
#[must_use]
pub fn la(name: &str) -> String {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| "AEIOUYÉÈÊaeiouyéèê".contains(c));
    if vowel {
        format!("l'{name}")
    } else {
        format!("la {name}")
    }
}

/// `10 000 €`, with no-break spaces (thousands, and before the sign) so that tables never split it.
#[must_use]
pub fn euros(n: i64) -> String {
    let mut out = entier(n.unsigned_abs());
    if n < 0 {
        out.insert(0, '-');
    }
    out.push_str("\u{a0}€");
    out
}

/// `200 000`: a whole number with no-break spaces between thousands.
#[must_use]
pub fn entier(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

/// `2.5` → `2,5` for French labels.
#[must_use]
pub fn number(x: f64) -> String {
    fmt_num(x).replace('.', ",")
}

/// The label of an amount independent of any profile (`aides list`, `show`, and unknown fields).
#[must_use]
pub fn static_label(kind: &MontantKind) -> String {
    match kind {
        MontantKind::Fixe(n) => euros(*n),
        MontantKind::Plafond(n) => format!("jusqu'à {}", euros(*n)),
        MontantKind::SansMontant { .. } => "pas de montant en euros".into(),
        MontantKind::ParUnite {
            eur_par_unite,
            unites_max,
            unite,
            periode,
            ..
        } => par_unite_label(*eur_par_unite, *unites_max, unite, *periode),
        MontantKind::Bareme { paliers, .. } => {
            let cells = || paliers.iter().flat_map(|p| p.cells.iter()).map(|(_, c)| *c);
            let value = |c: Cell| match c {
                Cell::Eur(n) | Cell::Max(n) => n,
            };
            let min = cells().map(value).min().unwrap_or(0);
            let max = cells().map(value).max().unwrap_or(0);
            if cells().all(|c| matches!(c, Cell::Max(_))) {
                format!("jusqu'à {}", euros(max))
            } else if min == max {
                euros(min)
            } else {
                format!("de {} à {} (barème)", euros(min), euros(max))
            }
        }
    }
}

/// The label of one scale cell, with its step's own label when it has one.
#[must_use]
pub fn cell_label(cell: Cell, step: Option<&str>) -> String {
    let amount = match cell {
        Cell::Eur(n) => euros(n),
        Cell::Max(n) => format!("jusqu'à {}", euros(n)),
    };
    match step {
        Some(step) => format!("{amount} ({step})"),
        None => amount,
    }
}

/// "200 € par demi-journée, au plus 6 par mois".
#[must_use]
pub fn par_unite_label(
    eur_par_unite: i64,
    unites_max: Option<i64>,
    unite: &str,
    periode: Option<Periodicite>,
) -> String {
    let per = periode.map_or(String::new(), |p| format!(" {}", p.par()));
    let cap = unites_max.map_or(String::new(), |m| format!(", au plus {m}{per}"));
    format!("{} par {unite}{cap}", euros(eur_par_unite))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_and_separators() {
        assert_eq!(cle("Médecin  généraliste"), "medecin-generaliste");
        assert_eq!(cle("medecin_generaliste"), "medecin-generaliste");
        assert_eq!(cle("Saint-Étienne"), "saint-etienne");
        assert_eq!(cle(" L'Haÿ-les-Roses "), "l-hay-les-roses");
        assert_eq!(cle("Œuilly"), "oeuilly");
    }

    #[test]
    fn euros_group_thousands() {
        assert_eq!(euros(10_000), "10\u{a0}000\u{a0}€");
        assert_eq!(euros(200), "200\u{a0}€");
        assert_eq!(euros(1_200), "1\u{a0}200\u{a0}€");
    }
}
