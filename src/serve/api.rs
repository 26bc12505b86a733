//! The HTTP API (`/api/…`, `/healthz`): each route calls the function the CLI's command calls and writes
//! what its `--format json` writes, so that a profile sent by POST gives the bytes of `aides check --format
//! json` with the same profile and date. A batch (a JSON array, several objects, NDJSON) goes through
//! the CLI's own batch pipeline, streamed. Errors are `{ "erreur", "champ", "aide" }` with the CLI's
//! French messages.

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

use super::body::{self, BodyError, ChannelWriter, Out};
use super::query::Query;
use super::{Permit, Shared};
use crate::cli::{CheckArgs, CheckFormat, ProfileArgs, RulesArg};
use crate::error::{self, Context};
use crate::input::{MAX_ITEM_BYTES, Place, Problem, Shape, stream_profiles};
use crate::output::check::{CheckOptions, Format};
use crate::output::{self, Style};
use crate::profile::{FieldError, Profile};
use crate::report::catalogue::{self, Fiche, Liste};
use crate::report::{self, Explication, Provenance};
use crate::schema::Schema;

/// An error answered as JSON.
#[derive(Debug, Serialize)]
pub(crate) struct ApiError {
    #[serde(skip)]
    pub(crate) status: StatusCode,
    pub(crate) erreur: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) champ: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aide: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, erreur: &str, aide: Option<&str>) -> Self {
        ApiError {
            status,
            erreur: erreur.to_owned(),
            champ: None,
            aide: aide.map(str::to_owned),
        }
    }

    /// 400.
    pub(crate) fn bad(erreur: String, champ: Option<String>, aide: Option<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            erreur,
            champ,
            aide,
        }
    }

    /// A value the profile's parser refused.
    pub(crate) fn field(e: &FieldError) -> Self {
        Self::bad(e.message.clone(), Some(e.field.clone()), e.help.clone())
    }

    /// A profile of a body that could not be read.
    fn problem(p: &Problem) -> Self {
        let erreur = match p.at {
            Some((line, col)) if p.field.is_none() => {
                format!("ligne {line}, colonne {col} : {}", p.message)
            }
            _ => p.message.clone(),
        };
        Self::bad(erreur, p.field.clone(), p.help.clone())
    }

    /// An error of a CLI function: its message (with the option at fault, but not `--input`, which
    /// is the body here) and its suggestion.
    pub(crate) fn from_error(e: &crate::Error, status: StatusCode) -> Self {
        let Some(fault) = e.fault() else {
            return ApiError::bad(e.to_string(), None, None).with_status(status);
        };
        let erreur = match &fault.context {
            None | Some(Context::Input) => fault.placed(),
            Some(context) => format!("{context} : {}", fault.placed()),
        };
        ApiError::bad(erreur, None, fault.suggestion.clone()).with_status(status)
    }

    /// The same error with another status.
    pub(crate) fn with_status(self, status: StatusCode) -> Self {
        ApiError { status, ..self }
    }

    fn body_error(e: &BodyError) -> Self {
        match e {
            BodyError::Slow => ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "rien reçu pendant 10 secondes",
                Some("envoyez le corps de la requête en entier, sans pause"),
            ),
            BodyError::Broken => ApiError::new(
                StatusCode::BAD_REQUEST,
                "corps de la requête interrompu",
                Some("renvoyez la requête"),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut bytes = Vec::new();
        let _ = output::json(&mut bytes, &self);
        let mut res = json_bytes(bytes);
        *res.status_mut() = self.status;
        res
    }
}

const JSON: &str = "application/json";
const NDJSON: &str = "application/x-ndjson";

fn typed(bytes: impl Into<Body>, content_type: &'static str) -> Response {
    let mut res = Response::new(bytes.into());
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

fn json_bytes(bytes: Vec<u8>) -> Response {
    typed(bytes, JSON)
}

/// A value as the CLI's `--format json` writes it.
fn json_of<T: Serialize>(value: &T) -> Response {
    let mut bytes = Vec::new();
    match output::json(&mut bytes, value) {
        Ok(()) => json_bytes(bytes),
        Err(_) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "réponse impossible à écrire",
            None,
        )
        .into_response(),
    }
}

/// The options of `check` a request gives.
const CHECK_OPTIONS: &[&str] = &["date", "format", "all", "detail"];

/// The output format asked, else `default`.
fn format(q: &Query, default: Format) -> Result<Format, ApiError> {
    match q.option("format") {
        None | Some("") => Ok(default),
        Some("json") => Ok(Format::Json),
        Some("ndjson") => Ok(Format::Ndjson),
        Some(other) => Err(ApiError::bad(
            format!(
                "valeur « {} » invalide pour format",
                crate::diagnostic::echo(other)
            ),
            Some("format".into()),
            Some("json ou ndjson".into()),
        )),
    }
}

fn content_type(format: Format) -> &'static str {
    if matches!(format, Format::Ndjson) {
        NDJSON
    } else {
        JSON
    }
}

fn options(app: &Shared, q: &Query, default: Format) -> Result<CheckOptions, ApiError> {
    Ok(CheckOptions {
        format: format(q, default)?,
        all: q.switch("all")?,
        detail: q.switch("detail")?,
        date: q.date(app.today())?,
        style: Style {
            color: false,
            width: Some(100),
        },
    })
}

/// One profile's answer, as `aides check` writes it.
fn single(app: &Shared, opts: CheckOptions, profile: &Profile) -> Response {
    let mut out = Vec::new();
    let writer = output::check::writer(opts);
    match writer.single(&mut out, app.rules(), profile) {
        Ok(()) => typed(out, content_type(opts.format)),
        Err(e) => ApiError::from_error(
            &crate::Error::Io {
                path: "réponse".into(),
                source: e,
            },
            StatusCode::INTERNAL_SERVER_ERROR,
        )
        .into_response(),
    }
}

/// `GET /api/check?…`: one profile from the query.
pub(crate) async fn check_get(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Response, ApiError> {
        let q = Query::parse(raw.as_deref(), CHECK_OPTIONS)?;
        let opts = options(&app, &q, Format::Json)?;
        let profile = q.profile(&app.rules().refs)?;
        Ok(single(&app, opts, &profile))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// The body's kind, from its `Content-Type`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Ndjson,
}

/// A body must say its length, or be sent in chunks (411 otherwise).
fn length_known(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.contains_key(header::CONTENT_LENGTH)
        || headers.contains_key(header::TRANSFER_ENCODING)
    {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::LENGTH_REQUIRED,
            "longueur du corps de la requête inconnue",
            Some(
                "envoyez l'en-tête Content-Length, ou le corps en morceaux (Transfer-Encoding: chunked)",
            ),
        ))
    }
}

fn body_kind(headers: &HeaderMap) -> Result<Kind, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = ct.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case(JSON) {
        Ok(Kind::Json)
    } else if [NDJSON, "application/jsonl", "application/ndjson"]
        .iter()
        .any(|t| essence.eq_ignore_ascii_case(t))
    {
        Ok(Kind::Ndjson)
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "type de contenu non accepté : un profil ou un lot en JSON est attendu",
            Some(
                "en-tête Content-Type: application/json (un profil, un tableau) ou application/x-ndjson (un profil par ligne)",
            ),
        ))
    }
}

/// The one profile of a body, when it holds exactly one object (not an array): `None` for a batch.
fn one_profile(bytes: &[u8], app: &Shared) -> Option<Result<Box<Profile>, Problem>> {
    let mut items = Vec::new();
    let shape = stream_profiles(&mut &*bytes, &app.rules().refs, &mut |item| {
        if items.len() < 2 {
            items.push(item);
        }
        Ok::<(), std::convert::Infallible>(())
    });
    match (shape, items.as_slice()) {
        (Ok(Some(Shape::Values(1))), [item]) if matches!(item.place, Place::Line(_)) => {
            items.pop().map(|i| i.profile)
        }
        _ => None,
    }
}

/// What is read and dropped of a body refused as too large, so that the client reads the answer.
const DRAIN_BYTES: usize = 16 << 20;

/// The body too large for one profile: the reader's own words when its first item is too long.
fn too_large(head: &[u8], app: &Shared) -> ApiError {
    first_too_long(head, app).unwrap_or_else(|| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("profil trop long : plus de {} Mio", MAX_ITEM_BYTES >> 20),
            Some("un seul profil est attendu ici, de moins de 1 Mio"),
        )
    })
}

/// 413 with the reader's words when the first item of `head` is longer than a profile may be.
fn first_too_long(head: &[u8], app: &Shared) -> Option<ApiError> {
    let mut first = None;
    let _ = stream_profiles(&mut &*head, &app.rules().refs, &mut |item| {
        if first.is_none() {
            first = Some(item.profile.err());
        }
        Ok::<(), std::convert::Infallible>(())
    });
    match first.flatten() {
        Some(p) if p.too_long => Some(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            ..ApiError::problem(&p)
        }),
        _ => None,
    }
}

/// Whether the body begins with an object longer than one profile may be: answered 413 at once,
/// without reading the rest.
fn oversized_object(head: &body::Head) -> bool {
    head.rest.is_some()
        && head
            .bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace() && **b != 0xEF && **b != 0xBB && **b != 0xBF)
            == Some(&b'{')
}

/// `POST /api/check`: one profile (the report of `check --format json`), or a batch streamed in the
/// CLI's shapes.
pub(crate) async fn check_post(
    State(app): State<Shared>,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Response {
    match check_post_inner(app, raw, req).await {
        Ok(res) => res,
        Err(e) => e.into_response(),
    }
}

async fn check_post_inner(
    app: Shared,
    raw: Option<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let kind = body_kind(req.headers())?;
    length_known(req.headers())?;
    let q = Query::parse(raw.as_deref(), CHECK_OPTIONS)?;
    let default = if kind == Kind::Ndjson {
        Format::Ndjson
    } else {
        Format::Json
    };
    let opts = options(&app, &q, default)?;
    let flags = q.flags(&app.rules().refs)?;
    let permit = req.extensions().get::<Permit>().cloned();
    let head = body::head(req.into_body(), MAX_ITEM_BYTES)
        .await
        .map_err(|e| ApiError::body_error(&e))?;
    if kind == Kind::Json
        && oversized_object(&head)
        && let Some(err) = first_too_long(&head.bytes, &app)
    {
        body::drain(head.rest, DRAIN_BYTES).await;
        return Err(err);
    }
    if kind == Kind::Json
        && head.rest.is_none()
        && let Some(one) = one_profile(&head.bytes, &app)
    {
        let mut p = one.map_err(|p| ApiError::problem(&p))?;
        p.overlay(&flags);
        p.resolve_region(&app.rules().refs)
            .map_err(|e| ApiError::field(&e))?;
        return Ok(single(&app, opts, &p));
    }
    let args = CheckArgs {
        profil: ProfileArgs {
            values: q.flag_values(),
        },
        input: Some(if kind == Kind::Ndjson {
            "requete.ndjson".into()
        } else {
            "requete.json".into()
        }),
        format: match opts.format {
            Format::Ndjson => CheckFormat::Ndjson,
            _ => CheckFormat::Json,
        },
        date: Some(opts.date),
        all: opts.all,
        detail: opts.detail,
        jobs: None,
        rules: RulesArg::default(),
    };
    Ok(stream_check(app, args, head, permit, content_type(opts.format)).await)
}

/// A batch through the CLI's pipeline, on a blocking thread, its output streamed as it comes.
async fn stream_check(
    app: Shared,
    args: CheckArgs,
    head: body::Head,
    permit: Option<Permit>,
    content_type: &'static str,
) -> Response {
    let mut reader = body::reader(head);
    let (tx, mut rx) = mpsc::channel::<Out>(4);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut writer = ChannelWriter::new(tx);
        let result = crate::app::check_batch(&app.loaded, &args, &mut reader, &mut writer);
        writer.finish(result.map(|_| ()));
    });
    match rx.recv().await {
        Some(Out::Data(first)) => typed(body::rest_body(first, rx), content_type),
        Some(Out::Done(Err(e))) => {
            match e.fault() {
                // The one profile of the body is too long: said without its place, as a 413.
                Some(fault) if fault.kind == error::Kind::TooLong => {
                    ApiError::bad(fault.message.clone(), None, fault.suggestion.clone())
                        .with_status(StatusCode::PAYLOAD_TOO_LARGE)
                        .into_response()
                }
                _ => ApiError::from_error(&e, StatusCode::BAD_REQUEST).into_response(),
            }
        }
        Some(Out::Done(Ok(()))) | None => typed(Vec::new(), content_type),
    }
}

/// The name in a route's path, or 400 when it is not UTF-8 text.
pub(crate) fn path_text(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    p.map(|Path(t)| t).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "adresse illisible : un nom de l'adresse n'est pas du texte UTF-8",
            Some("les adresses de l'API sont décrites par /api/openapi.json"),
        )
    })
}

/// The aid of a route, or 404 with the closest id.
fn aide_of<'r>(app: &'r Shared, id: &str) -> Result<&'r crate::rules::model::Aide, ApiError> {
    crate::app::aide_arg(app.rules(), id)
        .map_err(|e| ApiError::from_error(&e, StatusCode::NOT_FOUND))
}

/// `POST /api/explain/{id}`: `explain --format json` for the profile of the body (and the query).
pub(crate) async fn explain(
    State(app): State<Shared>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Response {
    let run = async {
        let aide = aide_of(&app, &path_text(id)?)?;
        let q = Query::parse(raw.as_deref(), &["date"])?;
        let date = q.date(app.today())?;
        let flags = q.flags(&app.rules().refs)?;
        let kind = body_kind(req.headers())?;
        length_known(req.headers())?;
        let head = body::head(req.into_body(), MAX_ITEM_BYTES)
            .await
            .map_err(|e| ApiError::body_error(&e))?;
        if head.rest.is_some() {
            let err = too_large(&head.bytes, &app);
            body::drain(head.rest, DRAIN_BYTES).await;
            return Err(err);
        }
        let one = if kind == Kind::Json {
            one_profile(&head.bytes, &app)
        } else {
            None
        };
        let Some(one) = one else {
            return Err(ApiError::bad(
                "un seul profil attendu ici : un objet JSON".into(),
                None,
                Some("pour un lot de profils, utilisez POST /api/check".into()),
            ));
        };
        let mut p = one.map_err(|p| ApiError::problem(&p))?;
        p.overlay(&flags);
        p.resolve_region(&app.rules().refs)
            .map_err(|e| ApiError::field(&e))?;
        let rapport = report::evaluate(app.rules(), &p, date);
        Ok(json_of(&Explication::new(&rapport, aide)))
    };
    run.await.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/aides`: `list --format json` (`?region=` as `--region`).
pub(crate) async fn aides(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Response, ApiError> {
        let q = Query::parse(raw.as_deref(), &["region", "date"])?;
        // `region` is also a profile field, so the parser files it there: it is the one field taken.
        let asked = q
            .fields
            .iter()
            .find(|(f, _)| f.name() == "region")
            .and_then(|(_, v)| v.as_deref())
            .or_else(|| q.option("region"));
        if let Some((field, _)) = q.fields.iter().find(|(f, _)| f.name() != "region") {
            return Err(ApiError::bad(
                format!("paramètre « {} » inconnu ici", field.name()),
                Some(field.name().into()),
                Some("la liste des aides ne prend que region et date".into()),
            ));
        }
        let rules = app.rules();
        let region = match asked {
            None | Some("") => None,
            Some(r) => Some(rules.refs.region_id(r).ok_or_else(|| {
                ApiError::bad(
                    format!("région « {} » inconnue", crate::diagnostic::echo(r)),
                    Some("region".into()),
                    Some(rules.refs.region_help(r)),
                )
            })?),
        };
        let date = q.date(app.today())?;
        let liste = Liste {
            aides: catalogue::list_items(rules, region, date),
            couverture: region.and_then(|r| report::region_sans_aide(rules, r)),
        };
        Ok(json_of(&liste))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `GET /api/aides/{id}`: `show --format json`.
pub(crate) async fn aide(
    State(app): State<Shared>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    match path_text(id).and_then(|id| aide_of(&app, &id)) {
        Ok(aide) => json_of(&Fiche::new(aide, &app.rules().refs)),
        Err(e) => e.into_response(),
    }
}

/// `GET /api/schema/{profil|profil-canonique|rapport|compact}`: `aides schema`.
pub(crate) async fn schema(
    State(app): State<Shared>,
    nom: Result<Path<String>, PathRejection>,
) -> Response {
    let nom = match path_text(nom) {
        Ok(nom) => nom,
        Err(e) => return e.into_response(),
    };
    match Schema::ALL.into_iter().find(|s| s.nom() == nom) {
        Some(s) => typed(
            crate::schema::text(s, &app.rules().refs),
            "application/schema+json",
        ),
        None => ApiError {
            status: StatusCode::NOT_FOUND,
            erreur: format!("schéma « {} » inconnu", crate::diagnostic::echo(&nom)),
            champ: None,
            aide: Some("profil, rapport ou compact".into()),
        }
        .into_response(),
    }
}

/// One commune of `/api/communes`.
#[derive(Serialize)]
struct CommuneJson {
    insee: &'static str,
    nom: &'static str,
    departement: &'static str,
    codes_postaux: Vec<&'static str>,
}

/// The most communes a lookup gives.
const COMMUNES_MAX: usize = 20;

/// `GET /api/communes?q=`: the communes whose name begins with `q` (read as the CLI reads a commune:
/// case, accents, separators ignored, « St » for « Saint »), or whose INSEE or postal code does; the
/// name equal to `q` first, then the names, then the codes.
pub(crate) async fn communes(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let run = || -> Result<Response, ApiError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
        let q = pairs
            .iter()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        if q.is_empty() || q.chars().count() > 100 {
            return Err(ApiError::bad(
                "paramètre q attendu : le début d'un nom de commune ou d'un code".into(),
                Some("q".into()),
                Some("par exemple /api/communes?q=orleans ou ?q=45000".into()),
            ));
        }
        let key = crate::communes::key(q);
        let all = &app.rules().refs.communes().list;
        // The name equal to what is typed, then the names that begin with it, then the codes that
        // do; alphabetical within each (the referential has no population to rank by).
        let mut ranked: Vec<(u8, String, &crate::communes::Commune)> = all
            .iter()
            .filter_map(|c| {
                let name = crate::communes::key(c.nom);
                let rank = if !key.is_empty() && name == key {
                    0
                } else if !key.is_empty() && name.starts_with(&key) {
                    1
                } else if c.code.starts_with(q) || c.postaux.iter().any(|p| p.starts_with(q)) {
                    2
                } else {
                    return None;
                };
                Some((rank, name, c))
            })
            .collect();
        ranked.sort_by(|a, b| (a.0, &a.1, a.2.code).cmp(&(b.0, &b.1, b.2.code)));
        let found: Vec<CommuneJson> = ranked
            .into_iter()
            .take(COMMUNES_MAX)
            .map(|(_, _, c)| CommuneJson {
                insee: c.code,
                nom: c.nom,
                departement: c.departement,
                codes_postaux: c.postaux.clone(),
            })
            .collect();
        Ok(json_of(&found))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `GET /healthz`: up, with the provenance of the rules served.
pub(crate) async fn health(State(app): State<Shared>) -> Response {
    json_of(&json!({
        "statut": "ok",
        "provenance": Provenance::of(app.rules()),
    }))
}

/// `GET /api/openapi.json`.
pub(crate) async fn openapi(State(app): State<Shared>) -> Response {
    json_of(&super::openapi::document(&app.rules().refs))
}
