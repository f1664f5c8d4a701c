//! `--model auto --accurate` across languages: each of the five languages gets its own
//! accurate model, any other language the detector is sure of gets the multilingual
//! `xx-e5` (never the English model), and a text too short to tell gets the English
//! one with a note. Also borrowed rows (`--borrow`) in training and cross-validation.

use crate::encoder::e5_home;
use crate::util::{assert_bad_input, factop, root, run};
use serde_json::Value;

/// The model name `classify --model auto --accurate --format json` used for `text`,
/// and its stderr.
fn auto_model(text: &str) -> (String, String) {
    let out = factop()
        .env("FACTOP_HOME", e5_home())
        .args([
            "classify",
            "--model",
            "auto",
            "--accurate",
            "--format",
            "json",
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = v["documents"][0]["model"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    (name, stderr)
}

#[test]
fn auto_accurate_gives_other_languages_the_multilingual_model() {
    let others = [
        ("French", "Le ministre a déclaré mardi que le gouvernement augmenterait les impôts l'année prochaine. C'est une honte."),
        ("Polish", "Minister powiedział we wtorek, że rząd podniesie podatki w przyszłym roku. To jest skandal."),
        ("Romanian", "Ministrul a declarat marți că guvernul va majora taxele anul viitor. Este o rușine."),
        ("Ukrainian", "Міністр заявив у вівторок, що уряд підвищить податки наступного року. Це ганьба."),
        ("Greek", "Ο υπουργός δήλωσε την Τρίτη ότι η κυβέρνηση θα αυξήσει τους φόρους τον επόμενο χρόνο."),
    ];
    for (language, text) in others {
        let (name, stderr) = auto_model(text);
        assert_eq!(name, "factop-xx-e5", "{language}: {stderr}");
        assert!(
            stderr.contains(&format!("{language} has no model of its own"))
                && stderr.contains("using the multilingual model (xx-e5)"),
            "{language}: {stderr}"
        );
    }
    for (text, expected) in [
        ("Der Minister sagte am Dienstag, die Regierung werde die Steuern im nächsten Jahr erhöhen.", "factop-de-e5"),
        ("The minister said on Tuesday that the government would raise taxes next year.", "factop-en-e5"),
        ("Министърът заяви във вторник, че правителството ще повиши данъците догодина.", "factop-bg-e5"),
    ] {
        assert_eq!(auto_model(text).0, expected, "{text}");
    }
    // Too short to tell: the English model stands in, and says so.
    let (name, stderr) = auto_model("C'est faux.");
    assert_eq!(name, "factop-en-e5");
    assert!(
        stderr.contains("too little text to tell the language"),
        "{stderr}"
    );
}

#[test]
fn the_fast_tier_still_falls_back_to_english_for_other_languages() {
    let out = factop()
        .args(["classify", "--model", "auto", "--format", "json", "-"])
        .write_stdin("Le ministre a déclaré mardi que le gouvernement augmenterait les impôts l'année prochaine.")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["documents"][0]["model"]["name"], "factop-en");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("French has no built-in model; using the English model (en)"),
        "{stderr}"
    );
}

/// Borrowed rows change the model (they are training rows) but not the folds: the
/// cross-validation report scores the own rows only, and the model file lists the
/// borrowed file as borrowed.
#[test]
fn borrowed_rows_train_but_are_never_scored() {
    let dir = tempfile::tempdir().unwrap();
    let cv = |borrow: bool| -> Value {
        let mut c = factop();
        c.current_dir(root()).args([
            "eval",
            "--cv",
            "3",
            "--format",
            "json",
            "--data",
            "data/dev.csv",
        ]);
        if borrow {
            c.args(["--borrow", "data/de/dev.csv", "--language", "none"]);
        } else {
            c.args(["--language", "none"]);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (own, borrowing) = (cv(false), cv(true));
    assert_eq!(own["examples"], borrowing["examples"]);
    for (a, b) in own["per_fold"]
        .as_array()
        .unwrap()
        .iter()
        .zip(borrowing["per_fold"].as_array().unwrap())
    {
        assert_eq!(a["examples"], b["examples"]);
    }
    let model = dir.path().join("m.json");
    let out = factop()
        .current_dir(root())
        .args([
            "train",
            "--data",
            "data/dev.csv",
            "--borrow",
            "data/de/dev.csv",
            "--language",
            "none",
            "--output",
        ])
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    let sources = m["training"]["data"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert!(sources[0].get("borrowed").is_none());
    assert_eq!(sources[1]["borrowed"], true);
    assert_eq!(sources[1]["path"], "data/de/dev.csv");
    // Its German words are in the vocabulary: the borrowed rows were trained on.
    let vocabulary = m["vocabulary"].as_array().unwrap();
    assert!(vocabulary.iter().any(|t| t == "und"), "no German term");
    // And --borrow without --cv is refused by eval.
    let out = factop()
        .current_dir(root())
        .args([
            "eval",
            "--data",
            "data/dev.csv",
            "--borrow",
            "data/de/dev.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `--borrow-weight` and `--own-vocabulary`: the model file records both; with own
/// words only, no German term is in the vocabulary although the German rows trained
/// the model (its weights differ from the model without them); without `--borrow`
/// both flags are refused with exit code 2, and so is a weight of 0.
#[test]
fn borrowed_rows_can_weigh_less_and_keep_out_of_the_vocabulary() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let train = |name: &str, extra: &[&str]| -> Value {
        let model = path(name);
        let mut args = vec!["train", "--data", "data/dev.csv", "--language", "none"];
        args.extend(extra);
        args.extend(["--output", &model]);
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 0, "{stderr}");
        serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap()
    };
    let alone = train("alone.json", &[]);
    let borrow = ["--borrow", "data/de/dev.csv"];
    let light = train(
        "light.json",
        &[
            &borrow[..],
            &["--borrow-weight", "0.25", "--own-vocabulary"],
        ]
        .concat(),
    );
    assert_eq!(light["training"]["borrow_weight"], 0.25);
    assert_eq!(light["training"]["own_vocabulary"], true);
    assert_eq!(light["training"]["solver"], "sparse");
    assert_eq!(light["vocabulary"], alone["vocabulary"]);
    assert_ne!(light["term_weights"], alone["term_weights"]);
    let no = path("no.json");
    let refused = |extra: &[&str], needle: &str| {
        let args = [&["train", "--data", "data/dev.csv", "--output", &no], extra].concat();
        assert_bad_input(&args, needle);
        assert!(!dir.path().join("no.json").exists());
    };
    refused(
        &["--borrow-weight", "0.5"],
        "--borrow-weight applies only with --borrow",
    );
    refused(
        &["--own-vocabulary"],
        "--own-vocabulary applies only with --borrow",
    );
    refused(
        &[&borrow[..], &["--borrow-weight", "0"]].concat(),
        "borrow weight must be above 0",
    );
}
