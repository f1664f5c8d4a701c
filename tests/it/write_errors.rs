//! A write that fails names what was being written: the output file, or `-` for
//! standard output; `--help` and `--version` on a full standard output fail too.
//! Standard input is read for one thing only.

use super::util::{fixture, names, root, run_stdin};
use std::path::Path;
use std::process::{Command, Stdio};

/// `factop ARGS` in `dir` with files limited to `blocks` blocks of 512 bytes (`ulimit -f`)
/// and SIGXFSZ ignored, so that a write past the limit fails with EFBIG ("File too
/// large"), as a write to a full disk fails: (exit code, stderr).
fn limited(dir: &Path, blocks: u32, args: &[&str]) -> (i32, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -f {blocks}; trap '' XFSZ; exec \"$0\" \"$@\""
        ))
        .arg(assert_cmd::cargo::cargo_bin("factop"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_failed_write_to_a_file_names_that_file_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let line = "The minister said taxes rose by 3 percent. This is a terrible idea.\n";
    std::fs::write(dir.path().join("big.txt"), line.repeat(2000)).unwrap();
    std::fs::write(dir.path().join("out.json"), "old").unwrap();
    for format in ["jsonl", "json", "tsv", "table", "text", "html"] {
        let (code, stderr) = limited(
            dir.path(),
            8,
            &["classify", "-f", format, "-o", "out.json", "big.txt"],
        );
        let expected = if format == "html" {
            // The page is written whole at the end.
            "error: writing output: out.json: File too large (os error 27)\n"
        } else {
            "error: out.json: File too large (os error 27)\n"
        };
        assert_eq!((code, stderr.as_str()), (2, expected), "{format}");
        assert_eq!(names(dir.path()), ["big.txt", "out.json"], "{format}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.json")).unwrap(),
            "old"
        );
    }
}

#[test]
fn a_failed_write_of_a_model_predictions_or_report_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = fixture("tiny.csv");
    let tiny = tiny.to_str().unwrap();
    let (code, stderr) = limited(dir.path(), 0, &["train", "--data", tiny, "-o", "m.json"]);
    assert_eq!(
        (code, stderr.lines().last()),
        (2, Some("error: m.json: File too large (os error 27)")),
        "{stderr}"
    );
    for (flag, file) in [("--predictions", "p.tsv"), ("--report", "r.html")] {
        let (code, stderr) = limited(dir.path(), 0, &["eval", "--data", tiny, flag, file]);
        assert_eq!(
            (code, stderr.lines().last()),
            (
                2,
                Some(format!("error: {file}: File too large (os error 27)").as_str())
            ),
            "{stderr}"
        );
    }
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

/// `factop ARGS > /dev/full`: (exit code, stderr).
fn to_full(args: &[&str]) -> (i32, String) {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("factop"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_full_standard_output_is_an_error_naming_it_even_for_help() {
    let full = "-: No space left on device (os error 28)\n";
    for args in [
        &["--help"][..],
        &["--version"],
        &["classify", "--help"],
        &["help", "eval"],
        &["encoder", "status"],
        &["classify", "tests/fixtures/short_article.txt"],
        &["classify", "-f", "tsv", "tests/fixtures/short_article.txt"],
    ] {
        assert_eq!(to_full(args), (1, format!("error: {full}")), "{args:?}");
    }
    for args in [&["completions", "bash"][..], &["man"], &["inspect"]] {
        assert_eq!(
            to_full(args),
            (1, format!("error: writing: {full}")),
            "{args:?}"
        );
    }
}

#[test]
fn standard_input_is_read_for_one_thing_only() {
    let tiny = std::fs::read(fixture("tiny.csv")).unwrap();
    for (args, readers) in [
        (
            &["eval", "--model", "-", "--data", "-"][..],
            "--model - and --data - both",
        ),
        (
            &["classify", "--model", "-", "-"],
            "--model - and FILE - both",
        ),
        (&["classify", "-", "-"], "FILE - and FILE - both"),
        (
            &[
                "train",
                "--data",
                "-",
                "--data",
                "-",
                "--validation",
                "-",
                "-o",
                "m.json",
            ],
            "--data -, --data - and --validation - all",
        ),
    ] {
        let (code, stdout, stderr) = run_stdin(args, Some(tiny.clone()));
        assert_eq!(
            (code, stdout.as_str(), stderr),
            (
                2,
                "",
                format!("error: invalid setting: standard input can be read only once, but {readers} read it; name a file for all but one of them\n")
            ),
            "{args:?}"
        );
    }
}
