//! Limits that keep a file from costing more than it should: what factop reads is
//! checked for its type and size before it is read, ids and model names are bounded
//! (every output record repeats them), a model file's lists are bounded while it is
//! parsed, and a model's `blocks` list must agree with its contents.

use super::util::{root, run, run_stdin, write};
use serde_json::Value;
use std::path::Path;

/// Run, expect exit 2, and return the one error line.
fn error_line(args: &[&str], stdin: Option<Vec<u8>>) -> String {
    let (code, stdout, stderr) = run_stdin(args, stdin);
    assert_eq!(code, 2, "{args:?}\nstdout: {stdout}\nstderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    errors[0].to_string()
}

/// The English model's JSON with `change` applied, written to `dir/name`.
fn changed_model(dir: &Path, name: &str, change: impl FnOnce(&mut Value)) -> String {
    let text = std::fs::read_to_string(root().join("models/factop-en.json")).unwrap();
    let mut model: Value = serde_json::from_str(&text).unwrap();
    change(&mut model);
    write(dir, name, serde_json::to_string(&model).unwrap().as_bytes())
}

#[test]
fn devices_are_refused_unread_and_pipes_are_read() {
    let device = "is a device or socket, not a file or a pipe: factop reads regular files, pipes and - (standard input)";
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("m.json");
    let out = out.to_str().unwrap();
    // This read 1 GiB of zeros before refusing it.
    assert_eq!(
        error_line(&["train", "--data", "/dev/zero", "-o", out], None),
        format!("error: /dev/zero: {device}")
    );
    assert_eq!(
        error_line(&["eval", "--data", "/dev/urandom"], None),
        format!("error: /dev/urandom: {device}")
    );
    assert_eq!(
        error_line(&["classify", "--model", "/dev/zero"], Some(b"x".to_vec())),
        format!("error: /dev/zero: invalid model: {device}")
    );
    assert_eq!(
        error_line(
            &[
                "classify",
                "--no-split",
                "--input-format",
                "csv",
                "/dev/zero"
            ],
            None
        ),
        format!("error: /dev/zero: {device}")
    );
    assert!(!Path::new(out).exists());

    // A pipe (as `<(zcat data.csv.gz)` gives) is read as it streams.
    let fifo = d.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            std::fs::write(
                &fifo,
                "text,label\nThe ministry said 40 people were hurt.,fact\nWhat a disgrace this is!,opinion\n",
            )
            .unwrap()
        })
    };
    let (code, stdout, stderr) =
        run(&["eval", "--format", "json", "--data", fifo.to_str().unwrap()]);
    writer.join().unwrap();
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["examples"], 2);
}

#[test]
fn files_over_the_limit_are_refused_by_their_size_unread() {
    let d = tempfile::tempdir().unwrap();
    // Sparse files: their size is known without writing or reading their bytes.
    let sized = |name: &str, len: u64| {
        let p = d.path().join(name);
        std::fs::File::create(&p).unwrap().set_len(len).unwrap();
        p.to_str().unwrap().to_string()
    };
    let data = sized("big.csv", (1 << 30) + 1);
    assert_eq!(
        error_line(&["eval", "--data", &data], None),
        format!("error: {data}: the file is 1073741825 bytes, over the limit of 1 GiB (1073741824 bytes); nothing was read")
    );
    let model = sized("big.json", (256 << 20) + 1);
    assert_eq!(
        error_line(&["classify", "--model", &model], Some(b"x".to_vec())),
        format!("error: {model}: invalid model: the file is 268435457 bytes, over the limit of 256 MiB (268435456 bytes); nothing was read")
    );
    // Through standard input the same limit stops the read one byte past it.
    let stdin = vec![b'a'; (256 << 20) + 1];
    assert_eq!(
        error_line(&["classify", "--model", "-"], Some(stdin)),
        "error: -: invalid model: more than 256 MiB (268435456 bytes) read, over the limit for this file; stopped there"
    );
}

#[test]
fn long_ids_are_refused_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    let long = "i".repeat(1025);
    let fits = "f".repeat(1024);
    let jsonl = write(
        d.path(),
        "in.jsonl",
        format!(
            "{{\"id\":\"{fits}\",\"text\":\"One.\"}}\n{{\"id\":\"{long}\",\"text\":\"Two.\"}}\n"
        )
        .as_bytes(),
    );
    let args = [
        "classify",
        "--no-split",
        "--input-format",
        "jsonl",
        "-f",
        "jsonl",
    ];
    assert_eq!(
        error_line(&[&args[..], &[jsonl.as_str()]].concat(), None),
        format!("error: {jsonl}:2: the id is 1025 bytes; an id may have at most 1024 bytes")
    );
    // An id that is not a string counts as its JSON text.
    let number = "7".repeat(1100);
    let jsonl = write(
        d.path(),
        "num.jsonl",
        format!("{{\"id\":{number},\"text\":\"One.\"}}\n").as_bytes(),
    );
    assert_eq!(
        error_line(&[&args[..], &[jsonl.as_str()]].concat(), None),
        format!("error: {jsonl}:1: the id is 1100 bytes; an id may have at most 1024 bytes")
    );
    let csv = write(
        d.path(),
        "in.csv",
        format!("id,text\n{fits},One.\n{long},Two.\n").as_bytes(),
    );
    assert_eq!(
        error_line(
            &["classify", "--no-split", "--input-format", "csv", &csv],
            None
        ),
        format!("error: {csv}:3: the id is 1025 bytes; an id may have at most 1024 bytes")
    );
    let data = write(
        d.path(),
        "data.csv",
        format!("id,text,label\n{long},One.,fact\n").as_bytes(),
    );
    assert_eq!(
        error_line(&["eval", "--data", &data], None),
        format!("error: {data}:2: the id is 1025 bytes; an id may have at most 1024 bytes")
    );
    // At the limit, the id is kept as it is.
    let ok = write(
        d.path(),
        "ok.jsonl",
        format!("{{\"id\":\"{fits}\",\"text\":\"One.\"}}\n").as_bytes(),
    );
    let (code, stdout, stderr) = run(&[&args[..], &[ok.as_str()]].concat());
    assert_eq!(code, 0, "{stderr}");
    let line: Value = serde_json::from_str(stdout.trim_end()).unwrap();
    assert_eq!(line["id"], Value::String(fits));
}

#[test]
fn long_model_names_are_refused_at_load() {
    let d = tempfile::tempdir().unwrap();
    let m = changed_model(d.path(), "m.json", |m| m["name"] = "n".repeat(257).into());
    assert_eq!(
        error_line(&["classify", "--model", &m], Some(b"x".to_vec())),
        format!("error: {m}: invalid model: the name is 257 bytes; a model name may have at most 256 bytes")
    );
    let m = changed_model(d.path(), "ok.json", |m| m["name"] = "n".repeat(256).into());
    let (code, _, stderr) = run_stdin(&["classify", "--model", &m], Some(b"x".to_vec()));
    assert_eq!(code, 0, "{stderr}");
    // `train --name` is refused before any data is read (standard input is never
    // read here: the data would be the empty stdin) and nothing is written.
    let out = d.path().join("t.json");
    let name = "n".repeat(300);
    assert_eq!(
        error_line(
            &[
                "train",
                "--data",
                "-",
                "--name",
                &name,
                "-o",
                out.to_str().unwrap()
            ],
            Some(Vec::new())
        ),
        "error: invalid setting: the model name is 300 bytes; a name may have at most 256 bytes"
    );
    assert!(!out.exists());
}

#[test]
fn a_blocks_list_that_contradicts_the_contents_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let cases: [(&str, Value, &str); 4] = [
        (
            "twice.json",
            serde_json::json!(["tfidf", "cues", "tfidf"]),
            "the blocks list names tfidf twice",
        ),
        (
            "empty.json",
            serde_json::json!([]),
            "the blocks list is empty; a model needs at least one feature block",
        ),
        (
            "no-cues.json",
            serde_json::json!(["tfidf"]),
            "the file has cues but its blocks list (tfidf) does not name cues",
        ),
        (
            "no-terms.json",
            serde_json::json!(["cues"]),
            "the file has a vocabulary but its blocks list (cues) does not name tfidf",
        ),
    ];
    for (name, blocks, message) in cases {
        let m = changed_model(d.path(), name, |m| m["blocks"] = blocks);
        assert_eq!(
            error_line(&["classify", "--model", &m], Some(b"x".to_vec())),
            format!("error: {m}: invalid model: {message}")
        );
    }
}

#[test]
fn a_model_list_over_its_bound_stops_the_parse() {
    let d = tempfile::tempdir().unwrap();
    // 1,000,001 terms: the parse stops at the last one, before any table is built.
    let mut json = String::from("{\"format\":\"factop-model\",\"vocabulary\":[");
    json.push_str(&vec!["\"a\""; 1_000_001].join(","));
    json.push_str("]}");
    let m = write(d.path(), "m.json", json.as_bytes());
    let line = error_line(&["classify", "--model", &m], Some(b"x".to_vec()));
    assert_eq!(
        line,
        format!("error: {m}: invalid model: unexpected content: a list has more than 1000000 terms, the limit of a model file at line 1 column 4000043")
    );
    let m = changed_model(d.path(), "cues.json", |m| {
        m["cues"] = Value::Array(vec!["x".into(); 1025])
    });
    let line = error_line(&["classify", "--model", &m], Some(b"x".to_vec()));
    assert!(
        line.contains("invalid model: unexpected content: a list has more than 1024 entries, the limit of a model file at line 1"),
        "{line}"
    );
}

#[test]
fn cross_validation_with_too_few_rows_of_a_label_says_so() {
    let d = tempfile::tempdir().unwrap();
    let mut csv = String::from("text,label\n");
    for i in 0..20 {
        csv.push_str(&format!("The ministry said {i} people were hurt.,fact\n"));
    }
    csv.push_str("What a disgrace!,opinion\nThis is awful.,opinion\n");
    let data = write(d.path(), "few.csv", csv.as_bytes());
    // This once said "training needs both labels; got 13 fact and 0 opinion rows".
    assert_eq!(
        error_line(&["eval", "--cv", "5", "--data", &data], None),
        format!("error: {data}: 5-fold cross-validation of 20 fact and 2 opinion rows: a fold model would train on only 1 opinion row, too few to choose its threshold by 5 inner folds; --cv 5 needs at least 3 rows of each label (or --fixed-threshold)")
    );
    let (code, _, stderr) = run(&[
        "eval",
        "--cv",
        "5",
        "--fixed-threshold",
        "0.5",
        "--data",
        &data,
    ]);
    assert_eq!(code, 0, "{stderr}");
}
