//! The HTTP floor of `benches/serve.sh`: the same stack as `aides serve` (axum on tokio, hyper's HTTP/1)
//! doing the least a JSON API can do: `POST /` parses the body as JSON with `serde_json` and writes it
//! back. `aides serve` is measured against it, on the same machine, in the same run.
//!
//! Usage: `cargo run --release --example serve_floor -- 127.0.0.1:0` (prints its address on stderr;
//! stops by itself after 120 s, or on Ctrl-C).

// An example binary: it reads its arguments and writes to stderr (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::io::Write as _;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;

async fn echo(body: Bytes) -> impl IntoResponse {
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(v) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_vec(&v).unwrap_or_default(),
        ),
        Err(_) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            b"{\"erreur\":\"JSON illisible\"}".to_vec(),
        ),
    }
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        let _ = writeln!(
            std::io::stderr(),
            "floor on http://{}",
            listener.local_addr()?
        );
        let app = Router::new().route("/", post(echo));
        let stop = async {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                () = tokio::time::sleep(Duration::from_mins(2)) => {}
            }
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
    })
}
