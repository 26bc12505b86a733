//! The web pages, in French and without JavaScript: the questionnaire one question a page (the
//! questions, their order, words, answers and stop rule of `aides guide`, from `questionnaire`), the
//! answer (the text of `aides check`), the catalogue (`aides list`), one aid (`aides show`, with its
//! examples as worked cases) and its explanation for a profile (`aides explain`). The answers so far
//! live in the URL. maud escapes every value it writes.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use super::Shared;
use super::answer::{self, Shown};
use super::api::ApiError;
use super::query::Query;
use crate::profile::{FieldId, Kind, Profile, Value};
use crate::questionnaire::{self, Reponse};
use crate::referentiel::Referentiel;
use crate::report::catalogue::Fiche;
use crate::report::{self, Explication};
use crate::rules::model::Aide;

/// The one style sheet.
const CSS: &str = include_str!("aides.css");
/// The icon of the pages (browsers ask for one).
const ICON: &str = include_str!("aides.svg");
/// The commune completion: an enhancement, the question works the same without it.
const COMMUNES_JS: &str = include_str!("communes.js");

/// A file served from the binary, kept an hour by caches.
fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    res
}

pub(crate) async fn css() -> Response {
    asset(CSS, "text/css; charset=utf-8")
}

pub(crate) async fn icon() -> Response {
    asset(ICON, "image/svg+xml")
}

pub(crate) async fn communes_js() -> Response {
    asset(COMMUNES_JS, "text/javascript; charset=utf-8")
}

fn page(title: &str, main: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="fr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · aides à l'installation des médecins" }
                link rel="stylesheet" href="/static/aides.css";
                link rel="icon" href="/static/aides.svg" type="image/svg+xml";
            }
            body {
                a class="evitement" href="#contenu" { "Aller au contenu" }
                header {
                    nav aria-label="Navigation principale" {
                        a href="/" { "Questionnaire" }
                        " · "
                        a href="/aides" { "Les aides" }
                    }
                }
                main id="contenu" { (main) }
            }
        }
    }
}

fn html_response(status: StatusCode, markup: &Markup) -> Response {
    let mut res = (status, markup.0.clone()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res
}

pub(crate) fn error_page(e: &ApiError) -> Response {
    let main = html! {
        h1 { "Erreur" }
        p role="alert" {
            @if let Some(c) = &e.champ { "Champ « " (c) " » : " }
            (e.erreur)
        }
        @if let Some(a) = &e.aide { p { "Aide : " (a) } }
        p { a href="/" { "Recommencer le questionnaire" } " · " a href="/aides" { "les aides" } }
    };
    html_response(e.status, &page("Erreur", &main))
}

pub(crate) fn not_found() -> Response {
    let main = html! {
        h1 { "Page introuvable" }
        p { "Cette adresse ne correspond à aucune page. " a href="/" { "Le questionnaire" } " · " a href="/aides" { "les aides" } }
    };
    html_response(StatusCode::NOT_FOUND, &page("Page introuvable", &main))
}

/// A value as its query parameter writes it (read back by the flag parser).
fn value_text(field: FieldId, value: &Value, refs: &Referentiel) -> String {
    match report::json_value(field, Some(value), refs) {
        serde_json::Value::String(s) => s,
        serde_json::Value::Bool(b) => if b { "oui" } else { "non" }.to_owned(),
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            if items.is_empty() {
                "aucune".to_owned()
            } else {
                items.join(",")
            }
        }
        other => other.to_string(),
    }
}

/// The links of a page that carries answers: each keeps the answers and the date of the URL.
pub(crate) struct Link<'a> {
    fields: &'a [(FieldId, Option<String>)],
    date: Option<&'a str>,
}

impl<'a> Link<'a> {
    pub(crate) fn new(fields: &'a [(FieldId, Option<String>)], date: Option<&'a str>) -> Self {
        Link { fields, date }
    }

    /// `?` and the answers, the date and `extra`; nothing when all are empty.
    fn query(&self, extra: &[(&str, &str)]) -> String {
        let mut q = encode(self.fields, self.date);
        let extra = serde_urlencoded::to_string(extra).unwrap_or_default();
        if !extra.is_empty() {
            if !q.is_empty() {
                q.push('&');
            }
            q.push_str(&extra);
        }
        if q.is_empty() { q } else { format!("?{q}") }
    }

    /// The questionnaire page that asks `field` (its answer, if any, replaced).
    pub(crate) fn ask(&self, field: FieldId) -> String {
        format!("/{}", self.query(&[("q", field.name())]))
    }

    /// The questionnaire, at its next question.
    pub(crate) fn questionnaire(&self) -> String {
        format!("/{}", self.query(&[]))
    }

    /// The answer, with the non-eligible aids (`all`) and every condition (`detail`) or not.
    pub(crate) fn answer(&self, all: bool, detail: bool) -> String {
        let mut extra = Vec::new();
        if all {
            extra.push(("all", "oui"));
        }
        if detail {
            extra.push(("detail", "oui"));
        }
        format!("/reponse{}", self.query(&extra))
    }

    /// The explanation of an aid for these answers.
    pub(crate) fn explain(&self, id: &str) -> String {
        format!("/aides/{id}{}", self.query(&[]))
    }
}

/// The query string of a list of answers (`?` for « je ne sais pas »), and of a date.
fn encode(fields: &[(FieldId, Option<String>)], date: Option<&str>) -> String {
    let mut pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(f, v)| (f.name(), v.as_deref().unwrap_or("?")))
        .collect();
    if let Some(d) = date {
        pairs.push(("date", d));
    }
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// A profile's answers, as the query keeps them.
fn profile_fields(p: &Profile, refs: &Referentiel) -> Vec<(FieldId, Option<String>)> {
    p.known()
        .filter(|(f, _)| *f != crate::profile::ids::REGION || p.departement().is_none())
        .map(|(f, v)| (f, Some(value_text(f, v, refs))))
        .collect()
}

/// What a page's query gives: the answers and the date.
struct Asked {
    q: Query,
    profile: Profile,
    date: NaiveDate,
    date_text: Option<String>,
}

fn asked(app: &Shared, raw: Option<&str>, extra: &[&str]) -> Result<Asked, ApiError> {
    let mut allowed = vec!["date"];
    allowed.extend_from_slice(extra);
    let q = Query::parse(raw, &allowed)?;
    let date = q.date(app.today())?;
    let profile = q.profile(&app.rules().refs)?;
    let date_text = q
        .option("date")
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    Ok(Asked {
        q,
        profile,
        date,
        date_text,
    })
}

/// `GET /`: the next question, or the answer when none remains.
pub(crate) async fn questionnaire(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let a = match asked(&app, raw.as_deref(), &["q", "r"]) {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let refs = &app.rules().refs;
    let date = a.date_text.as_deref();
    let chosen =
        a.q.option("q")
            .and_then(crate::profile::field_id)
            .filter(|f| !f.def().question.is_empty());
    // An answer to a question: read as the guide reads it, then the URL with it.
    if let Some(field) = chosen {
        let answers: Vec<&str> =
            a.q.options
                .iter()
                .filter(|(k, _)| k == "r")
                .map(|(_, v)| v.as_str())
                .collect();
        if !answers.is_empty() {
            let text = answers.join(",");
            let mut fields: Vec<(FieldId, Option<String>)> =
                a.q.fields
                    .iter()
                    .filter(|(f, _)| *f != field)
                    .cloned()
                    .collect();
            match questionnaire::answer(field, &text, refs) {
                Ok(Reponse::Inconnu) => fields.push((field, None)),
                Ok(Reponse::Valeurs(values)) => {
                    // A place answered by another of its fields (a postal code, a département): the
                    // question asked stays asked, as in the guide.
                    if !values.iter().any(|(f, _)| *f == field) {
                        fields.push((field, None));
                    }
                    for (f, v) in values {
                        fields.retain(|(g, _)| *g != f);
                        fields.push((f, Some(value_text(f, &v, refs))));
                    }
                }
                Err(e) => {
                    let error = match e.help {
                        Some(h) => format!("{} — {h}", e.message),
                        None => e.message,
                    };
                    return question_page(&app, &a, field, Some(&error), Some(&text));
                }
            }
            return private(
                Redirect::to(&Link::new(&fields, date).questionnaire()).into_response(),
            );
        }
        return question_page(&app, &a, field, None, None);
    }
    let rapport = report::evaluate(app.rules(), &a.profile, a.date);
    let asked_fields: Vec<FieldId> = a.q.fields.iter().map(|(f, _)| *f).collect();
    // A yes calls the date asked with it.
    let follow = a.q.fields.last().and_then(|(f, _)| {
        (a.profile.get(*f) == Some(&Value::Bool(true)))
            .then(|| questionnaire::follow_up(*f))
            .flatten()
            .filter(|d| !asked_fields.contains(d))
    });
    let next = follow.or_else(|| {
        questionnaire::restantes(&rapport, &a.profile, &asked_fields)
            .first()
            .map(|q| q.champ)
    });
    match next {
        Some(field) => question_page(&app, &a, field, None, None),
        None => private(
            Redirect::to(&Link::new(&a.q.fields, date).answer(false, false)).into_response(),
        ),
    }
}

/// What the first page says before its question: the guide's intro, that nothing is stored, and when
/// the rules were checked.
fn intro(app: &Shared, date: NaiveDate) -> Markup {
    let verifiees = app.rules().verifiees_le().map(crate::fr::date);
    html! {
        section class="intro" aria-label="Présentation" {
            p { strong { (questionnaire::intro(date)) } }
            p { "Chaque question accepte « " (questionnaire::INCONNU) " », et la réponse s'affiche dès que plus rien ne la changerait. "
                "Rien n'est enregistré : vos réponses restent dans l'adresse de la page, que vous pouvez garder ou partager." }
            @if let Some(v) = &verifiees {
                p class="indice" { "Règles vérifiées contre leurs sources le " (v) " · " a href="/aides" { "les aides de la base" } }
            }
        }
    }
}

/// One question, with the answers so far kept in hidden fields.
fn question_page(
    app: &Shared,
    a: &Asked,
    field: FieldId,
    error: Option<&str>,
    typed: Option<&str>,
) -> Response {
    let refs = &app.rules().refs;
    let def = field.def();
    let rapport = report::evaluate(app.rules(), &a.profile, a.date);
    let others: Vec<(FieldId, Option<String>)> =
        a.q.fields
            .iter()
            .filter(|(f, _)| *f != field)
            .cloned()
            .collect();
    let asked_fields: Vec<FieldId> = others.iter().map(|(f, _)| *f).collect();
    let remaining = questionnaire::restantes(&rapport, &a.profile, &asked_fields);
    let ou = remaining
        .iter()
        .find(|q| q.champ == field)
        .and_then(|q| q.ou_trouver.clone())
        .or_else(|| (!def.ou_trouver.is_empty()).then(|| def.ou_trouver.to_owned()));
    let question = remaining
        .iter()
        .find(|q| q.champ == field)
        .map_or(def.question, |q| q.question);
    let n = others.len() + 1;
    let left = remaining.iter().filter(|q| q.champ != field).count();
    let date = a.date_text.as_deref();
    let choices = questionnaire::choices(field);
    let list_values: Option<&[&str]> = match def.kind {
        Kind::List(values) => Some(values),
        _ => None,
    };
    let hint = questionnaire::hint(field);
    let error_id = "erreur-reponse";
    let main = html! {
        @if others.is_empty() { (intro(app, a.date)) }
        p class="etape" { "Question " (n) @if left == 0 { ", la dernière" } @else { ", encore " (left) " au plus" } }
        form method="get" action="/" {
            @for (f, v) in &others {
                input type="hidden" name=(f.name()) value=(v.as_deref().unwrap_or("?"));
            }
            @if let Some(d) = date { input type="hidden" name="date" value=(d); }
            input type="hidden" name="q" value=(field.name());
            @if let Some(e) = error {
                p id=(error_id) class="erreur" role="alert" { (e) }
            }
            @if let Some(values) = list_values {
                fieldset {
                    legend { h1 { (question) } }
                    @for (i, v) in values.iter().enumerate() {
                        @let label = def.labels.get(i).copied().unwrap_or(v);
                        div class="choix" {
                            input type="checkbox" name="r" id={"r" (i)} value=(v);
                            label for={"r" (i)} { (label) }
                        }
                    }
                    div class="choix" {
                        input type="checkbox" name="r" id="r-aucune" value="aucune";
                        label for="r-aucune" { "aucune" }
                    }
                    div class="choix" {
                        input type="checkbox" name="r" id="r-nsp" value=(questionnaire::INCONNU);
                        label for="r-nsp" { (questionnaire::INCONNU) }
                    }
                }
                button type="submit" { "Continuer" }
            } @else if choices.len() > 1 {
                fieldset aria-describedby=[error.map(|_| error_id)] {
                    legend { h1 { (question) } }
                    @for (i, c) in choices.iter().enumerate() {
                        div class="choix" {
                            input type="radio" name="r" id={"r" (i)} value=(c) required;
                            label for={"r" (i)} { (c) }
                        }
                    }
                }
                button type="submit" { "Continuer" }
            } @else {
                h1 { label for="r" { (question) } }
                @if let Some(h) = hint { p id="indice" class="indice" { (h) } }
                @let communes = field == crate::profile::ids::COMMUNE;
                input type="text" id="r" name="r" value=[typed] autocomplete="off" data-communes=[communes.then_some("")]
                    aria-describedby={ @if hint.is_some() { "indice" } @if error.is_some() { " " (error_id) } }
                    aria-invalid=[error.map(|_| "true")];
                div class="boutons" {
                    button type="submit" { "Continuer" }
                    button type="submit" name="r" value="?" formnovalidate { "Je ne sais pas" }
                }
            }
            @if let Some(w) = &ou { p class="indice" { "Où le savoir : " (w) } }
        }
        p { a href=(Link::new(&others, date).answer(false, false)) { "Voir la réponse maintenant" } }
        @if field == crate::profile::ids::COMMUNE { script src="/static/communes.js" defer {} }
        (answers_so_far(&others, date, &a.profile, refs))
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    private(html_response(status, &page(question, &main)))
}

/// The answers given, each with a link to change it.
fn answers_so_far(
    fields: &[(FieldId, Option<String>)],
    date: Option<&str>,
    profile: &Profile,
    refs: &Referentiel,
) -> Markup {
    let link = Link::new(fields, date);
    let label = |f: FieldId| {
        profile.get(f).map_or_else(
            || questionnaire::INCONNU.to_owned(),
            |v| report::value_label(f, v, refs),
        )
    };
    html! {
        @if !fields.is_empty() {
            section aria-labelledby="deja" {
                h2 id="deja" { "Vos réponses" }
                ul class="reponses" {
                    @for (f, _) in fields {
                        li {
                            (f.def().question) " "
                            strong { (label(*f)) }
                            span class="ecran" {
                                " · "
                                a href=(link.ask(*f)) { "changer" span class="invisible" { " : " (f.def().question) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Text split into plain runs, e-mail addresses and web addresses.
enum Piece<'a> {
    Text(&'a str),
    Mail(&'a str),
    Web(&'a str),
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || b"._%+-".contains(&c);
    while i < bytes.len() {
        if bytes[i..].starts_with(b"https://") || bytes[i..].starts_with(b"http://") {
            let mut end = i;
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() && bytes[end] < 0x80 {
                end += 1;
            }
            while end > i && b").,;:".contains(&bytes[end - 1]) {
                end -= 1;
            }
            out.push(Piece::Text(&text[rest..i]));
            out.push(Piece::Web(&text[i..end]));
            rest = end;
            i = end;
        } else if bytes[i] == b'@' && i > rest {
            let mut start = i;
            while start > rest && word(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = i + 1;
            while end < bytes.len() && word(bytes[end]) {
                end += 1;
            }
            while end > i + 1 && bytes[end - 1] == b'.' {
                end -= 1;
            }
            if start < i && text[i + 1..end].contains('.') {
                out.push(Piece::Text(&text[rest..start]));
                out.push(Piece::Mail(&text[start..end]));
                rest = end;
                i = end;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out.push(Piece::Text(&text[rest..]));
    out
}

/// Text for people, as the CLI writes it, with its addresses as links.
pub(crate) fn linked(text: &str) -> Markup {
    html! {
        @for p in pieces(text) {
            @match p {
                Piece::Text(t) => (t),
                Piece::Mail(m) => a href={"mailto:" (m)} { (m) },
                Piece::Web(w) => a href=(w) { (w) },
            }
        }
    }
}

/// `GET /reponse?…`: the answer of `aides check` for the profile.
pub(crate) async fn reponse(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let a = match asked(&app, raw.as_deref(), &["all", "detail"]) {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    let shown = match (a.q.switch("all"), a.q.switch("detail")) {
        (Ok(all), Ok(detail)) => Shown { all, detail },
        (Err(e), _) | (_, Err(e)) => return error_page(&e),
    };
    let refs = &app.rules().refs;
    let date = a.date_text.as_deref();
    let rapport = report::evaluate(app.rules(), &a.profile, a.date);
    let link = Link::new(&a.q.fields, date);
    let command = questionnaire::command_line(&a.profile, a.date, refs);
    let json_query = {
        let mut fields = profile_fields(&a.profile, refs);
        fields.retain(|(f, _)| a.q.fields.iter().any(|(g, _)| g == f));
        let date = a.date.format("%Y-%m-%d").to_string();
        let mut q = encode(&fields, Some(&date));
        for (name, on) in [("all", shown.all), ("detail", shown.detail)] {
            if on {
                q.push_str(&format!("&{name}=oui"));
            }
        }
        q
    };
    let main = html! {
        h1 { "Votre réponse" }
        (answer::answer(&rapport, &link, shown))
        (answers_so_far(&a.q.fields, date, &a.profile, refs))
        section aria-labelledby="commande" class="ecran" {
            h2 id="commande" { "La même réponse ailleurs" }
            p { "En ligne de commande :" }
            pre { code { (command) } }
            p { a href={"/api/check?" (json_query)} { "La réponse en JSON" } " (pour un logiciel)" }
        }
    };
    private(html_response(StatusCode::OK, &page("Votre réponse", &main)))
}

/// A page whose URL carries answers: kept by no cache.
fn private(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /aides`: the catalogue.
pub(crate) async fn catalogue(State(app): State<Shared>) -> Response {
    let rules = app.rules();
    let items = crate::report::catalogue::list_items(rules, None, app.today());
    let main = html! {
        h1 { "Les aides à l'installation" }
        div class="tableau" {
            table {
                caption { "Les aides de la base de règles, " (items.len()) " en tout" }
                thead { tr { th scope="col" { "Aide" } th scope="col" { "Financeur" } th scope="col" { "Montant" } th scope="col" { "Période" } th scope="col" { "Région" } } }
                tbody {
                    @for i in &items {
                        tr {
                            th scope="row" { a href={"/aides/" (i.id)} { (i.nom) } }
                            td data-titre="Financeur" { (i.financeur) }
                            td data-titre="Montant" { (i.montant) }
                            td data-titre="Période" { (i.periode) }
                            td data-titre="Région" { (region_name(rules, i.region)) }
                        }
                    }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page("Les aides", &main))
}

/// A region's name from its slug; « toutes » for a national aid.
fn region_name<'r>(rules: &'r crate::rules::model::RuleSet, slug: Option<&'r str>) -> &'r str {
    match slug {
        None => "toutes",
        Some(s) => rules
            .refs
            .region_id(s)
            .map_or(s, |id| rules.refs.region(id).nom.as_str()),
    }
}

/// `GET /aides/{id}`: the aid in full and its examples; with a profile: its explanation.
pub(crate) async fn aide(
    State(app): State<Shared>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let Ok(Path(id)) = id else {
        return error_page(&ApiError::new(
            StatusCode::BAD_REQUEST,
            "adresse illisible : l'identifiant d'une aide s'écrit en lettres, chiffres et tirets",
            Some("la liste des aides et de leurs adresses est sur /aides"),
        ));
    };
    let rules = app.rules();
    let aide = match crate::app::aide_arg(rules, &id) {
        Ok(aide) => aide,
        Err(e) => return error_page(&ApiError::from_error(&e, StatusCode::NOT_FOUND)),
    };
    let a = match asked(&app, raw.as_deref(), &[]) {
        Ok(a) => a,
        Err(e) => return error_page(&e),
    };
    if a.q.fields.is_empty() {
        return show_page(&app, aide);
    }
    let rapport = report::evaluate(rules, &a.profile, a.date);
    let explication = Explication::new(&rapport, aide);
    let link = Link::new(&a.q.fields, a.date_text.as_deref());
    let main = html! {
        h1 { (aide.nom) " : pour ce profil" }
        (answer::explanation(&explication, &link, &rules.refs))
        p class="ecran" { a href=(link.answer(false, false)) { "Toutes les aides pour ce profil" } " · " a href={"/aides/" (aide.id)} { "L'aide en entier" } }
    };
    private(html_response(StatusCode::OK, &page(&aide.nom, &main)))
}

fn show_page(app: &Shared, aide: &Aide) -> Response {
    let refs = &app.rules().refs;
    let fiche = Fiche::new(aide, refs);
    let main = html! {
        h1 { (aide.nom) }
        (answer::fiche(&fiche, aide, refs))
        @if !aide.exemples.is_empty() {
            section aria-labelledby="exemples" {
                h2 id="exemples" { "Cas pratiques" }
                ul {
                    @for ex in &aide.exemples {
                        @let date = ex.date.format("%Y-%m-%d").to_string();
                        @let q = encode(&profile_fields(&ex.profil, refs), Some(&date));
                        li { a href={"/aides/" (aide.id) "?" (q)} { (ex.nom) } }
                    }
                }
            }
        }
    };
    html_response(StatusCode::OK, &page(&aide.nom, &main))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_become_links_and_accents_stay_text() {
        let html = linked("À écrire : RPS45.cpam-loiret@assurance-maladie.fr. Voir https://www.ameli.fr/x), à bientôt <b>").0;
        assert!(
            html.starts_with(
                "À écrire : <a href=\"mailto:RPS45.cpam-loiret@assurance-maladie.fr\">"
            ),
            "{html}"
        );
        assert!(html.contains("<a href=\"https://www.ameli.fr/x\">https://www.ameli.fr/x</a>), à bientôt &lt;b&gt;"), "{html}");
        assert_eq!(linked("a @ b, x@y, é@é").0, "a @ b, x@y, é@é");
    }
}
