//! `classify --no-split`: each record (a text line, a JSON Lines object, a CSV or TSV
//! row) is one sentence, never re-split; one output row per record, in input order,
//! with its id, in every format; P(opinion) is exactly the library's
//! `Classifier::probability` of the record's text.

use super::util::{assert_bad_input, factop, fixture, run, run_stdin};
use factop::model::Classifier;
use serde_json::{json, Value};

fn path(name: &str) -> String {
    fixture(name).to_str().unwrap().to_string()
}

fn jsonl(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The records of `sentences.csv`: id and text (quoted commas, doubled quotes, an
/// empty text, a line break, spaces kept; one row without the unread last column).
const CSV_RECORDS: [(&str, &str); 5] = [
    ("s1", "Police said two people were hurt, one seriously."),
    ("s2", "He called it \"a disgrace\" and left."),
    ("s3", ""),
    ("s4", "What a shame.\nTruly."),
    ("s5", "   Surely this cannot go on much longer.   "),
];

fn en() -> Classifier {
    Classifier::builtin("en").unwrap()
}

/// What jsonl should hold for each (id, text) record under the English model.
fn expected(model: &Classifier, source: &str, records: &[(Value, &str)]) -> Vec<Value> {
    let t = model.threshold();
    records
        .iter()
        .map(|(id, text)| {
            let p = model.probability(text);
            json!({
                "source": source, "id": id,
                "model": {"name": model.model_file().name, "language": model.language().code(), "threshold": t},
                "index": 0, "start": 0, "end": text.len(), "text": text,
                "label": if p >= t { "opinion" } else { "fact" },
                "opinion_probability": p,
            })
        })
        .collect()
}

#[test]
fn csv_rows_are_sentences_with_the_library_s_probabilities() {
    let csv = path("sentences.csv");
    let (code, out, stderr) = run(&[
        "classify",
        "--no-split",
        "--input-format",
        "csv",
        "--format",
        "jsonl",
        &csv,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let records: Vec<(Value, &str)> = CSV_RECORDS.iter().map(|(i, t)| (json!(i), *t)).collect();
    assert_eq!(jsonl(&out), expected(&en(), &csv, &records));
    // Bit for bit: the JSON number is the f64 the library computes.
    let p = en().probability(CSV_RECORDS[1].1);
    assert!(
        out.contains(&format!("\"opinion_probability\":{p}")),
        "{out}"
    );
    assert_eq!(
        stderr,
        format!("note: {csv}: 1 of 5 records have empty text; each still has its row, scored as the empty sentence\n")
    );
    let (_, _, quiet) = run(&[
        "classify",
        "--no-split",
        "--input-format",
        "csv",
        "-q",
        &csv,
    ]);
    assert_eq!(quiet, "");
}

#[test]
fn every_format_has_one_row_per_record_in_input_order() {
    let csv = path("sentences.csv");
    let model = en();
    let t = model.threshold();
    let args = |format: &str| -> String {
        let (code, out, stderr) = run(&[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "-q",
            "--format",
            format,
            &csv,
        ]);
        assert_eq!(code, 0, "{format}: {stderr}");
        out
    };
    let probs: Vec<f64> = CSV_RECORDS
        .iter()
        .map(|(_, s)| model.probability(s))
        .collect();
    let label = |p: f64| if p >= t { "opinion" } else { "fact" };

    let v: Value = serde_json::from_str(&args("json")).unwrap();
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    for ((doc, (id, text)), p) in docs.iter().zip(CSV_RECORDS).zip(&probs) {
        assert_eq!(doc["id"], id);
        assert_eq!(doc["sentences"].as_array().unwrap().len(), 1);
        assert_eq!(doc["sentences"][0]["text"], text);
        assert_eq!(
            doc["sentences"][0]["opinion_probability"].as_f64(),
            Some(*p)
        );
        assert_eq!(doc["summary"]["sentences"], 1);
    }

    let tsv = args("tsv");
    let mut want =
        vec!["source\tid\tindex\tstart\tend\tlabel\topinion_probability\ttext".to_string()];
    for ((id, text), p) in CSV_RECORDS.iter().zip(&probs) {
        let shown = text.replace('\n', " ");
        let shown = if shown.contains('"') {
            format!("\"{}\"", shown.replace('"', "\"\""))
        } else {
            shown
        };
        want.push(format!(
            "{csv}\t{id}\t0\t0\t{}\t{}\t{p}\t{shown}",
            text.len(),
            label(*p)
        ));
    }
    assert_eq!(tsv.lines().collect::<Vec<_>>(), want);

    let table = args("table");
    let mut want = vec!["  id  label    P(op)  sentence".to_string()];
    for ((id, text), p) in CSV_RECORDS.iter().zip(&probs) {
        want.push(format!(
            "{id:>4}  {:<7}  {p:>5.2}  {}",
            label(*p),
            text.replace('\n', "\u{240A}")
        ));
    }
    let (fact, opinion) = (
        probs.iter().filter(|&&p| p < t).count(),
        probs.iter().filter(|&&p| p >= t).count(),
    );
    want.push(format!(
        "{csv}: 5 sentences, {fact} fact, {opinion} opinion ({:.1}% opinion)",
        opinion as f64 / 5.0 * 100.0
    ));
    assert_eq!(table.lines().collect::<Vec<_>>(), want);

    let text = args("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    for ((line, (id, sentence)), p) in lines.iter().zip(CSV_RECORDS).zip(&probs) {
        let sentence = sentence.replace('\n', "\u{240A}");
        let marked = if *p >= t {
            format!("[OPINION {p:.2}] {sentence}")
        } else {
            sentence
        };
        assert_eq!(*line, format!("{id}: {marked}"));
    }
    assert_eq!(lines[5], "");
    assert_eq!(lines[6], want[6]);

    let html = args("html");
    // Once highlighted in the text, once in the reasons under it.
    assert_eq!(html.matches("What a shame.").count(), 2, "{html}");
    assert_eq!(html.matches("<bdi>What a shame.").count(), 1, "{html}");
}

#[test]
fn tsv_input_is_read_with_quoting_off_and_named_columns_are_used() {
    let tsv = path("sentences.tsv");
    let (code, out, stderr) = run(&[
        "classify",
        "--no-split",
        "--input-format",
        "tsv",
        "-f",
        "jsonl",
        &tsv,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let records = [
        (
            json!("t1"),
            "\"We will not resign,\" the mayor told a news conference.",
        ),
        (
            json!("t2"),
            "It is truly shameful that we keep ignoring the problem.",
        ),
    ];
    assert_eq!(jsonl(&out), expected(&en(), &tsv, &records));
    // --text-column / --id-column name other columns; without an id column the id is
    // the row's 1-based number.
    let (code, out, stderr) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "-f",
            "jsonl",
            "--text-column",
            "body",
            "--id-column",
            "key",
            "-",
        ],
        Some(b"text,key,body\nNot this.,k1,One.\nNor this.,k2,Two.\n".to_vec()),
    );
    assert_eq!(code, 0, "{stderr}");
    let got: Vec<(Value, Value)> = jsonl(&out)
        .iter()
        .map(|r| (r["id"].clone(), r["text"].clone()))
        .collect();
    assert_eq!(
        got,
        [(json!("k1"), json!("One.")), (json!("k2"), json!("Two."))]
    );
    let (code, out, _) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "-f",
            "jsonl",
            "-",
        ],
        Some(b"text,other\nOne.,x\n\"Two, three.\",y\n".to_vec()),
    );
    assert_eq!(code, 0);
    let got: Vec<(Value, Value)> = jsonl(&out)
        .iter()
        .map(|r| (r["id"].clone(), r["text"].clone()))
        .collect();
    assert_eq!(
        got,
        [(json!(1), json!("One.")), (json!(2), json!("Two, three."))]
    );
}

#[test]
fn jsonl_and_text_lines_are_records_too() {
    let input = concat!(
        r#"{"key": "a", "body": "Officials said 40 people were hurt. Nobody cares!"}"#,
        "\n\n",
        r#"{"key": 7, "body": ""}"#,
        "\n"
    );
    let (code, out, stderr) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "jsonl",
            "--text-column",
            "body",
            "--id-column",
            "key",
            "-f",
            "jsonl",
            "-q",
        ],
        Some(input.into()),
    );
    assert_eq!(code, 0, "{stderr}");
    let records = [
        (
            json!("a"),
            "Officials said 40 people were hurt. Nobody cares!",
        ),
        (json!(7), ""),
    ];
    assert_eq!(jsonl(&out), expected(&en(), "-", &records));
    // Without an id key, the record's number (blank lines are not records).
    let (_, out, _) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "jsonl",
            "-f",
            "jsonl",
        ],
        Some(b"{\"text\": \"One.\"}\n\n{\"text\": \"Two.\"}\n".to_vec()),
    );
    let ids: Vec<Value> = jsonl(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, [json!(1), json!(2)]);
    // Text: each line is a record, blank lines included, its id the line number.
    let (code, out, _) = run_stdin(
        &["classify", "--no-split", "-f", "jsonl", "-q"],
        Some(b"What a disgrace! Nobody cares.\r\n\nPolice said so.".to_vec()),
    );
    assert_eq!(code, 0);
    let records = [
        (json!(1), "What a disgrace! Nobody cares."),
        (json!(2), ""),
        (json!(3), "Police said so."),
    ];
    assert_eq!(jsonl(&out), expected(&en(), "-", &records));
}

#[test]
fn explanations_and_threads_do_not_change_the_numbers() {
    let data = "data/dev_test.csv";
    let one = |threads: &str, explain: bool| -> Vec<Value> {
        let mut args = vec![
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "-f",
            "jsonl",
            "-j",
            threads,
            data,
        ];
        if explain {
            args.push("--explain");
        }
        let (code, out, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        jsonl(&out)
    };
    let serial = one("1", false);
    assert_eq!(serial.len(), 484);
    assert_eq!(one("3", false), serial);
    let explained = one("2", true);
    let model = en();
    let rows = factop::data::load(std::path::Path::new(data), &Default::default()).unwrap();
    for ((r, e), row) in serial.iter().zip(&explained).zip(&rows.records) {
        assert_eq!(r["id"], row.id.as_deref().unwrap());
        assert_eq!(r["text"], row.text);
        assert_eq!(
            r["opinion_probability"].as_f64(),
            Some(model.probability(&row.text))
        );
        assert_eq!(e["opinion_probability"], r["opinion_probability"]);
        assert_eq!(
            e["explanation"],
            serde_json::to_value(model.explain(&row.text, 3)).unwrap()
        );
    }
}

#[test]
fn auto_picks_each_record_s_model_and_counts_the_fallbacks() {
    let input = concat!(
        "id,text\n",
        "de,\"Die Regierung hat am Dienstag in Berlin neue Regeln für die Schulen beschlossen, sagte ein Sprecher.\"\n",
        "en,\"The government approved new rules for schools in Berlin on Tuesday, a spokesman said.\"\n",
        "short,Ja.\n"
    );
    let (code, out, stderr) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "--model",
            "auto",
            "-f",
            "jsonl",
            "-",
        ],
        Some(input.into()),
    );
    assert_eq!(code, 0, "{stderr}");
    let models: Vec<Value> = jsonl(&out)
        .iter()
        .map(|r| r["model"]["name"].clone())
        .collect();
    assert_eq!(models, ["factop-de", "factop-en", "factop-en"]);
    let de = Classifier::builtin("de").unwrap();
    let first = &jsonl(&out)[0];
    assert_eq!(
        first["opinion_probability"].as_f64(),
        Some(de.probability(first["text"].as_str().unwrap()))
    );
    assert_eq!(
        stderr,
        "note: -: 1 of 3 records too short to tell the language, or in a language without a model; used the English model (en) for them\n"
    );
    // A named model is checked once per input, on its first records.
    let (code, _, stderr) = run_stdin(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "-f",
            "jsonl",
            "-",
        ],
        Some(input.replace("en,\"The", "x,\"Die").into()),
    );
    assert_eq!(code, 0);
    assert_eq!(stderr.matches("warning: -").count(), 1, "{stderr}");
}

#[test]
fn several_inputs_keep_their_order_and_headings() {
    let (csv, tsv) = (path("sentences.csv"), path("sentences.tsv"));
    let (code, out, _) = run(&[
        "classify",
        "--no-split",
        "--input-format",
        "csv",
        "-q",
        &csv,
        &csv,
    ]);
    assert_eq!(code, 0);
    assert_eq!(out.matches(&format!("== {csv} ==")).count(), 2, "{out}");
    assert_eq!(out.matches("  id  label    P(op)  sentence").count(), 2);
    assert_eq!(out.matches(&format!("{csv}: 5 sentences")).count(), 2);
    let (code, out, _) = run(&[
        "classify",
        "--no-split",
        "--input-format",
        "tsv",
        "-f",
        "jsonl",
        &tsv,
        &tsv,
    ]);
    assert_eq!(code, 0);
    let ids: Vec<Value> = jsonl(&out).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["t1", "t2", "t1", "t2"]);
}

#[test]
fn bad_records_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &str| super::util::write(dir.path(), name, bytes.as_bytes());
    let cases = [
        ("nocol.csv", "id,body\n1,x\n", "csv", "nocol.csv:1: no text column (looked for text or sentence; header has: id, body)"),
        ("quote.csv", "id,text,note\n1,ok,a\n2,\"open,b\n3,x,c\n", "csv", "quote.csv:3: the row has 2 of the header's 3 fields and its last field spans lines (unbalanced quote or wrong delimiter?)"),
        ("wide.csv", "id,text\n1,one,two\n", "csv", "wide.csv:2: 3 fields, more than the header's 2 (an unquoted comma inside a field?)"),
        ("short.tsv", "text\tid\nOne.\n", "tsv", "short.tsv:2: the row has 1 of the header's 2 fields and lacks the id column (id, field 2)"),
        ("array.jsonl", "{\"text\": \"One.\"}\n[1, 2]\n", "jsonl", "array.jsonl:2: not a JSON object: found an array"),
        ("notext.jsonl", "{\"text\": \"One.\"}\n{\"body\": \"x\"}\n", "jsonl", "notext.jsonl:2: object has no string field \"text\""),
        ("broken.jsonl", "{\"text\": \"One.\"\n", "jsonl", "broken.jsonl:1: not a JSON object: EOF while parsing"),
        ("empty.csv", "", "csv", "empty.csv: empty file: expected a header row"),
    ];
    for (name, body, format, needle) in cases {
        let p = write(name, body);
        assert_bad_input(
            &["classify", "--no-split", "--input-format", format, &p],
            needle,
        );
    }
    let p = write("named.jsonl", "{\"text\": \"One.\", \"id\": 1}\n");
    assert_bad_input(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "jsonl",
            "--id-column",
            "key",
            &p,
        ],
        "named.jsonl:1: object has no field \"key\" (--id-column)",
    );
    let p = write("idless.csv", "text\nOne.\n");
    assert_bad_input(
        &[
            "classify",
            "--no-split",
            "--input-format",
            "csv",
            "--id-column",
            "key",
            &p,
        ],
        "idless.csv:1: no id column (looked for key; header has: text)",
    );
    assert_bad_input(
        &["classify", "--no-split", "--text-column", "body", &p],
        "--text-column names a column of --input-format csv or tsv, or a key of jsonl",
    );
    let out = factop().args(["classify", "--help"]).output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--no-split",
        "--text-column <NAME>",
        "--id-column <NAME>",
        "csv:",
        "tsv:",
    ] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
}
