//! The encoder block's poolings (`--encoder-pooling`): what each computes from one pass
//! through the network, and that a model file's pooling is the one classification uses.
//! Like `encoder.rs`, these need the e5-small weights (`$FACTOP_TEST_E5_HOME`).

use crate::encoder::e5_home;
use crate::util::{factop, root};
use factop::encoder::{store, Buffers, Encoder, Pooling, E5_SMALL};
use serde_json::Value;
use std::sync::OnceLock;

fn encoder() -> &'static Encoder {
    static E: OnceLock<Encoder> = OnceLock::new();
    E.get_or_init(|| Encoder::load_file(&E5_SMALL, &store::path_in(e5_home(), &E5_SMALL)).unwrap())
}

/// The reference fixture's texts (five languages, two longer than a window), an empty
/// text and a text of several windows.
fn texts() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/e5/reference.jsonl")).unwrap();
    let mut out: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    out.push(String::new());
    out.push("The council met again. ".repeat(120));
    out
}

fn pooled(pooling: Pooling, texts: &[&str]) -> Vec<f32> {
    let mut out = vec![f32::NAN; texts.len() * pooling.width(E5_SMALL.dim)];
    encoder().embed_batch_pooled(texts, pooling, &mut Buffers::default(), &mut out);
    out
}

fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn mean_pooling_is_the_embedding_of_before_bit_for_bit() {
    let owned = texts();
    let t: Vec<&str> = owned.iter().map(String::as_str).collect();
    let dim = E5_SMALL.dim;
    let mut plain = vec![0f32; t.len() * dim];
    encoder().embed_batch(&t, &mut Buffers::default(), &mut plain);
    assert_eq!(bits(&pooled(Pooling::Mean, &t)), bits(&plain));
}

#[test]
fn mean_max_is_mean_then_max_and_each_part_has_unit_length() {
    let owned = texts();
    let t: Vec<&str> = owned.iter().map(String::as_str).collect();
    let dim = E5_SMALL.dim;
    let (mean, max, both, top) = (
        pooled(Pooling::Mean, &t),
        pooled(Pooling::Max, &t),
        pooled(Pooling::MeanMax, &t),
        pooled(Pooling::Top4Mean, &t),
    );
    for i in 0..t.len() {
        let row = &both[i * 2 * dim..(i + 1) * 2 * dim];
        assert_eq!(
            bits(&row[..dim]),
            bits(&mean[i * dim..(i + 1) * dim]),
            "text {i}"
        );
        assert_eq!(
            bits(&row[dim..]),
            bits(&max[i * dim..(i + 1) * dim]),
            "text {i}"
        );
        for part in [
            &mean[i * dim..(i + 1) * dim],
            &max[i * dim..(i + 1) * dim],
            &top[i * dim..(i + 1) * dim],
        ] {
            let norm: f64 = part
                .iter()
                .map(|&v| v as f64 * v as f64)
                .sum::<f64>()
                .sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "text {i}: norm {norm}");
        }
        // The other poolings are other vectors than the mean.
        let cos = |a: &[f32], b: &[f32]| -> f64 {
            a.iter().zip(b).map(|(&x, &y)| x as f64 * y as f64).sum()
        };
        let (m, x, p) = (
            &mean[i * dim..(i + 1) * dim],
            &max[i * dim..(i + 1) * dim],
            &top[i * dim..(i + 1) * dim],
        );
        assert!(cos(m, p) < 0.9999, "text {i}: {}", cos(m, p));
        assert!(cos(m, x) < 0.9999, "text {i}: {}", cos(m, x));
    }
}

#[test]
fn every_pooling_gives_a_text_the_same_floats_in_a_batch_as_alone() {
    let owned = texts();
    let t: Vec<&str> = owned.iter().map(String::as_str).collect();
    for pooling in Pooling::ALL {
        let w = pooling.width(E5_SMALL.dim);
        let together = pooled(pooling, &t);
        for (i, text) in t.iter().enumerate() {
            assert_eq!(
                bits(&pooled(pooling, &[text])),
                bits(&together[i * w..(i + 1) * w]),
                "{pooling:?}, text {i}"
            );
        }
    }
}

fn factop_e5() -> assert_cmd::Command {
    let mut c = factop();
    c.env("FACTOP_HOME", e5_home());
    c
}

/// A model trained with `--encoder-pooling mean-max` records it, has 768 encoder
/// columns, and classifies with that pooling: the encoder contribution `--explain`
/// reports equals the one computed here from the pooled embedding and the file's
/// numbers. Without its `pooling` field the file is refused (its block is too wide for
/// the mean).
#[test]
fn a_model_keeps_its_pooling_and_classifies_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let st = factop_e5()
        .args([
            "train",
            "--encoder",
            "e5-small",
            "--encoder-pooling",
            "mean-max",
            "--encoder-scale",
            "0.2",
            "--embedding-cache",
            "none",
            "--threshold-folds",
            "2",
            "--data",
            "tests/fixtures/tiny.csv",
            "-o",
        ])
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let file: Value = serde_json::from_slice(&std::fs::read(&model).unwrap()).unwrap();
    let enc = &file["encoder"];
    assert_eq!(enc["pooling"], "mean-max");
    let nums = |k: &str| -> Vec<f64> {
        enc[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (mean, mult, w) = (nums("mean"), nums("multiplier"), nums("weights"));
    assert_eq!((mean.len(), mult.len(), w.len()), (768, 768, 768));

    let sentence = "This is, frankly, the worst decision the council has ever made.";
    let e = pooled(Pooling::MeanMax, &[sentence]);
    let want: f64 = (0..768)
        .map(|k| (e[k] as f64 - mean[k]) * mult[k] * w[k])
        .sum();
    let out = factop_e5()
        .args(["classify", "--model"])
        .arg(&model)
        .args(["--format", "json", "--explain", "--top", "40", "-"])
        .write_stdin(sentence)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ex = &v["documents"][0]["sentences"][0]["explanation"];
    let got: Vec<f64> = ["opinion", "fact"]
        .iter()
        .flat_map(|side| ex[side].as_array().unwrap().iter())
        .filter(|f| f["feature"] == "encoder:e5-small")
        .map(|f| f["contribution"].as_f64().unwrap())
        .collect();
    assert_eq!(got.len(), 1, "{ex}");
    assert!(
        (got[0] - want).abs() <= 1e-9 * want.abs().max(1.0),
        "explained {} computed {want}",
        got[0]
    );

    // The same numbers read as a mean-pooled block: refused, naming the sizes.
    let mut old = file.clone();
    old["encoder"].as_object_mut().unwrap().remove("pooling");
    let bad = dir.path().join("no-pooling.json");
    std::fs::write(&bad, serde_json::to_vec(&old).unwrap()).unwrap();
    let out = factop_e5()
        .args(["classify", "--model"])
        .arg(&bad)
        .arg("-")
        .write_stdin(sentence)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs 384 means"), "{err}");
}

#[test]
fn an_unknown_pooling_is_refused_and_so_is_one_without_an_encoder() {
    let out = factop()
        .args(["train", "--encoder", "e5-small", "--encoder-pooling", "cls"])
        .args(["--data", "tests/fixtures/tiny.csv", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mean-max"), "{err}");
    let out = factop()
        .args(["train", "--encoder-pooling", "max"])
        .args(["--data", "tests/fixtures/tiny.csv", "-o", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--encoder"), "{err}");
}
