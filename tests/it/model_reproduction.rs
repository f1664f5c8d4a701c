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

/// The documented commands of the other built-in models (the code block under "The
/// other languages" in models/README.md) rebuild each shipped file byte for byte.
#[test]
fn documented_commands_reproduce_the_other_builtin_models() {
    let root = super::util::root();
    let readme = std::fs::read_to_string(root.join("models/README.md")).unwrap();
    let section = &readme[readme.find("## The other languages").unwrap()..];
    let block = section.split("```").nth(1).unwrap();
    let commands: Vec<&str> = block
        .lines()
        .filter(|l| l.starts_with("cargo run --release -- train "))
        .collect();
    assert_eq!(commands.len(), 4, "one command per language: {block}");
    let dir = tempfile::tempdir().unwrap();
    for command in commands {
        let args: Vec<&str> = command
            .trim_start_matches("cargo run --release -- ")
            .split_whitespace()
            .collect();
        let at = args.iter().position(|a| *a == "--output").unwrap();
        let shipped = args[at + 1];
        let out = dir.path().join("m.json");
        let mut rebuilt_args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        rebuilt_args[at + 1] = out.to_str().unwrap().to_string();
        factop().args(&rebuilt_args).assert().success();
        let shipped_bytes = std::fs::read(root.join(shipped)).unwrap();
        let rebuilt = std::fs::read(&out).unwrap();
        assert!(
            rebuilt == shipped_bytes,
            "{shipped} is stale: rebuild it with `{command}`"
        );
    }
}
