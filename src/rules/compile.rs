//! Reads one rule file (spanned TOML) into an `Aide`: every key checked, every field name resolved to the
//! profile vocabulary, every value checked against its field's type and domain, dates parsed, scales
//! checked for gaps and overlaps. Problems become coded diagnostics; reading goes on after each one.

use std::ops::Range;

use chrono::NaiveDate;
use toml::de::DeValue;

use super::model::{
    Aide, Categorie, CmpOp, Condition, EcheanceDef, Financeur, Leaf, Montant, MontantKind, Node,
    Operand, Periode, Quand, Reference, Scalar, SharedConditions, Test, Versement,
};
use crate::diagnostic::{Code, did_you_mean};
use crate::fr;
use crate::profile::{self, FieldError, FieldId, Kind, Raw, Value, ids};
use crate::referentiel::{Referentiel, RegionId};
use crate::toml_read::{Ctx, Table, as_date, as_num};

/// Where a rule file sits, from its path.
pub struct Placement<'a> {
    pub categorie: Categorie,
    /// The `<region>` folder of `regions/<region>/`.
    pub dossier_region: Option<&'a str>,
    /// The file name without `.toml`.
    pub stem: &'a str,
}

/// Reads one rule file. `None` when the file cannot even be read as a rule (syntax error, no id).
pub fn aide(
    ctx: &mut Ctx<'_>,
    text: &str,
    refs: &Referentiel,
    shared: &SharedConditions,
    place: &Placement<'_>,
) -> Option<Aide> {
    let doc = match crate::toml_read::parse(ctx.file, text) {
        Ok(doc) => doc,
        Err(d) => {
            ctx.diags.push(d);
            return None;
        }
    };
    let top = Table::new(doc.get_ref(), doc.span(), "la règle");
    let aide = read(ctx, &top, refs, shared, place);
    top.finish(ctx);
    aide
}

/// `financeur`: CPAM or ARS.
fn financeur(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Financeur {
    match top.req_str(ctx, "financeur") {
        Some(("CPAM", _)) | None => Financeur::Cpam,
        Some(("ARS", _)) => Financeur::Ars,
        Some((other, span)) => {
            let help = did_you_mean(other, ["CPAM", "ARS"])
                .unwrap_or_else(|| "\"CPAM\" ou \"ARS\"".into());
            ctx.error(
                Code::ValueOutOfDomain,
                span,
                format!("financeur « {other} » inconnu"),
                Some(help),
            );
            Financeur::Cpam
        }
    }
}

/// `contact`: a contact kind or a named contact of the reference data.
fn contact(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Referentiel,
) -> crate::referentiel::ContactRef {
    match top.req_str(ctx, "contact") {
        Some((text, span)) => match refs.contact_ref(text) {
            Ok(c) => c,
            Err((message, help)) => {
                ctx.error(Code::UnknownContact, span, message, Some(help));
                crate::referentiel::ContactRef::Cpam
            }
        },
        None => crate::referentiel::ContactRef::Cpam,
    }
}

/// The generated condition of a regional aid: the practice is in its region.
fn region_condition(r: RegionId, span: Range<usize>, refs: &Referentiel) -> Condition {
    Condition {
        libelle: format!("Cabinet situé en {}", refs.region(r).nom),
        node: Node::Leaf(Leaf {
            field: ids::REGION,
            test: Test::Eq(Scalar::Choice(r.0)),
            span: span.clone(),
        }),
        span,
        question: None,
    }
}

/// The id is the file's name.
fn check_id_is_file_name(
    ctx: &mut Ctx<'_>,
    id: Option<&(&str, Range<usize>)>,
    place: &Placement<'_>,
) {
    if let Some((id, id_span)) = id
        && *id != place.stem
    {
        ctx.error(
            Code::IdFileMismatch,
            id_span.clone(),
            format!(
                "l'id « {id} » diffère du nom du fichier « {}.toml »",
                place.stem
            ),
            Some(format!(
                "renommez le fichier en {id}.toml, ou écrivez id = \"{}\"",
                place.stem
            )),
        );
    }
}

/// Reads every key of a rule, even after a missing id, so that one pass reports every problem.
fn read(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Referentiel,
    shared: &SharedConditions,
    place: &Placement<'_>,
) -> Option<Aide> {
    let id = top.req_str(ctx, "id");
    let id_span = id
        .as_ref()
        .map_or(top.span.start..top.span.start, |(_, s)| s.clone());
    check_id_is_file_name(ctx, id.as_ref(), place);
    let nom = req_text(ctx, top, "nom");
    let resume = req_text(ctx, top, "resume");
    let public = req_text(ctx, top, "public");
    let financeur = financeur(ctx, top);
    let region = region(ctx, top, refs, place);
    let contact = contact(ctx, top, refs);
    let verifie_le = top.req_date(ctx, "verifie_le");
    let periode = periode(ctx, top);
    let mut conditions =
        periode_conditions(&periode, top.key_span("periode").unwrap_or(id_span.clone()));
    // The region first: for a physician elsewhere, that is the reason to give, not a date.
    if let Some(r) = region {
        let span = top.key_span("region").unwrap_or(id_span.clone());
        conditions.insert(0, region_condition(r, span, refs));
    }
    let mut notes = top.strings(ctx, "notes");
    for (t, span) in top.tables(ctx, "conditions") {
        if let Some(c) = super::conditions::top(ctx, t, span, refs, shared) {
            if let Some(used) = t
                .get("partagee")
                .and_then(|v| v.get_ref().as_str())
                .and_then(|k| shared.get(k))
            {
                for n in &used.notes {
                    if !notes.contains(n) {
                        notes.push(n.clone());
                    }
                }
            }
            conditions.push(c);
        }
    }
    let montant = if let Some(val) = top.get("montant") {
        super::montant::montant(ctx, val, refs)
    } else {
        ctx.error(
            Code::MissingKey,
            top.span.clone(),
            "clé « montant » manquante dans la règle".into(),
            Some("ajoutez une table [montant] (type = \"fixe\", eur = …)".into()),
        );
        None
    }
    .unwrap_or_else(|| Montant::new(MontantKind::SansMontant { periode: None }, None));
    let versements = versements(ctx, top);
    let echeances = echeances(ctx, top);
    let sources = sources(ctx, top);
    let exemples = super::exemples::exemples(ctx, top, refs);
    let engagements = top.strings(ctx, "engagements");
    let cumul = top.strings(ctx, "cumul");
    let a_retenir = top.strings(ctx, "a_retenir");
    Some(Aide {
        id: id?.0.to_owned(),
        nom,
        resume,
        financeur,
        region,
        categorie: place.categorie,
        public,
        contact,
        verifie_le,
        periode,
        conditions,
        montant,
        versements,
        echeances,
        engagements,
        cumul,
        a_retenir,
        notes,
        sources,
        exemples,
        file: ctx.file.to_owned(),
        id_span,
    })
}

pub(super) fn req_text(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, key: &'static str) -> String {
    t.req_str(ctx, key)
        .map(|(s, _)| s.to_owned())
        .unwrap_or_default()
}

fn region(
    ctx: &mut Ctx<'_>,
    top: &Table<'_, '_>,
    refs: &Referentiel,
    place: &Placement<'_>,
) -> Option<RegionId> {
    let Some((slug, span)) = top.str(ctx, "region") else {
        if let Some(dir) = place.dossier_region {
            ctx.error(
                Code::MissingKey,
                top.span.start..top.span.start,
                format!("règle régionale (dossier regions/{dir}/) sans clé « region »"),
                Some(format!("ajoutez region = \"{dir}\"")),
            );
        }
        return None;
    };
    let Some(r) = refs.region_id(slug) else {
        let help = refs.region_help(slug);
        ctx.error(
            Code::ValueOutOfDomain,
            span,
            format!("région « {slug} » inconnue"),
            Some(help),
        );
        return None;
    };
    if let Some(dir) = place.dossier_region.filter(|dir| *dir != slug) {
        ctx.error(
            Code::ValueOutOfDomain,
            span,
            format!("la région « {slug} » ne correspond pas au dossier regions/{dir}/"),
            Some(format!(
                "déplacez le fichier dans rules/regions/{slug}/, ou écrivez region = \"{dir}\""
            )),
        );
    }
    Some(r)
}

fn periode(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Periode {
    let Some(val) = top.get("periode") else {
        return Periode::default();
    };
    let Some(t) = Table::of(ctx, "periode", val, "[periode]") else {
        return Periode::default();
    };
    let en_vigueur_du = t.date(ctx, "en_vigueur_du");
    let signature = t.date(ctx, "signature_au_plus_tard");
    let demande = t.date(ctx, "demande_au_plus_tard");
    let first_installation = t.date(ctx, "installation_du");
    let last_installation = t.date(ctx, "installation_au");
    t.finish(ctx);
    let inverted = |ctx: &mut Ctx<'_>,
                    start: &Option<(NaiveDate, Range<usize>)>,
                    end: &Option<(NaiveDate, Range<usize>)>,
                    what: &str| {
        if let (Some((start, _)), Some((end, span))) = (start, end)
            && end < start
        {
            ctx.error(
                Code::EmptyPeriod,
                span.clone(),
                format!(
                    "période vide : {what} ({} avant le {})",
                    fr::date(*end),
                    fr::date(*start)
                ),
                Some("vérifiez les dates dans la source : la fin doit suivre le début".into()),
            );
        }
    };
    inverted(
        ctx,
        &first_installation,
        &last_installation,
        "installation_au précède installation_du",
    );
    inverted(
        ctx,
        &en_vigueur_du,
        &signature,
        "signature_au_plus_tard précède en_vigueur_du",
    );
    inverted(
        ctx,
        &en_vigueur_du,
        &demande,
        "demande_au_plus_tard précède en_vigueur_du",
    );
    inverted(
        ctx,
        &first_installation,
        &demande,
        "demande_au_plus_tard précède installation_du",
    );
    let date = |d: Option<(NaiveDate, Range<usize>)>| d.map(|(d, _)| d);
    Periode {
        en_vigueur_du: date(en_vigueur_du),
        signature_au_plus_tard: date(signature),
        demande_au_plus_tard: date(demande),
        installation_du: date(first_installation),
        installation_au: date(last_installation),
    }
}

/// The conditions a period implies, in the order their failure is reported.
fn periode_conditions(p: &Periode, span: Range<usize>) -> Vec<Condition> {
    let mut out = Vec::new();
    let mut push = |libelle: String, node: Node| {
        out.push(Condition {
            libelle,
            node,
            span: span.clone(),
            question: None,
        });
    };
    let leaf = |field, test| {
        Node::Leaf(Leaf {
            field,
            test,
            span: span.clone(),
        })
    };
    if let Some(d) = p.en_vigueur_du {
        push(
            format!("Dispositif en vigueur (depuis le {})", fr::date(d)),
            Node::Reference(CmpOp::Ge, d),
        );
    }
    if let Some(d) = p.signature_au_plus_tard {
        push(
            format!("Contrat à signer au plus tard le {}", fr::date(d)),
            Node::Reference(CmpOp::Le, d),
        );
    }
    if let Some(d) = p.demande_au_plus_tard {
        push(
            format!("Demande à déposer au plus tard le {}", fr::date(d)),
            leaf(ids::DATE_DEMANDE, Test::Cmp(CmpOp::Le, Operand::Date(d))),
        );
    }
    match (p.installation_du, p.installation_au) {
        (Some(a), Some(b)) => push(
            format!(
                "Installation entre le {} et le {}",
                fr::date(a),
                fr::date(b)
            ),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Between(Operand::Date(a), Operand::Date(b)),
            ),
        ),
        (Some(a), None) => push(
            format!("Installation à partir du {}", fr::date(a)),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Cmp(CmpOp::Ge, Operand::Date(a)),
            ),
        ),
        (None, Some(b)) => push(
            format!("Installation au plus tard le {}", fr::date(b)),
            leaf(
                ids::DATE_INSTALLATION,
                Test::Cmp(CmpOp::Le, Operand::Date(b)),
            ),
        ),
        (None, None) => {}
    }
    out
}

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

pub(super) fn field_error(ctx: &mut Ctx<'_>, span: Range<usize>, e: FieldError) {
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

pub(super) fn to_scalar(v: &Value) -> Option<Scalar> {
    Some(match v {
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Num(x) => Scalar::Num(*x),
        Value::Date(d) => Scalar::Date(*d),
        Value::Choice(c) => Scalar::Choice(*c),
        Value::Set(s) => Scalar::Set(*s),
        Value::Text(_) => return None,
    })
}

/// Resolves `champ = "…"`: the field, or an `unknown-field` diagnostic with the closest name.
pub(super) fn champ(
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

fn versements(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<Versement> {
    let mut out = Vec::new();
    let mut total = 0.0;
    for (t, span) in top.tables(ctx, "versements") {
        let t = Table::new(t, span.clone(), "un versement");
        let part = t.num(ctx, "part_pct");
        if t.get("part_pct").is_none() {
            ctx.error(
                Code::MissingKey,
                span.clone(),
                "versement sans « part_pct »".into(),
                Some("part_pct = 50".into()),
            );
        }
        let quand = req_text(ctx, &t, "quand");
        let depuis = relative(ctx, &t, span.clone());
        t.finish(ctx);
        if let Some((p, pspan)) = part {
            if p <= 0.0 || p > 100.0 {
                ctx.error(
                    Code::ValueOutOfDomain,
                    pspan,
                    "part hors de ]0, 100]".into(),
                    None,
                );
            }
            total += p;
            out.push(Versement {
                part_pct: p,
                quand,
                depuis,
            });
        }
    }
    if !out.is_empty() && (total - 100.0).abs() > 1e-9 {
        ctx.error(
            Code::ValueOutOfDomain,
            top.key_span("versements").unwrap_or(top.span.clone()),
            format!(
                "les versements font {} % au total, pas 100 %",
                profile::fmt_num(total)
            ),
            Some("vérifiez les parts (part_pct) dans la source".into()),
        );
    }
    out
}

/// `depuis = "<date field>"` with `mois = N` or `ans = N`, when present.
fn relative(ctx: &mut Ctx<'_>, t: &Table<'_, '_>, span: Range<usize>) -> Option<(FieldId, u32)> {
    if t.get("depuis").is_none() {
        for k in ["mois", "ans"] {
            if let Some(s) = t.key_span(k) {
                ctx.error(
                    Code::MissingKey,
                    s,
                    format!("« {k} » sans « depuis »"),
                    Some("depuis = \"date_installation\"".into()),
                );
            }
        }
        return None;
    }
    date_plus_duree(ctx, t, "depuis", span)
}

/// `<key> = "<date field>"` with `mois = N` or `ans = N` (exactly one): the field and the months.
pub(super) fn date_plus_duree(
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

fn echeances(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<EcheanceDef> {
    let mut out = Vec::new();
    for (t, span) in top.tables(ctx, "echeances") {
        let t = Table::new(t, span.clone(), "une échéance");
        t.accept(&["mois", "ans"]);
        let libelle = req_text(ctx, &t, "libelle");
        let quand = match (t.date(ctx, "date"), t.get("depuis")) {
            (Some((d, _)), None) => Some(Quand::Date(d)),
            (None, Some(_)) => relative(ctx, &t, span.clone()).map(|(f, m)| Quand::Depuis(f, m)),
            _ => {
                ctx.error(
                    Code::MissingKey,
                    span,
                    "une échéance a soit « date », soit « depuis » avec « mois » ou « ans »".into(),
                    None,
                );
                None
            }
        };
        t.finish(ctx);
        if let Some(quand) = quand {
            out.push(EcheanceDef { libelle, quand });
        }
    }
    out
}

fn sources(ctx: &mut Ctx<'_>, top: &Table<'_, '_>) -> Vec<Reference> {
    let tables = top.tables(ctx, "sources");
    if tables.is_empty() {
        ctx.error(
            Code::MissingKey,
            top.span.start..top.span.start,
            "règle sans source".into(),
            Some("ajoutez [[sources]] titre = …, url = …".into()),
        );
    }
    tables
        .into_iter()
        .filter_map(|(t, span)| {
            let t = Table::new(t, span, "une source");
            let titre = t.req_str(ctx, "titre");
            let url = t.req_str(ctx, "url");
            let article = t.str(ctx, "article").map(|(s, _)| s.to_owned());
            t.finish(ctx);
            if let Some((u, s)) = &url
                && !u.starts_with("https://")
                && !u.starts_with("http://")
            {
                ctx.error(
                    Code::ValueOutOfDomain,
                    s.clone(),
                    format!("« {u} » n'est pas une adresse web"),
                    Some("url = \"https://…\"".into()),
                );
            }
            Some(Reference {
                titre: titre?.0.to_owned(),
                url: url?.0.to_owned(),
                article,
            })
        })
        .collect()
}
