//! End-to-end tests of the `factop` binary: every command, every output format, and
//! the error paths (exit code 2, one-line message naming the file and line, no panic,
//! no output file left behind).

use super::util::{assert_bad_input, factop, fixture, root, run, DEMO};
use serde_json::Value;
use std::path::Path;

fn demo_json() -> Value {
    let (code, stdout, stderr) = run(&["classify", "--format", "json", DEMO]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn classify_json_spans_match_the_document() {
    let v = demo_json();
    assert_eq!(v["model"]["name"], "factop-en");
    assert_eq!(v["model"]["language"], "en");
    let doc = std::fs::read_to_string(root().join(DEMO)).unwrap();
    let d = &v["documents"][0];
    assert_eq!(d["source"], DEMO);
    let sentences = d["sentences"].as_array().unwrap();
    let mut prev_end = 0;
    let (mut fact, mut opinion) = (0, 0);
    for (i, s) in sentences.iter().enumerate() {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(s["index"], i);
        assert!(start >= prev_end && end > start);
        assert_eq!(s["text"].as_str().unwrap(), &doc[start..end]);
        let p = s["opinion_probability"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p));
        let expected = if p >= v["model"]["threshold"].as_f64().unwrap() {
            "opinion"
        } else {
            "fact"
        };
        assert_eq!(s["label"], expected);
        if expected == "fact" {
            fact += 1
        } else {
            opinion += 1
        }
        prev_end = end;
    }
    let summary = &d["summary"];
    assert_eq!(summary["sentences"], sentences.len());
    assert_eq!(summary["fact"], fact);
    assert_eq!(summary["opinion"], opinion);
    let share = (opinion as f64 / sentences.len() as f64 * 1000.0).round() / 1000.0;
    assert_eq!(summary["opinion_share"].as_f64().unwrap(), share);
}

#[test]
fn demo_article_key_sentences() {
    let v = demo_json();
    let sentences = v["documents"][0]["sentences"].as_array().unwrap();
    let find = |prefix: &str| {
        sentences
            .iter()
            .find(|s| s["text"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no sentence starts with {prefix:?}"))
    };
    assert_eq!(
        find("Secretary of State Rex Tillerson disclosed")["label"],
        "fact"
    );
    let unfortunately = find("Unfortunately");
    assert_eq!(
        unfortunately["text"],
        "Unfortunately, there\u{2019}s none to be had.".replace('\u{2019}', "'")
    );
    assert_eq!(unfortunately["label"], "opinion");
}

#[test]
fn classify_table_is_default_and_summarises() {
    let (code, stdout, _) = run(&["classify", DEMO]);
    assert_eq!(code, 0);
    let v = demo_json();
    let s = &v["documents"][0]["summary"];
    let last = stdout.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            "{DEMO}: {} sentences, {} fact, {} opinion ({:.1}% opinion)",
            s["sentences"],
            s["fact"],
            s["opinion"],
            s["opinion_share"].as_f64().unwrap() * 100.0
        )
    );
    assert!(stdout.lines().next().unwrap().contains("label"));
}

#[test]
fn classify_jsonl_tsv_and_text_agree_with_json() {
    let v = demo_json();
    let sentences = v["documents"][0]["sentences"].as_array().unwrap();
    let (code, jsonl, _) = run(&["classify", "--format", "jsonl", DEMO]);
    assert_eq!(code, 0);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), sentences.len());
    for (l, s) in lines.iter().zip(sentences) {
        assert_eq!(l["source"], DEMO);
        assert_eq!(l["text"], s["text"]);
        assert_eq!(l["label"], s["label"]);
    }
    let (code, tsv, _) = run(&["classify", "--format", "tsv", DEMO]);
    assert_eq!(code, 0);
    let mut rows = tsv.lines();
    assert_eq!(
        rows.next().unwrap(),
        "source\tid\tindex\tstart\tend\tlabel\topinion_probability\ttext"
    );
    let rows: Vec<Vec<&str>> = rows.map(|r| r.split('\t').collect()).collect();
    assert_eq!(rows.len(), sentences.len());
    for (r, s) in rows.iter().zip(sentences) {
        assert_eq!(r.len(), 8);
        assert_eq!(r[4], s["end"].to_string());
        assert_eq!(r[5], s["label"].as_str().unwrap());
    }
    let (code, text, _) = run(&["classify", "--format", "text", DEMO]);
    assert_eq!(code, 0);
    let opinions = sentences.iter().filter(|s| s["label"] == "opinion").count();
    assert_eq!(text.matches("[OPINION ").count(), opinions);
    assert!(!text.contains("\x1b["), "no colour when piped");
}

#[test]
fn classify_reads_stdin_and_explains() {
    let article = std::fs::read_to_string(fixture("short_article.txt")).unwrap();
    let out = factop()
        .args(["classify", "--format", "json", "--explain", "-"])
        .write_stdin(article)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["documents"][0]["sentences"];
    assert_eq!(v["documents"][0]["source"], "-");
    assert_eq!(s.as_array().unwrap().len(), 2);
    assert_eq!(s[0]["label"], "fact");
    assert_eq!(s[1]["label"], "opinion");
    let towards_opinion = s[1]["explanation"]["opinion"].as_array().unwrap();
    assert!(!towards_opinion.is_empty());
    assert!(towards_opinion
        .iter()
        .all(|c| c["contribution"].as_f64().unwrap() > 0.0));
    let towards_fact = s[0]["explanation"]["fact"].as_array().unwrap();
    assert!(towards_fact
        .iter()
        .all(|c| c["contribution"].as_f64().unwrap() < 0.0));
}

#[test]
fn classify_jsonl_input_echoes_ids() {
    let input = "{\"id\": 7, \"text\": \"Officials said 40 people were hurt.\"}\n{\"id\": \"b\", \"text\": \"What a disgrace! Nobody cares.\"}\n";
    let out = factop()
        .args(["classify", "--input-format", "jsonl", "--format", "jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<String> = lines.iter().map(|l| l["id"].to_string()).collect();
    assert_eq!(ids, ["7", "\"b\"", "\"b\""]);
    // Offsets are into each record's own text.
    assert_eq!(lines[1]["start"], 0);
    assert_eq!(lines[2]["text"], "Nobody cares.");
}

#[test]
fn threshold_flag_overrides_the_model() {
    let (code, out, _) = run(&["classify", "--format", "json", "--threshold", "0", DEMO]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["model"]["threshold"], 0.0);
    assert_eq!(v["documents"][0]["summary"]["fact"], 0);
    assert_bad_input(&["classify", "--threshold", "1.5", DEMO], "--threshold");
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn train_is_deterministic_and_inspectable() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let tiny = fixture("tiny.csv");
    for out in [&a, &b] {
        let (code, _, stderr) = run(&[
            "train",
            "--data",
            tiny.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
            "--min-df",
            "1",
            "--threshold-folds",
            "3",
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let m = read_json(&a);
    assert_eq!(m["format"], "factop-model");
    assert_eq!(m["format_version"], 1);
    assert_eq!(m["training"]["rows"], 22);
    assert_eq!(m["training"]["data"][0]["rows"], 22);
    assert_eq!(m["training"]["data"][0]["fact"], 12);
    assert_eq!(m["training"]["data"][0]["opinion"], 10);
    assert_eq!(
        m["training"]["data"][0]["sha256"].as_str().unwrap().len(),
        64
    );
    assert_eq!(m["training"]["threshold_folds"], 3);
    assert_eq!(m["features"]["min_df"], 1);
    let vocab: Vec<&str> = m["vocabulary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let mut sorted = vocab.clone();
    sorted.sort_unstable();
    assert_eq!(vocab, sorted);
    assert_eq!(m["idf"].as_array().unwrap().len(), vocab.len());
    assert_eq!(m["term_weights"].as_array().unwrap().len(), vocab.len());

    let (code, out, _) = run(&["inspect", "--model", a.to_str().unwrap(), "--top", "5"]);
    assert_eq!(code, 0);
    assert!(out.contains("strongest opinion features"));
    assert!(out.contains("cue:") || out.contains("cue weights"));
    let (code, out, _) = run(&[
        "inspect",
        "--model",
        a.to_str().unwrap(),
        "--format",
        "json",
        "--top",
        "5",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["top_opinion"].as_array().unwrap().len() <= 5);
    assert_eq!(v["terms"], vocab.len());
}

#[test]
fn train_reads_checkthat_tsv_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let tsv = fixture("tiny.tsv");
    let (code, _, stderr) = run(&[
        "train",
        "--data",
        tsv.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--min-df",
        "1",
        "--threshold-folds",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("22 rows (12 fact, 10 opinion)"), "{stderr}");
    let shared = root().join("../shared/data/checkthat2025/english/train_en.tsv");
    if shared.exists() {
        let (code, _, stderr) = run(&[
            "eval",
            "--data",
            shared.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(code, 0, "{stderr}");
    } else {
        eprintln!(
            "skipping the shared CheckThat! file: {} is absent here",
            shared.display()
        );
    }
}

#[test]
fn eval_reports_consistent_metrics_and_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let preds = dir.path().join("preds.tsv");
    let (code, out, stderr) = run(&[
        "eval",
        "--data",
        "data/dev_test.csv",
        "--format",
        "json",
        "--predictions",
        preds.to_str().unwrap(),
        "--errors",
        "4",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["examples"], 484);
    let c = &r["confusion"];
    let cell = |t: &str, p: &str| c[t][p].as_u64().unwrap() as f64;
    let n = cell("fact", "fact")
        + cell("fact", "opinion")
        + cell("opinion", "fact")
        + cell("opinion", "opinion");
    assert_eq!(n, 484.0);
    let acc = (cell("fact", "fact") + cell("opinion", "opinion")) / n;
    assert!((r["accuracy"].as_f64().unwrap() - acc).abs() < 1e-12);
    let f1 = |p: f64, rc: f64| 2.0 * p * rc / (p + rc);
    let op = cell("opinion", "opinion");
    let opinion_f1 = f1(
        op / (op + cell("fact", "opinion")),
        op / (op + cell("opinion", "fact")),
    );
    let ff = cell("fact", "fact");
    let fact_f1 = f1(
        ff / (ff + cell("opinion", "fact")),
        ff / (ff + cell("fact", "opinion")),
    );
    assert!((r["macro_f1"].as_f64().unwrap() - (opinion_f1 + fact_f1) / 2.0).abs() < 1e-12);
    assert_eq!(r["classes"]["opinion"]["support"], 122);
    assert_eq!(r["majority_baseline"]["label"], "fact");
    // The acceptance bar of the default model on the held-out split.
    assert!(r["macro_f1"].as_f64().unwrap() >= 0.66, "{}", r["macro_f1"]);
    assert_eq!(r["errors"].as_array().unwrap().len(), 4);
    let p = std::fs::read_to_string(&preds).unwrap();
    let mut lines = p.lines();
    assert_eq!(
        lines.next(),
        Some("sentence_id\tlabel\topinion_probability")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 484);
    let subj = rows.iter().filter(|l| l.contains("\tSUBJ\t")).count() as f64;
    assert_eq!(subj, cell("fact", "opinion") + cell("opinion", "opinion"));
    assert!(rows[0].starts_with("44f33601-157a-42ce-aa9f-0f7d305501f2\t"));

    let (code, text, _) = run(&["eval", "--data", "data/dev_test.csv"]);
    assert_eq!(code, 0);
    for needle in [
        "precision",
        "macro-F1",
        "majority baseline",
        "ROC AUC",
        "log loss",
        "confusion",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
}

#[test]
fn eval_cross_validates() {
    let tiny = fixture("tiny.csv");
    let (code, out, stderr) = run(&[
        "eval",
        "--cv",
        "2",
        "--data",
        tiny.to_str().unwrap(),
        "--format",
        "json",
        "--min-df",
        "1",
        "--threshold-folds",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["folds"], 2);
    assert_eq!(v["per_fold"].as_array().unwrap().len(), 2);
    let total: u64 = v["per_fold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["examples"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 22);
    let f1s: Vec<f64> = v["per_fold"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["macro_f1"].as_f64().unwrap())
        .collect();
    assert!((v["macro_f1"]["mean"].as_f64().unwrap() - (f1s[0] + f1s[1]) / 2.0).abs() < 1e-12);
}

#[test]
fn help_shows_an_example_per_command() {
    for cmd in ["train", "classify", "eval", "inspect"] {
        let (code, out, _) = run(&[cmd, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("Example"), "{cmd} --help lacks an example");
        assert!(out.contains(&format!("factop {cmd}")), "{cmd} --help");
    }
}

#[test]
fn bad_data_fails_cleanly_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    let o = out.to_str().unwrap();
    let cases: &[(&str, &str)] = &[
        ("missing_column.csv", "missing_column.csv:1: no text column"),
        (
            "unknown_label.csv",
            "unknown_label.csv:3: unknown label \"maybe\"",
        ),
        (
            "malformed.csv",
            "malformed.csv:3: the row has 2 of the header's 3 fields and lacks the label column",
        ),
        ("empty.csv", "empty.csv: empty file"),
        ("one_class.csv", "one_class.csv: training needs both labels"),
        ("does-not-exist.csv", "does-not-exist.csv"),
    ];
    for (name, needle) in cases {
        let p = fixture(name);
        assert_bad_input(
            &["train", "--data", p.to_str().unwrap(), "--output", o],
            needle,
        );
        assert!(!out.exists(), "{name} left a model behind");
    }
    assert_bad_input(
        &["train", "--data", "tests/fixtures", "--output", o],
        "is a directory",
    );
    let bad_utf8 = dir.path().join("bad.csv");
    std::fs::write(&bad_utf8, b"text,label\nok,fact\nb\xffd,fact\n").unwrap();
    assert_bad_input(
        &["eval", "--data", bad_utf8.to_str().unwrap()],
        "bad.csv:3: invalid UTF-8 at byte offset 20",
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only bad.csv remains"
    );
}

#[test]
fn failed_train_leaves_existing_model_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    std::fs::write(&out, "previous model").unwrap();
    let p = fixture("unknown_label.csv");
    assert_bad_input(
        &[
            "train",
            "--data",
            p.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
        "unknown label",
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous model");
}

#[test]
fn bad_models_fail_cleanly() {
    let t = fixture("truncated_model.json");
    assert_bad_input(
        &["classify", "--model", t.to_str().unwrap(), DEMO],
        "truncated_model.json: invalid model: truncated JSON",
    );
    let w = fixture("wrong_shape_model.json");
    assert_bad_input(
        &["inspect", "--model", w.to_str().unwrap()],
        "wrong_shape_model.json: invalid model",
    );
    assert_bad_input(
        &[
            "eval",
            "--model",
            "no-such-model.json",
            "--data",
            "data/dev_test.csv",
        ],
        "no-such-model.json",
    );
    // A model whose arrays disagree in length.
    let dir = tempfile::tempdir().unwrap();
    let mut m = read_json(&root().join("models/factop-en.json"));
    m["idf"].as_array_mut().unwrap().pop();
    let p = dir.path().join("short.json");
    std::fs::write(&p, m.to_string()).unwrap();
    assert_bad_input(
        &["classify", "--model", p.to_str().unwrap(), DEMO],
        "but idf has",
    );
    let mut m = read_json(&root().join("models/factop-en.json"));
    m["format_version"] = 99.into();
    std::fs::write(&p, m.to_string()).unwrap();
    assert_bad_input(
        &["inspect", "--model", p.to_str().unwrap()],
        "format version 99 is not supported",
    );
}

#[test]
fn bad_article_input_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.txt");
    std::fs::write(&p, b"Fine line.\nBad \xff byte.\n").unwrap();
    assert_bad_input(
        &["classify", p.to_str().unwrap()],
        "a.txt:2: invalid UTF-8 at byte offset 15",
    );
    assert_bad_input(&["classify", "missing-article.txt"], "missing-article.txt");
    assert_bad_input(&["classify", "tests"], "is a directory");
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let (code, bash, _) = run(&["completions", "bash"]);
    assert_eq!(code, 0);
    for sub in ["train", "classify", "eval", "inspect"] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
    }
    assert!(bash.contains("--input-format"));
    let (code, man, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") || man.contains(".TH factop 1"),
        "{}",
        &man[..80.min(man.len())]
    );
    assert!(man.contains("classify"));
    // One complete page: every command's flags, exit status and environment, and no
    // pointers to pages that do not exist.
    for needle in [
        "\\-\\-encoder\\-scale",
        "\\-\\-input\\-format",
        "\\-\\-predictions",
        "factop encoder install",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        "FACTOP_HOME",
        "NO_COLOR",
    ] {
        assert!(man.contains(needle), "man page lacks {needle}");
    }
    assert!(
        !man.contains("factop\\-train(1)"),
        "points to a page that does not exist"
    );
    // Usage errors come from clap: exit code 2 and the possible values.
    let (code, _, stderr) = run(&["completions", "tcsh-not-a-shell"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'tcsh-not-a-shell'"),
        "{stderr}"
    );
}

#[test]
fn html_outputs_are_written_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a<b>.txt");
    std::fs::write(
        &article,
        "Officials said <b>40</b> people were hurt.\n\nWhat a disgrace!\n",
    )
    .unwrap();
    let (code, page, stderr) = run(&["classify", "--format", "html", article.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("&lt;b&gt;40&lt;/b&gt;"));
    assert!(!page.contains("<b>40</b>"));
    let report = dir.path().join("report.html");
    let (code, _, stderr) = run(&[
        "eval",
        "--data",
        "data/dev_test.csv",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("id=\"metrics\""));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the report must be self-contained"
    );
}

#[test]
fn jsonl_streams_before_the_input_ends() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command as Std, Stdio};
    for threads in ["1", "2"] {
        let mut child = Std::new(assert_cmd::cargo::cargo_bin("factop"))
            .args(["classify", "--format", "jsonl", "-j", threads, "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        for (text, label) in [
            ("Officials said 40 people were hurt.", "fact"),
            ("What a disgrace, frankly!", "opinion"),
        ] {
            writeln!(stdin, "{text}").unwrap();
            stdin.flush().unwrap();
            // stdin is still open: the answer must come before the input ends.
            line.clear();
            stdout.read_line(&mut line).unwrap();
            let v: Value = serde_json::from_str(&line).unwrap();
            assert_eq!(v["text"], text);
            assert_eq!(v["label"], label, "{threads} threads");
        }
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

#[test]
fn works_as_a_filter_in_a_shell_pipeline() {
    let bin = assert_cmd::cargo::cargo_bin("factop");
    let script = format!(
        "printf '%s\\n' '{{\"id\": \"a1\", \"text\": \"Officials said 40 people were hurt. What a disgrace!\"}}' \
         | {bin} classify --input-format jsonl --format jsonl \
         | grep -c '\"id\":\"a1\"'",
        bin = bin.display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2");
}

/// `classify -o FILE` writes the same bytes as standard output would, atomically: a
/// failure on a later input leaves an existing output as it was and no temporary file.
#[test]
fn classify_output_file_is_atomic_and_equals_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let o = out.to_str().unwrap();
    let (code, stdout, _) = super::util::run(&["classify", "-f", "json", super::util::DEMO]);
    assert_eq!(code, 0);
    let (code, printed, _) =
        super::util::run(&["classify", "-f", "json", "-o", o, super::util::DEMO]);
    assert_eq!(code, 0);
    assert!(printed.is_empty());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"bad \xff\n").unwrap();
    let (code, _, _) = super::util::run(&[
        "classify",
        "-f",
        "json",
        "-o",
        o,
        super::util::DEMO,
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), stdout);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

/// `--color always|never` decide colour in --format text whatever the output is.
#[test]
fn color_flag_forces_or_forbids_escapes() {
    let (_, always, _) = super::util::run(&[
        "classify",
        "-f",
        "text",
        "--color",
        "always",
        super::util::DEMO,
    ]);
    assert!(always.contains("\x1b["));
    let (_, never, _) = super::util::run(&[
        "classify",
        "-f",
        "text",
        "--color",
        "never",
        super::util::DEMO,
    ]);
    assert!(!never.contains('\x1b'));
    let (_, auto, _) = super::util::run(&["classify", "-f", "text", super::util::DEMO]);
    assert_eq!(auto, never, "auto into a pipe is uncoloured");
}

/// Pasted HTML gets one warning naming the conversion; -q silences it; the output is
/// still written. All-lowercase text is split at its sentence ends.
#[test]
fn markup_warns_and_lowercase_text_splits() {
    let html = "<html><body><p>The council met.</p><p>It is a shame.</p></body></html>\n";
    let (code, out, err) = super::util::run_stdin(&["classify", "-f", "jsonl"], Some(html.into()));
    assert_eq!(code, 0);
    assert!(
        err.contains("looks like HTML") && err.contains("pandoc"),
        "{err}"
    );
    assert_eq!(out.lines().count(), 1);
    let (_, _, quiet) = super::util::run_stdin(&["classify", "-q"], Some(html.into()));
    assert!(quiet.is_empty(), "{quiet}");
    let lower = "the council met on monday. it voted to close the library. what a shame!\n";
    let (_, out, _) = super::util::run_stdin(&["classify", "-f", "jsonl"], Some(lower.into()));
    assert_eq!(out.lines().count(), 3, "{out}");
}
