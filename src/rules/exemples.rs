//! Reads the examples embedded in a rule file: `[exemples_commun]` (date and profile shared by all) and
//! each `[[exemples]]` (overrides, removed fields, expected status, amount and missing fields).

use std::ops::Range;

use toml::de::DeValue;

use super::model::{Exemple, Statut};
use super::read::req_text;
use crate::condition::field::{field_error, to_raw};
use crate::diagnostic::{Code, did_you_mean};
use crate::profile::{self, Profile};
use crate::referentiel::Referentiel;
use crate::toml_read::{Ctx, Table, Val};

/// Reads `profil = { … }` into `out`, reporting unknown fields and bad values.
fn profil_into(ctx: &mut Ctx<'_>, val: &Val<'_>, refs: &Referentiel, out: &mut Profile) {
    let DeValue::Table(t) = val.get_ref() else {
        ctx.type_mismatch("profil", val, "une table { champ = valeur, … }");
        return;
    };
    for (k, v) in t {
        let Some(field) = profile::field_id(k.get_ref()) else {
            let e = profile::unknown_key(k.get_ref());
            ctx.error(
                Code::UnknownField,
                k.span(),
                format!("champ « {} » inconnu du profil", k.get_ref()),
                e.help,
            );
            continue;
        };
        match profile::parse_value(field, &to_raw(v.get_ref()), refs) {
            Ok(value) => out.set(field, Some(value)),
            Err(e) => field_error(ctx, v.span(), e),
        }
    }
}

/// `statut`: the expected outcome.
fn statut(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<Statut> {
    match t.req_str(ctx, "statut") {
        Some(("eligible", _)) => Some(Statut::Eligible),
        Some(("a_confirmer", _)) => Some(Statut::AConfirmer),
        Some(("non_eligible", _)) => Some(Statut::NonEligible),
        Some((other, s)) => {
            let help = did_you_mean(other, Statut::ALL.iter().map(|s| s.as_str()))
                .unwrap_or_else(|| "eligible, a_confirmer ou non_eligible".into());
            ctx.error(
                Code::ValueOutOfDomain,
                s,
                format!("statut « {other} » inconnu"),
                Some(help),
            );
            None
        }
        None => None,
    }
}

/// `retirer`: fields of `[exemples_commun]` this example leaves unknown.
fn retirer(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, span: &Range<usize>, profil: &mut Profile) {
    for name in t.strings(ctx, "retirer") {
        if let Some(f) = profile::field_id(&name) {
            profil.set(f, None);
        } else {
            let e = profile::unknown_key(&name);
            ctx.error(
                Code::UnknownField,
                t.get("retirer").map_or(span.clone(), Val::span),
                format!("champ « {name} » inconnu du profil"),
                e.help,
            );
        }
    }
}

pub(super) fn exemples(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, refs: &Referentiel) -> Vec<Exemple> {
    let mut base = Profile::default();
    let mut base_date = None;
    if let Some(val) = top.get("exemples_commun")
        && let Some(t) = Table::of(ctx, "exemples_commun", val, "[exemples_commun]")
    {
        base_date = t.date(ctx, "date").map(|d| d.0);
        if let Some(p) = t.get("profil") {
            profil_into(ctx, p, refs, &mut base);
        }
        t.finish(ctx);
    }
    let tables = top.tables(ctx, "exemples");
    if tables.is_empty() {
        ctx.error(Code::MissingKey, top.span.start..top.span.start, "règle sans exemple".into(), Some("ajoutez des [[exemples]] qui fixent chaque condition dans les deux sens et le montant".into()));
    }
    let mut out = Vec::new();
    for (t, span) in tables {
        let t = Table::new(t, span.clone(), "un exemple");
        let nom = req_text(ctx, &t, "nom");
        let date = t.date(ctx, "date").map(|d| d.0).or(base_date);
        if date.is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                format!("exemple « {nom} » sans date de référence"),
                Some("ajoutez date = 2026-03-01 ici ou dans [exemples_commun]".into()),
            );
        }
        let mut profil = base.clone();
        if let Some(p) = t.get("profil") {
            profil_into(ctx, p, refs, &mut profil);
        }
        retirer(ctx, &t, &span, &mut profil);
        if let Err(e) = profil.resolve_region(refs) {
            ctx.error(
                Code::ValueOutOfDomain,
                span.clone(),
                format!("exemple « {nom} » : {}", e.message),
                e.help,
            );
        }
        let statut = statut(ctx, &t);
        let manquants = t.get("manquants").map(|_| {
            t.strings(ctx, "manquants")
                .iter()
                .filter_map(|name| {
                    let f = profile::field_id(name);
                    if f.is_none() {
                        let e = profile::unknown_key(name);
                        ctx.error(
                            Code::UnknownField,
                            t.get("manquants").map_or(span.clone(), Val::span),
                            format!("champ « {name} » inconnu du profil"),
                            e.help,
                        );
                    }
                    f
                })
                .collect()
        });
        let eur = t.int(ctx, "eur").map(|x| x.0);
        let min_eur = t.int(ctx, "min_eur").map(|x| x.0);
        let max_eur = t.int(ctx, "max_eur").map(|x| x.0);
        t.finish(ctx);
        let (Some(date), Some(statut)) = (date, statut) else {
            continue;
        };
        out.push(Exemple {
            nom,
            date,
            profil,
            statut,
            eur,
            min_eur,
            max_eur,
            manquants,
            span,
        });
    }
    out
}
