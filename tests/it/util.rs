//! What every end-to-end test needs: the repository root, fixtures, the `factop`
//! binary run from the root, and the checks of a clean bad-input failure.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The demo article, relative to the root.
pub const DEMO: &str = "data/articles/tillerson-north-korea.txt";

/// Flags for headless Chromium on this kind of machine: no sandbox (root), no GPU, and
/// none of the background connections the closed network would refuse.
pub const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// The browser for the page tests (`/usr/bin/chromium`, or `FACTOP_CHROMIUM`), or
/// `None` (after saying why) when the test should be skipped; in CI (`CI=true`) a
/// missing browser fails the test instead.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("FACTOP_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !ci,
        "chromium not installed at {}: CI must install it (.ci/run: apt-get install -y chromium)",
        path.display()
    );
    eprintln!(
        "skipping: chromium not installed at {}; .ci/run installs it (apt-get install -y chromium)",
        path.display()
    );
    None
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file in `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The `factop` binary, run from the root.
pub fn factop() -> Command {
    let mut c = Command::cargo_bin("factop").unwrap();
    c.current_dir(root());
    c
}

/// Run with `stdin` (if any) and return (exit code, stdout, stderr).
pub fn run_stdin(args: &[&str], stdin: Option<Vec<u8>>) -> (i32, String, String) {
    let mut c = factop();
    c.args(args);
    if let Some(input) = stdin {
        c.write_stdin(input);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run and return (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_stdin(args, None)
}

/// Assert a clean bad-input failure: exit 2, exactly one `error: ` line on stderr, the
/// last, mentioning `needle` (progress lines may come before it).
pub fn assert_bad_input(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 2, "args {args:?}\nstdout: {stdout}\nstderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error line expected: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().last(),
        Some(errors[0]),
        "{stderr}"
    );
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr}");
}

/// Write `bytes` to `dir/name` and return the path as a string.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `plain` with a format character (soft hyphen, zero-width space, word joiner,
/// zero-width joiner, right-to-left override, in turn) in the middle of each word.
pub fn with_format_characters(plain: &str) -> String {
    let marked: Vec<String> = plain
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            let mut chars: Vec<char> = w.chars().collect();
            let mark = ['\u{AD}', '\u{200B}', '\u{2060}', '\u{200D}', '\u{202E}'][i % 5];
            chars.insert(chars.len() / 2, mark);
            chars.into_iter().collect()
        })
        .collect();
    marked.join(" ")
}
