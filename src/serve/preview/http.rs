//! The preview's HTTP side: the rendered files (with the error overlay while a rebuild
//! fails), the reload events, the rebuild status and the answer endpoint.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use futures_util::{Stream, StreamExt, stream};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use super::answers::Answers;
use super::client;
use crate::diagnostics::Diagnostics;

/// What the rebuild thread and the request handlers share.
pub struct Shared {
    /// The folder whose files are served.
    pub dir: RwLock<PathBuf>,
    pub status: RwLock<Status>,
    /// `reload` events for the browsers (JSON data).
    pub reload: broadcast::Sender<String>,
    /// Turns `true` when the server stops, to end the event streams.
    pub stopping: watch::Receiver<bool>,
    pub answers: Answers,
}

/// The outcome of the last rebuild, served at `/__guichet/status`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Status {
    /// Rebuilds finished so far, good or not.
    pub generation: u64,
    /// Problems of the last rebuild; empty when it succeeded.
    pub errors: Diagnostics,
    /// Files written by the last successful rebuild, as site paths (`/fr/a/index.html`).
    pub written: Vec<String>,
    /// Files deleted by the last successful rebuild.
    pub removed: Vec<String>,
    /// Whether the last successful rebuild rendered everything.
    pub full: bool,
}

/// Data of a `reload` event: the page that changed and its first changed question, if one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reload {
    pub generation: u64,
    pub path: Option<String>,
    pub anchor: Option<String>,
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(client::EVENTS_PATH, get(events))
        .route("/__guichet/status", get(status))
        .route("/api/answer", get(answer))
        .fallback(get(file))
        .with_state(shared)
}

async fn status(State(shared): State<Arc<Shared>>) -> Response {
    let status = shared.status.read().map(|s| s.clone()).unwrap_or_default();
    axum::Json(status).into_response()
}

/// Server-sent events: one `hello` on connection, then a `reload` after each rebuild.
async fn events(State(shared): State<Arc<Shared>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = shared.reload.subscribe();
    let mut stopping = shared.stopping.clone();
    let hello = stream::once(async { Ok(Event::default().event("hello").data("{}")) });
    let reloads = stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(data) => return Some((Ok(Event::default().event("reload").data(data)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let stop = async move {
        let _ = stopping.wait_for(|s| *s).await;
    };
    Sse::new(hello.chain(reloads).take_until(Box::pin(stop))).keep_alive(KeepAlive::default())
}

#[derive(Deserialize)]
struct AnswerQuery {
    q: Option<String>,
    lang: Option<String>,
    top: Option<usize>,
}

/// `/api/answer?q=...[&lang=fr][&top=5]`: what the bot would reply, as `ask --json` prints it.
async fn answer(State(shared): State<Arc<Shared>>, Query(query): Query<AnswerQuery>) -> Response {
    let Some(q) = query.q.filter(|q| !q.trim().is_empty()) else {
        return (StatusCode::BAD_REQUEST, "missing `q`: /api/answer?q=your+question\n").into_response();
    };
    let top = query.top.unwrap_or(crate::answer::ask::DEFAULT_TOP).clamp(1, 50);
    // May wait for the answerer to be opened again after an edit: off the async workers.
    let answered = tokio::task::spawn_blocking(move || shared.answers.answer(&q, query.lang, top)).await;
    match answered.map_err(anyhow::Error::from).and_then(|a| a) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e:#}\n")).into_response(),
    }
}

/// A rendered file. Folders get their `index.html`; HTML gets the error overlay while the
/// last rebuild failed.
async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let dir = shared.dir.read().map(|d| d.clone()).unwrap_or_default();
    let errors = shared.status.read().map(|s| s.errors.clone()).unwrap_or_default();
    let Some(rel) = safe_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    let mut path = dir.join(&rel);
    if path.is_dir() {
        if !uri.path().ends_with('/') {
            return Redirect::permanent(&format!("{}/", uri.path())).into_response();
        }
        path = path.join("index.html");
    }
    let (status, path) =
        if path.is_file() { (StatusCode::OK, path) } else { (StatusCode::NOT_FOUND, dir.join("404.html")) };
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        // Nothing built yet (or a rebuild swapped folders): still show the errors and reload.
        Err(_) => {
            let page = client::bare_page(&errors);
            return (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response();
        }
    };
    let mime = content_type(&path);
    let body = if mime.starts_with("text/html") && errors.has_errors() {
        client::insert_before_body_end(&String::from_utf8_lossy(&bytes), &client::overlay(&errors))
            .into_bytes()
    } else {
        bytes
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // The preview changes under the browser's feet: never reuse a copy.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The request path as a relative file path, refusing anything that leaves the folder.
fn safe_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    rel.components().all(|c| matches!(c, Component::Normal(_))).then(|| rel.to_path_buf())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|x| x.to_str()).unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        assert_eq!(safe_path("/fr/a/"), Some(PathBuf::from("fr/a")));
        assert_eq!(safe_path("/fr/%C3%A9t%C3%A9/"), Some(PathBuf::from("fr/été")));
        assert_eq!(safe_path("/fr/../../etc/passwd"), None);
        assert_eq!(safe_path("/%2e%2e/x"), None);
        assert_eq!(safe_path("/"), Some(PathBuf::new()));
    }
}
