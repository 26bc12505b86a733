//! Rendering: the French text of every command (blocks wrapped at word boundaries, so that nothing is
//! cut inside a word at 80 columns), JSON and NDJSON. It writes to the `io::Write` it is given. Colours
//! only when asked (TTY, no `NO_COLOR`).

use std::io::{self, Write};

use serde::Serialize;

pub mod answer;
pub mod check;
pub mod explain;

use crate::error::{Context, Fault, Kind};
use crate::fr;
use crate::fr::fmt_num;
use crate::input::{Place, Problem};
use crate::referentiel::Referentiel;
use crate::report::catalogue::{ListItem, contact_ref_text, describe, montant_text, periode_text};
use crate::rules::model::Aide;
use crate::text::wrap;

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width; `None` when not a terminal (a fixed width keeps output stable).
    pub width: Option<u16>,
}

/// A problem of an input item on one line, for a batch output whose `ligne` key gives the place:
/// `champ « x » : message ; aide : help` (a syntax error says its column, and its line when the item
/// started on another one).
#[must_use]
pub fn problem_line(place: Place, p: &Problem) -> String {
    let mut text = match (&p.field, p.at) {
        (Some(f), _) => format!("champ « {f} » : {}", p.message),
        (None, Some((line, col))) if line == place.line() => {
            format!("colonne {col} : {}", p.message)
        }
        (None, Some((line, col))) => format!("ligne {line}, colonne {col} : {}", p.message),
        (None, None) => p.message.clone(),
    };
    if let Some(h) = &p.help {
        text.push_str(" ; aide : ");
        text.push_str(h);
    }
    text
}

/// A problem of an input item with its place, the help on its own line (for stderr).
#[must_use]
pub fn problem_text(place: Place, p: &Problem) -> String {
    Fault {
        context: None,
        ..problem_fault(place, p)
    }
    .to_string()
}

/// A problem of the one profile of `--input`, as a fatal error: its place, its field and message, and
/// its help, with control characters escaped.
#[must_use]
pub fn problem_fault(place: Place, p: &Problem) -> Fault {
    let p = &visible_problem(p);
    let (place, message) = match (&p.field, p.at) {
        (Some(f), _) => (place.to_string(), format!("champ « {f} » : {}", p.message)),
        (None, Some((line, col))) => (format!("ligne {line}, colonne {col}"), p.message.clone()),
        (None, None) => (place.to_string(), p.message.clone()),
    };
    Fault {
        kind: if p.too_long {
            Kind::TooLong
        } else {
            Kind::Invalid
        },
        context: Some(Context::Input),
        place: Some(place),
        message,
        suggestion: p.help.clone(),
    }
}

/// A problem as people read it: its field, message and help with control characters escaped.
fn visible_problem(p: &Problem) -> Problem {
    let v = |s: &str| crate::text::visible(s).into_owned();
    Problem {
        field: p.field.as_deref().map(v),
        message: v(&p.message),
        help: p.help.as_deref().map(v),
        ..p.clone()
    }
}

/// Writes one value as pretty JSON followed by a newline.
///
/// # Errors
/// When writing fails.
pub fn json<T: Serialize>(w: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)
}

/// Writes one value as compact JSON on one line.
///
/// # Errors
/// When writing fails.
pub fn json_line<T: Serialize>(w: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value)?;
    writeln!(w)
}

/// `aides list`: one block per aid (id, payer, territory; name; amount and period), closed aids marked.
///
/// # Errors
/// When writing fails.
pub fn list_text(w: &mut dyn Write, items: &[ListItem<'_>], style: Style) -> io::Result<()> {
    let width = usize::from(style.width.unwrap_or(100)).max(40);
    for (k, i) in items.iter().enumerate() {
        if k > 0 {
            writeln!(w)?;
        }
        let region = match (i.region, i.categorie) {
            (Some(r), _) => r.to_owned(),
            (None, crate::rules::model::Categorie::Abrogee) => "nationale (abrogée)".to_owned(),
            (None, _) => "nationale".to_owned(),
        };
        let mut head = format!("{} · {} · {region}", i.id, i.financeur);
        if let (true, Some(d)) = (i.fermee, i.fin) {
            head.push_str(&format!(" · fermée depuis le {}", fr::date(d)));
        }
        for (text, first, rest) in [
            (head, "", "  "),
            (i.nom.to_owned(), "  ", "  "),
            (format!("{}\u{a0}; {}", i.montant, i.periode), "  ", "  "),
        ] {
            for line in wrap::wrap(&text, width, first, rest) {
                writeln!(w, "{line}")?;
            }
        }
    }
    Ok(())
}

/// `aides show` as text.
///
/// # Errors
/// When writing fails.
pub fn show_text(
    w: &mut dyn Write,
    aide: &Aide,
    refs: &Referentiel,
    style: Style,
) -> io::Result<()> {
    let mut text = Vec::new();
    show_lines(&mut text, aide, refs)?;
    let width = usize::from(style.width.unwrap_or(100)).max(20);
    w.write_all(wrap::fit(&String::from_utf8_lossy(&text), width).as_bytes())
}

/// The lines of `aides show`, before wrapping.
fn show_lines(w: &mut dyn Write, aide: &Aide, refs: &Referentiel) -> io::Result<()> {
    writeln!(w, "{} ({})", aide.nom, aide.id)?;
    writeln!(w, "{}", aide.resume)?;
    writeln!(w)?;
    let region = aide
        .region
        .map_or("toute la France".to_owned(), |r| refs.region(r).nom.clone());
    writeln!(
        w,
        "Financeur : {} · Territoire : {region}",
        aide.financeur.as_str()
    )?;
    writeln!(w, "Public : {}", aide.public)?;
    writeln!(w, "Période : {}", periode_text(aide))?;
    writeln!(w, "Montant : {}", montant_text(aide))?;
    writeln!(w, "Contact : {}", contact_ref_text(aide, refs))?;
    writeln!(w, "\nConditions (toutes requises) :")?;
    for c in &aide.conditions {
        writeln!(w, "  - {}", c.libelle)?;
        writeln!(w, "      {}", describe(&c.node, refs))?;
    }
    let sections: [(&str, Vec<String>); 4] = [
        (
            "Versements",
            aide.versements
                .iter()
                .map(|v| format!("{} % {}", fmt_num(v.part_pct), v.quand))
                .collect(),
        ),
        ("Engagements", aide.engagements.clone()),
        ("Cumul", aide.cumul.clone()),
        ("À savoir", aide.notes.clone()),
    ];
    for (title, items) in sections {
        if !items.is_empty() {
            writeln!(w, "\n{title} :")?;
            for i in items {
                writeln!(w, "  - {i}")?;
            }
        }
    }
    if !aide.echeances.is_empty() {
        writeln!(w, "\nÉchéances :")?;
        for e in &aide.echeances {
            let when = match e.quand {
                crate::rules::model::Quand::Date(d) => fr::date(d),
                crate::rules::model::Quand::Depuis(f, m) => {
                    let what = match f.name() {
                        "date_installation" => "l'installation",
                        "date_demande" => "la demande",
                        _ => "la dernière aide",
                    };
                    format!("{m} mois après {what}")
                }
            };
            writeln!(w, "  - {} : {when}", e.libelle)?;
        }
    }
    writeln!(w, "\nSources :")?;
    for s in &aide.sources {
        let art = s
            .article
            .as_deref()
            .map_or(String::new(), |a| format!(" ({a})"));
        writeln!(w, "  - {}{art} : {}", s.titre, s.url)?;
    }
    if let Some((d, _)) = aide.verifie_le {
        writeln!(w, "\nFaits vérifiés contre les sources le {}.", fr::date(d))?;
    }
    Ok(())
}

/// `aides validate --coverage`: per aid, how often each condition is true, false, unknown.
///
/// # Errors
/// When writing fails.
pub fn coverage_table(
    w: &mut dyn Write,
    cov: &[crate::validate::AideCoverage],
    style: Style,
) -> io::Result<()> {
    let width = usize::from(style.width.unwrap_or(100)).max(40);
    for a in cov {
        writeln!(w, "\n{} ({} exemple(s))", a.id, a.exemples)?;
        writeln!(w, "  vrai  faux  inconnu  condition")?;
        for c in &a.conditions {
            let mark = if c.both_ways() {
                ""
            } else {
                "NON DANS LES DEUX SENS : "
            };
            let counts = format!("  {:>4}  {:>4}  {:>7}  ", c.vrai, c.faux, c.inconnu);
            let pad = " ".repeat(counts.chars().count());
            for line in wrap::wrap(&format!("{mark}{}", c.libelle), width, &counts, &pad) {
                writeln!(w, "{line}")?;
            }
        }
    }
    Ok(())
}
