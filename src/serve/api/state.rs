//! What every request shares: the index serving now, the limits and the metrics.

use std::time::Duration;

use arc_swap::ArcSwapOption;

use super::engine::Engine;
use super::metrics::Metrics;

/// Limits that keep one client or one request from holding the service.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest post, in characters (Unicode scalar values).
    pub max_text_chars: usize,
    /// Most posts in one batch.
    pub max_batch: usize,
    /// Results per answer when the request does not say (`top`): as `guichet ask`.
    pub default_top: usize,
    /// Most results per answer a request may ask for.
    pub max_top: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Time a client has to send a request's headers (also closes idle kept-alive connections).
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_timeout: Duration,
    /// Time from request to response.
    pub request_timeout: Duration,
    /// Requests handled at once; more are refused at once with 503 rather than queued.
    pub max_in_flight: usize,
    /// Open connections; more wait in the kernel's accept queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_text_chars: 4000,
            max_batch: 100,
            default_top: crate::answer::ask::DEFAULT_TOP,
            max_top: 20,
            // 100 posts of 4,000 characters, with room for multi-byte characters and escapes.
            max_body_bytes: 2 * 1024 * 1024,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            max_in_flight: 1024,
            max_connections: 4096,
        }
    }
}

/// An opened index and what identifies it.
pub struct Loaded<E> {
    pub engine: E,
    pub version: String,
}

/// State shared by every request and the reloader.
pub struct Shared<E> {
    /// The index serving now; `None` until the first one opens. A request loads it once, so
    /// it sees one index from start to end even if a new one is swapped in meanwhile.
    pub current: ArcSwapOption<Loaded<E>>,
    pub metrics: Metrics,
    pub limits: Limits,
}

impl<E: Engine> Shared<E> {
    pub fn new(limits: Limits) -> Shared<E> {
        Shared { current: ArcSwapOption::empty(), metrics: Metrics::default(), limits }
    }
}
