//! The answer of `aides check` as a web page, from the report itself (the data `check --format json`
//! gives): the aids eligible, to confirm and (asked) not eligible, with their amounts; the total;
//! « Que faire maintenant » with its mailto links; the near misses; what remains to ask, each a link
//! to the question. The words are the CLI's (`output::answer`); where the CLI names a flag, the page
//! gives a link.

use maud::{Markup, html};

use super::pages::{Link, linked};
use crate::eval::logic::Tri;
use crate::fr;
use crate::output::answer::{self as words, Chosen};
use crate::output::explain;
use crate::profile;
#[cfg(test)]
use crate::profile::FieldId;
use crate::referentiel::Referentiel;
use crate::report::catalogue::{Fiche, join_contact};
use crate::report::{AideRapport, Explication, Rapport};
use crate::rules::model::{Aide, Reference, Statut};

/// How many remaining questions the answer lists before pointing to the questionnaire, as the CLI.
const QUESTIONS: usize = 4;

/// What the page shows besides the answer.
#[derive(Clone, Copy)]
pub(crate) struct Shown {
    pub(crate) all: bool,
    pub(crate) detail: bool,
}

/// The mark of a status, with its words for those who do not see it.
fn mark(statut: Statut) -> Markup {
    let sign = match statut {
        Statut::Eligible => "✓",
        Statut::AConfirmer => "?",
        Statut::NonEligible => "✗",
    };
    html! {
        span class={"marque " (statut.as_str())} aria-hidden="true" { (sign) } " "
    }
}

/// The mark of a condition's result, with the result in words for those who do not see it.
fn tri_mark(t: Tri) -> Markup {
    let statut = match t {
        Tri::Vrai => Statut::Eligible,
        Tri::Faux => Statut::NonEligible,
        Tri::Inconnu => Statut::AConfirmer,
    };
    html! { (mark(statut)) span class="invisible" { (t.as_str()) " : " } }
}

/// One aid: its name (a link to its explanation for this profile), the line under it, its payments,
/// what to read, and with `detail` its conditions and notes.
fn aid(a: &AideRapport<'_>, r: &Rapport<'_>, link: &Link<'_>, shown: Shown) -> Markup {
    html! {
        li class="aide" {
            h3 { (mark(a.statut)) a href=(link.explain(a.id)) { (a.nom) } span class="invisible" { " (" (a.statut.label()) ")" } }
            p { (words::aid_line(a)) }
            @if a.statut != Statut::NonEligible {
                @for p in words::payments(a, r) { p { (p) } }
                @if a.statut == Statut::Eligible || shown.detail {
                    @if !a.a_retenir.is_empty() {
                        ul class="a-retenir" {
                            @for n in a.a_retenir { li { (linked(n)) } }
                        }
                    }
                }
            }
            @if shown.detail {
                ul class="conditions" {
                    @for c in &a.conditions {
                        li { (tri_mark(c.resultat)) (words::condition_text(c)) }
                    }
                }
                @if !a.notes.is_empty() {
                    ul class="notes" {
                        @for n in a.notes { li { (linked(n)) } }
                    }
                }
            }
        }
    }
}

/// A field's question as a link that asks it, or its words when no question asks it.
fn ask(field: &str, link: &Link<'_>) -> Markup {
    if let Some(f) = profile::field_id(field).filter(|f| !f.def().question.is_empty()) {
        html! { a href=(link.ask(f)) { (f.def().question) } }
    } else {
        html! { (field) }
    }
}

/// « Que faire maintenant »: one step per organisation, with its mailto link.
fn steps(r: &Rapport<'_>) -> Markup {
    html! {
        @if !r.a_faire.is_empty() {
            section aria-labelledby="a-faire" {
                h2 id="a-faire" { "Que faire maintenant" }
                ol class="etapes" {
                    @for s in &r.a_faire {
                        li {
                            p { (words::step_verb(s)) " " (linked(&words::contact(&s.contact))) }
                            @if let [one] = s.noms.as_slice() {
                                p { "pour : " (one) }
                            } @else {
                                p { "pour :" }
                                ul { @for n in &s.noms { li { (n) } } }
                            }
                            @if let Some(when) = words::step_deadline(s, r) { p { (when) } }
                        }
                    }
                }
            }
        }
    }
}

/// What remains to ask, each a link to the page that asks it.
fn questions(r: &Rapport<'_>, link: &Link<'_>) -> Markup {
    html! {
        @if !r.questions.is_empty() {
            section aria-labelledby="a-preciser" class="questions" {
                h2 id="a-preciser" { "À préciser" }
                ul {
                    @for q in r.questions.iter().take(QUESTIONS) {
                        li {
                            @match q.champ {
                                Some(c) => (ask(c, link)),
                                None => (q.question),
                            }
                            @if let Some(w) = &q.ou_trouver {
                                br; span class="indice" { "Où le savoir : " (linked(w)) }
                            }
                        }
                    }
                }
                @if r.questions.len() > QUESTIONS {
                    p { a href=(link.questionnaire()) { "Les " (r.questions.len() - QUESTIONS) " autres questions, une à une" } }
                }
            }
        }
    }
}

/// The answer for one profile.
pub(crate) fn answer(r: &Rapport<'_>, link: &Link<'_>, shown: Shown) -> Markup {
    let Chosen {
        eligible,
        confirm,
        refused,
    } = words::chosen(r);
    let listed: Vec<&&AideRapport<'_>> = confirm
        .iter()
        .filter(|a| !words::said_by_selon(r, a))
        .collect();
    html! {
        p class="tete" { (words::head_text(r)) }
        @if eligible.is_empty() && confirm.is_empty() {
            p class="aucune" { "Aucune aide éligible ou à confirmer pour ce profil." }
        }
        @if !eligible.is_empty() {
            section aria-labelledby="eligibles" {
                h2 id="eligibles" { "Vos aides éligibles" }
                ul class="aides" { @for a in &eligible { (aid(a, r, link, shown)) } }
                p class="total" { (words::total_text(&eligible)) }
            }
        }
        @if !confirm.is_empty() {
            section aria-labelledby="a-confirmer" {
                h2 id="a-confirmer" { "À confirmer" }
                @if !listed.is_empty() {
                    ul class="aides" { @for a in &listed { (aid(a, r, link, shown)) } }
                }
                @for s in &r.selon {
                    p class="selon" { (mark(Statut::AConfirmer)) (words::selon_text(s)) }
                }
            }
        }
        @for g in &r.groupes { p { (g.texte) } }
        @if let Some(text) = words::waiting_text(r, "indiquez le département de votre cabinet") {
            p { (text) " " a href=(link.ask(profile::ids::DEPARTEMENT)) { "Indiquer le département" } }
        }
        (steps(r))
        @if !r.pistes.is_empty() {
            section aria-labelledby="pistes" {
                h2 id="pistes" { "Pistes" }
                ul class="pistes" {
                    @for p in &r.pistes {
                        li {
                            (p.libelle)
                            // What would decide it, for an aid still open (a closed one asks nothing).
                            @if p.statut == Statut::AConfirmer && p.motif.is_none() && !p.manquants.is_empty() {
                                " " span class="ecran" {
                                    "À préciser : "
                                    @for (i, m) in p.manquants.iter().take(QUESTIONS).enumerate() {
                                        @if i > 0 { " · " }
                                        (ask(m, link))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (questions(r, link))
        @if shown.all && !refused.is_empty() {
            section aria-labelledby="non-eligibles" {
                h2 id="non-eligibles" { "Non éligibles" }
                ul class="aides" { @for a in &refused { (aid(a, r, link, shown)) } }
            }
        }
        @if let Some(c) = &r.couverture { p { (linked(c)) } }
        p class="ecran" {
            @if !shown.all && !refused.is_empty() {
                (refused.len()) " aide(s) non éligible(s) : "
                a href=(link.answer(true, shown.detail)) { "voir aussi les aides non éligibles" } ". "
            } @else if shown.all {
                a href=(link.answer(false, shown.detail)) { "Sans les aides non éligibles" } ". "
            }
            @if shown.detail {
                a href=(link.answer(shown.all, false)) { "Sans le détail" } "."
            } @else {
                "Le " a href=(link.answer(shown.all, true)) { "détail" } " de chaque condition, ou le nom d'une aide pour tout le détail."
            }
        }
    }
}

/// A field as a condition read it: its short name (the help's first words).
fn field_words(name: &str) -> &str {
    profile::field_id(name).map_or(name, |f| {
        let help = f.def().help;
        let short = help.split(" (").next().unwrap_or(help);
        short.split(" :").next().unwrap_or(short)
    })
}

/// `aides explain` for one aid and one profile.
pub(crate) fn explanation(e: &Explication<'_, '_>, link: &Link<'_>, refs: &Referentiel) -> Markup {
    let a = e.aide;
    // A value as people read it: a region by its name, the rest as the explanation writes it.
    let value =
        |k: &str, v: &serde_json::Value| match (k, v.as_str().and_then(|r| refs.region_id(r))) {
            ("region", Some(id)) => refs.region(id).nom.clone(),
            _ => explain::shown(v),
        };
    html! {
        p class="tete" { (mark(a.statut)) (explain::head_text(e)) }
        section aria-labelledby="conditions" {
            h2 id="conditions" { "Conditions" }
            ul class="conditions" {
                @for c in &a.conditions {
                    li {
                        (tri_mark(c.resultat))
                        (c.libelle)
                        @if !c.valeurs.0.is_empty() {
                            ul class="lu" {
                                @for (k, v) in &c.valeurs.0 {
                                    li {
                                        (field_words(k)) " : "
                                        @if v.is_null() {
                                            "inconnu"
                                            @if let Some(f) = profile::field_id(k).filter(|f| !f.def().question.is_empty()) {
                                                " · " a href=(link.ask(f)) { "répondre" span class="invisible" { " : " (f.def().question) } }
                                            }
                                        } @else {
                                            (value(k, v))
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(d) = &c.detail { p class="indice" { (d) } }
                    }
                }
            }
        }
        section aria-labelledby="montant" {
            h2 id="montant" { "Montant" }
            p { (a.montant.libelle) }
            @if !a.versements.is_empty() {
                ul {
                    @for v in &a.versements {
                        li { "Versement de " (v.eur.map_or_else(|| format!("{} %", fr::fmt_num(v.part_pct)), fr::euros)) " " (v.quand) }
                    }
                }
            }
        }
        @if !a.echeances.is_empty() {
            section aria-labelledby="dates" {
                h2 id="dates" { "Dates" }
                ul { @for d in &a.echeances { li { (explain::date_text(d, e.date_reference)) } } }
            }
        }
        @if !e.pistes.is_empty() || !a.questions.is_empty() {
            section aria-labelledby="changerait" {
                h2 id="changerait" { "Ce qui changerait la réponse" }
                ul {
                    @for p in &e.pistes { li { (p.libelle) } }
                    @for q in &a.questions {
                        li {
                            @match q.champ {
                                Some(c) => (ask(c, link)),
                                None => (q.question),
                            }
                        }
                    }
                }
            }
        }
        @if !a.a_retenir.is_empty() || !a.notes.is_empty() {
            section aria-labelledby="a-savoir" {
                h2 id="a-savoir" { "À savoir" }
                ul { @for n in a.a_retenir.iter().chain(a.notes) { li { (linked(n)) } } }
            }
        }
        section aria-labelledby="contact" {
            h2 id="contact" { "Contact" }
            p { (linked(&join_contact(&a.contact))) }
        }
        (sources(a.sources))
    }
}

/// The sources of an aid, each a link.
fn sources(sources: &[Reference]) -> Markup {
    html! {
        @if !sources.is_empty() {
            section aria-labelledby="sources" {
                h2 id="sources" { "Sources" }
                ul class="sources" {
                    @for s in sources {
                        li { a href=(s.url) { (s.titre) } @if let Some(art) = &s.article { " (" (art) ")" } }
                    }
                }
            }
        }
    }
}

/// `aides show`: one aid in full, independent of any profile.
pub(crate) fn fiche(f: &Fiche<'_>, aide: &Aide, refs: &Referentiel) -> Markup {
    let territoire = aide
        .region
        .map_or("toute la France".to_owned(), |r| refs.region(r).nom.clone());
    let lists: [(&str, &str, Vec<String>); 4] = [
        (
            "versements",
            "Versements",
            f.versements
                .iter()
                .map(|v| format!("{} % {}", fr::fmt_num(v.part_pct), v.quand))
                .collect(),
        ),
        ("engagements", "Engagements", f.engagements.to_vec()),
        ("cumul", "Cumul", f.cumul.to_vec()),
        (
            "a-savoir",
            "À savoir",
            f.a_retenir.iter().chain(f.notes).cloned().collect(),
        ),
    ];
    html! {
        p class="tete" { (f.resume) }
        dl class="fiche" {
            dt { "Financeur" } dd { (f.financeur) }
            dt { "Territoire" } dd { (territoire) }
            dt { "Public" } dd { (f.public) }
            dt { "Période" } dd { (f.periode) }
            dt { "Montant" } dd { (f.montant) }
            dt { "Contact" } dd { (linked(&f.contact)) }
        }
        section aria-labelledby="conditions" {
            h2 id="conditions" { "Conditions (toutes requises)" }
            ul class="conditions" {
                @for c in &f.conditions {
                    li { (c.libelle) br; span class="regle" { (c.detail) } }
                }
            }
        }
        @for (id, title, items) in &lists {
            @if !items.is_empty() {
                section aria-labelledby=(id) {
                    h2 id=(id) { (title) }
                    ul { @for i in items { li { (linked(i)) } } }
                }
            }
        }
        (sources(f.sources))
        @if let Some(d) = f.verifie_le {
            p class="indice" { "Faits vérifiés contre les sources le " (fr::date(d)) "." }
        }
    }
}

/// The remaining-question fields of a report, in its order (for tests and the questionnaire).
#[cfg(test)]
fn asked_fields(r: &Rapport<'_>) -> Vec<FieldId> {
    r.questions
        .iter()
        .filter_map(|q| q.champ.and_then(profile::field_id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    #[test]
    fn every_flag_of_the_text_is_a_link_here() {
        let loaded = crate::app::load(&crate::cli::RulesArg::default()).expect("embedded rules");
        let rules = &loaded.rules;
        let profile = Profile::default();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        let r = crate::report::evaluate(rules, &profile, date);
        let fields: Vec<(FieldId, Option<String>)> = Vec::new();
        let link = Link::new(&fields, None);
        let html = answer(
            &r,
            &link,
            Shown {
                all: false,
                detail: false,
            },
        )
        .0;
        // The CLI's own flags and commands (a rule's note may still name a flag it explains).
        for word in [
            "--all",
            "--detail",
            "--departement",
            "--format",
            "aides guide",
            "aides explain",
        ] {
            assert!(!html.contains(word), "« {word} »: {html}");
        }
        let first = asked_fields(&r)[0];
        assert!(
            html.contains(&format!("href=\"/?q={}\"", first.name())),
            "{html}"
        );
        assert!(html.contains("href=\"/reponse?all=oui\""), "{html}");
        assert!(html.contains("href=\"/reponse?detail=oui\""), "{html}");
    }
}
