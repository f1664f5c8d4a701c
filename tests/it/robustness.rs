//! Hostile input: each row of docs/robustness.md has a test here (or in tests/cli.rs,
//! named in that table). Every case ends in exit code 2 with a one-line message naming
//! the file (and line where there is one), or in a documented, counted behaviour.

use super::util::{root, run_stdin as run, write};

fn bad(args: &[&str], needle: &str) {
    let (code, _, stderr) = run(args, None);
    assert_eq!(code, 2, "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or("");
    assert!(
        last.starts_with("error: ") && last.contains(needle),
        "expected {needle:?} in {stderr}"
    );
}

#[test]
fn wrong_delimiter_gets_a_hint() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "tabs.csv", b"id\ttext\tlabel\n1\thello\tfact\n");
    bad(&["eval", "--data", &p], "tabs.csv:1: no text column (looked for text or sentence; header has: id\\ttext\\tlabel) (the header has tabs: try --delimiter tab)");
    let (code, _, stderr) = run(&["eval", "--delimiter", "tab", "--data", &p], None);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn missing_header_is_reported_as_missing_columns() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "noheader.csv",
        b"1,The ministry said so.,fact\n2,Awful.,opinion\n",
    );
    bad(&["eval", "--data", &p], "noheader.csv:1: no text column");
}

#[test]
fn nul_bytes_and_binary_files_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "nul.csv", b"text,label\nok\0ay,fact\n");
    bad(
        &["eval", "--data", &p],
        "nul.csv:2: NUL byte at byte offset 13",
    );
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let p = write(d.path(), "image.csv", &png);
    bad(&["eval", "--data", &p], "image.csv:");
    let p = write(d.path(), "image.json", &png);
    bad(
        &["inspect", "--model", &p],
        "image.json: invalid model: invalid UTF-8 at byte offset 0",
    );
}

#[test]
fn empty_text_cells_are_skipped_with_a_count() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "gaps.csv",
        b"text,label\nThe ministry said so.,fact\n,fact\n  ,opinion\nAwful!,opinion\n",
    );
    let (code, out, stderr) = run(&["eval", "--data", &p, "--format", "json"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("gaps.csv: skipped 2 rows with empty text"),
        "{stderr}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["examples"], 2);
}

#[test]
fn duplicate_rows_are_kept_as_they_are() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "dups.csv",
        b"text,label\nAwful!,opinion\nAwful!,opinion\nThe ministry said so.,fact\n",
    );
    let (code, out, _) = run(&["eval", "--data", &p, "--format", "json"], None);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["examples"], 3);
}

#[test]
fn bom_and_crlf_data_load_with_right_line_numbers() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "win.csv",
        b"\xEF\xBB\xBFtext,label\r\nThe ministry said so.,fact\r\nAwful!,nope\r\n",
    );
    bad(&["eval", "--data", &p], "win.csv:3: unknown label \"nope\"");
}

#[test]
fn invalid_utf8_in_the_middle_of_a_quoted_field() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "latin1.csv",
        b"text,label\n\"caf\xe9 au lait\",fact\n",
    );
    bad(
        &["eval", "--data", &p],
        "latin1.csv:2: invalid UTF-8 at byte offset 15",
    );
}

#[test]
fn overlong_article_line_is_refused_in_bounded_memory() {
    // A line longer than the 16 MiB limit: refused with its line number.
    let mut text = b"A first line.\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', (16 << 20) + 10));
    let (code, out, stderr) = run(&["classify", "--format", "jsonl", "-"], Some(text));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("-:2: line is longer than the limit of 16777216 bytes"),
        "{stderr}"
    );
    // what came before the bad line was still written
    assert!(out.contains("A first line."), "{out}");
}

#[test]
fn long_line_without_sentence_breaks_is_cut_into_bounded_sentences() {
    let text = "word ".repeat(400_000).into_bytes(); // 2 MB, one line, no punctuation
    let (code, out, stderr) = run(&["classify", "--format", "tsv", "-"], Some(text));
    assert_eq!(code, 0, "{stderr}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert!(rows.len() >= 200, "{}", rows.len());
    assert!(rows
        .iter()
        .all(|r| r.split('\t').nth(7).unwrap().len() <= 10_000));
}

#[test]
fn model_with_non_finite_or_mistyped_numbers() {
    let d = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root().join("models/factop-en.json")).unwrap();
    let inf = shipped.replacen("\"intercept\": ", "\"intercept\": 1e999, \"x\": ", 1);
    let p = write(d.path(), "inf.json", inf.as_bytes());
    bad(
        &["inspect", "--model", &p],
        "inf.json: invalid model: not valid JSON: number out of range",
    );
    let mut v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    v["threshold"] = "high".into();
    let p = write(d.path(), "typed.json", v.to_string().as_bytes());
    bad(
        &["inspect", "--model", &p],
        "typed.json: invalid model: unexpected content: invalid type: string \"high\"",
    );
    let mut v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    v["cue_weights"].as_array_mut().unwrap().push(1.0.into());
    let p = write(d.path(), "cues.json", v.to_string().as_bytes());
    bad(
        &["inspect", "--model", &p],
        "cues.json: invalid model: 29 cues but",
    );
    let mut v: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    v["vocabulary"].as_array_mut().unwrap().swap(0, 1);
    let p = write(d.path(), "order.json", v.to_string().as_bytes());
    bad(
        &["inspect", "--model", &p],
        "order.json: invalid model: vocabulary is not sorted and unique",
    );
    let p = write(d.path(), "empty.json", b"");
    bad(
        &["inspect", "--model", &p],
        "empty.json: invalid model: truncated JSON",
    );
}

#[test]
fn interrupted_train_leaves_the_existing_model_untouched() {
    let d = tempfile::tempdir().unwrap();
    let model = d.path().join("model.json");
    std::fs::write(&model, "the previous model").unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("factop"))
        .current_dir(root())
        .args([
            "train",
            "--data",
            "data/train.csv",
            "--data",
            "data/dev.csv",
            "--output",
        ])
        .arg(&model)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        std::fs::read_to_string(&model).unwrap(),
        "the previous model"
    );
    let names: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn escape_sequences_are_shown_not_obeyed_in_human_output() {
    let spoof =
        b"What a shameful disgrace!\x1b[2K\x1b[1G   0  fact      0.04  The council voted.\n"
            .to_vec();
    for format in ["table", "text"] {
        let (code, stdout, _) = run(&["classify", "--format", format], Some(spoof.clone()));
        assert_eq!(code, 0);
        assert!(!stdout.contains('\x1b'), "{format}: {stdout:?}");
        assert!(stdout.contains("\u{241B}[2K"), "{format}: {stdout:?}");
    }
    // Machine formats keep the exact text, escaped by their syntax.
    let (_, jsonl, _) = run(&["classify", "--format", "jsonl"], Some(spoof));
    assert!(jsonl.contains("\\u001b[2K"), "{jsonl}");
    // A file name with an escape in an error message.
    let (code, _, stderr) = run(&["classify", "no\x1b[31msuch.txt"], None);
    assert_eq!(code, 2);
    assert!(
        !stderr.contains('\x1b') && stderr.contains("no\u{241B}[31msuch.txt"),
        "{stderr:?}"
    );
}

#[test]
fn an_os_error_is_printed_once() {
    let (code, _, stderr) = run(&["classify", "/nonexistent/article.txt"], None);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim_end(),
        "error: /nonexistent/article.txt: No such file or directory (os error 2)"
    );
}

#[test]
fn numeric_flags_outside_their_ranges_are_usage_errors() {
    for (args, needle) in [
        (
            vec!["classify", "-j", "30000", "-"],
            "30000 is not in 1..=256",
        ),
        (
            vec!["classify", "-j", "18446744073709551615", "-"],
            "--threads",
        ),
        (
            vec![
                "train",
                "--data",
                "tests/fixtures/tiny.csv",
                "--threshold-folds",
                "1000000",
                "-o",
                "-",
            ],
            "threshold folds must be between 2 and 100, not 1000000",
        ),
        (
            vec![
                "train",
                "--data",
                "tests/fixtures/tiny.csv",
                "--threshold-folds",
                "50",
                "-o",
                "-",
            ],
            "50 threshold folds need at least as many training rows; there are 22",
        ),
        (
            vec![
                "train",
                "--data",
                "tests/fixtures/tiny.csv",
                "--cue-scale",
                "1e308",
                "-o",
                "-",
            ],
            "cue scale must be between 0 and 100, not 1e308",
        ),
        (
            vec![
                "train",
                "--data",
                "tests/fixtures/tiny.csv",
                "--alpha",
                "0",
                "-o",
                "-",
            ],
            "alpha must be between 1e-6 and 1e6, not 0",
        ),
    ] {
        let (code, stdout, stderr) = run(&args, Some(Vec::new()));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn a_model_whose_numbers_could_overflow_a_score_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root().join("models/factop-en.json")).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    m["cue_multiplier"][0] = serde_json::json!(1e308);
    m["cue_mean"][0] = serde_json::json!(-1e308);
    let p = write(d.path(), "big.json", m.to_string().as_bytes());
    let (code, _, stderr) = run(&["classify", "--model", &p, "-"], Some(b"x\n".to_vec()));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid model: a cue number is larger than 1e6 in magnitude"),
        "{stderr}"
    );
}

#[test]
fn eval_flags_that_would_do_nothing_are_usage_errors() {
    let tiny = "tests/fixtures/tiny.csv";
    for (args, needle) in [
        (
            vec!["eval", "--cv", "3", "--errors", "5", "--data", tiny],
            "'--cv <K>' cannot be used with",
        ),
        (
            vec!["eval", "--cv", "3", "--threshold", "0.99", "--data", tiny],
            "'--cv <K>' cannot be used with",
        ),
        (
            vec!["eval", "--alpha", "3", "--data", tiny],
            "--alpha is a training flag: it applies only with --cv",
        ),
        (
            vec!["eval", "--fixed-threshold", "0.3", "--data", tiny],
            "--fixed-threshold is a training flag",
        ),
    ] {
        let (code, stdout, stderr) = run(&args, None);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    // The same training flag with --cv is used.
    let (code, _, stderr) = run(&["eval", "--cv", "3", "--alpha", "3", "--data", tiny], None);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_missing_later_input_is_reported_before_any_output() {
    let (code, stdout, stderr) = run(
        &[
            "classify",
            "--format",
            "json",
            "data/articles/tillerson-north-korea.txt",
            "/nonexistent/second.txt",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert_eq!(stdout, "", "no half-written JSON");
    assert!(
        stderr.contains("/nonexistent/second.txt: No such file"),
        "{stderr}"
    );
}

#[test]
fn every_table_of_several_files_has_its_header() {
    let f = "tests/fixtures/short_article.txt";
    let (code, stdout, _) = run(&["classify", f, f], None);
    assert_eq!(code, 0);
    assert_eq!(
        stdout.matches("   #  label    P(op)  sentence").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn a_message_quotes_at_most_a_short_piece_of_a_huge_cell() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = b"id,text,label\n1,hello,".to_vec();
    csv.extend(std::iter::repeat_n(b'y', 5_000_000));
    csv.push(b'\n');
    let p = write(d.path(), "big.csv", &csv);
    let (code, _, stderr) = run(&["eval", "--data", &p], None);
    assert_eq!(code, 2);
    assert!(stderr.len() < 400, "{} bytes of message", stderr.len());
    assert!(stderr.contains("… (5000000 bytes)"), "{stderr}");
}

#[test]
fn jsonl_ids_are_echoed_exactly_and_lone_surrogates_are_named() {
    let input = b"{\"id\":12345678901234567890123,\"text\":\"Officials said 4 died.\"}\n{\"id\":1.50,\"text\":\"It rained.\"}\n".to_vec();
    let (code, stdout, _) = run(
        &["classify", "--input-format", "jsonl", "--format", "jsonl"],
        Some(input),
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\"id\":12345678901234567890123,"),
        "{stdout}"
    );
    assert!(stdout.contains("\"id\":1.50,"), "{stdout}");
    let (code, _, stderr) = run(
        &["classify", "--input-format", "jsonl"],
        Some(b"{\"text\":\"bad \\ud800 here\"}\n".to_vec()),
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("-:1: invalid \\u escape at column")
            && stderr.contains("surrogate (\\ud800-\\udfff) without its pair"),
        "{stderr}"
    );
}

/// Outputs are checked before any work: never an input, never a link, device or
/// folder, never in a missing folder; the refused run changes nothing.
#[cfg(unix)]
#[test]
fn outputs_that_are_inputs_links_devices_or_in_missing_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d.csv");
    std::fs::copy(root().join("tests/fixtures/tiny.csv"), &data).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let p = |x: &std::path::Path| x.to_str().unwrap().to_string();
    let (d, l) = (p(&data), p(&link));
    let missing = p(&dir.path().join("nodir/m.json"));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["train", "--data", &d, "-o", &d], "is also an input"),
        (vec!["train", "--data", &d, "-o", &l], "symbolic link"),
        (
            vec!["train", "--data", &d, "-o", "/dev/null"],
            "not a regular file",
        ),
        (
            vec!["train", "--data", &d, "-o", &missing],
            "does not exist",
        ),
        (
            vec!["eval", "--data", &d, "--predictions", &d],
            "is also an input",
        ),
        (vec!["eval", "--data", &d, "--report", &l], "symbolic link"),
    ];
    for (args, needle) in cases {
        bad(&args, needle);
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::read(&data).unwrap(),
        std::fs::read(root().join("tests/fixtures/tiny.csv")).unwrap()
    );
    assert!(!dir.path().join("nodir").exists());
}

/// A reader that stops reading: every format ends quietly with exit 0 when its output
/// pipe closes (`factop classify -f tsv big.txt | head -1`).
#[test]
fn a_closed_output_pipe_ends_every_format_with_exit_0() {
    use std::io::Read as _;
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let article = std::fs::read_to_string(root().join(super::util::DEMO)).unwrap();
    std::fs::write(&big, article.repeat(300)).unwrap();
    for format in ["tsv", "jsonl", "json", "table", "text", "html"] {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("factop"))
            .args(["classify", "-q", "-f", format])
            .arg(&big)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        out.read_exact(&mut first).unwrap();
        drop(out);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
}

/// `factop train ... 2>&1 | true`: standard error closed before the first message. The
/// messages are lost, the model is not.
#[test]
fn a_closed_stderr_loses_no_model() {
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("factop"))
        .current_dir(root())
        .args(["train", "--data", "tests/fixtures/tiny.csv", "-o"])
        .arg(&model)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(factop::Classifier::load(&model).is_ok());
    // And an error still exits 2 when it cannot be printed.
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("factop"))
        .args(["classify", "/nonexistent/article.txt"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}
