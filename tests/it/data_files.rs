//! Reading labelled files end to end: rows that lack a trailing column factop does not
//! read (the shape of the CheckThat! English dev file), rows of the wrong shape, and
//! the shared CheckThat! files as they are.

use super::util::{assert_bad_input, fixture, root, run};
use serde_json::Value;

fn path(name: &str) -> String {
    fixture(name).to_str().unwrap().to_string()
}

/// `short_rows.tsv` has a 4-column header (`solved_conflict` last) and two rows with
/// only the first 3: it trains and evaluates with every row.
#[test]
fn rows_without_the_optional_last_column_load() {
    let data = path("short_rows.tsv");
    let (code, out, stderr) = run(&["eval", "--data", &data, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["examples"], 4);
    assert_eq!(r["confusion"]["fact"]["fact"], 2);
    assert_eq!(r["confusion"]["opinion"]["opinion"], 2);
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let (code, _, stderr) = run(&[
        "train",
        "--data",
        &data,
        "--output",
        model.to_str().unwrap(),
        "--min-df",
        "1",
        "--threshold-folds",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("4 rows (2 fact, 2 opinion)"), "{stderr}");
}

/// A row that stops before a column factop reads, or has more fields than the header,
/// is one error line naming the file and line.
#[test]
fn rows_missing_a_read_column_or_with_extra_fields_are_refused() {
    assert_bad_input(
        &["eval", "--data", &path("short_row_no_label.tsv")],
        "short_row_no_label.tsv:3: the row has 2 of the header's 4 fields and lacks the label column (label, field 3)",
    );
    assert_bad_input(
        &["eval", "--data", &path("long_row.tsv")],
        "long_row.tsv:3: 4 fields, more than the header's 3 (a tab inside a field?)",
    );
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.json");
    assert_bad_input(
        &[
            "train",
            "--data",
            &path("short_row_no_label.tsv"),
            "--output",
            out.to_str().unwrap(),
        ],
        "short_row_no_label.tsv:3: the row has 2 of the header's 4 fields",
    );
    assert!(!out.exists());
}

/// Every train, dev and dev_test file of the shared CheckThat! 2025 data loads as it
/// is, with the row counts of its SOURCE.md (the `*test*` files beyond dev_test are
/// never read). Skipped where the shared folder is absent.
#[test]
fn every_shared_checkthat_file_loads_as_it_is() {
    let dir = root().join("../shared/data/checkthat2025");
    if !dir.exists() {
        eprintln!("skipping: {} is absent here", dir.display());
        return;
    }
    let expected = [
        ("english", "en", [830, 462, 484]),
        ("german", "de", [800, 491, 337]),
        ("italian", "it", [1613, 667, 513]),
        ("arabic", "ar", [2446, 467, 748]),
        ("bulgarian", "bg", [729, 314, 250]),
    ];
    for (language, code, counts) in expected {
        for (split, rows) in ["train", "dev", "dev_test"].iter().zip(counts) {
            let p = dir.join(language).join(format!("{split}_{code}.tsv"));
            let d = factop::data::load(&p, &factop::data::DataOptions::default())
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((d.records.len(), d.skipped_empty), (rows, 0), "{p:?}");
        }
    }
    // The file of the issue: 243 of its 462 rows leave out `solved_conflict`.
    let dev = dir.join("english/dev_en.tsv");
    let (code, out, stderr) = run(&["eval", "--data", dev.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["examples"], 462);
    assert_eq!(r["classes"]["fact"]["support"], 222);
    assert_eq!(r["classes"]["opinion"]["support"], 240);
}

/// `--label-map` maps a file's own label values (matched case-insensitively, trimmed);
/// values not in the map still read as fact/opinion names; an unknown value names the
/// map; a bad entry is a usage error naming it.
#[test]
fn label_map_reads_other_label_values() {
    let data = path("mapped_labels.csv");
    let map = "1=opinion,0=fact,biased=opinion,NEUTRAL=fact";
    let (code, out, stderr) = run(&[
        "eval",
        "--data",
        &data,
        "--label-map",
        map,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["examples"], 6);
    assert_eq!(r["classes"]["fact"]["support"], 3);
    assert_eq!(r["classes"]["opinion"]["support"], 3);
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let (code, _, stderr) = run(&[
        "train",
        "--data",
        &data,
        "--label-map",
        map,
        "--output",
        model.to_str().unwrap(),
        "--min-df",
        "1",
        "--threshold-folds",
        "2",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("6 rows (3 fact, 3 opinion)"), "{stderr}");
    let (code, out, stderr) = run(&[
        "eval",
        "--cv",
        "2",
        "--data",
        &data,
        "--label-map",
        map,
        "--min-df",
        "1",
        "--fixed-threshold",
        "0.5",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["examples"], 6);

    assert_bad_input(
        &["eval", "--data", &data],
        "mapped_labels.csv:2: unknown label \"0\" (expected fact/objective/obj or opinion/subjective/subj; map other values with --label-map, e.g. --label-map 1=opinion,0=fact)",
    );
    assert_bad_input(
        &["eval", "--data", &data, "--label-map", "1=opinion,0=fact"],
        "mapped_labels.csv:4: unknown label \"neutral\" (not in --label-map 1=opinion,0=fact, and not fact/objective/obj or opinion/subjective/subj)",
    );
    assert_bad_input(
        &["eval", "--data", &data, "--label-map", "1=opinion,0=maybe"],
        "error: invalid setting: --label-map entry \"0=maybe\": \"maybe\" is not a label (fact/objective/obj or opinion/subjective/subj)",
    );
    assert_bad_input(
        &[
            "train",
            "--data",
            &data,
            "--label-map",
            "1",
            "--output",
            model.to_str().unwrap(),
        ],
        "error: invalid setting: --label-map entry \"1\": expected VALUE=LABEL",
    );
    let (_, help, _) = run(&["eval", "--help"]);
    assert!(help.contains("--label-map <VALUE=LABEL,...>"), "{help}");
}
