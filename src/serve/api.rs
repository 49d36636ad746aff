//! `guichet api`: the HTTP answer service that reply bots query.
//!
//! Routes: `GET /api/answer?q=&lang=&top=&id=`, `POST /api/answer` (one post or a batch),
//! `GET /healthz`, `GET /metrics`. Answers are the objects `guichet ask --json` prints; errors
//! are JSON with a 4xx or 5xx status. A newly published index is picked up without restart
//! (see [`reload`]); each request is answered from one index.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

mod answerer;
pub mod engine;
pub mod error;
mod handlers;
pub mod metrics;
mod query;
pub mod reload;
mod server;
pub mod state;

pub use engine::{Decision, Engine, Post};
pub use error::ApiError;
pub use state::Limits;

/// Command-line options of `guichet api`.
#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// Root of the knowledge base; the index is `<root>/.guichet/index` unless `index` is set.
    pub root: PathBuf,
    pub index: Option<PathBuf>,
    /// Address to listen on (default `127.0.0.1:8787`).
    pub listen: SocketAddr,
}

/// What a running service needs besides its listener.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The folder `guichet build` publishes the index into.
    pub index_dir: PathBuf,
    /// How often the index folder is looked at even without a file-system event.
    pub poll: Duration,
    pub limits: Limits,
}

impl ServiceConfig {
    pub fn new(index_dir: PathBuf) -> ServiceConfig {
        ServiceConfig { index_dir, poll: Duration::from_millis(500), limits: Limits::default() }
    }
}

/// Serves the answer API on `listener` with engine `E` until `shutdown` completes, then lets
/// in-flight requests finish and returns. Starts serving at once: until the index opens,
/// `/healthz` and `/api/answer` answer 503.
pub async fn serve<E: Engine>(
    listener: TcpListener,
    config: ServiceConfig,
    shutdown: impl Future<Output = ()> + Send,
) {
    let shared = Arc::new(state::Shared::<E>::new(config.limits.clone()));
    let reloader = tokio::spawn(reload::run(shared.clone(), config.index_dir.clone(), config.poll));
    server::serve_connections(
        listener,
        server::app(shared),
        config.limits.max_connections,
        config.limits.header_timeout,
        shutdown,
    )
    .await;
    reloader.abort();
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Runs `guichet api` with the answer index (see [`run_with`]).
pub fn run(opts: ApiOptions) -> anyhow::Result<()> {
    run_with::<crate::answer::Answerer>(opts)
}

/// Runs `guichet api` to the end: builds its own multi-threaded tokio runtime (so call it from
/// plain, non-async code), serves until SIGTERM or Ctrl-C, and returns once in-flight requests
/// have finished. Fails only if the address cannot be bound.
pub fn run_with<E: Engine>(opts: ApiOptions) -> anyhow::Result<()> {
    init_logging();
    let index_dir = opts.index.unwrap_or_else(|| opts.root.join(".guichet").join("index"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = TcpListener::bind(opts.listen)
            .await
            .with_context(|| format!("cannot listen on {}", opts.listen))?;
        tracing::info!(
            address = %listener.local_addr()?,
            index = %index_dir.display(),
            "answer API listening"
        );
        serve::<E>(listener, ServiceConfig::new(index_dir), shutdown_signal()).await;
        tracing::info!("answer API stopped");
        Ok(())
    })
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`), and panics as [`install_panic_hook`].
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Already set when a caller installed its own subscriber: keep that one.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only on a terminal: log files and collectors get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    install_panic_hook();
}

/// Logs panics through `tracing` by location only, instead of printing their message: a panic
/// message may quote a post, which may carry a social insurance number. Process-wide.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_else(|| "an unknown place".to_owned());
        tracing::error!("panic at {location} (message withheld: it may quote a post)");
    }));
}
