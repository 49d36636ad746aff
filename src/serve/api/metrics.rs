//! Counters and a latency histogram, exposed in the Prometheus text format (version 0.0.4).
//!
//! Everything is a lock-free atomic so that counting costs a few nanoseconds on the hot path;
//! the label sets are small and fixed (four routes, HTTP status codes, three decisions).

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use super::engine::Decision;

/// The routes requests are counted under (a fixed set, so unknown paths cannot grow the
/// label space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Answer,
    Healthz,
    Metrics,
    Other,
}

impl Route {
    const ALL: [Route; 4] = [Route::Answer, Route::Healthz, Route::Metrics, Route::Other];

    pub fn of_path(path: &str) -> Route {
        match path {
            "/api/answer" => Route::Answer,
            "/healthz" => Route::Healthz,
            "/metrics" => Route::Metrics,
            _ => Route::Other,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Route::Answer => "/api/answer",
            Route::Healthz => "/healthz",
            Route::Metrics => "/metrics",
            Route::Other => "other",
        }
    }
}

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 16] =
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
const STATUSES: usize = 500; // 100..=599

#[derive(Default)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last slot is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
    count: AtomicU64,
}

/// The service's metrics.
pub struct Metrics {
    /// `Route::ALL.len() * STATUSES` counters.
    requests: Vec<AtomicU64>,
    latency: [Histogram; 4],
    decisions: [AtomicU64; 3],
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    /// Version of the index currently serving, if any.
    index_version: Mutex<Option<String>>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            requests: (0..Route::ALL.len() * STATUSES).map(|_| AtomicU64::new(0)).collect(),
            latency: Default::default(),
            decisions: Default::default(),
            reloads_ok: AtomicU64::new(0),
            reloads_failed: AtomicU64::new(0),
            index_version: Mutex::new(None),
        }
    }
}

impl Metrics {
    /// Counts one finished request.
    pub fn record_request(&self, route: Route, status: u16, elapsed: Duration) {
        let status = usize::from(status.clamp(100, 599)) - 100;
        self.requests[route as usize * STATUSES + status].fetch_add(1, Relaxed);
        let histogram = &self.latency[route as usize];
        let seconds = elapsed.as_secs_f64();
        let bucket = BUCKETS.iter().position(|&bound| seconds <= bound).unwrap_or(BUCKETS.len());
        histogram.buckets[bucket].fetch_add(1, Relaxed);
        histogram.sum_nanos.fetch_add(elapsed.as_nanos().min(u64::MAX as u128) as u64, Relaxed);
        histogram.count.fetch_add(1, Relaxed);
    }

    pub fn record_decision(&self, decision: Decision) {
        self.decisions[decision as usize].fetch_add(1, Relaxed);
    }

    pub fn record_reload(&self, ok: bool) {
        if ok {
            self.reloads_ok.fetch_add(1, Relaxed);
        } else {
            self.reloads_failed.fetch_add(1, Relaxed);
        }
    }

    pub fn set_index_version(&self, version: &str) {
        *self.index_version.lock().unwrap_or_else(|e| e.into_inner()) = Some(version.to_owned());
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str(
            "# HELP guichet_api_requests_total HTTP requests answered, by route and status.\n\
             # TYPE guichet_api_requests_total counter\n",
        );
        for route in Route::ALL {
            for status in 0..STATUSES {
                let n = self.requests[route as usize * STATUSES + status].load(Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "guichet_api_requests_total{{route=\"{}\",status=\"{}\"}} {n}",
                        route.label(),
                        status + 100
                    );
                }
            }
        }

        out.push_str(
            "# HELP guichet_api_request_duration_seconds Time from request to response head, by route.\n\
             # TYPE guichet_api_request_duration_seconds histogram\n",
        );
        for route in Route::ALL {
            let histogram = &self.latency[route as usize];
            let label = route.label();
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += histogram.buckets[i].load(Relaxed);
                let _ = writeln!(
                    out,
                    "guichet_api_request_duration_seconds_bucket{{route=\"{label}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += histogram.buckets[BUCKETS.len()].load(Relaxed);
            let _ = writeln!(
                out,
                "guichet_api_request_duration_seconds_bucket{{route=\"{label}\",le=\"+Inf\"}} {cumulative}\n\
                 guichet_api_request_duration_seconds_sum{{route=\"{label}\"}} {}\n\
                 guichet_api_request_duration_seconds_count{{route=\"{label}\"}} {}",
                histogram.sum_nanos.load(Relaxed) as f64 / 1e9,
                histogram.count.load(Relaxed)
            );
        }

        out.push_str(
            "# HELP guichet_api_answers_total Posts answered, by decision.\n\
             # TYPE guichet_api_answers_total counter\n",
        );
        for decision in Decision::ALL {
            let _ = writeln!(
                out,
                "guichet_api_answers_total{{decision=\"{}\"}} {}",
                decision.as_str(),
                self.decisions[decision as usize].load(Relaxed)
            );
        }

        let _ = writeln!(
            out,
            "# HELP guichet_api_index_reloads_total Attempts to open a newly published index.\n\
             # TYPE guichet_api_index_reloads_total counter\n\
             guichet_api_index_reloads_total{{result=\"ok\"}} {}\n\
             guichet_api_index_reloads_total{{result=\"failed\"}} {}",
            self.reloads_ok.load(Relaxed),
            self.reloads_failed.load(Relaxed)
        );

        out.push_str(
            "# HELP guichet_api_index_info The index serving answers (value 1), by version.\n\
             # TYPE guichet_api_index_info gauge\n",
        );
        if let Some(version) = &*self.index_version.lock().unwrap_or_else(|e| e.into_inner()) {
            let _ = writeln!(out, "guichet_api_index_info{{version=\"{}\"}} 1", escape_label(version));
        }
        out
    }
}

/// Escapes a label value as the text format requires.
fn escape_label(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_count_everything() {
        let metrics = Metrics::default();
        metrics.record_request(Route::Answer, 200, Duration::from_micros(80));
        metrics.record_request(Route::Answer, 200, Duration::from_millis(3));
        metrics.record_request(Route::Answer, 400, Duration::from_secs(60));
        let text = metrics.render();
        assert!(text.contains("guichet_api_requests_total{route=\"/api/answer\",status=\"200\"} 2\n"));
        assert!(text.contains("guichet_api_requests_total{route=\"/api/answer\",status=\"400\"} 1\n"));
        assert!(text.contains(
            "guichet_api_request_duration_seconds_bucket{route=\"/api/answer\",le=\"0.0001\"} 1\n"
        ));
        assert!(
            text.contains(
                "guichet_api_request_duration_seconds_bucket{route=\"/api/answer\",le=\"0.005\"} 2\n"
            )
        );
        assert!(
            text.contains(
                "guichet_api_request_duration_seconds_bucket{route=\"/api/answer\",le=\"+Inf\"} 3\n"
            )
        );
        assert!(text.contains("guichet_api_request_duration_seconds_count{route=\"/api/answer\"} 3\n"));
    }

    #[test]
    fn index_version_is_escaped() {
        let metrics = Metrics::default();
        metrics.set_index_version("a\"b");
        assert!(metrics.render().contains("guichet_api_index_info{version=\"a\\\"b\"} 1\n"));
    }
}
