//! Amounts: fixed, "up to", per unit with a cap, scales by one or two fields, or no euro amount.
//! When a field the amount depends on is unknown, the result is the min–max range over its values.

use schemars::JsonSchema;
use std::borrow::Cow;

use serde::Serialize;

use super::logic::Env;
use crate::condition::Scalar;
use crate::fr::euros;
use crate::rules::model::{Cell, Montant, MontantKind, Palier};
use crate::rules::montant::par_unite_label;

/// An amount as reported: `eur` when fixed by the known fields, else bounds; all `None` when the aid
/// has no euro amount (the label says what it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[schemars(description = "Un montant.")]
pub struct Somme<'r> {
    #[schemars(description = "Le montant en euros quand les champs connus le fixent, sinon null.")]
    pub eur: Option<i64>,
    #[schemars(description = "Borne basse en euros (null si l'aide n'a pas de montant en euros).")]
    pub min_eur: Option<i64>,
    #[schemars(
        description = "Borne haute en euros (null si les textes ne donnent pas de plafond, ou si l'aide n'a pas de montant en euros)."
    )]
    pub max_eur: Option<i64>,
    #[schemars(
        description = "Le montant en français, avec ce qu'il est quand ce n'est pas une somme (pourcentage, garantie de revenu)."
    )]
    pub libelle: Cow<'r, str>,
}

impl Somme<'_> {
    /// The amount in a few words, without the label's details: `10 000 €`, `jusqu'à 50 000 €`,
    /// `de 10 000 € à 30 000 €`; the label when there is no euro amount.
    #[must_use]
    pub fn court(&self) -> String {
        match (self.eur, self.min_eur, self.max_eur) {
            (Some(e), _, _) => euros(e),
            (None, Some(a), Some(b)) if a == b => euros(a),
            (None, Some(a), Some(b)) if a > 0 => format!("de {} à {}", euros(a), euros(b)),
            (None, _, Some(b)) => format!("jusqu'à {}", euros(b)),
            _ => self.libelle.to_string(),
        }
    }
}

fn cell_bounds(c: Cell) -> (Option<i64>, Option<i64>, Option<i64>) {
    match c {
        Cell::Eur(n) => (Some(n), Some(n), Some(n)),
        Cell::Max(n) => (None, None, Some(n)),
    }
}

/// Computes an aid's amount for a profile.
#[must_use]
// One arm per amount type, each short: the match is the table of how each type is computed.
#[allow(clippy::too_many_lines)]
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
        MontantKind::SansMontant { .. } => Somme {
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
                let total = counted.saturating_mul(*eur_par_unite);
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
                max_eur: unites_max.map(|m| m.saturating_mul(*eur_par_unite)),
                libelle: Cow::Borrowed(&m.label),
            },
        },
        MontantKind::Bareme {
            par,
            colonne,
            paliers,
        } => {
            let x = par.and_then(|f| env.num(f));
            let col = colonne.and_then(|f| env.scalar(f).and_then(Scalar::choice));
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
