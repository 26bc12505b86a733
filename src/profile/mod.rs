//! The profile: what is known about one physician's situation, field by field, each possibly unknown.
//! `FIELDS` (in `vocabulary`) is the one vocabulary that the flags, the JSON reader, the rule checker,
//! the questions and the docs all read. Parsing here is pure: text or JSON in, `Profile` or a located
//! error out.

use std::fmt;

use chrono::NaiveDate;

use crate::referentiel::{DepartementId, Referentiel, RegionId};

mod parse;
pub mod vocabulary;
pub use parse::*;
pub use vocabulary::{
    FIELD_COUNT, FIELDS, Field, FieldId, Groupe, Kind, Levier, LevierQuand, SPECIALITES, SelonDef,
    field_id, field_names, ids,
};

/// A known value. Closed-set values are stored as their index in the domain, lists as a bit set.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Num(f64),
    Date(NaiveDate),
    /// Index in the field's domain (`Choice`, `IntChoice`, département, région).
    Choice(u16),
    /// Bit `i` set when the `i`-th value of a `List` domain is present.
    Set(u32),
    Text(Box<str>),
}

/// One profile: every field is optional (absent = unknown, not false).
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    values: [Option<Value>; FIELD_COUNT],
}

// `Default` is derived for arrays of at most 32 items only.
impl Default for Profile {
    fn default() -> Self {
        Profile {
            values: std::array::from_fn(|_| None),
        }
    }
}

impl Profile {
    #[must_use]
    pub fn get(&self, field: FieldId) -> Option<&Value> {
        self.values[usize::from(field.0)].as_ref()
    }

    pub fn set(&mut self, field: FieldId, value: Option<Value>) {
        self.values[usize::from(field.0)] = value;
    }

    /// The `id` label, when given.
    #[must_use]
    pub fn label(&self) -> Option<&str> {
        match self.get(ids::ID) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Fields given by `other` replace those of `self` (flags over JSON).
    pub fn overlay(&mut self, other: &Profile) {
        for (slot, value) in self.values.iter_mut().zip(&other.values) {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
    }

    /// Resolves the place: the commune (written as its INSEE code once found) and the postal code give
    /// the département, the département gives the region; all that is given must agree.
    ///
    /// # Errors
    /// An unknown or ambiguous commune or postal code, or parts of the place that disagree.
    pub fn resolve_region(&mut self, refs: &Referentiel) -> Result<(), FieldError> {
        self.resolve_commune(refs)?;
        let Some(dep) = self.departement() else {
            return Ok(());
        };
        let dep = refs.departement(dep);
        match self.region() {
            Some(r) if r != dep.region => Err(FieldError {
                field: "region".into(),
                message: format!(
                    "la région « {} » ne correspond pas au département {} ({}), qui est en {}",
                    refs.region(r).slug,
                    dep.code,
                    dep.nom,
                    refs.region(dep.region).nom
                ),
                help: Some(format!(
                    "la région se déduit du département : retirez-la, ou donnez {}",
                    refs.region(dep.region).slug
                )),
                wrong_type: false,
            }),
            _ => {
                self.set(ids::REGION, Some(Value::Choice(dep.region.0)));
                Ok(())
            }
        }
    }

    fn resolve_commune(&mut self, refs: &Referentiel) -> Result<(), FieldError> {
        let text = |v: Option<&Value>| match v {
            Some(Value::Text(t)) => Some(t.to_string()),
            _ => None,
        };
        let (commune, postal) = (
            text(self.get(ids::COMMUNE)),
            text(self.get(ids::CODE_POSTAL)),
        );
        if commune.is_none() && postal.is_none() {
            return Ok(());
        }
        let name = |code: &str| match refs.departement_id(code) {
            Some(d) => format!("{} ({code})", refs.departement(d).avec_article()),
            None => format!("({code})"),
        };
        let error = |field: &str, e: crate::communes::Introuvable| FieldError {
            field: field.into(),
            message: e.message,
            help: Some(e.help),
            wrong_type: false,
        };
        let communes = refs.communes();
        let mut dep = self.departement().map(|d| refs.departement(d).code.clone());
        let given = dep.clone();
        if let Some(p) = &postal {
            match communes.postal(p, &name) {
                Ok(d) => match &dep {
                    Some(given) if given != d => {
                        return Err(FieldError {
                            field: "code_postal".into(),
                            message: format!(
                                "le code postal {p} est dans {}, pas dans {}",
                                name(d),
                                name(given)
                            ),
                            help: Some("le département se déduit du code postal : retirez le département, ou corrigez le code postal".into()),
                            wrong_type: false,
                        });
                    }
                    _ => dep = Some(d.to_owned()),
                },
                // Shared by several départements: the commune or the département tells.
                Err(e) if commune.is_none() && dep.is_none() => {
                    return Err(error("code_postal", e));
                }
                Err(_) if communes.of_postal(p).is_empty() => {
                    return Err(error("code_postal", communes.postal(p, &name).unwrap_err()));
                }
                // Shared, and the département given has none of its communes.
                Err(_) if commune.is_none() => {
                    if let Some(e) = dep
                        .as_deref()
                        .and_then(|d| postal_outside(communes, p, d, &name))
                    {
                        return Err(e);
                    }
                }
                Err(_) => {}
            }
        }
        if let Some(c) = &commune {
            // The département a postal code gives only picks among homonyms: a commune elsewhere is
            // the postal code's fault (said below), not a département's that nobody gave.
            let i = communes
                .find(c, dep.as_deref(), &name)
                .or_else(|e| {
                    if dep == given {
                        Err(e)
                    } else {
                        communes.find(c, given.as_deref(), &name)
                    }
                })
                .map_err(|e| error("commune", e))?;
            let found = communes.get(i);
            if let Some(p) = &postal
                && !found.postaux.contains(&p.trim())
            {
                return Err(FieldError {
                    field: "code_postal".into(),
                    message: format!(
                        "le code postal {p} n'est pas celui {} ({})",
                        crate::fr::de(found.nom),
                        found.postaux.join(", ")
                    ),
                    help: Some(
                        "donnez la commune ou le code postal, ou les deux s'ils vont ensemble"
                            .into(),
                    ),
                    wrong_type: false,
                });
            }
            self.set(ids::COMMUNE, Some(Value::Text(found.code.into())));
            dep = Some(found.departement.to_owned());
        }
        if let Some(code) = dep {
            let id = refs.departement_id(&code).ok_or_else(|| FieldError {
                field: "commune".into(),
                message: format!("département {code} absent des données de référence"),
                help: None,
                wrong_type: false,
            })?;
            self.set(ids::DEPARTEMENT, Some(Value::Choice(id.0)));
        }
        Ok(())
    }

    /// The commune, once resolved (its INSEE code).
    #[must_use]
    pub fn commune<'r>(&self, refs: &'r Referentiel) -> Option<&'r crate::communes::Commune> {
        let Some(Value::Text(code)) = self.get(ids::COMMUNE) else {
            return None;
        };
        let communes = refs.communes();
        communes
            .find(code, None, &|c| c.to_owned())
            .ok()
            .map(|i| communes.get(i))
    }

    /// The département, when known.
    #[must_use]
    pub fn departement(&self) -> Option<DepartementId> {
        match self.get(ids::DEPARTEMENT) {
            Some(Value::Choice(d)) => Some(DepartementId(*d)),
            _ => None,
        }
    }

    /// The region, when known (given, or resolved from the département).
    #[must_use]
    pub fn region(&self) -> Option<RegionId> {
        match self.get(ids::REGION) {
            Some(Value::Choice(r)) => Some(RegionId(*r)),
            _ => None,
        }
    }

    /// The fields that are set, with their values as text (for messages and snapshots).
    pub fn known(&self) -> impl Iterator<Item = (FieldId, &Value)> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((FieldId(u8::try_from(i).ok()?), v.as_ref()?)))
    }
}

/// A bad value for a field: which field, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The key as written by the user (may be unknown).
    pub field: String,
    pub message: String,
    pub help: Option<String>,
    /// The value had the wrong type (rather than a value outside the field's domain).
    pub wrong_type: bool,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "« {} » : {}", self.field, self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// What to type to give a field on the command line (`--qpv=oui|non`).
#[must_use]
pub fn flag_hint(field: FieldId) -> String {
    let flag = field.flag();
    match field.def().kind {
        Kind::Bool => format!("--{flag}=oui|non"),
        Kind::Choice(values) if values.len() <= 6 => format!("--{flag} {}", values.join("|")),
        Kind::Choice(_) => format!("--{flag} <spécialité>"),
        Kind::IntChoice(values) => {
            let v: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("--{flag} {}", v.join("|"))
        }
        Kind::Date => format!("--{flag} JJ/MM/AAAA"),
        Kind::Number { .. } | Kind::Integer { .. } => format!("--{flag} N"),
        Kind::List(values) => format!("--{flag} {}|aucun", values.join(",")),
        Kind::Departement => format!("--{flag} 45"),
        Kind::Commune => "--commune <commune> (ou --code-postal, --departement)".to_owned(),
        Kind::CodePostal => format!("--{flag} 45000"),
        Kind::Region => format!("--{flag} <région>"),
        Kind::Text => format!("--{flag} <texte>"),
    }
}

/// Builds a profile from `(key, raw value)` pairs, rejecting unknown keys with a suggestion.
///
/// # Errors
/// The first bad key or value.
pub fn from_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, Raw<'a>)>,
    refs: &Referentiel,
) -> Result<Profile, FieldError> {
    let mut profile = Profile::default();
    for (key, raw) in pairs {
        let Some(field) = field_id(key) else {
            return Err(unknown_key(key));
        };
        if raw == Raw::Null {
            continue;
        }
        profile.set(field, Some(parse_value(field, &raw, refs)?));
    }
    profile.resolve_region(refs)?;
    Ok(profile)
}

/// The error for a key outside the vocabulary.
#[must_use]
pub fn unknown_key(key: &str) -> FieldError {
    FieldError {
        field: crate::diagnostic::echo(key).into_owned(),
        message: "champ inconnu".into(),
        help: Some(vocabulary::unknown_field_help(key)),
        wrong_type: false,
    }
}

/// The error of a postal code shared by several départements, none of whose communes is in the
/// département given (`dep`, a code); `None` when one is.
fn postal_outside(
    communes: &crate::communes::Communes,
    postal: &str,
    dep: &str,
    name: &dyn Fn(&str) -> String,
) -> Option<FieldError> {
    let mut deps: Vec<&str> = communes
        .of_postal(postal)
        .iter()
        .map(|&i| communes.get(i).departement)
        .collect();
    if deps.contains(&dep) {
        return None;
    }
    deps.sort_unstable();
    deps.dedup();
    let deps: Vec<String> = deps.into_iter().map(name).collect();
    Some(FieldError {
        field: "code_postal".into(),
        message: format!(
            "le code postal {} n'a aucune commune dans {} : ses communes sont dans {}",
            crate::communes::postal_form(postal),
            name(dep),
            deps.join(", ")
        ),
        help: Some("corrigez le code postal ou le département, ou donnez la commune".into()),
        wrong_type: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_point_at_their_fields() {
        assert_eq!(ids::ID.name(), "id");
        assert_eq!(ids::DEPARTEMENT.name(), "departement");
        assert_eq!(ids::REGION.name(), "region");
        assert_eq!(ids::DATE_INSTALLATION.name(), "date_installation");
        assert_eq!(ids::DATE_DEMANDE.name(), "date_demande");
        assert_eq!(ids::COMMUNE.name(), "commune");
        assert_eq!(ids::CODE_POSTAL.name(), "code_postal");
    }

    #[test]
    fn field_names_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for f in FIELDS {
            assert!(seen.insert(f.name), "{} repeated", f.name);
            assert!(
                f.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
            );
        }
    }

    #[test]
    fn dates_tell_impossible_from_malformed() {
        assert_eq!(
            parse_date("2026-03-01"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        let (m, _) = parse_date("2026-02-30").unwrap_err();
        assert!(m.contains("n'existe pas"), "{m}");
        let (m, h) = parse_date("01/03/2026").unwrap_err();
        assert!(m.contains("n'est pas une date"), "{m}");
        assert!(h.contains("AAAA-MM-JJ"));
        // Typed by a person, the printed form is accepted too.
        assert_eq!(
            parse_date_typed("01/03/2026"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        assert_eq!(
            parse_date_typed("2/3/2026"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        );
        let (m, h) = parse_date_typed("30/02/2026").unwrap_err();
        assert!(m.contains("30/02/2026 n'existe pas"), "{m}");
        assert!(h.contains("JJ/MM/AAAA"), "{h}");
        let (m, _) = parse_date("2026-13-01").unwrap_err();
        assert!(m.contains("mois 13"), "{m}");
    }

    #[test]
    fn numbers_are_said_as_written() {
        let refs = crate::rules::embedded().rules.refs;
        let flag = |name: &str, text: &str| {
            let field = field_id(name).expect("a field");
            parse_value(field, &Raw::Flag(text), &refs)
                .unwrap_err()
                .message
        };
        assert_eq!(
            flag("jours_par_semaine", "8,5"),
            "8,5 est hors des valeurs acceptées"
        );
        assert_eq!(
            flag("population_cpts", "2,5"),
            "2,5 n'est pas un nombre entier"
        );
        assert_eq!(flag("population_cpts", "-3,0"), "-3,0 est trop petit");
        let json = |name: &str, text: &str| {
            let field = field_id(name).expect("a field");
            parse_value(field, &Raw::Number(text), &refs)
                .unwrap_err()
                .message
        };
        assert_eq!(json("secteur", "3.0"), "valeur 3.0 non acceptée");
        assert_eq!(json("population_cpts", "-1e0"), "-1e0 est trop petit");
        assert_eq!(json("secteur", "3"), "valeur 3 non acceptée");
    }

    #[test]
    fn oui_non_spellings() {
        assert_eq!(parse_oui_non("Oui"), Some(true));
        assert_eq!(parse_oui_non("false"), Some(false));
        assert_eq!(parse_oui_non("peut-être"), None);
    }
}
