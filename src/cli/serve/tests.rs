//! The router answered in process (tower's `oneshot`): endpoints, error statuses and
//! bodies, limits, and random requests that must never break it.

use super::*;
use axum::body::Body;
use axum::http::Request;
use proptest::prelude::*;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The fast built-in models, loaded once for every test.
fn state() -> Arc<AppState> {
    static STATE: OnceLock<Arc<AppState>> = OnceLock::new();
    Arc::clone(STATE.get_or_init(|| {
        let names: Vec<String> = ["en", "de", "it", "ar", "bg"].map(String::from).to_vec();
        Arc::new(AppState::load(&names, 2, 4096).unwrap())
    }))
}

fn app() -> Router {
    router(state(), Duration::from_secs(30), 2, 8)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Send one request; (status, content type, body).
fn send(method: &str, uri: &str, body: &[u8]) -> (u16, String, String) {
    runtime().block_on(async {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(Body::from(body.to_vec()))
            .unwrap();
        let response = app().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let ctype = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or("").to_string())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, ctype, String::from_utf8_lossy(&bytes).into_owned())
    })
}

fn error_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["error"].as_str().unwrap().to_string()
}

#[test]
fn health_models_page_and_openapi() {
    assert_eq!(send("GET", "/healthz", b"").2, "ok");
    let (status, ctype, body) = send("GET", "/v1/models", b"");
    assert_eq!((status, ctype.as_str()), (200, "application/json"));
    let models: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
    let names: Vec<&str> = models.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["en", "de", "it", "ar", "bg"]);
    assert!(models
        .iter()
        .all(|m| m["available"] == true && m["tier"] == "fast"));
    let (status, ctype, page) = send("GET", "/", b"");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"));
    assert!(page.contains("<textarea id=\"text\""));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the page loads nothing from elsewhere"
    );
    let (status, _, spec) = send("GET", "/openapi.json", b"");
    assert_eq!(status, 200);
    let spec: serde_json::Value = serde_json::from_str(&spec).unwrap();
    for path in [
        "/",
        "/healthz",
        "/v1/models",
        "/v1/classify",
        "/metrics",
        "/openapi.json",
    ] {
        assert!(
            spec["paths"][path].is_object(),
            "{path} missing from /openapi.json"
        );
    }
}

#[test]
fn text_is_segmented_and_answered_as_classify_json() {
    let text = "Officials said 40 people were hurt. Frankly, this is a disgrace.\nWho will pay?";
    let body = serde_json::json!({"text": text, "model": "en", "explain": true}).to_string();
    let (status, _, answer) = send("POST", "/v1/classify", body.as_bytes());
    assert_eq!(status, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let doc = &v["documents"][0];
    assert_eq!(doc["source"], "request");
    assert_eq!(doc["model"]["name"], "factop-en");
    assert_eq!(doc["summary"]["sentences"], 3);
    let model = Classifier::builtin("en").unwrap();
    let expected = model.classify_document(text, None);
    for (got, want) in doc["sentences"].as_array().unwrap().iter().zip(&expected) {
        assert_eq!(got["text"], want.text.as_str());
        assert_eq!(
            got["opinion_probability"].as_f64().unwrap(),
            want.opinion_probability
        );
        assert_eq!(got["label"], want.label.as_str());
        assert!(got["explanation"]["opinion"].is_array());
    }
}

#[test]
fn sentences_are_never_re_split() {
    let two = "Officials said 40 people were hurt. Frankly, this is a disgrace.";
    let body = serde_json::json!({"sentences": [two, "Sì."], "model": "it", "threshold": 0.25})
        .to_string();
    let (status, _, answer) = send("POST", "/v1/classify", body.as_bytes());
    assert_eq!(status, 200, "{answer}");
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    let s = v["sentences"].as_array().unwrap();
    assert_eq!(s.len(), 2);
    let it = Classifier::builtin("it").unwrap();
    assert_eq!(s[0]["text"], two);
    assert_eq!(
        s[0]["opinion_probability"].as_f64().unwrap(),
        it.probability(two)
    );
    assert_eq!(v["model"]["threshold"], 0.25);
}

#[test]
fn auto_picks_the_language_of_the_text() {
    let text = "Die Regierung hat am Dienstag in Berlin neue Regeln für die Landwirtschaft beschlossen, sagte ein Sprecher.";
    let body = serde_json::json!({"text": text, "model": "auto"}).to_string();
    let (status, _, answer) = send("POST", "/v1/classify", body.as_bytes());
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["documents"][0]["model"]["name"], "factop-de");
}

#[test]
fn bad_requests_get_json_errors_with_the_right_status() {
    let cases: [(&str, &str, &[u8], u16, &str); 12] = [
        (
            "POST",
            "/v1/classify",
            b"{\"text\": ",
            400,
            "malformed request",
        ),
        ("POST", "/v1/classify", b"[1, 2]", 400, "malformed request"),
        (
            "POST",
            "/v1/classify",
            b"{\"txet\": \"a\"}",
            400,
            "unknown field `txet`",
        ),
        (
            "POST",
            "/v1/classify",
            b"{}",
            400,
            "neither \"text\" nor \"sentences\"",
        ),
        (
            "POST",
            "/v1/classify",
            b"{\"text\": \"a\", \"sentences\": [\"b\"]}",
            400,
            "not both",
        ),
        (
            "POST",
            "/v1/classify",
            b"{\"text\": \"a\", \"threshold\": 2}",
            400,
            "threshold",
        ),
        (
            "POST",
            "/v1/classify",
            b"{\"text\": \"a\", \"model\": \"xx\"}",
            404,
            "unknown model \"xx\"",
        ),
        (
            "POST",
            "/v1/classify",
            b"{\"text\": \"a\", \"model\": \"models/factop-en.json\"}",
            404,
            "model files are not served",
        ),
        (
            "POST",
            "/v1/classify",
            b"{\"text\": \"a\", \"model\": \"en-e5\"}",
            404,
            "unknown model \"en-e5\"",
        ),
        ("GET", "/v1/classify", b"", 405, "method not allowed"),
        ("GET", "/nowhere", b"", 404, "no such endpoint"),
        ("DELETE", "/healthz", b"", 405, "method not allowed"),
    ];
    for (method, uri, body, status, words) in cases {
        let (got, ctype, answer) = send(method, uri, body);
        assert_eq!(
            got,
            status,
            "{method} {uri} {}: {answer}",
            String::from_utf8_lossy(body)
        );
        assert_eq!(ctype, "application/json", "{method} {uri}");
        let error = error_of(&answer);
        assert!(
            error.contains(words),
            "{method} {uri}: {error:?} lacks {words:?}"
        );
    }
}

#[test]
fn a_body_over_the_limit_is_413_json() {
    let big = serde_json::json!({"text": "word ".repeat(2000)}).to_string();
    let (status, ctype, answer) = send("POST", "/v1/classify", big.as_bytes());
    assert_eq!((status, ctype.as_str()), (413, "application/json"));
    assert!(error_of(&answer).contains("larger than the limit of 4096 bytes"));
}

#[test]
fn metrics_count_requests_and_sentences() {
    let body =
        serde_json::json!({"sentences": ["One.", "Two.", "Three."], "model": "bg"}).to_string();
    // The router is built per request here, over one shared state.
    assert_eq!(send("POST", "/v1/classify", body.as_bytes()).0, 200);
    let (status, ctype, text) = send("GET", "/metrics", b"");
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/plain"));
    let line = text
        .lines()
        .find(|l| l.starts_with("factop_sentences_classified_total{model=\"factop-bg\"}"))
        .unwrap_or_else(|| panic!("no factop-bg count in\n{text}"));
    let n: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(n >= 3);
    assert!(text.contains("factop_request_duration_seconds_bucket{endpoint=\"/v1/classify\""));
}

#[test]
fn the_queue_sheds_load_with_503_and_retry_after() {
    // No classification slot and no queue place: every classify request is refused at
    // once, with Retry-After, while other endpoints still answer.
    let app = router(state(), Duration::from_secs(30), 0, 0);
    let rt = runtime();
    rt.block_on(async {
        let slow = Arc::clone(&state().pool)
            .acquire_many_owned(2)
            .await
            .unwrap();
        let body = serde_json::json!({"text": "It rained."}).to_string();
        let first = app.clone().oneshot(
            Request::post("/v1/classify")
                .body(Body::from(body.clone()))
                .unwrap(),
        );
        // The first request takes the one admission place and waits for the pool...
        let first = tokio::spawn(first);
        tokio::time::sleep(Duration::from_millis(50)).await;
        // ...so the second is shed.
        let second = app
            .clone()
            .oneshot(
                Request::post("/v1/classify")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(second.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(second.headers()[header::RETRY_AFTER], "1");
        let health = app
            .clone()
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        drop(slow);
        assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::OK);
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Random methods, paths, headers and bodies: always an answer, never a panic, and
    /// every error a JSON object with an "error" string.
    #[test]
    fn random_requests_always_get_an_answer(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW"]),
        path in prop::sample::select(vec!["/", "/healthz", "/v1/models", "/v1/classify", "/metrics", "/openapi.json", "/v1/classify/", "/%ff", "/v1/../v1/models", "//", "/v1/classify?x=1"]),
        ctype in prop::sample::select(vec!["application/json", "text/plain", "", "application/json; charset=latin1", "multipart/form-data"]),
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..600),
            "\\PC{0,300}".prop_map(|s| s.into_bytes()),
            ("\\PC{0,200}", prop::sample::select(vec!["en", "de", "it", "ar", "bg", "auto", "xx", "../m.json", ""]), any::<bool>(), prop::option::of(-1.0f64..2.0))
                .prop_map(|(t, m, e, th)| serde_json::json!({"text": t, "model": m, "explain": e, "threshold": th}).to_string().into_bytes()),
            proptest::collection::vec("\\PC{0,40}", 0..8)
                .prop_map(|s| serde_json::json!({"sentences": s}).to_string().into_bytes()),
        ],
    ) {
        let (status, ctype, answer) = runtime().block_on(async {
            let mut request = Request::builder().method(method).uri(path);
            if !ctype.is_empty() {
                request = request.header("content-type", ctype);
            }
            let response = app().oneshot(request.body(Body::from(body)).unwrap()).await.unwrap();
            let status = response.status().as_u16();
            let ctype = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("").to_string()).unwrap_or_default();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, ctype, String::from_utf8_lossy(&bytes).into_owned())
        });
        prop_assert!(status != 500, "{method} {path}: 500 {answer}");
        if status >= 400 && method != "HEAD" {
            prop_assert_eq!(ctype.as_str(), "application/json", "{} {}: {} {}", method, path, status, answer);
            let v: serde_json::Value = serde_json::from_str(&answer).unwrap();
            prop_assert!(v["error"].is_string());
        }
    }
}
