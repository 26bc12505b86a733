//! `aides serve`: the web page for physicians and the HTTP API for advisors' systems, from the same core
//! and the same rule set as the CLI (SPEC §7). This module owns the process side: the address, the
//! accept loop (header size and header time bounded by hyper), the limits and security headers every
//! response goes through, the log line of each request, and the clean stop on Ctrl-C or SIGTERM. The
//! routes are in `api` (JSON) and `pages` (HTML); the profile in a query string is read by `query`.
//! Nothing here knows an aid, a question or a wording: they come from the library.

// The shell of the server: sockets, signals, the clock and stderr are its job (clippy.toml).
#![allow(clippy::disallowed_methods)]

mod answer;
mod api;
mod body;
mod openapi;
mod pages;
mod query;

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use crate::cli::ServeArgs;
use crate::error::{Context, Error, Result};
use crate::exit::ExitCode;
use crate::rules::Loaded;
use crate::rules::model::RuleSet;

/// Requests handled at once; beyond, 503 at once rather than a queue that grows.
const CONCURRENCY: usize = 64;
/// The longest a request may take to get its answer (a streamed batch: between two pieces of input).
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// The longest wait for requests in flight after Ctrl-C.
const SHUTDOWN_TIME: Duration = Duration::from_secs(10);
/// The longest path and query (bytes); hyper bounds the whole head with `HEAD_BYTES`.
const URI_BYTES: usize = 8 * 1024;
/// Request line and headers together.
const HEAD_BYTES: usize = 16 * 1024;

/// What every handler shares.
pub(crate) struct App {
    pub(crate) loaded: Loaded,
    /// `--date`, else today at each request.
    pub(crate) date: Option<NaiveDate>,
    permits: Arc<Semaphore>,
}

impl App {
    pub(crate) fn rules(&self) -> &RuleSet {
        &self.loaded.rules
    }

    /// The reference date when the request gives none.
    pub(crate) fn today(&self) -> NaiveDate {
        self.date
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }
}

type Shared = Arc<App>;

/// `aides serve`: listens until Ctrl-C or SIGTERM.
///
/// # Errors
/// Unusable rules, an address that cannot be read or bound.
pub fn run(args: &ServeArgs) -> Result<ExitCode> {
    let loaded = crate::app::load(&args.rules)?;
    let addr = address(&args.listen)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io {
            path: "serveur".into(),
            source,
        })?;
    let app = Arc::new(App {
        loaded,
        date: args.date,
        permits: Arc::new(Semaphore::new(CONCURRENCY)),
    });
    runtime.block_on(serve(app, addr))?;
    // Blocking tasks of batches cut short do not hold the process.
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(ExitCode::Success)
}

fn address(listen: &str) -> Result<SocketAddr> {
    let bad = || {
        Error::usage(
            Some(Context::Arg("option --listen".into())),
            format!("adresse « {} » illisible", crate::diagnostic::echo(listen)),
            "une adresse IP et un port, par exemple 127.0.0.1:8080 (port 0 : un port libre)",
        )
    };
    listen
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}

/// The routes, with the limits and headers around them.
pub(crate) fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(pages::questionnaire))
        .route("/reponse", get(pages::reponse))
        .route("/aides", get(pages::catalogue))
        .route("/aides/{id}", get(pages::aide))
        .route("/static/aides.css", get(pages::css))
        .route("/static/aides.svg", get(pages::icon))
        .route("/favicon.ico", get(pages::icon))
        .route("/static/communes.js", get(pages::communes_js))
        .route("/api/check", post(api::check_post).get(api::check_get))
        .route("/api/explain/{id}", post(api::explain))
        .route("/api/aides", get(api::aides))
        .route("/api/aides/{id}", get(api::aide))
        .route("/api/schema/{nom}", get(api::schema))
        .route("/api/communes", get(api::communes))
        .route("/api/openapi.json", get(api::openapi))
        .route("/healthz", get(api::health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// A bug, answered as such rather than by a closed connection.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    api::ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "erreur interne du serveur",
        Some("c'est un défaut d'aides : signalez-le avec l'adresse demandée"),
    )
    .into_response()
}

async fn not_found(req: Request) -> Response {
    if for_browser(req.uri().path()) {
        pages::not_found()
    } else {
        api::ApiError::new(
            StatusCode::NOT_FOUND,
            "adresse inconnue de l'API",
            Some("les adresses de l'API sont décrites par /api/openapi.json"),
        )
        .into_response()
    }
}

async fn method_not_allowed(req: Request) -> Response {
    let path = req.uri().path();
    let help = if for_browser(path) {
        "les pages s'ouvrent avec un lien ou l'adresse tapée dans le navigateur (GET)"
    } else {
        "les méthodes de chaque adresse sont décrites par /api/openapi.json"
    };
    refuse(
        path,
        api::ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            &format!("méthode {} non acceptée ici", req.method()),
            Some(help),
        ),
    )
}

/// Whether a path is a page for people (answered in HTML), not the API (answered in JSON).
pub(crate) fn for_browser(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/") || path == "/healthz")
}

/// An error as the route's reader takes it: a French page with a way back for a browser route,
/// `{ "erreur", … }` for the API.
pub(crate) fn refuse(path: &str, e: api::ApiError) -> Response {
    if for_browser(path) {
        pages::error_page(&e)
    } else {
        e.into_response()
    }
}

/// Around every request: the URI bound, the concurrency bound (503 beyond), the time bound, the
/// security headers, and the log line (never the query: it may hold a profile).
async fn guard(State(app): State<Shared>, mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path: String = req.uri().path().chars().take(200).collect();
    let uri_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    let mut res = if uri_len > URI_BYTES {
        refuse(
            &path,
            api::ApiError::new(
                StatusCode::URI_TOO_LONG,
                "adresse trop longue",
                Some(
                    "un profil tient en quelques centaines de caractères ; pour un lot, envoyez-le en POST à /api/check",
                ),
            ),
        )
    } else if let Ok(permit) = app.permits.clone().try_acquire_owned() {
        // A streamed batch takes the permit with it, so that it counts until its end.
        req.extensions_mut().insert(Permit(Arc::new(permit)));
        match tokio::time::timeout(REQUEST_TIME, next.run(req)).await {
            Ok(res) => res,
            Err(_) => refuse(
                &path,
                api::ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "délai de 10 secondes dépassé",
                    Some(
                        "envoyez la requête en entier, sans pause ; un lot se découpe en plusieurs requêtes",
                    ),
                ),
            ),
        }
    } else {
        refuse(
            &path,
            api::ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "serveur occupé : trop de requêtes à la fois",
                Some("réessayez dans un instant"),
            ),
        )
    };
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let ms = start.elapsed().as_millis();
    let line = format!(
        "{method} {} {} {ms} ms\n",
        crate::diagnostic::echo(&path),
        res.status().as_u16()
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    res
}

/// The request's place among the concurrent ones.
#[derive(Clone)]
pub(crate) struct Permit(#[allow(dead_code)] Arc<tokio::sync::OwnedSemaphorePermit>);

/// Accepts connections until a stop signal, then waits for those in flight (at most `SHUTDOWN_TIME`).
async fn serve(app: Shared, addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Io {
            path: format!("--listen {addr}"),
            source,
        })?;
    let local = listener.local_addr().map_err(|source| Error::Io {
        path: format!("--listen {addr}"),
        source,
    })?;
    let _ = writeln!(
        std::io::stderr(),
        "aides : page sur http://{local} — Ctrl-C pour arrêter"
    );
    let router = router(app);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(REQUEST_TIME)
        .max_buf_size(HEAD_BYTES);
    let mut stop = std::pin::pin!(stop_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of file descriptors, most likely: let connections close.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let service = TowerToHyperService::new(router.clone());
                let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    let _ = writeln!(
        std::io::stderr(),
        "aides : arrêt demandé, fin des requêtes en cours (10 s au plus)"
    );
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_TIME) => {}
    }
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
