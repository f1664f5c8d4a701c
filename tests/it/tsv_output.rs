//! `classify --format tsv` reads back as written with the defaults of
//! `pandas.read_csv(path, sep="\t")`: fields holding `"` are quoted as RFC 4180 quotes
//! them, tabs and line breaks become spaces, every row is one line of eight fields.
//! Checked here with the `csv` crate configured as pandas' defaults read (tab
//! delimiter, `"` quoting, doubled quotes).

use super::util::{factop, fixture, run};
use serde_json::Value;

/// The rows of a TSV output as pandas' default reader sees them.
fn read_back(tsv: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .from_reader(tsv.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn quotes_are_quoted_and_tabs_become_spaces() {
    let f = fixture("quotes.txt");
    let (code, tsv, stderr) = run(&["classify", "--format", "tsv", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let source = f.to_str().unwrap();
    let (_, jsonl, _) = run(&["classify", "--format", "jsonl", source]);
    let records: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let p = |i: usize| records[i]["opinion_probability"].to_string();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(
        lines,
        [
            "source\tid\tindex\tstart\tend\tlabel\topinion_probability\ttext".to_string(),
            format!(
                "{source}\t\t0\t0\t37\tfact\t{}\t\"\"\"We will not resign,\"\" the mayor said.\"",
                p(0)
            ),
            format!(
                "{source}\t\t1\t38\t53\tfact\t{}\t\"He said   \"\"no\"\".\"",
                p(1)
            ),
            format!("{source}\t\t2\t54\t66\tfact\t{}\t\"It is \"\"fine.\"", p(2)),
        ]
    );
    let rows = read_back(&tsv);
    assert_eq!(rows.len(), 4);
    for (row, record) in rows[1..].iter().zip(&records) {
        assert_eq!(row.len(), 8);
        let text = record["text"].as_str().unwrap().replace('\t', " ");
        assert_eq!(row[7], text);
        assert_eq!(row[6], record["opinion_probability"].to_string());
    }
    assert_eq!(rows[1][7], "\"We will not resign,\" the mayor said.");
}

/// Ids from JSON Lines may hold tabs, line breaks and quotes: they cannot add a row or
/// a column, and read back with those characters as spaces.
#[test]
fn ids_cannot_forge_rows_or_columns() {
    let input = concat!(
        r#"{"id": "a\tb\"c\nd\re", "text": "Officials said 40 people were hurt."}"#,
        "\n",
        r#"{"id": {"k": "v"}, "text": "What a disgrace!"}"#,
        "\n"
    );
    let out = factop()
        .args(["classify", "--input-format", "jsonl", "--format", "tsv"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(out.status.success());
    let tsv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(tsv.lines().count(), 3, "{tsv}");
    let rows = read_back(&tsv);
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.len() == 8), "{rows:?}");
    assert_eq!(rows[1][1], "a b\"c d e");
    assert_eq!(rows[2][1], r#"{"k":"v"}"#);
    assert!(tsv.contains("\t\"a b\"\"c d e\"\t"), "{tsv}");
}
