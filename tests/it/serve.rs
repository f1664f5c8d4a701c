//! `factop serve` as a process: it starts on a free loopback port, answers as
//! `classify --format json` answers for the same text, refuses bad input with JSON
//! errors, warns when it listens beyond the machine, and on SIGTERM finishes the
//! request in flight before it exits.

use super::util::{factop, DEMO};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command as Std, Stdio};
use std::time::{Duration, Instant};

/// A running server, stopped (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// What it printed on stderr up to the "listening" line.
    pub log: String,
}

impl Server {
    /// Start `factop serve --addr 127.0.0.1:0 ARGS` and wait for its "listening" line.
    pub fn start(args: &[&str]) -> Server {
        let bin = assert_cmd::cargo::cargo_bin("factop");
        let mut child = Std::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("factop serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut log = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let mut line = String::new();
            let n = stderr.read_line(&mut line).unwrap();
            assert!(
                n > 0 && Instant::now() < deadline,
                "serve ended early:\n{log}"
            );
            log.push_str(&line);
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining stderr so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = stderr.read_to_string(&mut sink);
        });
        Server { child, addr, log }
    }

    /// One HTTP/1.1 request; (status, body).
    pub fn request(&self, method: &str, path: &str, body: &str) -> (u16, String) {
        http(&self.addr, method, path, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client (Connection: close): (status, body).
pub fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// `classify --format json` of `text` with `model`.
fn cli_json(model: &str, text: &str) -> serde_json::Value {
    let out = factop()
        .args(["classify", "--model", model, "--format", "json", "-q", "-"])
        .write_stdin(text.to_string())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    json(&String::from_utf8(out).unwrap())
}

fn same_answer(server: &serde_json::Value, cli: &serde_json::Value) {
    assert_eq!(server["model"], cli["model"]);
    let (s, c) = (&server["documents"][0], &cli["documents"][0]);
    assert_eq!(s["source"], "request");
    assert_eq!(s["model"], c["model"]);
    assert_eq!(s["summary"], c["summary"]);
    assert_eq!(s["sentences"], c["sentences"]);
    assert!(!s["sentences"].as_array().unwrap().is_empty());
}

#[test]
fn answers_equal_classify_json_on_the_demo_and_each_language_s_dev_test() {
    let server = Server::start(&[
        "--model", "en", "--model", "de", "--model", "it", "--model", "ar", "--model", "bg",
    ]);
    assert!(
        server.log.contains("loaded en, de, it, ar, bg"),
        "{}",
        server.log
    );
    let demo = std::fs::read_to_string(DEMO).unwrap();
    let (status, body) = server.request(
        "POST",
        "/v1/classify",
        &serde_json::json!({"text": demo, "model": "en"}).to_string(),
    );
    assert_eq!(status, 200, "{body}");
    same_answer(&json(&body), &cli_json("en", &demo));
    for (language, path) in [
        ("en", "data/dev_test.csv"),
        ("de", "data/de/dev_test.csv"),
        ("it", "data/it/dev_test.csv"),
        ("ar", "data/ar/dev_test.csv"),
        ("bg", "data/bg/dev_test.csv"),
    ] {
        let rows = factop::data::load(std::path::Path::new(path), &Default::default()).unwrap();
        // A sample: every fifth sentence, one per line.
        let sample: Vec<&str> = rows
            .records
            .iter()
            .step_by(5)
            .map(|r| r.text.as_str())
            .collect();
        let text = sample.join("\n");
        let (status, body) = server.request(
            "POST",
            "/v1/classify",
            &serde_json::json!({"text": text, "model": language}).to_string(),
        );
        assert_eq!(status, 200, "{language}: {body}");
        same_answer(&json(&body), &cli_json(language, &text));
        // As sentences, never re-split: the library's probability of each.
        let (status, body) = server.request(
            "POST",
            "/v1/classify",
            &serde_json::json!({"sentences": sample, "model": language}).to_string(),
        );
        assert_eq!(status, 200);
        let model = factop::Classifier::builtin(language).unwrap();
        let answer = json(&body);
        let got = answer["sentences"].as_array().unwrap();
        assert_eq!(got.len(), sample.len());
        for (g, s) in got.iter().zip(&sample) {
            assert_eq!(
                g["opinion_probability"].as_f64().unwrap(),
                model.probability(s)
            );
        }
    }
}

#[test]
fn models_health_metrics_and_errors() {
    let server = Server::start(&["--model", "en", "--max-body", "1000"]);
    assert_eq!(server.request("GET", "/healthz", ""), (200, "ok".into()));
    let (_, models) = server.request("GET", "/v1/models", "");
    let models = json(&models);
    assert_eq!(models.as_array().unwrap().len(), 1);
    assert_eq!(models[0]["name"], "en");
    let (status, body) = server.request(
        "POST",
        "/v1/classify",
        &format!("{{\"text\": \"{}\"}}", "a".repeat(2000)),
    );
    assert_eq!(status, 413);
    assert!(json(&body)["error"]
        .as_str()
        .unwrap()
        .contains("limit of 1000 bytes"));
    let (status, body) = server.request(
        "POST",
        "/v1/classify",
        "{\"text\": \"x\", \"model\": \"/etc/passwd\"}",
    );
    assert_eq!(status, 404, "{body}");
    let (_, metrics) = server.request("GET", "/metrics", "");
    assert!(
        metrics.contains("factop_requests_total{endpoint=\"/v1/classify\",status=\"413\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("factop_requests_total{endpoint=\"/v1/classify\",status=\"404\"} 1"),
        "{metrics}"
    );
}

#[test]
fn unknown_models_and_paths_are_refused_at_start() {
    factop()
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--model",
            "models/factop-en.json",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "serve offers built-in models only",
        ));
}

#[test]
fn binding_beyond_loopback_warns_there_is_no_authentication() {
    let bin = assert_cmd::cargo::cargo_bin("factop");
    let mut child = Std::new(bin)
        .args(["serve", "--addr", "0.0.0.0:0", "--model", "en"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    while !log.contains("listening on") {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        log.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        log.contains("warning: factop serve listens on 0.0.0.0:"),
        "{log}"
    );
    assert!(log.contains("no authentication"), "{log}");
}

#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    let mut server = Server::start(&["--model", "en"]);
    // A large article keeps the server busy for a moment.
    let demo = std::fs::read_to_string(DEMO).unwrap();
    let article = demo.repeat(400);
    let addr = server.addr.clone();
    let body = serde_json::json!({"text": article}).to_string();
    let in_flight = std::thread::spawn(move || http(&addr, "POST", "/v1/classify", &body));
    std::thread::sleep(Duration::from_millis(150));
    let pid = server.child.id().to_string();
    assert!(Std::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let (status, body) = in_flight.join().unwrap();
    assert_eq!(status, 200);
    assert!(
        json(&body)["documents"][0]["summary"]["sentences"]
            .as_u64()
            .unwrap()
            > 1000
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let code = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s.code();
        }
        assert!(
            Instant::now() < deadline,
            "serve did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0));
}
