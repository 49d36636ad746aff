//! The HTTP server: protective layers around the router, the accept loop with its connection
//! limit and header timeout, and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;

use super::engine::Engine;
use super::error::ApiError;
use super::handlers;
use super::metrics::Route;
use super::state::Shared;

/// How long in-flight requests get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(30);

/// The router wrapped, from the outside in, in: metrics and access log; errors of the layers
/// below turned into JSON; load shedding at `max_in_flight` requests; the request timeout; and
/// panic catching (a panicking request gets a JSON 500, the service goes on).
pub fn app<E: Engine>(
    shared: Arc<Shared<E>>,
) -> impl Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static {
    let limits = &shared.limits;
    ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(shared.clone(), observe::<E>))
        .layer(HandleErrorLayer::new(layer_error))
        .load_shed()
        .concurrency_limit(limits.max_in_flight)
        .timeout(limits.request_timeout)
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            // The panic message is not logged: it may quote a post. The panic hook of `run`
            // logs where it happened.
            tracing::error!("a request panicked; answered 500");
            ApiError::internal().into_response()
        }))
        .service(handlers::router(shared))
}

async fn layer_error(error: BoxError) -> ApiError {
    if error.is::<tower::load_shed::error::Overloaded>() {
        ApiError::overloaded()
    } else if error.is::<tower::timeout::error::Elapsed>() {
        ApiError::timeout()
    } else {
        tracing::error!("request failed: {error}");
        ApiError::internal()
    }
}

/// Counts every request by route and status and times it. Logs method, route and status
/// only: never the query string or body, which carry the post.
async fn observe<E: Engine>(State(shared): State<Arc<Shared<E>>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = Route::of_path(request.uri().path());
    let method = request.method().clone();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status();
    shared.metrics.record_request(route, status.as_u16(), elapsed);
    if status.is_server_error() {
        tracing::warn!(%method, route = ?route, status = status.as_u16(), ?elapsed, "request failed");
    } else {
        tracing::debug!(%method, route = ?route, status = status.as_u16(), ?elapsed, "request");
    }
    response
}

/// Serves HTTP/1.1 on `listener` until `shutdown` completes, then stops accepting, lets
/// in-flight requests finish (closing idle connections) and returns.
pub async fn serve_connections<S>(
    listener: TcpListener,
    app: S,
    max_connections: usize,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send,
) where
    S: Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static,
{
    let mut http = hyper::server::conn::http1::Builder::new();
    // The header timeout also ends connections kept alive but idle, so slow or silent
    // clients cannot hold connections.
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!("accepting a connection failed: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(
            app.clone().map_request(|request: hyper::Request<Incoming>| request.map(Body::new)),
        );
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Connection errors (client gone, header timeout, bad HTTP) concern one client.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing in-flight requests");
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections did not finish within {DRAIN:?}; closing them");
    }
}
