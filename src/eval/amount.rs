//! Amounts: fixed, "up to", per unit with a cap, scales by one or two fields, or no euro amount.
//! When a field the amount depends on is unknown, the result is the min–max range over its values.

use std::borrow::Cow;

use serde::Serialize;

use super::logic::Env;
use crate::profile::fmt_num;
use crate::rules::model::{Cell, Montant, MontantKind, Palier, Periodicite, Scalar};

/// An amount as reported: `eur` when fixed by the known fields, else bounds; all `None` when the aid
/// has no euro amount (the label says what it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Somme<'r> {
    pub eur: Option<i64>,
    pub min_eur: Option<i64>,
    pub max_eur: Option<i64>,
    pub libelle: Cow<'r, str>,
}

/// `10 000 €`, with no-break spaces (thousands, and before the sign) so that tables never split it.
#[must_use]
pub fn euros(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out.push_str("\u{a0}€");
    out
}

fn cell_bounds(c: Cell) -> (Option<i64>, Option<i64>, Option<i64>) {
    match c {
        Cell::Eur(n) => (Some(n), Some(n), Some(n)),
        Cell::Max(n) => (None, None, Some(n)),
    }
}

/// The label of an amount independent of any profile (`aides list`, `show`, and unknown fields).
#[must_use]
pub fn static_label(kind: &MontantKind) -> String {
    match kind {
        MontantKind::Fixe(n) => euros(*n),
        MontantKind::Plafond(n) => format!("jusqu'à {}", euros(*n)),
        MontantKind::SansMontant => "pas de montant en euros".into(),
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

/// Computes an aid's amount for a profile.
#[must_use]
pub fn compute<'r>(m: &'r Montant, env: &Env<'_>) -> Somme<'r> {
    let custom = m.libelle.as_deref().map(Cow::Borrowed);
    match &m.kind {
        MontantKind::Fixe(n) => Somme {
            eur: Some(*n),
            min_eur: Some(*n),
            max_eur: Some(*n),
            libelle: Cow::Borrowed(&m.label),
        },
        MontantKind::Plafond(n) => Somme {
            eur: None,
            min_eur: None,
            max_eur: Some(*n),
            libelle: Cow::Borrowed(&m.label),
        },
        MontantKind::SansMontant => Somme {
            eur: None,
            min_eur: None,
            max_eur: None,
            libelle: Cow::Borrowed(&m.label),
        },
        MontantKind::ParUnite {
            champ,
            eur_par_unite,
            unites_max,
            unite,
            periode,
        } => match env.num(*champ) {
            Some(x) => {
                #[allow(clippy::cast_possible_truncation)]
                let n = x.floor() as i64;
                let counted = unites_max.map_or(n, |m| n.min(m));
                let total = counted * eur_par_unite;
                Somme {
                    eur: Some(total),
                    min_eur: Some(total),
                    max_eur: Some(total),
                    libelle: custom.unwrap_or_else(|| {
                        let per = periode.map_or(String::new(), |p| format!(" {}", p.par()));
                        let base = par_unite_label(*eur_par_unite, *unites_max, unite, *periode);
                        Cow::Owned(format!(
                            "{}{per} ({counted} × {} ; {base})",
                            euros(total),
                            euros(*eur_par_unite)
                        ))
                    }),
                }
            }
            None => Somme {
                eur: None,
                min_eur: Some(0),
                max_eur: unites_max.map(|m| m * eur_par_unite),
                libelle: Cow::Borrowed(&m.label),
            },
        },
        MontantKind::Bareme {
            par,
            colonne,
            paliers,
        } => {
            let x = par.and_then(|f| env.num(f));
            let col = colonne.and_then(|f| match env.scalar(f) {
                Some(Scalar::Choice(c)) => Some(c),
                _ => None,
            });
            // The cells that may apply: (step, index of the cell in the step).
            let in_step = |p: &Palier| {
                x.is_none_or(|x| p.de.is_none_or(|de| x >= de) && p.jusqu_a.is_none_or(|j| x < j))
            };
            let cells: Vec<(&Palier, usize)> = paliers
                .iter()
                .filter(|p| in_step(p))
                .flat_map(|p| {
                    p.cells
                        .iter()
                        .enumerate()
                        .filter(|(_, (c, _))| col.is_none() || c.is_none() || *c == col)
                        .map(move |(k, _)| (p, k))
                })
                .collect();
            let exact = (par.is_none() || x.is_some()) && (colonne.is_none() || col.is_some());
            if cells.is_empty() {
                return hors_bareme(paliers);
            }
            if let ([(p, k)], true) = (cells.as_slice(), exact) {
                let (e, lo, hi) = cell_bounds(p.cells[*k].1);
                return Somme {
                    eur: e,
                    min_eur: lo,
                    max_eur: hi,
                    libelle: custom.unwrap_or(Cow::Borrowed(&p.cell_labels[*k])),
                };
            }
            let bounds: Vec<_> = cells
                .iter()
                .map(|(p, k)| cell_bounds(p.cells[*k].1))
                .collect();
            let min = bounds
                .iter()
                .map(|b| b.1)
                .collect::<Option<Vec<_>>>()
                .and_then(|v| v.into_iter().min());
            let max = bounds
                .iter()
                .map(|b| b.2)
                .collect::<Option<Vec<_>>>()
                .and_then(|v| v.into_iter().max());
            let libelle = custom.unwrap_or_else(|| {
                Cow::Owned(match (min, max) {
                    (Some(a), Some(b)) if a != b => {
                        format!("de {} à {} selon le profil", euros(a), euros(b))
                    }
                    (Some(a), Some(_)) => euros(a),
                    (None, Some(b)) => format!("jusqu'à {}", euros(b)),
                    _ => "montant à préciser".to_owned(),
                })
            });
            Somme {
                eur: None,
                min_eur: min,
                max_eur: max,
                libelle,
            }
        }
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

/// A profile outside every step (its conditions exclude it anyway): the whole scale as a range.
fn hors_bareme(paliers: &[Palier]) -> Somme<'static> {
    let all: Vec<(Option<i64>, Option<i64>, Option<i64>)> = paliers
        .iter()
        .flat_map(|p| p.cells.iter())
        .map(|(_, c)| cell_bounds(*c))
        .collect();
    let min = all.iter().filter_map(|b| b.1).min();
    let max = all.iter().filter_map(|b| b.2).max();
    let libelle = match (min, max) {
        (Some(a), Some(b)) => format!(
            "hors barème pour ce profil (barème : de {} à {})",
            euros(a),
            euros(b)
        ),
        (_, Some(b)) => format!("hors barème pour ce profil (jusqu'à {})", euros(b)),
        _ => "hors barème pour ce profil".to_owned(),
    };
    Somme {
        eur: None,
        min_eur: min,
        max_eur: max,
        libelle: Cow::Owned(libelle),
    }
}

/// `2.5` → `2,5` for French labels.
#[must_use]
pub fn fr_num(x: f64) -> String {
    fmt_num(x).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_group_thousands() {
        assert_eq!(euros(10_000), "10\u{a0}000\u{a0}€");
        assert_eq!(euros(200), "200\u{a0}€");
        assert_eq!(euros(1_200), "1\u{a0}200\u{a0}€");
    }
}
