//! Profile fields and values as rule files write them: `champ = "…"` resolved to the vocabulary (with
//! the closest name when unknown), a date field plus a duration, TOML values in the raw form the
//! vocabulary checks, and its refusals as diagnostics. Conditions, amounts and examples all read
//! fields this way; it imports none of them.

use std::ops::Range;

use toml::de::DeValue;

use crate::diagnostic::{Code, did_you_mean};
use crate::profile::{self, FieldError, FieldId, Kind, Raw};
use crate::toml_read::{Ctx, Table, as_date, as_num};

/// Converts a TOML value to the raw form the profile vocabulary checks.
#[must_use]
pub fn to_raw<'a>(v: &'a DeValue<'_>) -> Raw<'a> {
    match v {
        DeValue::String(s) => Raw::Str(s.as_ref()),
        DeValue::Integer(_) => {
            crate::toml_read::as_int(v).map_or(Raw::Other("un entier trop grand"), Raw::Int)
        }
        DeValue::Float(_) => as_num(v).map_or(Raw::Other("un nombre non fini"), Raw::Float),
        DeValue::Boolean(b) => Raw::Bool(*b),
        DeValue::Datetime(_) => as_date(v).map_or(Raw::Other("une date-heure"), Raw::Date),
        DeValue::Array(items) => Raw::List(items.iter().map(|i| to_raw(i.get_ref())).collect()),
        DeValue::Table(_) => Raw::Other("une table"),
    }
}

pub fn field_error(ctx: &mut Ctx<'_>, span: Range<usize>, e: FieldError) {
    let code = if e.wrong_type {
        Code::TypeMismatch
    } else {
        Code::ValueOutOfDomain
    };
    ctx.error(
        code,
        span,
        format!("« {} » : {}", e.field, e.message),
        e.help,
    );
}

/// Resolves `champ = "…"`: the field, or an `unknown-field` diagnostic with the closest name.
pub fn champ(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    key: &'static str,
) -> Option<(FieldId, Range<usize>)> {
    let (name, span) = t.str(ctx, key)?;
    if let Some(f) = profile::field_id(name) {
        Some((f, span))
    } else {
        let help = did_you_mean(name, profile::field_names()).unwrap_or_else(|| {
            format!(
                "champs du profil : {}",
                profile::field_names().collect::<Vec<_>>().join(", ")
            )
        });
        ctx.error(
            Code::UnknownField,
            span,
            format!("champ « {name} » inconnu du profil"),
            Some(help),
        );
        None
    }
}

/// `<key> = "<date field>"` with `mois = N` or `ans = N` (exactly one): the field and the months.
pub fn date_plus_duree(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    key: &'static str,
    span: Range<usize>,
) -> Option<(FieldId, u32)> {
    let Some((f, fspan)) = champ(ctx, t, key) else {
        if t.get(key).is_none() {
            ctx.error(
                Code::MissingKey,
                span,
                format!("date relative sans « {key} »"),
                Some(format!("{key} = \"date_installation\", mois = 6")),
            );
        }
        return None;
    };
    if f.def().kind != Kind::Date {
        ctx.error(
            Code::TypeMismatch,
            fspan,
            format!("« {} » n'est pas un champ date", f.name()),
            Some("champs date : date_installation, date_demande, date_derniere_aide".into()),
        );
        return None;
    }
    let months = match (t.int(ctx, "mois"), t.int(ctx, "ans")) {
        (Some((m, s)), None) => (m, s),
        (None, Some((y, s))) => (y.saturating_mul(12), s),
        (None, None) => {
            ctx.error(
                Code::MissingKey,
                span,
                "date relative sans durée".into(),
                Some("ajoutez mois = N ou ans = N".into()),
            );
            return None;
        }
        (Some(_), Some((_, s))) => {
            ctx.error(
                Code::UnknownKey,
                s,
                "« mois » et « ans » ensemble".into(),
                Some("gardez l'un des deux".into()),
            );
            return None;
        }
    };
    if let Ok(m) = u32::try_from(months.0) {
        Some((f, m))
    } else {
        ctx.error(
            Code::ValueOutOfDomain,
            months.1,
            "durée négative ou trop grande".into(),
            Some("une durée positive : mois = 6".into()),
        );
        None
    }
}
