//! The questionnaire's core (pure): the answers a question offers, how a typed answer is read (the
//! value, its French label, `oui`/`non`, a date as JJ/MM/AAAA, « je ne sais pas » or `?`), and the
//! `aides check` command line equivalent to a profile. `app::guide` asks the questions on a terminal;
//! they are the questions of the answer (`eval::questions`), in the same order.

use chrono::NaiveDate;

use crate::fr::cle;
use crate::profile::{self, FieldError, FieldId, Kind, Profile, Raw, Value, ids};
use crate::referentiel::Referentiel;
use crate::report::Rapport;
use crate::rules::model::Statut;

/// One question still to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prochaine<'r> {
    /// The field it asks first (a yes may call the fields asked with it).
    pub champ: FieldId,
    pub question: &'r str,
    /// Where to find the answer.
    pub ou_trouver: Option<String>,
}

/// The questions still to ask, best first: the answer's questions that a field answers and that were
/// not asked yet, then the place when the contact of an eligible or à-confirmer aid depends on it (the
/// CPAM of the département), so that the answer can say whom to write to.
#[must_use]
pub fn restantes<'r>(
    rapport: &Rapport<'r>,
    profile: &Profile,
    asked: &[FieldId],
) -> Vec<Prochaine<'r>> {
    let mut out: Vec<Prochaine<'r>> = rapport
        .questions
        .iter()
        .filter_map(|q| {
            let champ = profile::field_id(q.champ?)?;
            (!asked.contains(&champ)).then(|| Prochaine {
                champ,
                question: q.question,
                ou_trouver: q.ou_trouver.clone(),
            })
        })
        .collect();
    let place = [ids::COMMUNE, ids::CODE_POSTAL, ids::DEPARTEMENT];
    let contact_needs_place = profile.departement().is_none()
        && rapport
            .aides
            .iter()
            .any(|a| a.statut != Statut::NonEligible && a.aide.contact.needs_place(a.aide.region));
    if contact_needs_place
        && !out.iter().any(|q| place.contains(&q.champ))
        && !asked.iter().any(|f| place.contains(f))
    {
        let def = ids::COMMUNE.def();
        out.push(Prochaine {
            champ: ids::COMMUNE,
            question: def.question,
            ou_trouver: (!def.ou_trouver.is_empty()).then(|| def.ou_trouver.to_owned()),
        });
    }
    order(&mut out, profile, asked);
    out
}

/// The order a person can answer in: the place before any question whose help names a page of the
/// region (`{zonage}`: the zone question names the region's ARS page once the place is known), and the
/// installation date after the request's object (its wording depends on it).
fn order(out: &mut Vec<Prochaine<'_>>, profile: &Profile, asked: &[FieldId]) {
    let place = [
        ids::COMMUNE,
        ids::CODE_POSTAL,
        ids::DEPARTEMENT,
        ids::REGION,
    ];
    let needs_region = |q: &Prochaine<'_>| q.champ.def().ou_trouver.contains("{zonage}");
    if profile.region().is_none()
        && !asked.iter().any(|f| place.contains(f))
        && let Some(first) = out.iter().position(needs_region)
    {
        let q = match out.iter().position(|q| place.contains(&q.champ)) {
            Some(i) if i < first => None,
            Some(i) => Some(out.remove(i)),
            None => {
                let def = ids::COMMUNE.def();
                Some(Prochaine {
                    champ: ids::COMMUNE,
                    question: def.question,
                    ou_trouver: (!def.ou_trouver.is_empty()).then(|| def.ou_trouver.to_owned()),
                })
            }
        };
        if let Some(q) = q {
            out.insert(first, q);
        }
    }
    let at = |out: &[Prochaine<'_>], f: FieldId| out.iter().position(|q| q.champ == f);
    if let (Some(d), Some(p)) = (at(out, ids::DATE_INSTALLATION), at(out, ids::PROJET))
        && d < p
    {
        let q = out.remove(d);
        // `p` moved down by one with the removal: insert right after the request's object.
        out.insert(p, q);
    }
}

/// What a physician answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Reponse {
    /// « Je ne sais pas »: the field stays unknown.
    Inconnu,
    /// Values for one field or more (a commune gives the commune; a postal code its code).
    Valeurs(Vec<(FieldId, Value)>),
}

/// What « je ne sais pas » is offered as.
pub const INCONNU: &str = "je ne sais pas";

/// What the questionnaire is: its first sentence, at the reference date.
#[must_use]
pub fn intro(date: NaiveDate) -> String {
    format!(
        "Les aides à l'installation auxquelles vous avez droit, en quelques questions (au {}).",
        crate::fr::date(date)
    )
}

/// The answers offered for a field, as the physician reads them (typing one, or choosing it with the
/// arrow keys, answers the question).
#[must_use]
pub fn choices(field: FieldId) -> Vec<String> {
    let def = field.def();
    let mut out: Vec<String> = match def.kind {
        Kind::Bool => vec!["oui".into(), "non".into()],
        Kind::Choice(values) | Kind::List(values) => {
            let mut v: Vec<String> = if def.labels.is_empty() {
                values.iter().map(|v| (*v).to_owned()).collect()
            } else {
                def.labels.iter().map(|l| (*l).to_owned()).collect()
            };
            if matches!(def.kind, Kind::List(_)) {
                v.push("aucune".into());
            }
            v
        }
        Kind::IntChoice(values) => {
            if def.labels.is_empty() {
                values.iter().map(ToString::to_string).collect()
            } else {
                def.labels.iter().map(|l| (*l).to_owned()).collect()
            }
        }
        _ => Vec::new(),
    };
    out.push(INCONNU.into());
    out
}

/// The date field asked right after a yes to `field`, if any (the date of the last aid after « oui »).
#[must_use]
pub fn follow_up(field: FieldId) -> Option<FieldId> {
    profile::FIELDS.iter().enumerate().find_map(|(i, def)| {
        (def.asked_with == Some(field.name()) && def.kind == Kind::Date)
            .then(|| u8::try_from(i).ok().map(FieldId))
            .flatten()
    })
}

/// How to type the answer, for questions that offer no list.
#[must_use]
pub fn hint(field: FieldId) -> Option<&'static str> {
    match field.def().kind {
        Kind::Date => Some("une date, JJ/MM/AAAA"),
        Kind::Commune | Kind::CodePostal | Kind::Departement => {
            Some("le nom de la commune, son code postal ou son code INSEE")
        }
        Kind::Number { .. } | Kind::Integer { .. } => Some("un nombre"),
        _ => None,
    }
}

/// The command line cut into lines of at most `width` characters, each but the last ending with ` \`
/// (a shell reads them as one line when pasted).
#[must_use]
pub fn wrap_command(line: &str, width: usize, indent: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = indent.to_owned();
    // Cut between options: an option and its value stay together.
    let mut parts: Vec<String> = Vec::new();
    for word in line.split(' ') {
        match parts.last_mut() {
            Some(last)
                if !word.starts_with("--")
                    && last.starts_with("--")
                    && !last.contains(' ')
                    && !last.contains('=') =>
            {
                last.push(' ');
                last.push_str(word);
            }
            _ => parts.push(word.to_owned()),
        }
    }
    for part in parts {
        let len = current.chars().count();
        if len > indent.len() && len + 1 + part.chars().count() + 2 > width {
            current.push_str(" \\");
            out.push(std::mem::replace(&mut current, format!("{indent}    ")));
        } else if len > indent.len() {
            current.push(' ');
        }
        current.push_str(&part);
    }
    out.push(current);
    out
}

fn unknown(text: &str) -> bool {
    let t = cle(text);
    text.trim() == "?"
        || [
            "je-ne-sais-pas",
            "ne-sais-pas",
            "sais-pas",
            "inconnu",
            "nsp",
        ]
        .contains(&t.as_str())
}

/// Reads a typed answer for a question asking `field`.
///
/// # Errors
/// What is wrong with the answer and what it accepts, to ask again.
pub fn answer(field: FieldId, text: &str, refs: &Referentiel) -> Result<Reponse, FieldError> {
    if unknown(text) {
        return Ok(Reponse::Inconnu);
    }
    let def = field.def();
    let t = text.trim();
    // A label of a closed set (or its short form, before the parenthesis) names its value.
    let key = cle(t);
    let by_label = def
        .labels
        .iter()
        .position(|l| cle(l) == key || cle(l.split(" (").next().unwrap_or(l)) == key);
    let value = match (def.kind, by_label) {
        (Kind::Choice(_) | Kind::IntChoice(_), Some(i)) => {
            Value::Choice(u16::try_from(i).unwrap_or(u16::MAX))
        }
        (Kind::List(_), Some(i)) => Value::Set(1 << i),
        (Kind::Commune | Kind::CodePostal | Kind::Departement, _) => return place(t, refs),
        _ => profile::parse_value(field, &Raw::Flag(t), refs)?,
    };
    Ok(Reponse::Valeurs(vec![(field, value)]))
}

/// The place: a commune (name or INSEE code), a postal code, or a département.
fn place(text: &str, refs: &Referentiel) -> Result<Reponse, FieldError> {
    let mut p = Profile::default();
    p.set(ids::COMMUNE, Some(Value::Text(text.into())));
    let commune = p.resolve_region(refs);
    let digits = text.len() == 5 && text.chars().all(|c| c.is_ascii_digit());
    // Five digits that are not the commune's INSEE code are its postal code: kept as such.
    let by_postal = digits && p.get(ids::COMMUNE) != Some(&Value::Text(text.into()));
    if commune.is_ok() && !by_postal {
        let code = p
            .get(ids::COMMUNE)
            .cloned()
            .unwrap_or(Value::Text(text.into()));
        return Ok(Reponse::Valeurs(vec![(ids::COMMUNE, code)]));
    }
    if digits {
        let mut p = Profile::default();
        p.set(ids::CODE_POSTAL, Some(Value::Text(text.into())));
        return p
            .resolve_region(refs)
            .map(|()| Reponse::Valeurs(vec![(ids::CODE_POSTAL, Value::Text(text.into()))]));
    }
    if let Some(d) = refs.departement_id(text) {
        return Ok(Reponse::Valeurs(vec![(
            ids::DEPARTEMENT,
            Value::Choice(d.0),
        )]));
    }
    commune.map(|()| Reponse::Inconnu)
}

/// The `aides check` command line that gives the same profile (the commune stands for the
/// département and the region it gives).
#[must_use]
pub fn command_line(profile: &Profile, date: NaiveDate, refs: &Referentiel) -> String {
    let mut out = vec!["aides".to_owned(), "check".to_owned()];
    let has_commune = profile.get(ids::COMMUNE).is_some();
    let has_postal = profile.get(ids::CODE_POSTAL).is_some();
    // The place first, as a physician says it.
    let place = [
        ids::COMMUNE,
        ids::CODE_POSTAL,
        ids::DEPARTEMENT,
        ids::REGION,
    ];
    let known = profile
        .known()
        .filter(|(f, _)| place.contains(f))
        .chain(profile.known().filter(|(f, _)| !place.contains(f)));
    for (field, value) in known {
        let derived = (field == ids::REGION && profile.departement().is_some())
            || (field == ids::DEPARTEMENT && (has_commune || has_postal))
            || (field == ids::CODE_POSTAL && has_commune);
        if derived || field == ids::ID {
            continue;
        }
        let flag = format!("--{}", field.flag());
        if field == ids::COMMUNE
            && let Some(c) = profile.commune(refs)
        {
            out.push(format!("{flag} {}", quote(&commune_name(c, refs))));
            continue;
        }
        out.push(match (field.def().kind, value) {
            (_, Value::Bool(true)) => flag,
            (_, Value::Bool(false)) => format!("{flag}=non"),
            (_, Value::Date(d)) => format!("{flag} {}", crate::fr::date(*d)),
            (_, v) => {
                let text = profile::display_value(field, v, refs)
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .replace(", ", ",");
                let text = if text.is_empty() {
                    "aucun".to_owned()
                } else {
                    text
                };
                format!("{flag} {}", quote(&text))
            }
        });
    }
    out.push(format!("--date {}", crate::fr::date(date)));
    out.join(" ")
}

/// The shortest name that finds the commune again: its name, else its name and département, else its
/// INSEE code.
fn commune_name(c: &crate::communes::Commune, refs: &Referentiel) -> String {
    let communes = refs.communes();
    let same = |text: &str| {
        communes
            .find(text, None, &|d| d.to_owned())
            .is_ok_and(|i| communes.get(i).code == c.code)
    };
    let with_dep = format!("{} ({})", c.nom, c.departement);
    if same(c.nom) {
        c.nom.to_owned()
    } else if same(&with_dep) {
        with_dep
    } else {
        c.code.to_owned()
    }
}

/// Quotes a value for a shell when it holds anything but plain characters.
fn quote(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_alphanumeric() || "-_.,/".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::field_id;

    fn refs() -> Referentiel {
        crate::rules::embedded().rules.refs
    }

    fn f(name: &str) -> FieldId {
        field_id(name).unwrap()
    }

    #[test]
    fn answers_by_value_label_or_words() {
        let refs = refs();
        let zip = Reponse::Valeurs(vec![(f("zone"), Value::Choice(0))]);
        assert_eq!(answer(f("zone"), "ZIP", &refs), Ok(zip.clone()));
        assert_eq!(answer(f("zone"), "zip", &refs), Ok(zip.clone()));
        assert_eq!(
            answer(f("zone"), "ZIP (zone d'intervention prioritaire)", &refs),
            Ok(zip)
        );
        assert_eq!(
            answer(f("exercice"), "libéral", &refs),
            Ok(Reponse::Valeurs(vec![(f("exercice"), Value::Choice(0))]))
        );
        assert_eq!(
            answer(f("specialite"), "médecine générale", &refs),
            answer(f("specialite"), "generaliste", &refs)
        );
        assert_eq!(
            answer(f("secteur"), "secteur 1", &refs),
            Ok(Reponse::Valeurs(vec![(f("secteur"), Value::Choice(0))]))
        );
        assert_eq!(
            answer(f("date_installation"), "02/03/2026", &refs),
            Ok(Reponse::Valeurs(vec![(
                f("date_installation"),
                Value::Date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
            )]))
        );
        assert_eq!(answer(f("qpv"), "?", &refs), Ok(Reponse::Inconnu));
        assert_eq!(
            answer(f("qpv"), "Je ne sais pas", &refs),
            Ok(Reponse::Inconnu)
        );
        assert!(answer(f("zone"), "ZIPE", &refs).is_err());
        assert!(answer(f("date_installation"), "31/02/2026", &refs).is_err());
    }

    #[test]
    fn the_place_is_a_commune_a_postal_code_or_a_departement() {
        let refs = refs();
        assert_eq!(
            answer(ids::COMMUNE, "Orléans", &refs),
            Ok(Reponse::Valeurs(vec![(
                ids::COMMUNE,
                Value::Text("45234".into())
            )]))
        );
        assert_eq!(
            answer(ids::COMMUNE, "45000", &refs),
            Ok(Reponse::Valeurs(vec![(
                ids::CODE_POSTAL,
                Value::Text("45000".into())
            )]))
        );
        assert!(matches!(
            answer(ids::COMMUNE, "Loiret", &refs),
            Ok(Reponse::Valeurs(v)) if v[0].0 == ids::DEPARTEMENT
        ));
        let e = answer(ids::COMMUNE, "Saint-Denis", &refs).unwrap_err();
        assert!(e.message.contains("plusieurs communes"), "{e:?}");
    }

    #[test]
    fn the_place_is_asked_when_the_contact_needs_it() {
        let rules = crate::rules::embedded().rules;
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut p = Profile::default();
        for (name, text) in [
            ("projet", "installation"),
            ("exercice", "liberal"),
            ("specialite", "medecine-generale"),
            ("secteur", "1"),
            ("zone", "zip"),
            ("primo_installation", "oui"),
            ("aide_installation_10_ans", "non"),
            ("date_installation", "02/03/2026"),
        ] {
            let v = profile::parse_value(f(name), &Raw::Flag(text), &rules.refs).unwrap();
            p.set(f(name), Some(v));
        }
        let rapport = crate::report::evaluate(&rules, &p, date);
        let next = restantes(&rapport, &p, &[]);
        assert!(
            next.iter().any(|q| q.champ == ids::COMMUNE),
            "the CPAM needs the département: {next:?}"
        );
        // Once the place was asked (even answered « je ne sais pas »), it is not asked again.
        assert!(
            !restantes(&rapport, &p, &[ids::COMMUNE])
                .iter()
                .any(|q| q.champ == ids::COMMUNE)
        );
        p.set(ids::COMMUNE, Some(Value::Text("Orléans".into())));
        p.resolve_region(&rules.refs).unwrap();
        let rapport = crate::report::evaluate(&rules, &p, date);
        assert!(
            !restantes(&rapport, &p, &[])
                .iter()
                .any(|q| q.champ == ids::COMMUNE)
        );
    }

    #[test]
    fn the_place_comes_before_the_zone_and_the_date_after_the_request() {
        let rules = crate::rules::embedded().rules;
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let p = Profile::default();
        let rapport = crate::report::evaluate(&rules, &p, date);
        let next: Vec<FieldId> = restantes(&rapport, &p, &[])
            .iter()
            .map(|q| q.champ)
            .collect();
        let at = |f: FieldId| next.iter().position(|g| *g == f);
        let place = [
            ids::COMMUNE,
            ids::CODE_POSTAL,
            ids::DEPARTEMENT,
            ids::REGION,
        ]
        .iter()
        .filter_map(|f| at(*f))
        .min()
        .expect("place asked");
        let zone = at(f("zone")).expect("zone asked");
        assert!(place < zone, "{next:?}");
        let projet = at(ids::PROJET).expect("projet asked");
        let date_installation = at(ids::DATE_INSTALLATION).expect("date asked");
        assert!(projet < date_installation, "{next:?}");
        // Once the place was asked, the zone keeps its rank.
        let after: Vec<FieldId> = restantes(&rapport, &p, &[ids::COMMUNE])
            .iter()
            .map(|q| q.champ)
            .collect();
        assert!(!after.contains(&ids::COMMUNE), "{after:?}");
    }

    /// Splits a command line as a POSIX shell would (words, single quotes).
    fn shell_words(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => quoted = !quoted,
                '\\' if !quoted => word.extend(chars.next()),
                ' ' if !quoted => {
                    if !word.is_empty() {
                        out.push(std::mem::take(&mut word));
                    }
                }
                c => word.push(c),
            }
        }
        out.push(word);
        out
    }

    #[test]
    fn the_command_line_replays_the_profile() {
        let refs = refs();
        let mut p = Profile::default();
        for (name, text) in [
            ("commune", "Saint-Denis (93)"),
            ("projet", "installation"),
            ("exercice", "liberal"),
            ("specialite", "médecine générale"),
            ("secteur", "1"),
            ("zone", "zip"),
            ("qpv", "non"),
            ("primo_installation", "oui"),
            ("exercice_coordonne", "esp,cpts"),
            ("aide_installation_10_ans", "non"),
            ("date_installation", "02/03/2026"),
            ("jours_par_semaine", "2.5"),
        ] {
            let v = profile::parse_value(f(name), &Raw::Flag(text), &refs).unwrap();
            p.set(f(name), Some(v));
        }
        p.resolve_region(&refs).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let line = command_line(&p, date, &refs);
        let args = crate::cli::check_args(shell_words(&line));
        let mut replayed = Profile::default();
        for (field, text) in &args.profil.values {
            let v = profile::parse_value(*field, &Raw::Flag(text), &refs).unwrap();
            replayed.set(*field, Some(v));
        }
        replayed.resolve_region(&refs).unwrap();
        let known = |p: &Profile| p.known().map(|(f, v)| (f, v.clone())).collect::<Vec<_>>();
        assert_eq!(known(&replayed), known(&p), "{line}");
        assert_eq!(args.date, Some(date));
    }

    #[test]
    fn a_long_command_line_is_cut_between_options() {
        let line = "aides check --zone zip --exercice liberal --specialite medecine-generale --secteur 1 --primo-installation --date-installation 02/03/2026 --aide-installation-10-ans=non --commune Orléans --date 01/12/2026";
        let lines = wrap_command(line, 80, "  ");
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(l.chars().count() <= 80, "{l}");
        }
        assert!(
            lines
                .iter()
                .any(|l| l.contains("--date-installation 02/03/2026"))
        );
        let joined: String = lines
            .iter()
            .map(|l| l.trim().trim_end_matches('\\').trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, line);
    }

    #[test]
    fn the_command_line_gives_the_same_profile() {
        let refs = refs();
        let mut p = Profile::default();
        for (name, text) in [
            ("commune", "Orléans"),
            ("projet", "installation"),
            ("primo_installation", "oui"),
            ("aide_installation_10_ans", "non"),
            ("date_installation", "02/03/2026"),
        ] {
            let v = profile::parse_value(f(name), &Raw::Flag(text), &refs).unwrap();
            p.set(f(name), Some(v));
        }
        p.resolve_region(&refs).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut homonym = Profile::default();
        homonym.set(ids::COMMUNE, Some(Value::Text("Saint-Denis (93)".into())));
        homonym.resolve_region(&refs).unwrap();
        assert_eq!(
            command_line(&homonym, date, &refs),
            "aides check --commune 'Saint-Denis (93)' --date 01/12/2026"
        );
        assert_eq!(
            command_line(&p, date, &refs),
            "aides check --commune Orléans --projet installation --primo-installation \
             --date-installation 02/03/2026 --aide-installation-10-ans=non --date 01/12/2026"
        );
    }
}
