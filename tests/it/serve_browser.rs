//! The page of `factop serve` as a person uses it: headless Chromium, driven through its
//! DevTools protocol, opens the page, pastes the demo article into the text box,
//! submits, and the highlighted sentences in the DOM must be the ones
//! `classify` labels opinion, each with its probability and reasons visible; then a
//! screenshot at 375 px wide must not be blank.
//!
//! Needs `/usr/bin/chromium` (or `FACTOP_CHROMIUM`); without it the test says so and
//! passes, except in CI (`CI=true`). `FACTOP_SCREENSHOTS=DIR` keeps the screenshots.

use super::serve::Server;
use super::util::{chromium, factop, CHROMIUM_FLAGS, DEMO};
use base64::Engine as _;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command as Std, Stdio};
use std::time::{Duration, Instant};

/// A headless browser with its DevTools endpoint, killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    port: u16,
}

impl Browser {
    fn start(path: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Std::new(path)
            .args(CHROMIUM_FLAGS)
            .args(["--remote-debugging-port=0", "--window-size=375,1400"])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let deadline = Instant::now() + Duration::from_secs(40);
        let port = loop {
            let mut line = String::new();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "chromium ended early"
            );
            assert!(Instant::now() < deadline, "no DevTools line from chromium");
            if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = stderr.read_to_end(&mut sink);
        });
        Browser {
            child,
            _profile: profile,
            port,
        }
    }

    /// The WebSocket address of the first page.
    fn page_socket(&self) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        // The DevTools server keeps the connection open: read the head, then exactly
        // Content-Length bytes.
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut reader = BufReader::new(s);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let targets: Value = serde_json::from_slice(&body).unwrap();
        targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .unwrap()
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One DevTools session on a page.
struct Page {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
}

impl Page {
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let message = json!({"id": id, "method": method, "params": params}).to_string();
        self.socket
            .send(tungstenite::Message::text(message))
            .unwrap();
        loop {
            let reply = self.socket.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap();
            if v["id"] == id {
                assert!(v["error"].is_null(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        assert!(r["exceptionDetails"].is_null(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    fn wait_for(&mut self, expression: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.eval(expression) != json!(true) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {expression}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn a_pasted_article_comes_back_highlighted_with_reasons() {
    let Some(path) = chromium() else { return };
    let server = Server::start(&["--model", "en", "--model", "de"]);
    let browser = Browser::start(&path);
    let (socket, _) = tungstenite::connect(browser.page_socket()).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = socket.get_ref() {
        tcp.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    }
    let mut page = Page { socket, next: 0 };
    page.call("Page.enable", json!({}));
    // A phone's width: the page must read at 375 CSS pixels.
    page.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 1400, "deviceScaleFactor": 1, "mobile": true}),
    );
    page.call(
        "Page.navigate",
        json!({"url": format!("http://{}/", server.addr)}),
    );
    page.wait_for("document.readyState === 'complete' && document.querySelectorAll('#model option').length >= 3");

    // Paste the article into the text box as a person would, then submit.
    let demo = std::fs::read_to_string(DEMO).unwrap();
    page.eval("document.getElementById('text').focus()");
    page.call("Input.insertText", json!({"text": demo}));
    assert_eq!(
        page.eval("document.getElementById('text').value.length"),
        json!(demo.encode_utf16().count())
    );
    page.eval("document.getElementById('model').value = 'en'");
    page.eval("document.getElementById('go').click()");
    page.wait_for("document.querySelectorAll('#article .s').length > 0");

    // The CLI's view of the same article.
    let out = factop()
        .args(["classify", "--format", "json", "-q", "-"])
        .write_stdin(demo.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let cli: Value = serde_json::from_slice(&out).unwrap();
    let sentences = cli["documents"][0]["sentences"].as_array().unwrap();
    let opinion: Vec<&str> = sentences
        .iter()
        .filter(|s| s["label"] == "opinion")
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert!(!opinion.is_empty());

    let shown = page.eval("[...document.querySelectorAll('#article .s')].map(e => e.textContent)");
    let all: Vec<&str> = sentences
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    assert_eq!(shown, json!(all));
    let highlighted =
        page.eval("[...document.querySelectorAll('#article .s.opinion')].map(e => e.textContent)");
    assert_eq!(highlighted, json!(opinion));
    // Each highlighted sentence is followed by its visible note: probability and reasons.
    let notes = page.eval("[...document.querySelectorAll('#article .s.opinion')].map(e => e.nextElementSibling && e.nextElementSibling.className === 'why' ? e.nextElementSibling.textContent : '')");
    let notes = notes.as_array().unwrap();
    assert_eq!(notes.len(), opinion.len());
    for (note, s) in notes
        .iter()
        .zip(sentences.iter().filter(|s| s["label"] == "opinion"))
    {
        let p = s["opinion_probability"].as_f64().unwrap();
        let note = note.as_str().unwrap();
        assert!(note.starts_with(&format!("opinion {p:.2}")), "{note}");
        assert!(note.contains(": "), "no reasons in {note:?}");
    }
    let summary = page.eval("document.getElementById('summary').textContent");
    let want = format!(
        "{} of {} sentences read as opinion",
        opinion.len(),
        sentences.len()
    );
    assert!(summary.as_str().unwrap().contains(&want), "{summary}");
    assert!(
        summary.as_str().unwrap().contains("threshold 0.480"),
        "{summary}"
    );
    // Nothing wider than the 375 px viewport.
    assert_eq!(
        page.eval("document.documentElement.scrollWidth <= window.innerWidth"),
        json!(true)
    );

    // The whole page, scrolled to the top, as a reader on a phone sees it.
    page.eval("window.scrollTo(0, 0)");
    let shot = page.call(
        "Page.captureScreenshot",
        json!({"format": "png", "captureBeyondViewport": true}),
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().unwrap())
        .unwrap();
    if let Some(dir) = std::env::var_os("FACTOP_SCREENSHOTS") {
        std::fs::write(PathBuf::from(dir).join("serve-page.png"), &png).unwrap();
    }
    assert_eq!(&png[1..4], b"PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, 375, "screenshot width");
    assert!(
        png.len() > 30_000,
        "a screenshot of {} bytes looks blank",
        png.len()
    );
    if let Some(dir) = std::env::var_os("FACTOP_SCREENSHOTS") {
        std::fs::write(PathBuf::from(dir).join("serve-page.png"), &png).unwrap();
    }
}
