//! Reads `[montant]`: fixed, "up to", per unit with a cap, scales by one or two fields (checked for gaps
//! and overlaps), or no euro amount. Problems become diagnostics.

use toml::de::DeValue;

use super::compile::{champ, field_error};
use super::model::{Cell, Montant, MontantKind, Palier, Periodicite};
use crate::diagnostic::{Code, did_you_mean};
use crate::profile::{self, FieldId, Kind, Raw, Value};
use crate::referentiel::Referentiel;
use crate::toml_read::{Ctx, Table, Val};

pub(super) fn montant(ctx: &mut Ctx<'_>, val: &Val<'_>, refs: &Referentiel) -> Option<Montant> {
    let DeValue::Table(table) = val.get_ref() else {
        ctx.type_mismatch("montant", val, "une table [montant]");
        return None;
    };
    let types = ["fixe", "plafond", "par_unite", "bareme", "sans_montant"];
    let kind = table.get("type").map(|v| (v.get_ref().as_str(), v.span()));
    let keys: &[&str] = match kind {
        Some((Some("fixe"), _)) => &["type", "eur", "libelle"],
        Some((Some("plafond"), _)) => &["type", "max_eur", "libelle"],
        Some((Some("par_unite"), _)) => &[
            "type",
            "champ",
            "eur_par_unite",
            "unites_max",
            "unite",
            "periode",
            "libelle",
        ],
        Some((Some("bareme"), _)) => &["type", "par", "colonne", "paliers", "libelle"],
        Some((Some("sans_montant"), _)) => &["type", "libelle"],
        Some((Some(other), span)) => {
            let help = did_you_mean(other, types)
                .unwrap_or_else(|| format!("types : {}", types.join(", ")));
            ctx.error(
                Code::ValueOutOfDomain,
                span,
                format!("type de montant « {other} » inconnu"),
                Some(help),
            );
            return None;
        }
        Some((None, span)) => {
            ctx.error(
                Code::TypeMismatch,
                span,
                "« type » : une chaîne attendue".into(),
                Some(format!("types : {}", types.join(", "))),
            );
            return None;
        }
        None => {
            ctx.error(
                Code::MissingKey,
                val.span(),
                "clé « type » manquante dans [montant]".into(),
                Some(format!("types : {}", types.join(", "))),
            );
            return None;
        }
    };
    let what = "[montant]";
    let t = Table::new(ctx, table, val.span(), what, keys);
    let libelle = t.str(ctx, "libelle").map(|(s, _)| s.to_owned());
    let eur = |ctx: &mut Ctx<'_>, key: &str| -> Option<i64> {
        if t.get(key).is_none() {
            ctx.error(
                Code::MissingKey,
                val.span(),
                format!("clé « {key} » manquante dans {what}"),
                Some(format!("ajoutez {key} = …")),
            );
        }
        let (n, span) = t.int(ctx, key)?;
        if n < 0 {
            ctx.error(Code::ValueOutOfDomain, span, "montant négatif".into(), None);
            return None;
        }
        Some(n)
    };
    let kind = match kind.and_then(|k| k.0) {
        Some("fixe") => MontantKind::Fixe(eur(ctx, "eur")?),
        Some("plafond") => MontantKind::Plafond(eur(ctx, "max_eur")?),
        Some("par_unite") => {
            if t.get("champ").is_none() {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "clé « champ » manquante dans [montant]".into(),
                    Some("champ = \"demi_journees_par_mois\"".into()),
                );
            }
            let champ = number_field(ctx, &t, "champ");
            let eur_par_unite = eur(ctx, "eur_par_unite");
            let unites_max = t.int(ctx, "unites_max").map(|(n, _)| n);
            let unite = t.req_str(ctx, "unite", what).map(|(s, _)| s.to_owned());
            let periode = match t.str(ctx, "periode") {
                None => None,
                Some(("mois", _)) => Some(Periodicite::Mois),
                Some(("an", _)) => Some(Periodicite::An),
                Some((other, span)) => {
                    ctx.error(
                        Code::ValueOutOfDomain,
                        span,
                        format!("période « {other} » inconnue"),
                        Some("\"mois\" ou \"an\"".into()),
                    );
                    None
                }
            };
            MontantKind::ParUnite {
                champ: champ?,
                eur_par_unite: eur_par_unite?,
                unites_max,
                unite: unite?,
                periode,
            }
        }
        Some("bareme") => bareme(ctx, &t, refs)?,
        _ => {
            if libelle.is_none() {
                ctx.error(
                    Code::MissingKey,
                    val.span(),
                    "un montant « sans_montant » a besoin d'un libellé".into(),
                    Some("libelle = \"+10 % du forfait…\"".into()),
                );
            }
            MontantKind::SansMontant
        }
    };
    Some(Montant::new(kind, libelle))
}

fn number_field(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &str) -> Option<FieldId> {
    let (f, span) = champ(ctx, t, key)?;
    if matches!(f.def().kind, Kind::Number { .. } | Kind::Integer { .. }) {
        Some(f)
    } else {
        ctx.error(
            Code::TypeMismatch,
            span,
            format!("« {} » n'est pas un champ numérique", f.name()),
            Some("champs numériques : jours_par_semaine, demi_journees_par_mois, …".into()),
        );
        None
    }
}

fn bareme(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, refs: &Referentiel) -> Option<MontantKind> {
    let par = if t.get("par").is_some() {
        Some(number_field(ctx, t, "par")?)
    } else {
        None
    };
    let colonne = if t.get("colonne").is_none() {
        None
    } else {
        let (f, span) = champ(ctx, t, "colonne")?;
        if !matches!(f.def().kind, Kind::Choice(_) | Kind::IntChoice(_)) {
            ctx.error(
                Code::TypeMismatch,
                span,
                format!("« {} » ne peut pas servir de colonne", f.name()),
                Some("une colonne est un champ à valeurs fixées : zone, equipe_cds…".into()),
            );
            return None;
        }
        Some(f)
    };
    if par.is_none() && colonne.is_none() {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "barème sans « par » ni « colonne »".into(),
            Some("par = \"jours_par_semaine\" et/ou colonne = \"zone\"".into()),
        );
        return None;
    }
    let mut paliers = Vec::new();
    for (pt, span) in t.tables(ctx, "paliers") {
        let what = "un palier";
        let p = Table::new(
            ctx,
            pt,
            span.clone(),
            what,
            &["de", "jusqu_a", "eur", "max_eur", "libelle"],
        );
        let de = p.num(ctx, "de").map(|(x, _)| x);
        let jusqu_a = p.num(ctx, "jusqu_a");
        if par.is_some() && p.get("de").is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                "palier sans « de »".into(),
                Some("de = 2.5 (borne basse incluse)".into()),
            );
        }
        if par.is_none() {
            for k in ["de", "jusqu_a"] {
                if let Some(s) = p.key_span(k) {
                    ctx.error(
                        Code::UnknownKey,
                        s,
                        format!("« {k} » sans « par »"),
                        Some("les bornes s'appliquent au champ « par » du barème".into()),
                    );
                }
            }
        }
        if let (Some(a), Some((b, bspan))) = (de, &jusqu_a)
            && *b <= a
        {
            ctx.error(
                Code::ScaleOverlap,
                bspan.clone(),
                format!(
                    "palier vide : jusqu_a = {} n'est pas au-dessus de de = {}",
                    profile::fmt_num(*b),
                    profile::fmt_num(a)
                ),
                Some("jusqu_a est la borne haute exclue, supérieure à de".into()),
            );
        }
        let cell_key = match (p.get("eur"), p.get("max_eur")) {
            (Some(_), None) => "eur",
            (None, Some(_)) => "max_eur",
            (None, None) => {
                ctx.error(
                    Code::MissingKey,
                    span.clone(),
                    "palier sans « eur » ni « max_eur »".into(),
                    None,
                );
                continue;
            }
            (Some(_), Some(_)) => {
                ctx.error(
                    Code::UnknownKey,
                    p.key_span("max_eur").unwrap_or(span.clone()),
                    "« eur » et « max_eur » ensemble".into(),
                    Some("eur : montant fixé ; max_eur : plafond (« jusqu'à »)".into()),
                );
                continue;
            }
        };
        let make = |n: i64| {
            if cell_key == "eur" {
                Cell::Eur(n)
            } else {
                Cell::Max(n)
            }
        };
        let cv = p.get(cell_key)?;
        let cells = match (colonne, cv.get_ref()) {
            (None, _) => match p.int(ctx, cell_key) {
                Some((n, _)) => vec![(None, make(n))],
                None => continue,
            },
            (Some(col), DeValue::Table(by_col)) => {
                let mut cells = Vec::new();
                for (k, v) in by_col {
                    match profile::parse_value(col, &Raw::Str(k.get_ref()), refs) {
                        Ok(Value::Choice(i)) => match crate::toml_read::as_int(v.get_ref()) {
                            Some(n) => cells.push((Some(i), make(n))),
                            None => ctx.type_mismatch(k.get_ref(), v, "un montant entier en euros"),
                        },
                        Ok(_) => {}
                        Err(e) => field_error(ctx, k.span(), e),
                    }
                }
                cells
            }
            (Some(col), _) => {
                ctx.type_mismatch(
                    cell_key,
                    cv,
                    &format!(
                        "une table par valeur de « {} » : {{ … = 10000 }}",
                        col.name()
                    ),
                );
                continue;
            }
        };
        let libelle = p.str(ctx, "libelle").map(|(s, _)| s.to_owned());
        let cell_labels = cells
            .iter()
            .map(|(_, c)| crate::fr::cell_label(*c, libelle.as_deref()))
            .collect();
        paliers.push(Palier {
            de,
            jusqu_a: jusqu_a.map(|j| j.0),
            cells,
            cell_labels,
            libelle,
            span,
        });
    }
    if paliers.is_empty() {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "barème sans palier".into(),
            Some("ajoutez des [[montant.paliers]]".into()),
        );
        return None;
    }
    if par.is_some() {
        check_scale(ctx, &mut paliers);
    } else if paliers.len() > 1 {
        ctx.error(
            Code::ScaleOverlap,
            paliers[1].span.clone(),
            "plusieurs paliers sans « par » : ils couvrent les mêmes valeurs".into(),
            Some("un barème par colonne seule n'a qu'un palier".into()),
        );
    }
    Some(MontantKind::Bareme {
        par,
        colonne,
        paliers,
    })
}

/// Steps sorted by `de`; each must end (`jusqu_a`) exactly where the next starts; only the last is open.
fn check_scale(ctx: &mut Ctx<'_>, paliers: &mut [Palier]) {
    paliers.sort_by(|a, b| {
        a.de.unwrap_or(f64::MIN)
            .total_cmp(&b.de.unwrap_or(f64::MIN))
    });
    for pair in paliers.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (Some(a_de), Some(b_de)) = (a.de, b.de) else {
            continue;
        };
        let fmt = crate::fr::number;
        match a.jusqu_a {
            None => ctx.error(
                Code::ScaleOverlap,
                a.span.clone(),
                format!("le palier à partir de {} n'a pas de borne haute et chevauche le palier à partir de {}", fmt(a_de), fmt(b_de)),
                Some(format!("ajoutez jusqu_a = {} à ce palier", fmt(b_de))),
            ),
            Some(end) if end < b_de => ctx.error(
                Code::ScaleGap,
                b.span.clone(),
                format!("trou dans le barème : aucun palier de {} à {}", fmt(end), fmt(b_de)),
                Some(format!("faites commencer ce palier à de = {}, ou finir le précédent à jusqu_a = {}", fmt(end), fmt(b_de))),
            ),
            Some(end) if end > b_de => ctx.error(
                Code::ScaleOverlap,
                b.span.clone(),
                format!("chevauchement dans le barème : de {} à {} deux paliers s'appliquent", fmt(b_de), fmt(end)),
                Some(format!("faites finir le palier précédent à jusqu_a = {}", fmt(b_de))),
            ),
            Some(_) => {}
        }
    }
}
