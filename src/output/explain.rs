//! `aides explain ID`: one aid for one profile, in full. Each condition with its result, the values it
//! read and what it computed; how the amount was obtained; the payments and deadlines with their dates;
//! what would change the answer (near misses, questions); the points to read, the contact, the sources.

use std::io::{self, Write};

use super::Style;
use crate::eval::logic::Tri;
use crate::fr;
use crate::profile::Profile;
use crate::report::{AideRapport, Explication, flag, value_label};
use crate::rules::model::{MontantKind, RuleSet, Statut};
use crate::text::wrap::wrap;

/// A value read by a condition, as the answer writes it.
#[must_use]
pub fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "inconnu".into(),
        serde_json::Value::Bool(b) => if *b { "oui" } else { "non" }.into(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), fr::number),
        serde_json::Value::String(s) => {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_or_else(|_| s.clone(), fr::date)
        }
        serde_json::Value::Array(items) if items.is_empty() => "aucune".into(),
        serde_json::Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        serde_json::Value::Object(_) => v.to_string(),
    }
}

/// Paragraphs wrapped at a width.
#[derive(Clone, Copy)]
struct Para(usize);

impl Para {
    fn write(self, w: &mut dyn Write, text: &str, first: &str, rest: &str) -> io::Result<()> {
        for line in wrap(text, self.0, first, rest) {
            writeln!(w, "{line}")?;
        }
        Ok(())
    }
}

type ParaFn<'a> = dyn Fn(&mut dyn Write, &str, &str, &str) -> io::Result<()> + 'a;

/// Each condition, with what it read and computed.
fn conditions(w: &mut dyn Write, para: &ParaFn<'_>, a: &AideRapport<'_>) -> io::Result<()> {
    writeln!(w, "\nConditions")?;
    for c in &a.conditions {
        let mark = match c.resultat {
            Tri::Vrai => "✓",
            Tri::Faux => "✗",
            Tri::Inconnu => "?",
        };
        para(w, &format!("{mark} {}", c.libelle), "  ", "    ")?;
        if !c.valeurs.0.is_empty() {
            let read: Vec<String> = c
                .valeurs
                .0
                .iter()
                .map(|(k, v)| format!("{k} = {}", shown(v)))
                .collect();
            para(
                w,
                &format!("lu : {}", read.join(", ")),
                "      ",
                "        ",
            )?;
        }
        if let Some(d) = &c.detail {
            para(w, d, "      ", "        ")?;
        }
    }
    Ok(())
}

/// The amount, how the scale was read, and the payments.
fn montant(
    w: &mut dyn Write,
    para: &ParaFn<'_>,
    a: &AideRapport<'_>,
    profile: &Profile,
    rules: &RuleSet,
) -> io::Result<()> {
    writeln!(w, "\nMontant")?;
    para(w, &a.montant.libelle, "  ", "  ")?;
    if let MontantKind::Bareme { par, colonne, .. } = &a.aide.montant.kind {
        let by: Vec<String> = [par, colonne]
            .into_iter()
            .flatten()
            .map(|f| {
                let v = profile
                    .get(*f)
                    .map_or_else(|| "inconnu".to_owned(), |v| value_label(*f, v, &rules.refs));
                format!("{} = {v}", f.name())
            })
            .collect();
        para(w, &format!("barème selon {}", by.join(" et ")), "  ", "  ")?;
    }
    for v in &a.versements {
        let amount = v.eur.map_or_else(
            || format!("{} %", crate::fr::fmt_num(v.part_pct)),
            fr::euros,
        );
        para(
            w,
            &format!("Versement de {amount} {}", v.quand),
            "  – ",
            "    ",
        )?;
    }
    Ok(())
}

/// A date of the aid, what falls due on it, and how near it is.
#[must_use]
pub fn date_text(d: &crate::eval::Echeance<'_>, date_ref: chrono::NaiveDate) -> String {
    let mut text = format!("{} : {}", fr::date(d.date), d.libelle);
    match flag(d.date, date_ref) {
        Some(_) if d.versement && d.date < date_ref => text.push_str(" (passé)"),
        Some(f) => text.push_str(&format!(" ({f})")),
        None => {}
    }
    text
}

/// The explanation's second line: the date, the place, the status and the amount.
#[must_use]
pub fn head_text(e: &Explication<'_, '_>) -> String {
    let a = e.aide;
    let mut head = format!("Au {}", fr::date(e.date_reference));
    if let Some(lieu) = e.lieu {
        head.push_str(&format!(" · {lieu}"));
    }
    head.push_str(&format!(" : {}", a.statut.label()));
    if a.statut != Statut::NonEligible {
        head.push_str(&format!(", {}", a.montant.court()));
    }
    head
}

/// Writes the explanation.
///
/// # Errors
/// When writing fails.
pub fn write(
    w: &mut dyn Write,
    e: &Explication<'_, '_>,
    profile: &Profile,
    rules: &RuleSet,
    style: Style,
) -> io::Result<()> {
    let para = Para(usize::from(style.width.unwrap_or(100)).max(40));
    let para =
        |w: &mut dyn Write, text: &str, first: &str, rest: &str| para.write(w, text, first, rest);
    let a = e.aide;
    para(w, &format!("{} ({})", a.nom, a.id), "", "  ")?;
    para(w, &head_text(e), "", "  ")?;

    conditions(w, &para, a)?;
    montant(w, &para, a, profile, rules)?;

    if !a.echeances.is_empty() {
        writeln!(w, "\nDates")?;
        for d in &a.echeances {
            para(w, &date_text(d, e.date_reference), "  ", "    ")?;
        }
    }

    if !e.pistes.is_empty() || !a.questions.is_empty() {
        writeln!(w, "\nCe qui changerait la réponse")?;
        for p in &e.pistes {
            para(w, &p.libelle, "  • ", "    ")?;
        }
        for q in &a.questions {
            para(w, &format!("{} ({})", q.question, q.option), "  • ", "    ")?;
        }
    }

    let points: Vec<&String> = a.a_retenir.iter().chain(a.notes.iter()).collect();
    if !points.is_empty() {
        writeln!(w, "\nÀ savoir")?;
        for n in points {
            para(w, n, "  – ", "    ")?;
        }
    }
    writeln!(w, "\nContact")?;
    para(
        w,
        &crate::report::catalogue::join_contact(&a.contact),
        "  ",
        "  ",
    )?;
    writeln!(w, "\nSources")?;
    for s in a.sources {
        para(w, &format!("{} : {}", s.titre, s.url), "  – ", "    ")?;
    }
    Ok(())
}
