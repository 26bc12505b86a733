//! Reads one rule file (spanned TOML) into an `Aide`: every key checked, every field name resolved to the
//! profile vocabulary, every value checked against its field's type and domain, dates parsed, scales
//! checked for gaps and overlaps. Problems become coded diagnostics; reading goes on after each one.

use std::ops::Range;

use chrono::NaiveDate;

use super::model::{
    Aide, Categorie, EcheanceDef, Financeur, Montant, MontantKind, Periode, Quand, Reference,
    Versement,
};
use super::read::req_text;
use crate::condition::field::date_plus_duree;
// `to_raw` is public API here (the contract tests read profiles through it).
pub use crate::condition::field::to_raw;
use crate::condition::{CmpOp, Condition, Leaf, Node, Operand, Scalar, SharedConditions, Test};
use crate::diagnostic::{Code, did_you_mean};
use crate::fr;
use crate::profile::{FieldId, ids};
use crate::referentiel::{Referentiel, RegionId};
use crate::toml_read::{Ctx, Table};

/// Where a rule file sits, from its path.
pub struct Placement<'a> {
    pub categorie: Categorie,
    /// The `<region>` folder of `regions/<region>/`.
    pub dossier_region: Option<&'a str>,
    /// The file name without `.toml`.
    pub stem: &'a str,
    /// Whether the text read holds the examples (not when it was cut before them, to evaluate).
    pub exemples: bool,
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
        if let Some(c) = crate::condition::read::top(ctx, t, span, refs, shared) {
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
    .unwrap_or_else(|| Montant::new(MontantKind::SansMontant, None));
    let versements = versements(ctx, top);
    let echeances = echeances(ctx, top);
    let sources = sources(ctx, top);
    let exemples = if place.exemples {
        super::exemples::exemples(ctx, top, refs)
    } else {
        Vec::new()
    };
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
                crate::fr::fmt_num(total)
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
