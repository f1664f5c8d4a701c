//! The shipped data: row and label counts, and the demo article kept out of it.

use factop::data::{load, DataOptions};
use factop::Label;
use std::path::Path;

fn counts(name: &str) -> (usize, usize, usize) {
    let d = load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data")
            .join(name),
        &DataOptions::default(),
    )
    .unwrap();
    let (fact, opinion) = d.counts();
    assert_eq!(d.skipped_empty, 0);
    (d.records.len(), fact, opinion)
}

#[test]
fn shipped_splits_have_the_published_counts() {
    assert_eq!(counts("train.csv"), (830, 532, 298));
    assert_eq!(counts("dev.csv"), (462, 222, 240));
    assert_eq!(counts("dev_test.csv"), (484, 362, 122));
}

#[test]
fn per_language_splits_have_the_published_counts() {
    assert_eq!(counts("de/train.csv"), (800, 492, 308));
    assert_eq!(counts("de/dev.csv"), (491, 317, 174));
    assert_eq!(counts("de/dev_test.csv"), (337, 226, 111));
    assert_eq!(counts("it/train.csv"), (1613, 1231, 382));
    assert_eq!(counts("it/dev.csv"), (667, 490, 177));
    assert_eq!(counts("it/dev_test.csv"), (513, 377, 136));
    assert_eq!(counts("ar/train.csv"), (2446, 1391, 1055));
    assert_eq!(counts("ar/dev.csv"), (467, 266, 201));
    assert_eq!(counts("ar/dev_test.csv"), (748, 425, 323));
    assert_eq!(counts("bg/train.csv"), (729, 406, 323));
    assert_eq!(counts("bg/dev.csv"), (314, 175, 139));
    assert_eq!(counts("bg/dev_test.csv"), (250, 143, 107));
}

#[test]
fn demo_article_is_not_training_data() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let article =
        std::fs::read_to_string(root.join("data/articles/tillerson-north-korea.txt")).unwrap();
    let sentences: Vec<String> =
        factop::pipeline::segment::segment(&article, factop::Language::English)
            .iter()
            .map(|s| s.text(&article).to_string())
            .collect();
    assert!(sentences.len() > 10);
    for split in ["train.csv", "dev.csv", "dev_test.csv"] {
        let d = load(&root.join("data").join(split), &DataOptions::default()).unwrap();
        for r in &d.records {
            assert!(
                !sentences.iter().any(|s| r.text.contains(s.as_str())),
                "{split}: {}",
                r.text
            );
        }
    }
    let _ = Label::Fact;
}
