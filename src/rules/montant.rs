//! Reads `[montant]`: fixed, "up to", per unit with a cap, scales by one or two fields (checked for gaps
//! and overlaps), or no euro amount. The amount types are one table (name, help); problems become
//! diagnostics.

use std::ops::Range;

use toml::de::DeValue;

use super::model::{Cell, Montant, MontantKind, Palier, Periodicite};
use crate::condition::field::{champ, field_error};
use crate::diagnostic::{Code, did_you_mean};
use crate::fr::{euros, fmt_num};
use crate::profile::{self, FieldId, Kind, Raw, Value};
use crate::referentiel::Referentiel;
use crate::toml_read::{Ctx, Table, Val};

/// The kinds of amount a rule may state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MontantType {
    Fixe,
    Plafond,
    ParUnite,
    Bareme,
    SansMontant,
}

/// One amount type: its name in `[montant] type = "…"` and what it needs.
pub(super) struct MontantTypeDef {
    pub(super) kind: MontantType,
    pub(super) name: &'static str,
    pub(super) help: &'static str,
}

pub(super) const MONTANT_TYPES: [MontantTypeDef; 5] = [
    MontantTypeDef {
        kind: MontantType::Fixe,
        name: "fixe",
        help: "un montant fixe : eur",
    },
    MontantTypeDef {
        kind: MontantType::Plafond,
        name: "plafond",
        help: "« jusqu'à » : max_eur",
    },
    MontantTypeDef {
        kind: MontantType::ParUnite,
        name: "par_unite",
        help: "par unité, plafonné : champ, eur_par_unite, unites_max, unite, periode",
    },
    MontantTypeDef {
        kind: MontantType::Bareme,
        name: "bareme",
        help: "un barème : par et/ou colonne, [[montant.paliers]]",
    },
    MontantTypeDef {
        kind: MontantType::SansMontant,
        name: "sans_montant",
        help: "pas de montant en euros : libelle dit ce que c'est, periode s'il revient",
    },
];

/// Every amount type with what it needs, for a help line.
fn type_names() -> String {
    MONTANT_TYPES
        .iter()
        .map(|d| format!("{} ({})", d.name, d.help))
        .collect::<Vec<_>>()
        .join(" ; ")
}

pub(super) fn montant(ctx: &mut Ctx<'_>, val: &Val<'_>, refs: &Referentiel) -> Option<Montant> {
    let DeValue::Table(table) = val.get_ref() else {
        ctx.type_mismatch("montant", val, "une table [montant]");
        return None;
    };
    let t = Table::new(table, val.span(), "[montant]");
    let Some(def) = montant_type(ctx, &t, val.span()) else {
        // Which keys belong depends on the type: without one, they are not judged.
        t.abandon();
        return None;
    };
    let libelle = t.str(ctx, "libelle").map(|(s, _)| s.to_owned());
    let kind = match def.kind {
        MontantType::Fixe => eur(ctx, &t, "eur").map(MontantKind::Fixe),
        MontantType::Plafond => eur(ctx, &t, "max_eur").map(MontantKind::Plafond),
        MontantType::ParUnite => par_unite(ctx, &t),
        MontantType::Bareme => bareme(ctx, &t, refs),
        MontantType::SansMontant => {
            if libelle.is_none() {
                ctx.error(
                    Code::MissingKey,
                    t.span.clone(),
                    "un montant « sans_montant » a besoin d'un libellé".into(),
                    Some("libelle = \"+10 % du forfait…\"".into()),
                );
            }
            Some(MontantKind::SansMontant {
                periode: periode(ctx, &t),
            })
        }
    };
    t.finish(ctx);
    Some(Montant::new(kind?, libelle))
}

/// `type = "…"`, from the table of amount types.
fn montant_type(
    ctx: &mut Ctx<'_>,
    t: &Table<'_, '_>,
    span: Range<usize>,
) -> Option<&'static MontantTypeDef> {
    let Some(val) = t.get("type") else {
        ctx.error(
            Code::MissingKey,
            span,
            "clé « type » manquante dans [montant]".into(),
            Some(format!("types : {}", type_names())),
        );
        return None;
    };
    let Some(name) = val.get_ref().as_str() else {
        ctx.error(
            Code::TypeMismatch,
            val.span(),
            "« type » : une chaîne attendue".into(),
            Some(format!("types : {}", type_names())),
        );
        return None;
    };
    let found = MONTANT_TYPES.iter().find(|d| d.name == name);
    if found.is_none() {
        let help = did_you_mean(name, MONTANT_TYPES.iter().map(|d| d.name))
            .unwrap_or_else(|| format!("types : {}", type_names()));
        ctx.error(
            Code::ValueOutOfDomain,
            val.span(),
            format!("type de montant « {name} » inconnu"),
            Some(help),
        );
    }
    found
}

/// The largest amount a rule file may state, in euros (and the largest number of units): far above
/// any aid, far below what a total of every aid could overflow.
pub(super) const MAX_EUR: i64 = 100_000_000;

/// A required amount in euros, from 0 to `MAX_EUR`.
fn eur(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &'static str) -> Option<i64> {
    if t.get(key).is_none() {
        t.missing(ctx, key);
    }
    let (n, span) = t.int(ctx, key)?;
    bounded(ctx, n, span)
}

/// An amount (or a number of units) within 0 ..= `MAX_EUR`, else an error at `span`.
fn bounded(ctx: &mut Ctx<'_>, n: i64, span: std::ops::Range<usize>) -> Option<i64> {
    if (0..=MAX_EUR).contains(&n) {
        return Some(n);
    }
    let what = if n < 0 {
        "montant négatif"
    } else {
        "montant trop grand"
    };
    ctx.error(
        Code::ValueOutOfDomain,
        span,
        format!("{what} : {n}"),
        Some("un montant est un nombre entier d'euros de 0 à 100 000 000".into()),
    );
    None
}

fn par_unite(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<MontantKind> {
    if t.get("champ").is_none() {
        ctx.error(
            Code::MissingKey,
            t.span.clone(),
            "clé « champ » manquante dans [montant]".into(),
            Some("champ = \"demi_journees_par_mois\"".into()),
        );
    }
    let champ = number_field(ctx, t, "champ");
    let eur_par_unite = eur(ctx, t, "eur_par_unite");
    let unites_max = t
        .int(ctx, "unites_max")
        .and_then(|(n, span)| bounded(ctx, n, span));
    let unite = t.req_str(ctx, "unite").map(|(s, _)| s.to_owned());
    let periode = periode(ctx, t);
    Some(MontantKind::ParUnite {
        champ: champ?,
        eur_par_unite: eur_par_unite?,
        unites_max,
        unite: unite?,
        periode,
    })
}

/// `periode = "mois"` or `"an"` for an amount that recurs; none for a one-off amount.
fn periode(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<Periodicite> {
    match t.str(ctx, "periode") {
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
    }
}

fn number_field(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &'static str) -> Option<FieldId> {
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
        Some(number_field(ctx, t, "par"))
    } else {
        None
    };
    let colonne = if t.get("colonne").is_none() {
        None
    } else {
        Some(column_field(ctx, t))
    };
    let steps = t.tables(ctx, "paliers");
    let (par, colonne) = match (par, colonne) {
        (Some(None), _) | (_, Some(None)) => return None,
        (par, colonne) => (par.flatten(), colonne.flatten()),
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
    for (pt, span) in steps {
        let p = Table::new(pt, span.clone(), "un palier");
        let step = palier(ctx, &p, span, par.is_some(), colonne, refs);
        p.finish(ctx);
        paliers.extend(step);
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

/// `colonne = "…"`: a field with a closed set of values.
fn column_field(ctx: &mut Ctx<'_>, t: &Table<'_, '_>) -> Option<FieldId> {
    let (f, span) = champ(ctx, t, "colonne")?;
    if matches!(f.def().kind, Kind::Choice(_) | Kind::IntChoice(_)) {
        Some(f)
    } else {
        ctx.error(
            Code::TypeMismatch,
            span,
            format!("« {} » ne peut pas servir de colonne", f.name()),
            Some("une colonne est un champ à valeurs fixées : zone, equipe_cds…".into()),
        );
        None
    }
}

/// The cells of a step by the values of its column (`{ ZIP = 10000, ZAC = 5000 }`).
fn columns(
    ctx: &mut Ctx<'_>,
    col: FieldId,
    by_col: &toml::de::DeTable<'_>,
    make: fn(i64) -> Cell,
    refs: &Referentiel,
) -> Vec<(Option<u16>, Cell)> {
    let mut cells = Vec::new();
    for (k, v) in by_col {
        match profile::parse_value(col, &Raw::Str(k.get_ref()), refs) {
            Ok(Value::Choice(i)) => match crate::toml_read::as_int(v.get_ref()) {
                Some(n) => {
                    if let Some(n) = bounded(ctx, n, v.span()) {
                        cells.push((Some(i), make(n)));
                    }
                }
                None => ctx.type_mismatch(k.get_ref(), v, "un montant entier en euros"),
            },
            Ok(_) => {}
            Err(e) => field_error(ctx, k.span(), e),
        }
    }
    cells
}

/// One `[[montant.paliers]]` step: its bounds on the `par` field and its cell(s).
fn palier(
    ctx: &mut Ctx<'_>,
    p: &Table<'_, '_>,
    span: Range<usize>,
    by_par: bool,
    colonne: Option<FieldId>,
    refs: &Referentiel,
) -> Option<Palier> {
    let de = p.num(ctx, "de").map(|(x, _)| x);
    let jusqu_a = p.num(ctx, "jusqu_a");
    let libelle = p.str(ctx, "libelle").map(|(s, _)| s.to_owned());
    if by_par && p.get("de").is_none() {
        ctx.error(
            Code::MissingKey,
            span.clone(),
            "palier sans « de »".into(),
            Some("de = 2.5 (borne basse incluse)".into()),
        );
    }
    if !by_par {
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
                fmt_num(*b),
                fmt_num(a)
            ),
            Some("jusqu_a est la borne haute exclue, supérieure à de".into()),
        );
    }
    let (cell_key, make): (&'static str, fn(i64) -> Cell) = match (p.get("eur"), p.get("max_eur")) {
        (Some(_), None) => ("eur", Cell::Eur),
        (None, Some(_)) => ("max_eur", Cell::Max),
        (None, None) => {
            ctx.error(
                Code::MissingKey,
                span,
                "palier sans « eur » ni « max_eur »".into(),
                None,
            );
            return None;
        }
        (Some(_), Some(_)) => {
            ctx.error(
                Code::UnknownKey,
                p.key_span("max_eur").unwrap_or(span),
                "« eur » et « max_eur » ensemble".into(),
                Some("eur : montant fixé ; max_eur : plafond (« jusqu'à »)".into()),
            );
            return None;
        }
    };
    let cv = p.get(cell_key)?;
    let cells = match (colonne, cv.get_ref()) {
        (None, _) => {
            let (n, span) = p.int(ctx, cell_key)?;
            vec![(None, make(bounded(ctx, n, span)?))]
        }
        (Some(col), DeValue::Table(by_col)) => columns(ctx, col, by_col, make, refs),
        (Some(col), _) => {
            ctx.type_mismatch(
                cell_key,
                cv,
                &format!(
                    "une table par valeur de « {} » : {{ … = 10000 }}",
                    col.name()
                ),
            );
            return None;
        }
    };
    let cell_labels = cells
        .iter()
        .map(|(_, c)| cell_label(*c, libelle.as_deref()))
        .collect();
    Some(Palier {
        de,
        jusqu_a: jusqu_a.map(|j| j.0),
        cells,
        cell_labels,
        libelle,
        span,
    })
}

/// The label of an amount independent of any profile (`aides list`, `show`, and unknown fields).
#[must_use]
pub fn static_label(kind: &MontantKind) -> String {
    match kind {
        MontantKind::Fixe(n) => euros(*n),
        MontantKind::Plafond(n) => format!("jusqu'à {}", euros(*n)),
        MontantKind::SansMontant { .. } => "pas de montant en euros".into(),
        MontantKind::ParUnite {
            eur_par_unite,
            unites_max,
            unite,
            periode,
            ..
        } => par_unite_label(*eur_par_unite, *unites_max, unite, *periode),
        MontantKind::Bareme { paliers, .. } => {
            let cells = || paliers.iter().flat_map(|p| p.cells.iter()).map(|(_, c)| *c);
            let value = |c: Cell| match c {
                Cell::Eur(n) | Cell::Max(n) => n,
            };
            let min = cells().map(value).min().unwrap_or(0);
            let max = cells().map(value).max().unwrap_or(0);
            if cells().all(|c| matches!(c, Cell::Max(_))) {
                format!("jusqu'à {}", euros(max))
            } else if min == max {
                euros(min)
            } else {
                format!("de {} à {} (barème)", euros(min), euros(max))
            }
        }
    }
}

/// The label of one scale cell, with its step's own label when it has one.
#[must_use]
pub fn cell_label(cell: Cell, step: Option<&str>) -> String {
    let amount = match cell {
        Cell::Eur(n) => euros(n),
        Cell::Max(n) => format!("jusqu'à {}", euros(n)),
    };
    match step {
        Some(step) => format!("{amount} ({step})"),
        None => amount,
    }
}

/// "200 € par demi-journée, au plus 6 par mois".
#[must_use]
pub fn par_unite_label(
    eur_par_unite: i64,
    unites_max: Option<i64>,
    unite: &str,
    periode: Option<Periodicite>,
) -> String {
    let per = periode.map_or(String::new(), |p| format!(" {}", p.par()));
    let cap = unites_max.map_or(String::new(), |m| format!(", au plus {m}{per}"));
    format!("{} par {unite}{cap}", euros(eur_par_unite))
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
        // The messages say the values in French (2,8); the advice is TOML to paste (2.8).
        let fmt = crate::fr::number;
        let toml = fmt_num;
        match a.jusqu_a {
            None => ctx.error(
                Code::ScaleOverlap,
                a.span.clone(),
                format!("le palier à partir de {} n'a pas de borne haute et chevauche le palier à partir de {}", fmt(a_de), fmt(b_de)),
                Some(format!("ajoutez jusqu_a = {} à ce palier", toml(b_de))),
            ),
            Some(end) if end < b_de => ctx.error(
                Code::ScaleGap,
                b.span.clone(),
                format!("trou dans le barème : aucun palier de {} à {}", fmt(end), fmt(b_de)),
                Some(format!("faites commencer ce palier à de = {}, ou finir le précédent à jusqu_a = {}", toml(end), toml(b_de))),
            ),
            Some(end) if end > b_de => ctx.error(
                Code::ScaleOverlap,
                b.span.clone(),
                format!("chevauchement dans le barème : de {} à {} deux paliers s'appliquent", fmt(b_de), fmt(end)),
                Some(format!("faites finir le palier précédent à jusqu_a = {}", toml(b_de))),
            ),
            Some(_) => {}
        }
    }
}
