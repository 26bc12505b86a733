//! A profile in a query string (SPEC §7): the profile's JSON field names, each value as its command-line
//! flag takes it (`oui`/`non`, `true`/`false`, a date as `AAAA-MM-JJ` or `JJ/MM/AAAA`, a list repeated
//! or comma-separated), `?` for « je ne sais pas »; and the options a route accepts (`date`, `format`,
//! `all`, `detail`…). Values are read by the library's own parser, so their messages are the CLI's.

use chrono::NaiveDate;

use crate::diagnostic::{did_you_mean, echo};
use crate::profile::{self, FieldId, Profile, Raw};
use crate::referentiel::Referentiel;

use super::api::ApiError;

/// A query string read.
#[derive(Debug, Default)]
pub(crate) struct Query {
    /// The fields given, in their first order, with their text (repeated values joined by commas);
    /// `None` for « je ne sais pas ».
    pub(crate) fields: Vec<(FieldId, Option<String>)>,
    /// The options, as written.
    pub(crate) options: Vec<(String, String)>,
}

impl Query {
    /// Reads the pairs of `raw`; only the options in `allowed` are accepted besides the fields.
    pub(crate) fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Query, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or_default())
            .map_err(|_| {
                ApiError::bad(
                    "paramètres de l'adresse illisibles".into(),
                    None,
                    Some("écrivez-les champ=valeur&champ=valeur, encodés en UTF-8".into()),
                )
            })?;
        let mut q = Query::default();
        for (key, value) in pairs {
            if let Some(field) = profile::field_id(&key) {
                let value = value.trim();
                let known = !(value == "?" || value.is_empty());
                match q.fields.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, Some(text))) if known => {
                        text.push(',');
                        text.push_str(value);
                    }
                    Some(slot) => {
                        if known {
                            slot.1 = Some(value.to_owned());
                        }
                    }
                    None => q.fields.push((field, known.then(|| value.to_owned()))),
                }
            } else if allowed.contains(&key.as_str()) {
                q.options.push((key, value));
            } else {
                let mut names: Vec<&str> = allowed.to_vec();
                for name in profile::field_names() {
                    names.push(name);
                }
                let close = did_you_mean(&key, names.iter().copied());
                return Err(ApiError::bad(
                    format!("paramètre « {} » inconnu", echo(&key)),
                    Some(key.clone()),
                    Some(close.unwrap_or_else(|| {
                        "les paramètres sont les champs du profil (aides schema profil) et les options de l'adresse".into()
                    })),
                ));
            }
        }
        Ok(q)
    }

    /// The last value of an option.
    pub(crate) fn option(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A yes/no option (`all`, `detail`): present and not `non`/`false`.
    pub(crate) fn switch(&self, name: &str) -> Result<bool, ApiError> {
        match self.option(name) {
            None => Ok(false),
            Some("") => Ok(true),
            Some(v) => profile::parse_oui_non(v).ok_or_else(|| {
                ApiError::bad(
                    format!("valeur « {} » invalide pour {name}", echo(v)),
                    Some(name.to_owned()),
                    Some("oui ou non".into()),
                )
            }),
        }
    }

    /// The reference date: `date`, else `default`.
    pub(crate) fn date(&self, default: NaiveDate) -> Result<NaiveDate, ApiError> {
        match self.option("date") {
            None | Some("") => Ok(default),
            Some(text) => profile::parse_date_typed(text)
                .map_err(|(message, help)| ApiError::bad(message, Some("date".into()), Some(help))),
        }
    }

    /// The profile given: each value read as its flag, the région resolved from the place.
    pub(crate) fn profile(&self, refs: &Referentiel) -> Result<Profile, ApiError> {
        let mut p = self.flags(refs)?;
        p.resolve_region(refs).map_err(|e| ApiError::field(&e))?;
        Ok(p)
    }

    /// The fields as they are, without resolving the région (to lay over a body's profile).
    pub(crate) fn flags(&self, refs: &Referentiel) -> Result<Profile, ApiError> {
        let mut p = Profile::default();
        for (field, text) in &self.fields {
            if let Some(text) = text {
                let value = profile::parse_value(*field, &Raw::Flag(text), refs)
                    .map_err(|e| ApiError::field(&e))?;
                p.set(*field, Some(value));
            }
        }
        Ok(p)
    }

    /// The fields as command-line flag values (`aides check --zone ZIP …`).
    pub(crate) fn flag_values(&self) -> Vec<(FieldId, String)> {
        self.fields
            .iter()
            .filter_map(|(f, t)| t.clone().map(|t| (*f, t)))
            .collect()
    }
}
