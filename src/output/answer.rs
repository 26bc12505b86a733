//! The answer a physician reads (SPEC §6 "Short for people"): the reference date and the place; the aids
//! that are eligible or to confirm, most relevant first, with their amount and the points to read;
//! the total; « Que faire maintenant », one numbered step per organisation to contact with the date by
//! which to act; the near misses; the questions that remain. Wrapped at word boundaries to the width.
//! The notes and the conditions come with `--detail` (and `aides explain`).

use std::io::{self, Write};

use super::Style;
use crate::fr::{self, euros};
use crate::report::{AideRapport, Rapport, flag};
use crate::rules::model::{MontantKind, Statut};
use crate::text::wrap::wrap;

/// What the answer shows.
#[derive(Debug, Clone, Copy)]
pub struct AnswerOptions {
    /// Also the non-eligible aids, with the condition that failed.
    pub all: bool,
    /// Also every note and every condition, with what it read.
    pub detail: bool,
    /// How many questions to list before pointing to `aides guide`.
    pub questions: usize,
    /// How many near misses to list.
    pub pistes: usize,
}

impl Default for AnswerOptions {
    fn default() -> Self {
        AnswerOptions {
            all: false,
            detail: false,
            questions: 4,
            pistes: 3,
        }
    }
}

struct Out<'w> {
    w: &'w mut dyn Write,
    width: usize,
    style: Style,
}

impl Out<'_> {
    fn para(&mut self, text: &str, first: &str, rest: &str) -> io::Result<()> {
        for line in wrap(text, self.width, first, rest) {
            writeln!(self.w, "{line}")?;
        }
        Ok(())
    }

    fn title(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.w)?;
        if self.style.color {
            writeln!(self.w, "\x1b[1m{text}\x1b[0m")
        } else {
            writeln!(self.w, "{text}")
        }
    }

    fn mark(&self, statut: Statut) -> String {
        let (mark, color) = match statut {
            Statut::Eligible => ("✓", "32"),
            Statut::AConfirmer => ("?", "33"),
            Statut::NonEligible => ("✗", "31"),
        };
        if self.style.color {
            format!("\x1b[{color}m{mark}\x1b[0m")
        } else {
            mark.to_owned()
        }
    }
}

/// A regional aid that waits only for the region: summed up in one line, not listed.
fn waits_for_region(a: &AideRapport<'_>) -> bool {
    crate::report::waits_for_region(a)
}

/// Writes the answer for one profile.
///
/// # Errors
/// When writing fails.
pub fn write(
    w: &mut dyn Write,
    r: &Rapport<'_>,
    opts: AnswerOptions,
    style: Style,
) -> io::Result<()> {
    let mut out = Out {
        w,
        width: usize::from(style.width.unwrap_or(100)).max(40),
        style,
    };
    head(&mut out, r)?;
    let Chosen {
        eligible,
        confirm,
        refused,
    } = chosen(r);
    if eligible.is_empty() && confirm.is_empty() {
        out.title("Aucune aide éligible ou à confirmer pour ce profil.")?;
    }
    if !eligible.is_empty() {
        out.title("Vos aides éligibles")?;
        for a in &eligible {
            aid(&mut out, a, r, opts)?;
        }
        totals(&mut out, &eligible)?;
    }
    if !confirm.is_empty() {
        out.title("À confirmer")?;
        for a in confirm.iter().filter(|a| !said_by_selon(r, a)) {
            aid(&mut out, a, r, opts)?;
        }
        for s in &r.selon {
            out.para(&selon_text(s), "? ", "  ")?;
        }
    }
    if !r.groupes.is_empty() {
        writeln!(out.w)?;
        for g in &r.groupes {
            out.para(&g.texte, "", "")?;
        }
    }
    waiting(&mut out, r)?;
    steps(&mut out, r)?;
    pistes(&mut out, r, opts)?;
    questions(&mut out, r, opts)?;
    if opts.all && !refused.is_empty() {
        out.title("Non éligibles")?;
        for a in refused {
            aid(&mut out, a, r, opts)?;
        }
    }
    if let Some(c) = &r.couverture {
        writeln!(out.w)?;
        out.para(c, "", "")?;
    }
    footer(&mut out, r, opts)
}

/// The aids of an answer, in the order it lists them.
pub struct Chosen<'a, 'r> {
    /// Eligible, in the report's order.
    pub eligible: Vec<&'a AideRapport<'r>>,
    /// To confirm, most relevant first (the aids the profile already meets the most conditions of);
    /// without those a regional line or a group stands for (those a « selon » view stands for are
    /// here: see `said_by_selon`).
    pub confirm: Vec<&'a AideRapport<'r>>,
    /// Not eligible (listed with `--all`): the aids of the physician's own region (or national)
    /// first, then the nearest misses (fewest conditions failed), then the larger amounts.
    pub refused: Vec<&'a AideRapport<'r>>,
}

/// Sorts the report's aids as the answer lists them.
#[must_use]
pub fn chosen<'a, 'r>(r: &'a Rapport<'r>) -> Chosen<'a, 'r> {
    let eligible: Vec<&AideRapport<'_>> = r
        .aides
        .iter()
        .filter(|a| a.statut == Statut::Eligible)
        .collect();
    let mut confirm: Vec<&AideRapport<'_>> = r
        .aides
        .iter()
        .filter(|a| a.statut == Statut::AConfirmer && !waits_for_region(a))
        .filter(|a| !r.groupes.iter().any(|g| g.aides.contains(&a.id)))
        .collect();
    confirm.sort_by_key(|a| {
        std::cmp::Reverse(
            a.conditions
                .iter()
                .filter(|c| c.resultat == crate::eval::logic::Tri::Vrai)
                .count(),
        )
    });
    let mut refused: Vec<&AideRapport<'_>> = r
        .aides
        .iter()
        .filter(|a| a.statut == Statut::NonEligible)
        .collect();
    refused.sort_by_key(|a| {
        let elsewhere = a.region.is_some() && r.region.is_some() && a.region != r.region;
        let failed = a
            .conditions
            .iter()
            .filter(|c| c.resultat == crate::eval::logic::Tri::Faux)
            .count();
        let eur = a.montant.max_eur.or(a.montant.min_eur).unwrap_or(-1);
        (elsewhere, failed, std::cmp::Reverse(eur))
    });
    Chosen {
        eligible,
        confirm,
        refused,
    }
}

/// Whether a « selon » view stands for the aid: it is said by it, value by value, not listed.
#[must_use]
pub fn said_by_selon(r: &Rapport<'_>, a: &AideRapport<'_>) -> bool {
    r.selon.iter().any(|s| s.couvertes.contains(&a.id))
}

/// A « selon » view on one line: its title, then each value with what it brings.
#[must_use]
pub fn selon_text(s: &crate::report::SelonRapport<'_>) -> String {
    let values: Vec<&str> = s.valeurs.iter().map(|v| v.texte.as_str()).collect();
    format!("{} : {}", s.titre, values.join(" · "))
}

fn head(out: &mut Out<'_>, r: &Rapport<'_>) -> io::Result<()> {
    out.para(&head_text(r), "", "  ")
}

/// The answer's first line: the reference date, the place, the profile's id.
#[must_use]
pub fn head_text(r: &Rapport<'_>) -> String {
    let mut head = format!("Aides à l'installation au {}", fr::date(r.date_reference));
    if let Some(lieu) = &r.lieu {
        head.push_str(&format!(" · {lieu}"));
    }
    if let Some(id) = r.id {
        head = format!("Profil {} · {head}", crate::text::visible(id));
    }
    head
}

/// The line under an aid's name: its amount and payer, or, not eligible, the condition not met.
#[must_use]
pub fn aid_line(a: &AideRapport<'_>) -> String {
    match a.raison {
        Some(raison) if a.statut == Statut::NonEligible => format!("non rempli : {raison}"),
        _ => format!("{} · {}", a.montant.libelle, a.financeur),
    }
}

/// The payments still to come at the reference date, each with its last day.
#[must_use]
pub fn payments(a: &AideRapport<'_>, r: &Rapport<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    for v in &a.versements {
        let when = a
            .echeances
            .iter()
            .find(|e| e.versement && e.libelle.ends_with(v.quand));
        let Some(when) = when.filter(|e| e.date >= r.date_reference) else {
            continue;
        };
        let amount = v
            .eur
            .map_or_else(|| format!("{} %", crate::fr::fmt_num(v.part_pct)), euros);
        lines.push(format!(
            "Versement de {amount} au plus tard le {}",
            fr::date(when.date)
        ));
    }
    lines
}

/// One aid: its name, its amount and payer, its next payment, and what to read.
fn aid(
    out: &mut Out<'_>,
    a: &AideRapport<'_>,
    r: &Rapport<'_>,
    opts: AnswerOptions,
) -> io::Result<()> {
    let mark = out.mark(a.statut);
    out.para(&format!("{mark} {}", a.nom), "", "  ")?;
    out.para(&aid_line(a), "  ", "  ")?;
    if a.statut != Statut::NonEligible {
        for p in payments(a, r) {
            out.para(&p, "  ", "  ")?;
        }
        // What to read before acting: for the aids one can act on now.
        if a.statut == Statut::Eligible || opts.detail {
            for n in a.a_retenir {
                out.para(n, "  ! ", "    ")?;
            }
        }
    }
    if opts.detail {
        detail(out, a)?;
    }
    Ok(())
}

/// A condition with what it computed.
#[must_use]
pub fn condition_text(c: &crate::report::ConditionRapport<'_>) -> String {
    match &c.detail {
        Some(d) => format!("{} — {d}", c.libelle),
        None => c.libelle.to_owned(),
    }
}

/// With `--detail`: every condition with what it read, then the notes.
fn detail(out: &mut Out<'_>, a: &AideRapport<'_>) -> io::Result<()> {
    for c in &a.conditions {
        out.para(
            &format!("[{}] {}", c.resultat.as_str(), condition_text(c)),
            "    ",
            "      ",
        )?;
    }
    for n in a.notes {
        out.para(n, "    - ", "      ")?;
    }
    out.para(
        &format!("(aides explain {} pour tout le détail)", a.id),
        "    ",
        "    ",
    )
}

/// What the eligible aids add up to: one-off sums, monthly amounts and percentages apart.
fn totals(out: &mut Out<'_>, eligible: &[&AideRapport<'_>]) -> io::Result<()> {
    writeln!(out.w)?;
    out.para(&total_text(eligible), "", "")
}

/// The total line of the eligible aids (« Total : … »).
#[must_use]
pub fn total_text(eligible: &[&AideRapport<'_>]) -> String {
    let monthly: Vec<&&AideRapport<'_>> = eligible
        .iter()
        .filter(|a| {
            matches!(
                a.aide.montant.kind,
                MontantKind::ParUnite {
                    periode: Some(_),
                    ..
                }
            )
        })
        .collect();
    let percent: Vec<&&AideRapport<'_>> = eligible
        .iter()
        .filter(|a| matches!(a.aide.montant.kind, MontantKind::SansMontant))
        .collect();
    let one_off: Vec<&&AideRapport<'_>> = eligible
        .iter()
        .filter(|a| !monthly.iter().chain(&percent).any(|b| b.id == a.id))
        .collect();
    let mut parts = Vec::new();
    if !one_off.is_empty() {
        let min: i64 = one_off.iter().filter_map(|a| a.montant.min_eur).sum();
        let max: Option<i64> = one_off.iter().map(|a| a.montant.max_eur).sum();
        let amount = match max {
            Some(max) if max == min => euros(max),
            Some(max) if min == 0 => format!("jusqu'à {}", euros(max)),
            Some(max) => format!("de {} à {}", euros(min), euros(max)),
            None => format!("au moins {}", euros(min)),
        };
        parts.push(format!("{amount} en versements uniques"));
    }
    for a in monthly {
        parts.push(format!(
            "{} ({})",
            crate::report::court(a.aide, &a.montant),
            a.nom
        ));
    }
    // Aids without a euro amount (a percentage, a salary guarantee) are named, never added.
    let what: Vec<String> = percent
        .iter()
        .map(|a| {
            // What it is, in its label's first words (« Garantie financière pendant 2 ans »).
            let kind = a
                .montant
                .libelle
                .split([':', ';'])
                .next()
                .unwrap_or("")
                .trim();
            format!("{} ({kind})", a.nom)
        })
        .collect();
    match (parts.is_empty(), what.is_empty()) {
        (_, true) => format!("Total : {}.", parts.join(", ")),
        (true, false) => format!(
            "Total : aucune somme en euros à additionner ; sans montant en euros : {}.",
            what.join(", ")
        ),
        (false, false) => format!(
            "Total : {} ; sans montant en euros, en plus : {}.",
            parts.join(", "),
            what.join(", ")
        ),
    }
}

/// Regional aids that wait only for the region, in one line.
fn waiting(out: &mut Out<'_>, r: &Rapport<'_>) -> io::Result<()> {
    let Some(text) = waiting_text(
        r,
        "indiquez le département de votre cabinet (--departement)",
    ) else {
        return Ok(());
    };
    writeln!(out.w)?;
    out.para(&text, "", "")
}

/// The regional aids that wait only for the region, counted by region, and how to decide them.
#[must_use]
pub fn waiting_text(r: &Rapport<'_>, how: &str) -> Option<String> {
    let mut regions: Vec<(&str, usize)> = Vec::new();
    for a in r.aides.iter().filter(|a| waits_for_region(a)) {
        let name = a.region_nom.unwrap_or("?");
        match regions.iter_mut().find(|(n, _)| *n == name) {
            Some((_, c)) => *c += 1,
            None => regions.push((name, 1)),
        }
    }
    if regions.is_empty() {
        return None;
    }
    let list: Vec<String> = regions.iter().map(|(n, c)| format!("{c} en {n}")).collect();
    Some(format!(
        "La base contient aussi des aides régionales ({}) : {how} pour savoir si elles vous concernent.",
        list.join(", ")
    ))
}

/// « Que faire maintenant »: the report's steps (`a_faire`), one per organisation, with the aids
/// concerned and the date by which to act.
fn steps(out: &mut Out<'_>, r: &Rapport<'_>) -> io::Result<()> {
    if r.a_faire.is_empty() {
        return Ok(());
    }
    out.title("Que faire maintenant")?;
    for (i, s) in r.a_faire.iter().enumerate() {
        let n = format!("{}. ", i + 1);
        let pad = " ".repeat(n.chars().count());
        out.para(
            &format!("{} {}", step_verb(s), contact(&s.contact)),
            &n,
            &pad,
        )?;
        if let [one] = s.noms.as_slice() {
            out.para(&format!("pour : {one}"), &pad, &pad)?;
        } else {
            out.para("pour :", &pad, &pad)?;
            for a in &s.noms {
                out.para(a, &format!("{pad}– "), &format!("{pad}  "))?;
            }
        }
        if let Some(when) = step_deadline(s, r) {
            out.para(&when, &pad, &pad)?;
        }
    }
    Ok(())
}

/// How a step begins: to ask for the aids, or to confirm them.
#[must_use]
pub fn step_verb(s: &crate::report::Etape<'_>) -> &'static str {
    if s.pour == "demander" {
        "Contactez"
    } else {
        "Pour confirmer, contactez"
    }
}

/// The date by which to act on a step, and how near it is.
#[must_use]
pub fn step_deadline(s: &crate::report::Etape<'_>, r: &Rapport<'_>) -> Option<String> {
    let (date, what) = (s.avant_le?, s.echeance.as_ref()?);
    let mut when = format!("{} : au plus tard le {}", what, fr::date(date));
    if let Some(f) = flag(date, r.date_reference) {
        when.push_str(&format!(" ({f})"));
    }
    Some(when)
}

/// An organisation with its article, then every way to reach it.
#[must_use]
pub fn contact(c: &crate::referentiel::Contact<'_>) -> String {
    let ways: Vec<&str> = [c.email, c.telephone, c.adresse, c.url]
        .into_iter()
        .flatten()
        .collect();
    if ways.is_empty() {
        fr::la(&c.organisme)
    } else {
        format!("{} : {}", fr::la(&c.organisme), ways.join(" · "))
    }
}

fn pistes(out: &mut Out<'_>, r: &Rapport<'_>, opts: AnswerOptions) -> io::Result<()> {
    if r.pistes.is_empty() {
        return Ok(());
    }
    out.title("Pistes")?;
    for p in r.pistes.iter().take(opts.pistes) {
        out.para(&p.libelle, "  • ", "    ")?;
    }
    if r.pistes.len() > opts.pistes {
        out.para(
            &format!(
                "… et {} autre(s) : --format json",
                r.pistes.len() - opts.pistes
            ),
            "  ",
            "  ",
        )?;
    }
    Ok(())
}

fn questions(out: &mut Out<'_>, r: &Rapport<'_>, opts: AnswerOptions) -> io::Result<()> {
    if r.questions.is_empty() {
        return Ok(());
    }
    out.title("À préciser")?;
    for q in r.questions.iter().take(opts.questions) {
        out.para(q.question, "  • ", "    ")?;
        // Long lists of values wrap between values.
        let mut how = if q.option.len() > 40 {
            q.option.replace('|', " | ")
        } else {
            q.option.clone()
        };
        if let Some(w) = &q.ou_trouver {
            how.push_str(&format!(" · où le savoir : {w}"));
        }
        if !how.is_empty() {
            out.para(&how, "    ", "    ")?;
        }
    }
    if r.questions.len() > opts.questions {
        out.para(
            &format!(
                "… et {} autre(s) question(s) : aides guide les pose une à une.",
                r.questions.len() - opts.questions
            ),
            "  ",
            "  ",
        )?;
    }
    Ok(())
}

fn footer(out: &mut Out<'_>, r: &Rapport<'_>, opts: AnswerOptions) -> io::Result<()> {
    let hidden = r
        .aides
        .iter()
        .filter(|a| a.statut == Statut::NonEligible)
        .count();
    writeln!(out.w)?;
    let mut text = String::new();
    if hidden > 0 && !opts.all {
        text.push_str(&format!(
            "{hidden} aide(s) non éligible(s) : --all pour voir pourquoi. "
        ));
    }
    if !opts.detail {
        text.push_str("Le détail : --detail, ou aides explain ID pour une aide.");
    }
    out.para(text.trim_end(), "", "")
}
