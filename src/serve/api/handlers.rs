//! The routes: `/api/answer` (GET and POST), `/healthz`, `/metrics`, and JSON errors for
//! every other path or method.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::{Deserialize, Serialize};

use super::engine::{Engine, Post};
use super::error::ApiError;
use super::query;
use super::state::{Loaded, Shared};

/// The router of the service, without the protective layers (see `server`).
pub fn router<E: Engine>(shared: Arc<Shared<E>>) -> Router {
    Router::new()
        .route(
            "/api/answer",
            get(answer_get::<E>)
                .post(answer_post::<E>)
                .fallback(|| async { method_not_allowed("GET, HEAD, POST") }),
        )
        .route("/healthz", get(healthz::<E>).fallback(|| async { method_not_allowed("GET, HEAD") }))
        .route("/metrics", get(metrics::<E>).fallback(|| async { method_not_allowed("GET, HEAD") }))
        .fallback(|| async { ApiError::not_found() })
        .with_state(shared)
}

fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this route answers {allow} only"),
    )
    .into_response();
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// `GET /api/answer?q=...&lang=...&top=...&id=...`: one post, one answer object.
async fn answer_get<E: Engine>(State(shared): State<Arc<Shared<E>>>, uri: Uri) -> Result<Response, ApiError> {
    let mut text = None;
    let mut lang = None;
    let mut id = None;
    let mut top = None;
    for (name, value) in query::parse(uri.query().unwrap_or(""))? {
        let slot = match name.as_str() {
            "q" => &mut text,
            "lang" => &mut lang,
            "id" => &mut id,
            "top" => &mut top,
            _ => return Err(unknown_parameter(&name, "q, lang, top and id")),
        };
        if slot.replace(value).is_some() {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("query parameter {name} is given more than once"),
            ));
        }
    }
    let top = parse_top(top.as_deref(), &shared.limits)?;
    let loaded = current(&shared)?;
    let post = Post {
        text: text.ok_or_else(|| {
            ApiError::bad_request("missing_text", "query parameter q (the post) is missing")
        })?,
        id,
        lang,
    };
    let post = validate(post, &loaded, &shared, "query parameter q")?;
    Ok(json(&answer_one(&loaded, &shared, post, top)))
}

/// A POST body: one post, or a batch under `posts`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostBody {
    text: Option<String>,
    id: Option<String>,
    lang: Option<String>,
    posts: Option<Vec<BatchPost>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchPost {
    text: Option<String>,
    id: Option<String>,
    lang: Option<String>,
}

#[derive(Serialize)]
struct Batch<A> {
    answers: Vec<A>,
}

/// `POST /api/answer[?top=N]` with `{"text", "id", "lang"}` (one answer object) or
/// `{"posts": [...]}` (`{"answers": [...]}` in the same order). A batch is refused whole if
/// one of its posts is invalid, naming that post.
async fn answer_post<E: Engine>(
    State(shared): State<Arc<Shared<E>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let mut top = None;
    for (name, value) in query::parse(uri.query().unwrap_or(""))? {
        match name.as_str() {
            "top" if top.is_none() => top = Some(value),
            "top" => {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    "query parameter top is given more than once",
                ));
            }
            _ => return Err(unknown_parameter(&name, "top (the post goes in the body)")),
        }
    }
    let top = parse_top(top.as_deref(), &shared.limits)?;
    check_content_type(&headers)?;
    let bytes = read_body(body, &headers, &shared.limits).await?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::bad_request(
            "invalid_utf8",
            format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    let request: PostBody = serde_json::from_str(text)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not a valid post: {e}")))?;
    let loaded = current(&shared)?;

    let Some(posts) = request.posts else {
        let post = Post {
            text: request.text.ok_or_else(|| {
                ApiError::bad_request(
                    "missing_text",
                    "the body has no text (send {\"text\": ...} or {\"posts\": [...]})",
                )
            })?,
            id: request.id,
            lang: request.lang,
        };
        let post = validate(post, &loaded, &shared, "text")?;
        return Ok(json(&answer_one(&loaded, &shared, post, top)));
    };

    if request.text.is_some() || request.id.is_some() || request.lang.is_some() {
        return Err(ApiError::bad_request(
            "invalid_json",
            "the body has both posts and text, id or lang; send one post or a batch",
        ));
    }
    if posts.is_empty() {
        return Err(ApiError::bad_request("empty_batch", "posts is empty"));
    }
    if posts.len() > shared.limits.max_batch {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch_too_large",
            format!("posts has {} posts; a batch holds at most {}", posts.len(), shared.limits.max_batch),
        ));
    }
    // Validate every post before answering any: a refused batch costs no answering.
    let posts = posts
        .into_iter()
        .enumerate()
        .map(|(i, post)| {
            let text = post
                .text
                .ok_or_else(|| ApiError::bad_request("missing_text", format!("posts[{i}] has no text")))?;
            let post = Post { text, id: post.id, lang: post.lang };
            validate(post, &loaded, &shared, &format!("posts[{i}].text"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let answers = posts.into_iter().map(|post| answer_one(&loaded, &shared, post, top)).collect();
    Ok(json(&Batch { answers }))
}

/// `GET /healthz`: 200 with the index version once an index is open, 503 before.
async fn healthz<E: Engine>(State(shared): State<Arc<Shared<E>>>) -> Result<Response, ApiError> {
    let loaded = current(&shared)?;
    Ok(json(&serde_json::json!({
        "status": "ok",
        "index_version": loaded.version,
    })))
}

/// `GET /metrics`: the Prometheus text format.
async fn metrics<E: Engine>(State(shared): State<Arc<Shared<E>>>) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))],
        shared.metrics.render(),
    )
        .into_response()
}

/// The index serving now, loaded once for the whole request.
fn current<E: Engine>(shared: &Shared<E>) -> Result<Arc<Loaded<E>>, ApiError> {
    shared.current.load_full().ok_or_else(ApiError::not_ready)
}

fn answer_one<E: Engine>(loaded: &Loaded<E>, shared: &Shared<E>, post: Post, top: usize) -> E::Answer {
    let answer = loaded.engine.answer(post, top);
    shared.metrics.record_decision(E::decision(&answer));
    answer
}

/// Checks a post's text and language. `what` names the text's place in the request.
fn validate<E: Engine>(
    mut post: Post,
    loaded: &Loaded<E>,
    shared: &Shared<E>,
    what: &str,
) -> Result<Post, ApiError> {
    if post.text.trim().is_empty() {
        return Err(ApiError::bad_request("missing_text", format!("{what} is empty")));
    }
    let chars = post.text.chars().count();
    if chars > shared.limits.max_text_chars {
        return Err(ApiError::bad_request(
            "text_too_long",
            format!("{what} has {chars} characters; a post holds at most {}", shared.limits.max_text_chars),
        ));
    }
    // An empty language is no language: the engine detects it.
    if post.lang.as_deref() == Some("") {
        post.lang = None;
    }
    if let Some(lang) = &post.lang
        && !loaded.engine.knows_lang(lang)
    {
        return Err(ApiError::bad_request(
            "unknown_lang",
            format!(
                "lang {} is not a language of the index; leave it out to detect the language",
                query::printable(lang)
            ),
        ));
    }
    Ok(post)
}

fn parse_top(raw: Option<&str>, limits: &super::state::Limits) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(limits.default_top);
    };
    match raw.parse::<usize>() {
        Ok(top) if (1..=limits.max_top).contains(&top) => Ok(top),
        _ => Err(ApiError::bad_request(
            "invalid_top",
            format!("top must be a whole number from 1 to {}, not {}", limits.max_top, query::printable(raw)),
        )),
    }
}

fn unknown_parameter(name: &str, known: &str) -> ApiError {
    ApiError::bad_request(
        "invalid_query",
        format!("unknown query parameter {}; this route takes {known}", query::printable(name)),
    )
}

/// A body must be JSON; a missing Content-Type is taken as JSON (curl-style clients).
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = value.to_str().unwrap_or("").split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        ))
    }
}

/// Reads the body within the size and time limits.
async fn read_body(
    body: Body,
    headers: &HeaderMap,
    limits: &super::state::Limits,
) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is over {} bytes; send fewer or shorter posts", limits.max_body_bytes),
        )
    };
    // Refuse a declared oversized body before reading any of it.
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return Err(too_large());
    }
    match tokio::time::timeout(limits.body_timeout, axum::body::to_bytes(body, limits.max_body_bytes)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => {
            let over_limit = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if over_limit {
                Err(too_large())
            } else {
                Err(ApiError::bad_request("invalid_body", "the body could not be read to its end"))
            }
        }
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!("the body was not received within {} s", limits.body_timeout.as_secs_f64()),
        )),
    }
}

/// A JSON response of a serialisable value.
fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => {
            ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
        }
        Err(error) => {
            tracing::error!("an answer could not be serialised: {error}");
            ApiError::internal().into_response()
        }
    }
}
