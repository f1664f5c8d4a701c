//! The documented command rebuilds the shipped default model byte for byte.

use super::util::factop;

#[test]
fn documented_command_reproduces_the_shipped_model() {
    let root = super::util::root();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("factop-en.json");
    factop()
        .args([
            "train",
            "--data",
            "data/train.csv",
            "--data",
            "data/dev.csv",
            "--output",
        ])
        .arg(&out)
        .assert()
        .success();
    let shipped = std::fs::read(root.join("models/factop-en.json")).unwrap();
    let rebuilt = std::fs::read(&out).unwrap();
    assert!(
        rebuilt == shipped,
        "models/factop-en.json is stale: rebuild it with the command in models/README.md"
    );
}
