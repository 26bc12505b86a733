//! Rendering: the French text of every command (blocks wrapped at word boundaries, so that nothing is
//! cut inside a word at 80 columns), JSON and NDJSON. It writes to the `io::Write` it is given. Colours
//! only when asked (TTY, no `NO_COLOR`).

use std::io::{self, Write};

use serde::Serialize;

pub mod answer;
pub mod explain;
pub mod wrap;

use crate::fr;
use crate::input::{Place, Problem};
use crate::profile::{FieldId, Value, display_value, fmt_num};
use crate::referentiel::{ContactRef, Referentiel};
use crate::rules::model::{Aide, CmpOp, Node, Operand, RuleSet, Scalar, Test};

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width; `None` when not a terminal (a fixed width keeps output stable).
    pub width: Option<u16>,
}

/// Every detail of a contact the rule base knows, on one line.
pub(crate) fn join_contact(c: &crate::referentiel::Contact<'_>) -> String {
    [
        Some(c.organisme.as_ref()),
        c.email,
        c.telephone,
        c.adresse,
        c.url,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ")
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
    let mut text = match (&p.field, p.at) {
        (Some(f), _) => format!("{place} : champ « {f} » : {}", p.message),
        (None, Some((line, col))) => format!("ligne {line}, colonne {col} : {}", p.message),
        (None, None) => format!("{place} : {}", p.message),
    };
    if let Some(h) = &p.help {
        text.push_str("\n  aide : ");
        text.push_str(h);
    }
    text
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

/// One line of `aides list`.
#[derive(Debug, Serialize)]
pub struct ListItem<'r> {
    pub id: &'r str,
    pub nom: &'r str,
    pub financeur: &'static str,
    pub region: Option<&'r str>,
    pub categorie: crate::rules::model::Categorie,
    pub montant: String,
    pub periode: String,
    /// The last day the aid can be requested or signed, when its period says.
    pub fin: Option<chrono::NaiveDate>,
    /// Whether that day has passed at the reference date.
    pub fermee: bool,
}

/// The amount of an aid in words, independent of any profile.
#[must_use]
pub fn montant_text(aide: &Aide) -> String {
    aide.montant.label.clone()
}

/// The period of an aid in words.
#[must_use]
pub fn periode_text(aide: &Aide) -> String {
    let p = &aide.periode;
    let mut parts = Vec::new();
    if let Some(d) = p.en_vigueur_du {
        parts.push(format!("depuis le {}", fr::date(d)));
    }
    match (p.installation_du, p.installation_au) {
        (Some(a), Some(b)) => {
            parts.push(format!(
                "installation du {} au {}",
                fr::date(a),
                fr::date(b)
            ));
        }
        (Some(a), None) if Some(a) != p.en_vigueur_du => {
            parts.push(format!("installation dès le {}", fr::date(a)));
        }
        (None, Some(b)) => parts.push(format!("installation jusqu'au {}", fr::date(b))),
        _ => {}
    }
    if let Some(d) = p.demande_au_plus_tard {
        parts.push(format!("demande au plus tard le {}", fr::date(d)));
    }
    if let Some(d) = p.signature_au_plus_tard {
        parts.push(format!("signature au plus tard le {}", fr::date(d)));
    }
    if parts.is_empty() {
        "sans limite publiée".into()
    } else {
        parts.join(" ; ")
    }
}

/// Items of `aides list`.
#[must_use]
pub fn list_items(
    rules: &RuleSet,
    region: Option<crate::referentiel::RegionId>,
    today: chrono::NaiveDate,
) -> Vec<ListItem<'_>> {
    rules
        .aides
        .iter()
        .filter(|a| region.is_none() || a.region.is_none() || a.region == region)
        .map(|a| ListItem {
            id: &a.id,
            nom: &a.nom,
            financeur: a.financeur.as_str(),
            region: a.region.map(|r| rules.refs.region(r).slug.as_str()),
            categorie: a.categorie,
            montant: montant_text(a),
            periode: periode_text(a),
            fin: fin(a),
            fermee: fin(a).is_some_and(|d| d < today),
        })
        .collect()
}

/// The last day an aid can be obtained: the latest of its request and signature deadlines.
fn fin(aide: &Aide) -> Option<chrono::NaiveDate> {
    match (
        aide.periode.demande_au_plus_tard,
        aide.periode.signature_au_plus_tard,
    ) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
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
            (format!("{} ; {}", i.montant, i.periode), "  ", "  "),
        ] {
            for line in wrap::wrap(&text, width, first, rest) {
                writeln!(w, "{line}")?;
            }
        }
    }
    Ok(())
}

/// A condition tree in plain French.
#[must_use]
pub fn describe(node: &Node, refs: &Referentiel) -> String {
    let value = |f: FieldId, s: Scalar| -> String {
        let v = match s {
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Num(x) => Value::Num(x),
            Scalar::Date(d) => Value::Date(d),
            Scalar::Choice(c) => Value::Choice(c),
            Scalar::Set(x) => Value::Set(x),
        };
        match v {
            Value::Date(d) => fr::date(d),
            Value::Num(x) => fr::number(x),
            v => display_value(f, &v, refs),
        }
    };
    let operand = |f: FieldId, o: Operand| -> String {
        match o {
            Operand::Num(x) => fr::number(x),
            Operand::Date(d) => fr::date(d),
            Operand::Rel { field, months } if months % 12 == 0 => {
                format!("{} + {} an(s)", field.name(), months / 12)
            }
            Operand::Rel { field, months } => {
                let _ = f;
                format!("{} + {months} mois", field.name())
            }
        }
    };
    let mask = |f: FieldId, m: u128| -> String {
        let v: Vec<String> = (0..128u16)
            .filter(|i| m & (1u128 << i) != 0)
            .map(|i| value(f, Scalar::Choice(i)))
            .collect();
        v.join(", ")
    };
    match node {
        Node::All(c) => format!(
            "({})",
            c.iter()
                .map(|n| describe(n, refs))
                .collect::<Vec<_>>()
                .join(" et ")
        ),
        Node::Any(c) => format!(
            "({})",
            c.iter()
                .map(|n| describe(n, refs))
                .collect::<Vec<_>>()
                .join(" ou ")
        ),
        Node::Not(n) => format!("non {}", describe(n, refs)),
        Node::IfKnown(n) => format!("{} (si connu)", describe(n, refs)),
        Node::FirstKnown(c) => c
            .iter()
            .map(|n| describe(n, refs))
            .collect::<Vec<_>>()
            .join(" ; à défaut "),
        Node::Reference(op, d) => format!("date de référence {} {}", op_text(*op), fr::date(*d)),
        Node::AppliesFrom(d, n) => format!(
            "pour une demande datée du {} ou après : {}",
            fr::date(*d),
            describe(n, refs)
        ),
        Node::UnknownIf { guard, inner } => format!(
            "{} ; à confirmer si {}",
            describe(inner, refs),
            describe(guard, refs)
        ),
        Node::Leaf(l) => {
            let f = l.field;
            let name = f.name();
            match &l.test {
                Test::Eq(s) => format!("{name} = {}", value(f, *s)),
                Test::Ne(s) => format!("{name} ≠ {}", value(f, *s)),
                Test::In(m) => format!("{name} parmi {}", mask(f, *m)),
                Test::NotIn(m) => format!("{name} hors de {}", mask(f, *m)),
                Test::ContainsAny(m) => {
                    format!(
                        "{name} contient l'un de {}",
                        display_value(f, &Value::Set(*m), refs)
                    )
                }
                Test::Cmp(op, o) => format!("{name} {} {}", op_text(*op), operand(f, *o)),
                Test::Between(a, b) => {
                    format!("{name} entre {} et {}", operand(f, *a), operand(f, *b))
                }
            }
        }
    }
}

fn op_text(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ge => "≥",
        CmpOp::Le => "≤",
        CmpOp::Gt => ">",
        CmpOp::Lt => "<",
    }
}

/// The contact of an aid in words, independent of any profile.
#[must_use]
pub fn contact_ref_text(aide: &Aide, refs: &Referentiel) -> String {
    match &aide.contact {
        ContactRef::Cpam => "la CPAM du département du cabinet concerné (le cabinet secondaire, pour une aide au cabinet secondaire)".into(),
        ContactRef::Ars if aide.region.is_none() => "l'ARS de la région d'exercice".into(),
        ContactRef::ArsDepartement => {
            "la direction départementale de l'ARS du département d'exercice".into()
        }
        // A regional ARS or a named contact does not depend on the profile: the shared resolver says it.
        reference => join_contact(&refs.contact(reference, aide.region, None, None)),
    }
}

/// `aides show` as text.
///
/// # Errors
/// When writing fails.
pub fn show_text(w: &mut dyn Write, aide: &Aide, refs: &Referentiel) -> io::Result<()> {
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

/// `aides show --format json`.
#[must_use]
pub fn show_json(aide: &Aide, refs: &Referentiel) -> serde_json::Value {
    serde_json::json!({
        "id": aide.id,
        "nom": aide.nom,
        "resume": aide.resume,
        "financeur": aide.financeur.as_str(),
        "region": aide.region.map(|r| refs.region(r).slug.clone()),
        "categorie": aide.categorie,
        "public": aide.public,
        "periode": periode_text(aide),
        "montant": montant_text(aide),
        "contact": contact_ref_text(aide, refs),
        "conditions": aide.conditions.iter().map(|c| serde_json::json!({
            "libelle": c.libelle,
            "detail": describe(&c.node, refs),
        })).collect::<Vec<_>>(),
        "versements": aide.versements,
        "engagements": aide.engagements,
        "cumul": aide.cumul,
        "notes": aide.notes,
        "sources": aide.sources,
        "verifie_le": aide.verifie_le.as_ref().map(|(d, _)| d.format("%Y-%m-%d").to_string()),
    })
}

/// `aides validate --coverage`: per aid, how often each condition is true, false, unknown.
///
/// # Errors
/// When writing fails.
pub fn coverage_table(
    w: &mut dyn Write,
    cov: &[crate::rules::check::AideCoverage],
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
