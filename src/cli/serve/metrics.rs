//! `/metrics`: request counts by endpoint and status, a latency histogram per endpoint,
//! and sentences classified per model, in Prometheus's text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    sentences: BTreeMap<String, u64>,
    classify_requests: BTreeMap<String, u64>,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut inner)
    }

    /// Count one answered request.
    pub fn request(&self, endpoint: &str, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        self.with(|m| {
            *m.requests
                .entry((endpoint.to_string(), status))
                .or_default() += 1;
            let h = m.latency.entry(endpoint.to_string()).or_default();
            for (count, bound) in h.counts.iter_mut().zip(BUCKETS) {
                if secs <= bound {
                    *count += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        });
    }

    /// Count one successful classification by `model` of `sentences` sentences.
    pub fn classified(&self, model: &str, sentences: usize) {
        self.with(|m| {
            *m.sentences.entry(model.to_string()).or_default() += sentences as u64;
            *m.classify_requests.entry(model.to_string()).or_default() += 1;
        });
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        self.with(|m| {
            let mut s = String::new();
            let _ = writeln!(s, "# HELP factop_requests_total HTTP requests answered, by endpoint and status.");
            let _ = writeln!(s, "# TYPE factop_requests_total counter");
            for ((endpoint, status), n) in &m.requests {
                let _ = writeln!(s, "factop_requests_total{{endpoint=\"{endpoint}\",status=\"{status}\"}} {n}");
            }
            let _ = writeln!(s, "# HELP factop_request_errors_total HTTP requests answered with a 4xx or 5xx status, by endpoint.");
            let _ = writeln!(s, "# TYPE factop_request_errors_total counter");
            let mut errors: BTreeMap<&str, u64> = BTreeMap::new();
            for ((endpoint, status), n) in &m.requests {
                if *status >= 400 {
                    *errors.entry(endpoint).or_default() += n;
                }
            }
            for (endpoint, n) in errors {
                let _ = writeln!(s, "factop_request_errors_total{{endpoint=\"{endpoint}\"}} {n}");
            }
            let _ = writeln!(s, "# HELP factop_request_duration_seconds Time to answer a request, by endpoint.");
            let _ = writeln!(s, "# TYPE factop_request_duration_seconds histogram");
            for (endpoint, h) in &m.latency {
                for (count, bound) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(s, "factop_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"{bound}\"}} {count}");
                }
                let _ = writeln!(s, "factop_request_duration_seconds_bucket{{endpoint=\"{endpoint}\",le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(s, "factop_request_duration_seconds_sum{{endpoint=\"{endpoint}\"}} {}", h.sum);
                let _ = writeln!(s, "factop_request_duration_seconds_count{{endpoint=\"{endpoint}\"}} {}", h.count);
            }
            let _ = writeln!(s, "# HELP factop_classify_requests_total Successful classify requests, by model.");
            let _ = writeln!(s, "# TYPE factop_classify_requests_total counter");
            for (model, n) in &m.classify_requests {
                let _ = writeln!(s, "factop_classify_requests_total{{model=\"{model}\"}} {n}");
            }
            let _ = writeln!(s, "# HELP factop_sentences_classified_total Sentences classified, by model.");
            let _ = writeln!(s, "# TYPE factop_sentences_classified_total counter");
            for (model, n) in &m.sentences {
                let _ = writeln!(s, "factop_sentences_classified_total{{model=\"{model}\"}} {n}");
            }
            s
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histogram_render_in_prometheus_text() {
        let m = Metrics::default();
        m.request("/v1/classify", 200, Duration::from_millis(3));
        m.request("/v1/classify", 200, Duration::from_millis(300));
        m.request("/v1/classify", 404, Duration::from_micros(200));
        m.classified("factop-en", 22);
        let text = m.render();
        for line in [
            "factop_requests_total{endpoint=\"/v1/classify\",status=\"200\"} 2",
            "factop_requests_total{endpoint=\"/v1/classify\",status=\"404\"} 1",
            "factop_request_errors_total{endpoint=\"/v1/classify\"} 1",
            "factop_request_duration_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.001\"} 1",
            "factop_request_duration_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.005\"} 2",
            "factop_request_duration_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.5\"} 3",
            "factop_request_duration_seconds_bucket{endpoint=\"/v1/classify\",le=\"+Inf\"} 3",
            "factop_request_duration_seconds_count{endpoint=\"/v1/classify\"} 3",
            "factop_sentences_classified_total{model=\"factop-en\"} 22",
            "factop_classify_requests_total{model=\"factop-en\"} 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
    }
}
