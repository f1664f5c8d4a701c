//! `factop serve`: the built-in models kept loaded behind a JSON API and a page where a
//! journalist pastes an article and reads it highlighted.
//!
//! A thin layer over the library, as the command line is: handlers parse the request,
//! classify through the same [`factop::stream`] and [`factop::model::Classifier`] calls
//! as `classify`, and write the same JSON (the `classify --format json` writer itself).
//! Limits are tower layers: the body limit, the per-request time limit, and admission
//! (at most `--concurrency` requests classifying and `--queue` waiting; beyond that,
//! 503 with `Retry-After`). Classification runs on tokio's blocking threads, at most
//! `--concurrency` at once (a semaphore whose permit travels with the work), never on
//! the async threads. Every error is JSON `{"error": "..."}`.

mod metrics;

use crate::cli::args::ServeArgs;
use crate::cli::output::{self, Document, ModelInfo};
use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use factop::language::detect::detect;
use factop::language::Language;
use factop::model::builtin::{is_path, AutoPick, Builtin, BUILTINS};
use factop::model::{Classifier, ScoreBuffers, Summary};
use factop::stream::{classify_reader_threads, StreamOptions};
use metrics::Metrics;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;

/// The page, self-contained (no CDN, no external fonts).
const PAGE: &str = include_str!("page.html");
/// The OpenAPI 3.1 description of the endpoints.
const OPENAPI: &str = include_str!("openapi.json");
/// Bytes of a text the language is told from under `"model": "auto"`.
const DETECT_BYTES: usize = 4096;

/// One model the server offers.
struct Offered {
    builtin: &'static Builtin,
    /// Loaded, or why it is not available.
    model: Result<Arc<Classifier>, String>,
}

/// What every request shares: the offered models, the classification pool, metrics
/// and limits.
pub struct AppState {
    offered: Vec<Offered>,
    pool: Arc<Semaphore>,
    /// The pool's size.
    slots: usize,
    metrics: Metrics,
    max_body: usize,
}

impl AppState {
    /// Load the models `names` asks for (all built-in models when empty): the fast ones
    /// always, the accurate ones when the sentence encoder is installed (else they are
    /// listed as unavailable, with the reason). Logs what it loaded on stderr.
    pub fn load(names: &[String], concurrency: usize, max_body: usize) -> anyhow::Result<Self> {
        let chosen: Vec<&'static Builtin> = if names.is_empty() {
            BUILTINS.iter().collect()
        } else {
            let mut chosen = Vec::new();
            for name in names {
                let b = Builtin::find(name).filter(|_| !is_path(name)).ok_or_else(|| {
                    factop::Error::Param(format!(
                        "--model {:?} is not a built-in model ({}); serve offers built-in models only",
                        factop::error::capped(name),
                        Builtin::names()
                    ))
                })?;
                if !chosen.iter().any(|c: &&Builtin| std::ptr::eq(*c, b)) {
                    chosen.push(b);
                }
            }
            chosen
        };
        let started = Instant::now();
        let mut offered = Vec::new();
        for b in chosen {
            let model = match b.load() {
                Ok(m) => Ok(Arc::new(m)),
                // With no --model, an accurate model whose encoder is missing or
                // damaged is listed as unavailable; the fast ones still serve.
                Err(e) if names.is_empty() && b.accurate => Err(e.to_string()),
                Err(e) => return Err(e.into()),
            };
            offered.push(Offered { builtin: b, model });
        }
        let loaded: Vec<&str> = offered
            .iter()
            .filter(|o| o.model.is_ok())
            .map(|o| o.builtin.name)
            .collect();
        note!(
            "factop serve: loaded {} in {} ms (models and encoder weights stay loaded)",
            loaded.join(", "),
            started.elapsed().as_millis()
        );
        if let Some(why) = offered.iter().find_map(|o| o.model.as_ref().err()) {
            let missing: Vec<&str> = offered
                .iter()
                .filter(|o| o.model.is_err())
                .map(|o| o.builtin.name)
                .collect();
            note!(
                "factop serve: unavailable: {} ({})",
                missing.join(", "),
                crate::cli::safe::shown(why)
            );
        }
        Ok(AppState {
            offered,
            pool: Arc::new(Semaphore::new(concurrency.max(1))),
            slots: concurrency.max(1),
            metrics: Metrics::default(),
            max_body,
        })
    }

    fn find(&self, name: &str) -> Option<&Offered> {
        let b = Builtin::find(name)?;
        self.offered.iter().find(|o| std::ptr::eq(o.builtin, b))
    }

    /// The model a request names, or the error response: a path or an unknown name is
    /// 404, as is a model that is not available here (with the reason).
    fn resolve(
        &self,
        name: &str,
        accurate: bool,
        text_start: &str,
    ) -> Result<Arc<Classifier>, ApiError> {
        if name == "auto" {
            let language = AutoPick::of(detect(text_start).as_ref(), accurate).language;
            let pick = |accurate: bool| {
                let b = Builtin::for_language_tier(language, accurate)?;
                self.offered
                    .iter()
                    .find(|o| std::ptr::eq(o.builtin, b))
                    .and_then(|o| o.model.as_ref().ok())
            };
            let english = || {
                self.offered
                    .iter()
                    .find(|o| o.builtin.language == Language::English)
                    .and_then(|o| o.model.as_ref().ok())
            };
            return (if accurate { pick(true) } else { None })
                .or_else(|| pick(false))
                .or_else(english)
                .or_else(|| self.offered.iter().find_map(|o| o.model.as_ref().ok()))
                .cloned()
                .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no model is available"));
        }
        let shown = factop::error::capped(name);
        match self.find(name).filter(|_| !is_path(name)) {
            None => Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "unknown model {shown:?}: this server offers {} (or auto); model files are not served",
                    self.names().join(", ")
                ),
            )),
            Some(o) => match &o.model {
                Ok(m) => Ok(Arc::clone(m)),
                Err(why) => Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("model {shown:?} is not available on this server: {why}"),
                )),
            },
        }
    }

    fn names(&self) -> Vec<&'static str> {
        self.offered.iter().map(|o| o.builtin.name).collect()
    }
}

/// An error response: a status and `{"error": message}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn error_body(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string() + "\n"
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, error_body(&self.message))
    }
}

/// The router with every endpoint and layer; `timeout` bounds each request, `queue`
/// requests may wait for a classification slot beyond the `concurrency` that run.
pub fn router(state: Arc<AppState>, timeout: Duration, concurrency: usize, queue: usize) -> Router {
    let admission = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(|_: tower::BoxError| async {
            let mut r = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy: every classification slot and queue place is taken; retry shortly",
            )
            .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }))
        .load_shed()
        .concurrency_limit(concurrency.max(1) + queue);
    let max_body = state.max_body;
    Router::new()
        .route("/", get(page))
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/models", get(models))
        .route("/v1/classify", post(classify).layer(admission))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no such endpoint (see /openapi.json)",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method not allowed on this endpoint",
            )
        })
        .layer(middleware::from_fn(json_errors))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            },
        ))
        .with_state(state)
}

/// Any error response without a JSON body (from a layer: time limit, body limit, a
/// rejected header) gets `{"error": ...}` with the status's reason.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let why = match status {
        StatusCode::SERVICE_UNAVAILABLE => "the request took longer than the time limit".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "request body is larger than the limit".into(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut r = ApiError::new(status, why).into_response();
    if let Some(v) = response.headers().get(header::RETRY_AFTER) {
        r.headers_mut().insert(header::RETRY_AFTER, v.clone());
    }
    r
}

/// Count every request by endpoint and status, with its latency.
async fn track(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let endpoint = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| known_endpoint(request.uri().path()));
    let response = next.run(request).await;
    state
        .metrics
        .request(&endpoint, response.status().as_u16(), started.elapsed());
    response
}

fn known_endpoint(path: &str) -> String {
    match path {
        "/" | "/healthz" | "/v1/models" | "/v1/classify" | "/metrics" | "/openapi.json" => {
            path.into()
        }
        _ => "other".into(),
    }
}

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'",
            ),
        ],
        PAGE,
    )
        .into_response()
}

async fn openapi() -> Response {
    json_response(StatusCode::OK, OPENAPI.to_string())
}

async fn metrics_text(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// One entry of `/v1/models`.
#[derive(Serialize)]
struct ModelEntry {
    name: &'static str,
    file_name: &'static str,
    language: &'static str,
    tier: &'static str,
    available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unavailable_because: Option<String>,
}

async fn models(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<ModelEntry> = state
        .offered
        .iter()
        .map(|o| ModelEntry {
            name: o.builtin.name,
            file_name: o.builtin.file_name,
            language: o.builtin.language.code(),
            tier: if o.builtin.accurate {
                "accurate"
            } else {
                "fast"
            },
            available: o.model.is_ok(),
            threshold: o.model.as_ref().ok().map(|m| m.threshold()),
            unavailable_because: o.model.as_ref().err().cloned(),
        })
        .collect();
    json_response(
        StatusCode::OK,
        serde_json::to_string_pretty(&list).unwrap_or_default() + "\n",
    )
}

/// The body of `POST /v1/classify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifyRequest {
    /// An article, split into sentences.
    text: Option<String>,
    /// Sentences, each classified as it is (never re-split).
    sentences: Option<Vec<String>>,
    /// A built-in model name or `auto` (default `en`).
    model: Option<String>,
    /// Under `auto`, the accurate tier when available.
    #[serde(default)]
    accurate: bool,
    /// Explain each sentence.
    #[serde(default)]
    explain: bool,
    /// Features per label when explaining (default 3).
    top: Option<usize>,
    /// Decision threshold (default: the model's).
    threshold: Option<f64>,
}

/// The answer for `sentences`.
#[derive(Serialize)]
struct SentencesAnswer<'a> {
    model: &'a ModelInfo,
    sentences: Vec<SentenceAnswer>,
}

#[derive(Serialize)]
struct SentenceAnswer {
    index: usize,
    text: String,
    label: factop::Label,
    opinion_probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<factop::model::Explanation>,
}

async fn classify(
    State(state): State<Arc<AppState>>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| {
        let status = e.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            format!(
                "request body is larger than the limit of {} bytes",
                state.max_body
            )
        } else {
            format!("cannot read the request body: {}", e.body_text())
        };
        ApiError::new(status, message)
    })?;
    let request: ClassifyRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("malformed request: {e} (expected {{\"text\": \"...\"}} or {{\"sentences\": [...]}}, with optional \"model\", \"explain\", \"threshold\")"),
        )
    })?;
    let bad = |m: &str| ApiError::new(StatusCode::BAD_REQUEST, m);
    if let Some(t) = request.threshold {
        factop::limits::check_threshold("threshold", t).map_err(|e| bad(&e.to_string()))?;
    }
    let top = request.top.unwrap_or(3);
    if request.explain && !(1..=100).contains(&top) {
        return Err(bad("top must be between 1 and 100"));
    }
    let explain_top = if request.explain { top } else { 0 };
    let name = request.model.as_deref().unwrap_or("en");
    let job = match (request.text, request.sentences) {
        (Some(text), None) => {
            let start = head(&text);
            let model = state.resolve(name, request.accurate, start)?;
            Job::Text { text, model }
        }
        (None, Some(sentences)) => {
            let joined: String = sentences
                .iter()
                .take(64)
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let model = state.resolve(name, request.accurate, head(&joined))?;
            Job::Sentences { sentences, model }
        }
        (Some(_), Some(_)) => return Err(bad("give \"text\" or \"sentences\", not both")),
        (None, None) => return Err(bad("the request has neither \"text\" nor \"sentences\"")),
    };
    let mut permit = Arc::clone(&state.pool)
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "shutting down"))?;
    // Work worth splitting (a sentence encoder's, or a long text) also takes the slots
    // that are free right now, so that a lone request uses every core; under load
    // each request has one.
    if job.worth_splitting() {
        while permit.num_permits() < state.slots {
            match Arc::clone(&state.pool).try_acquire_owned() {
                Ok(more) => permit.merge(more),
                Err(_) => break,
            }
        }
    }
    let threads = permit.num_permits();
    let threshold = request.threshold;
    let done = tokio::task::spawn_blocking(move || {
        let _slots = permit;
        job.run(threshold, explain_top, threads)
    })
    .await
    .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))?;
    let (model_name, sentences, body) = done.map_err(|e| {
        ApiError::new(
            if e.is_bad_input() {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            },
            e.to_string(),
        )
    })?;
    state.metrics.classified(&model_name, sentences);
    Ok(json_response(StatusCode::OK, body))
}

/// The first [`DETECT_BYTES`] of `text`, cut at a char boundary.
fn head(text: &str) -> &str {
    let mut end = text.len().min(DETECT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The classification work of one request, run on a blocking thread.
enum Job {
    Text {
        text: String,
        model: Arc<Classifier>,
    },
    Sentences {
        sentences: Vec<String>,
        model: Arc<Classifier>,
    },
}

impl Job {
    /// The JSON answer, with the model's name and the sentence count for metrics.
    /// Whether the work is long enough to share out over threads.
    fn worth_splitting(&self) -> bool {
        match self {
            Job::Text { text, model } => model.has_encoder() || text.len() > 64 * 1024,
            Job::Sentences { sentences, model } => model.has_encoder() || sentences.len() > 2048,
        }
    }

    fn run(
        self,
        threshold: Option<f64>,
        explain_top: usize,
        threads: usize,
    ) -> factop::Result<(String, usize, String)> {
        match self {
            Job::Text { text, model } => {
                let t = threshold.unwrap_or(model.threshold());
                let info = ModelInfo::of(&model, t);
                let mut out = Vec::new();
                let mut summary = Summary::default();
                {
                    let mut writer = output::new(
                        crate::cli::args::ClassifyFormat::Json,
                        &mut out,
                        false,
                        false,
                        false,
                    );
                    let doc = Document {
                        source: "request".into(),
                        id: None,
                        number: 1,
                        model: info.clone(),
                        language: Some(model.language()),
                    };
                    writer.begin(&info)?;
                    writer.begin_document(&doc)?;
                    let opts = StreamOptions {
                        threshold: t,
                        explain_top,
                    };
                    classify_reader_threads(
                        text.as_bytes(),
                        Path::new("request"),
                        &model,
                        opts,
                        threads,
                        |line| {
                            for s in line.sentences {
                                summary.add(s);
                            }
                            writer.line(&doc, line)
                        },
                    )?;
                    writer.end_document(&doc, &summary)?;
                    writer.finish()?;
                }
                let body = String::from_utf8(out)
                    .map_err(|_| factop::Error::Param("output is not UTF-8".into()))?;
                Ok((model.model_file().name.clone(), summary.sentences, body))
            }
            Job::Sentences { sentences, model } => {
                let t = threshold.unwrap_or(model.threshold());
                let info = ModelInfo::of(&model, t);
                let probabilities =
                    (explain_top == 0).then(|| model.probabilities(&sentences, threads));
                let answers: Vec<SentenceAnswer> = ScoreBuffers::with_thread_local(|buffers| {
                    sentences
                        .into_iter()
                        .enumerate()
                        .map(|(index, text)| {
                            let (p, mut explanation) = match &probabilities {
                                Some(p) => (p[index], None),
                                None => model.score(&text, buffers, explain_top),
                            };
                            if let Some(e) = &mut explanation {
                                e.set_threshold(t);
                            }
                            SentenceAnswer {
                                index,
                                text,
                                label: factop::Label::from_probability(p, t),
                                opinion_probability: p,
                                explanation,
                            }
                        })
                        .collect()
                });
                let n = answers.len();
                let body = serde_json::to_string(&SentencesAnswer {
                    model: &info,
                    sentences: answers,
                })
                .map_err(|e| factop::Error::Param(format!("cannot write JSON: {e}")))?
                    + "\n";
                Ok((model.model_file().name.clone(), n, body))
            }
        }
    }
}

/// Run `factop serve` until SIGINT or SIGTERM; in-flight requests finish first.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let concurrency = args
        .concurrency
        .map(usize::from)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let max_body = usize::try_from(args.max_body).unwrap_or(usize::MAX);
    let state = Arc::new(AppState::load(&args.model, concurrency, max_body)?);
    let timeout = Duration::from_secs_f64(args.timeout);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .map_err(|e| factop::Error::io(args.addr.to_string(), e))?;
        let local: SocketAddr = listener.local_addr()?;
        if !local.ip().is_loopback() {
            note!(
                "warning: factop serve listens on {local}, beyond this machine: there is no authentication, so anyone who can reach it can use it"
            );
        }
        note!(
            "factop serve: listening on http://{local} (concurrency {concurrency}, queue {}, body limit {} bytes, time limit {} s)",
            args.queue, max_body, args.timeout
        );
        let app = router(state, timeout, concurrency, args.queue);
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        note!("factop serve: stopped");
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).ok();
    let terminated = async {
        match term.as_mut() {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminated => {},
    }
    note!("factop serve: shutting down after the requests in flight");
}

#[cfg(test)]
mod tests;
