//! The French words of the report, made once for the JSON and the table alike: where the practice
//! is, a profile value as JSON and as a label, what to type to answer, computed dates and thresholds,
//! amounts in a few words.

use chrono::NaiveDate;

use crate::eval::detail::{Calcul, DateCalculee};
use crate::eval::questions::Question;
use crate::fr;
use crate::profile::{self, FieldId, Kind, Profile, Value};
use crate::referentiel::Referentiel;
use crate::rules::model::{Aide, CmpOp, RuleSet};

/// The practice's département and region, in words: « Loiret (45), Centre-Val de Loire ».
#[must_use]
pub fn lieu(profile: &Profile, refs: &Referentiel) -> Option<String> {
    let commune = profile
        .commune(refs)
        .map_or_else(String::new, |c| format!("{} ({}), ", c.nom, c.code));
    match (profile.departement(), profile.region()) {
        (Some(d), _) => {
            let d = refs.departement(d);
            Some(format!(
                "{commune}{} ({}), {}",
                d.nom,
                d.code,
                refs.region(d.region).nom
            ))
        }
        (None, Some(r)) => Some(refs.region(r).nom.clone()),
        (None, None) => None,
    }
}

/// "No regional aid for this region in the rule base yet; ask its ARS", or `None` when it has some.
#[must_use]
pub fn region_sans_aide(rules: &RuleSet, region: crate::referentiel::RegionId) -> Option<String> {
    if rules.aides.iter().any(|a| a.region == Some(region)) {
        return None;
    }
    let r = rules.refs.region(region);
    let details: Vec<&str> = [
        r.email.as_deref(),
        r.telephone.as_deref(),
        r.adresse.as_deref(),
        r.url.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(" · "))
    };
    Some(format!(
        "La base de règles ne contient pas encore d'aide régionale (ARS) pour la région {} : seules les aides nationales sont évaluées. Renseignez-vous auprès de l'{}{details}.",
        r.nom, r.ars
    ))
}

/// A profile value as JSON, written as in an input profile (`"ZIP"`, `1`, `"2026-03-01"`).
#[must_use]
pub fn json_value(field: FieldId, value: Option<&Value>, refs: &Referentiel) -> serde_json::Value {
    use serde_json::Value as J;
    let Some(value) = value else {
        return J::Null;
    };
    match (field.def().kind, value) {
        (Kind::IntChoice(values), Value::Choice(i)) => J::from(values[usize::from(*i)]),
        (Kind::List(values), Value::Set(set)) => J::Array(
            values
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, v)| J::from(*v))
                .collect(),
        ),
        (_, Value::Bool(b)) => J::Bool(*b),
        #[allow(clippy::cast_possible_truncation)]
        (_, Value::Num(x)) if x.fract() == 0.0 && x.abs() < 1e15 => J::from(*x as i64),
        (_, Value::Num(x)) => J::from(*x),
        (_, Value::Date(d)) => J::from(d.format("%Y-%m-%d").to_string()),
        (_, v) => J::from(profile::display_value(field, v, refs)),
    }
}

/// The short label of a value (`ZIP`, `une MSP`, `2,5`), for sentences.
#[must_use]
pub fn value_label(field: FieldId, value: &Value, refs: &Referentiel) -> String {
    let def = field.def();
    let short = |label: &str| label.split(" (").next().unwrap_or(label).to_owned();
    match (def.kind, value) {
        (Kind::Choice(_) | Kind::IntChoice(_), Value::Choice(i)) if !def.labels.is_empty() => {
            short(def.labels[usize::from(*i)])
        }
        (Kind::List(_), Value::Set(set)) if !def.labels.is_empty() => {
            let parts: Vec<String> = def
                .labels
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, l)| short(l))
                .collect();
            parts.join(", ")
        }
        (_, Value::Num(x)) => fr::number(*x),
        (_, Value::Date(d)) => fr::date(*d),
        (_, Value::Bool(b)) => if *b { "oui" } else { "non" }.to_owned(),
        (_, v) => profile::display_value(field, v, refs),
    }
}

/// What to type to answer a question.
pub(super) fn option(q: &Question<'_>) -> String {
    match q.condition {
        Some(c) => c.option.clone().unwrap_or_default(),
        None => q
            .champs
            .iter()
            .map(|f| profile::flag_hint(*f))
            .collect::<Vec<_>>()
            .join(" ou "),
    }
}

/// Where the zonage of the profile's region is published: its ARS page with the page's date where
/// one was found, else the ARS site (the question then points to Rézone as well).
#[must_use]
pub fn zonage(profile: &Profile, refs: &Referentiel) -> String {
    match profile.region() {
        Some(r) => {
            let region = refs.region(r);
            match (&region.zonage, &region.url) {
                (Some(page), _) => match &region.zonage_date {
                    Some(d) => format!("la page zonage de l'{} ({d}) : {page}", region.ars),
                    None => format!("la page zonage de l'{} ({page})", region.ars),
                },
                (None, Some(url)) => format!("le site de l'{} ({url})", region.ars),
                (None, None) => format!("le site de l'{}", region.ars),
            }
        }
        None => "la page zonage de l'ARS de votre région".into(),
    }
}

fn duree(mois: u32) -> String {
    match mois {
        12 => "1 an".to_owned(),
        m if m % 12 == 0 => format!("{} ans", m / 12),
        m => format!("{m} mois"),
    }
}

fn nom(field: FieldId) -> &'static str {
    let n = field.def().noun;
    if n.is_empty() { field.name() } else { n }
}

/// The dates and thresholds a condition computed, in words.
pub(super) fn detail(calculs: &[Calcul]) -> Option<String> {
    let parts: Vec<String> = calculs
        .iter()
        .map(|c| match c {
            Calcul::Date(d) => date_calculee(d),
            Calcul::EnVigueur {
                depuis,
                demande,
                applique,
            } => format!(
                "règle en vigueur depuis le {} : elle {} à une demande du {}",
                fr::date(*depuis),
                if *applique {
                    "s'applique"
                } else {
                    "ne s'applique pas"
                },
                fr::date(*demande)
            ),
            Calcul::Decide(fields) => {
                let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
                format!("décidé par : {}", names.join(", "))
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" ; "))
}

fn date_calculee(d: &DateCalculee) -> String {
    let (champ, base) = (nom(d.champ), nom(d.base));
    let how = format!("{base} + {}", duree(d.mois));
    match d.op {
        CmpOp::Le => format!("{champ} au plus tard le {} ({how})", fr::date(d.date)),
        CmpOp::Lt => format!("{champ} avant le {} ({how})", fr::date(d.date)),
        CmpOp::Ge | CmpOp::Gt => {
            let from = if d.op == CmpOp::Gt {
                d.date.succ_opt().unwrap_or(d.date)
            } else {
                d.date
            };
            format!(
                "{base} le {} : {champ} possible à partir du {} ({how})",
                fr::date(d.base_date),
                fr::date(from)
            )
        }
    }
}

/// An amount in a few words, with its period when it recurs (« jusqu'à 1 200 € par mois »).
#[must_use]
pub fn court(aide: &Aide, montant: &crate::eval::montant::Somme<'_>) -> String {
    let text = montant.court();
    match aide.montant.kind {
        crate::rules::model::MontantKind::ParUnite {
            periode: Some(p), ..
        } if montant.max_eur.is_some() && !text.contains(p.par()) => format!("{text} {}", p.par()),
        _ => text,
    }
}

/// What would still decide an aid once the change is made: « à confirmer selon : … », or nothing.
pub(super) fn reste(manquants: &[FieldId]) -> String {
    let helps: Vec<String> = manquants
        .iter()
        .filter(|f| {
            // A field asked with another one that is also missing is said with it.
            f.def()
                .asked_with
                .is_none_or(|w| !manquants.iter().any(|m| m.name() == w))
        })
        .map(|f| lower_first(f.def().help))
        .collect();
    if helps.is_empty() {
        String::new()
    } else if helps.len() > 2 {
        format!(
            ", à confirmer selon {} réponses encore inconnues",
            helps.len()
        )
    } else {
        format!(", à confirmer selon : {}", helps.join(" ; "))
    }
}

/// « Aide à … » → « aide à … ».
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// How far a date is from the reference date, for deadlines: today, past, or nothing to flag.
#[must_use]
pub fn flag(date: NaiveDate, date_ref: NaiveDate) -> Option<&'static str> {
    match date.cmp(&date_ref) {
        std::cmp::Ordering::Equal => Some("aujourd'hui"),
        std::cmp::Ordering::Less => Some("dépassée"),
        std::cmp::Ordering::Greater => None,
    }
}
