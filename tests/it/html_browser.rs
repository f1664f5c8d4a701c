//! The two HTML pages as a person sees them: the real binary writes them, headless
//! Chromium renders them, and the screenshots must not be blank and the rendered DOM
//! must hold the expected elements.
//!
//! Needs `/usr/bin/chromium` (or the browser named by `FACTOP_CHROMIUM`). Without it the
//! tests say so and pass, except in CI (`CI=true`), where a missing browser fails them.
//! Set `FACTOP_SCREENSHOTS=DIR` to keep the screenshots as `DIR/eval-report.png` and
//! `DIR/classify.png`.

use super::util::{chromium, factop, CHROMIUM_FLAGS, DEMO};
use std::io::Read;
use std::path::Path;
use std::process::{Command as Std, Stdio};
use std::time::{Duration, Instant};

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 2000;
/// Per browser run; a run normally takes about a second.
const TIMEOUT: Duration = Duration::from_secs(40);

/// Run the browser headless on `page` with `extra` flags; return its standard output.
fn browse(browser: &Path, page: &Path, extra: &[String]) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Std::new(browser)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={WIDTH},{HEIGHT}"))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Read both pipes on threads so that a full pipe cannot stall the browser.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish within {TIMEOUT:?} on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap();
    let stderr = err.join().unwrap();
    assert!(
        status.success(),
        "chromium failed ({status}) on {}:\n{}",
        page.display(),
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

/// Screenshot `page`; return the PNG's bytes after checking its header and size.
fn screenshot(browser: &Path, page: &Path, png: &Path) -> Vec<u8> {
    browse(browser, page, &[format!("--screenshot={}", png.display())]);
    let bytes = std::fs::read(png).expect("chromium wrote the screenshot");
    assert!(bytes.len() > 24, "screenshot too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let dim = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (WIDTH, HEIGHT), "screenshot size");
    bytes
}

fn dump_dom(browser: &Path, page: &Path) -> String {
    String::from_utf8(browse(browser, page, &["--dump-dom".to_string()])).unwrap()
}

/// The size of a screenshot of an empty page, rendered the same way.
fn blank_png_size(browser: &Path, dir: &Path) -> usize {
    let page = dir.join("blank.html");
    std::fs::write(&page, "<!DOCTYPE html><html><body></body></html>\n").unwrap();
    screenshot(browser, &page, &dir.join("blank.png")).len()
}

/// Check the screenshot holds far more than a blank page, and keep it when asked.
fn check_not_blank(png: &[u8], blank: usize, name: &str) {
    assert!(
        png.len() > 5 * blank && png.len() > 60_000,
        "{name}: screenshot of {} bytes looks blank (an empty page gives {blank})",
        png.len()
    );
    if let Some(dir) = std::env::var_os("FACTOP_SCREENSHOTS") {
        let path = Path::new(&dir).join(name);
        std::fs::write(&path, png).unwrap();
        eprintln!("saved {}", path.display());
    }
}

#[test]
fn eval_report_renders_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    factop()
        .args(["eval", "--data", "data/dev_test.csv", "--report"])
        .arg(&page)
        .assert()
        .success();
    let png = screenshot(&browser, &page, &dir.path().join("report.png"));
    check_not_blank(
        &png,
        blank_png_size(&browser, dir.path()),
        "eval-report.png",
    );
    let dom = dump_dom(&browser, &page);
    // The sections of the evaluation page (its snapshot tests check the same list).
    let sections = [
        "metrics",
        "confusion",
        "roc",
        "pr",
        "calibration",
        "threshold",
        "errors",
    ];
    for id in sections {
        assert!(dom.contains(&format!("id=\"{id}\"")), "no #{id} in the DOM");
    }
    for element in [
        "<svg id=\"roc\"",
        "<svg id=\"pr\"",
        "<svg id=\"calibration\"",
        "<svg id=\"threshold\"",
        "<polyline class=\"curve\"",
        "<path class=\"curve\"",
        "<line class=\"mark\"",
    ] {
        assert!(dom.contains(element), "no {element} in the DOM");
    }
    assert!(!dom.contains("id=\"folds\""));
    assert!(!dom.contains("NaN"));
}

/// Write `classify --format html ARGS` to `DIR/NAME.html`, screenshot it (not blank)
/// and return the DOM Chromium rendered.
fn render_classify_page(browser: &Path, dir: &Path, name: &str, args: &[&str]) -> String {
    let out = factop()
        .args(["classify", "--format", "html"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, &out.stdout).unwrap();
    let png_name = format!("{name}.png");
    let png = screenshot(browser, &page, &dir.join(&png_name));
    check_not_blank(&png, blank_png_size(browser, dir), &png_name);
    dump_dom(browser, &page)
}

#[test]
fn classify_page_renders_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let dom = render_classify_page(&browser, dir.path(), "classify", &[DEMO]);
    let jsonl = factop()
        .args(["classify", "--format", "jsonl", DEMO])
        .output()
        .unwrap();
    let sentences = String::from_utf8(jsonl.stdout).unwrap().lines().count();
    let spans = dom.matches("<span class=\"sentence ").count();
    // One span per sentence, plus the legend's two.
    assert_eq!(spans, sentences + 2, "sentence spans in the DOM");
    assert!(dom.contains("<span class=\"sentence opinion\""));
    assert!(dom.contains("<span class=\"sentence fact\""));
    assert!(dom.contains("id=\"legend\"") && dom.contains("id=\"doc-1\""));
    // Blank lines in the article became paragraphs.
    assert!(dom.matches("<p>").count() > 10, "paragraphs in the DOM");
}

#[test]
fn arabic_and_bulgarian_pages_render_in_chromium() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Two short articles written for this test, classified with --model auto.
    let ar = dir.path().join("ar.txt");
    std::fs::write(
        &ar,
        "قال وزير المالية يوم الثلاثاء إن الحكومة سترفع الضرائب في العام المقبل لتغطية العجز.\n\nوأضاف أن القرار نهائي ولن يتم التراجع عنه. إنه قرار مخز وغير مسؤول على الإطلاق!\n",
    )
    .unwrap();
    let bg = dir.path().join("bg.txt");
    std::fs::write(
        &bg,
        "Министърът на финансите заяви във вторник, че правителството ще повиши данъците догодина.\n\nТова е срамно и безотговорно решение!\n",
    )
    .unwrap();
    let (ar, bg) = (ar.to_str().unwrap(), bg.to_str().unwrap());
    let dom = render_classify_page(
        &browser,
        dir.path(),
        "languages",
        &["--model", "auto", ar, bg],
    );
    assert!(
        dom.contains("<div class=\"text\" lang=\"ar\" dir=\"rtl\">"),
        "Arabic text runs right to left"
    );
    assert!(dom.contains("<div class=\"text\" lang=\"bg\">"));
    // The text came through intact, in its own script.
    assert!(dom.contains("وزير المالية"));
    assert!(dom.contains("Министърът на финансите"));
    assert!(dom.contains("factop-ar") || dom.contains("auto"));
}
