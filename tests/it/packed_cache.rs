//! The packed weight cache beside the installed encoder weights
//! (`encoders/e5-small-q4.packed`): built at the first load, mapped at later ones, with
//! embeddings bit for bit those of the weights themselves; rebuilt when damaged or
//! stale; never needed (a folder or a pipe in its place leaves factop working as
//! without it). The weights come from `encoder::e5_home()`, copied into a temporary
//! cache folder for each test that changes files.

use crate::encoder::e5_home;
use crate::util::{factop, root};
use factop::encoder::{store, Buffers, Encoder, E5_SMALL};
use std::path::{Path, PathBuf};

/// A new cache folder holding a copy of the installed weights (and no packed cache).
fn home_with_weights() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let weights = store::path_in(home.path(), &E5_SMALL);
    std::fs::create_dir_all(weights.parent().unwrap()).unwrap();
    std::fs::copy(store::path_in(e5_home(), &E5_SMALL), &weights).unwrap();
    let packed = weights.with_extension("packed");
    (home, weights, packed)
}

fn classify_json(home: &Path) -> (Option<i32>, String, String) {
    let out = factop()
        .env("FACTOP_HOME", home)
        .args(["classify", "--model", "en-e5", "--format", "json"])
        .arg(root().join("data/articles/tillerson-north-korea.txt"))
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn status(home: &Path) -> String {
    let out = factop()
        .env("FACTOP_HOME", home)
        .args(["encoder", "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find(|l| l.starts_with("  packed: "))
        .unwrap_or_else(|| panic!("no packed line: {text}"))
        .to_string()
}

fn embeddings(e: &Encoder, texts: &[&str]) -> Vec<Vec<u32>> {
    let mut buf = Buffers::default();
    texts
        .iter()
        .map(|t| {
            let mut out = vec![0f32; e.dim()];
            e.embed(t, &mut buf, &mut out);
            out.iter().map(|x| x.to_bits()).collect()
        })
        .collect()
}

/// The cached network is the network: every embedding of the reference fixture (five
/// languages, texts of two windows) is bit for bit the same loaded from the weights
/// and from the packed cache, and so is every token id.
#[test]
fn the_packed_cache_gives_bit_identical_embeddings() {
    let (_home, weights, packed) = home_with_weights();
    let fixture =
        std::fs::read_to_string(root().join("tests/fixtures/e5/reference.jsonl")).unwrap();
    let texts: Vec<String> = fixture
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect();
    let mut texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    texts.extend(["", "It's a disgrace.", "\u{fdfa}\u{3300} x\u{ad}y"]);

    let plain = Encoder::load_file_uncached(&E5_SMALL, &weights).unwrap();
    assert!(!plain.from_packed_cache());
    assert!(!packed.exists(), "loading uncached writes no cache");
    let first = Encoder::load_file(&E5_SMALL, &weights).unwrap();
    assert!(
        !first.from_packed_cache(),
        "the first load reads the weights"
    );
    assert!(packed.is_file(), "and writes the cache");
    let cached = Encoder::load_file(&E5_SMALL, &weights).unwrap();
    assert!(cached.from_packed_cache(), "later loads map it");

    let want = embeddings(&plain, &texts);
    assert_eq!(embeddings(&first, &texts), want);
    assert_eq!(embeddings(&cached, &texts), want);
    let (tp, tc) = (plain.network().tokenizer(), cached.network().tokenizer());
    let (mut bp, mut bc) = (Default::default(), Default::default());
    let (mut ip, mut ic) = (Vec::new(), Vec::new());
    for t in &texts {
        tp.encode_into(t, &mut bp, &mut ip);
        tc.encode_into(t, &mut bc, &mut ic);
        assert_eq!(ip, ic, "{t:?}");
        for &id in &ip {
            assert_eq!(tp.piece(id), tc.piece(id));
        }
    }
    assert_eq!((tp.bos, tp.eos), (tc.bos, tc.eos));
}

/// Classify output is byte for byte the same before the cache exists, when it is
/// built, when it is used, after it was damaged (rebuilt), and after the weights were
/// touched (stale, rebuilt); `encoder status` says which.
#[test]
fn damaged_or_stale_caches_are_rebuilt_and_change_no_probability() {
    let (home, weights, packed) = home_with_weights();
    let home = home.path();
    assert_eq!(
        status(home),
        format!(
            "  packed: {}, none yet: the next load builds it",
            packed.display()
        )
    );
    let (code, want, stderr) = classify_json(home);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");
    let ready = format!(
        "  packed: {}, ready: loads map it instead of reading, hashing and unpacking the weights",
        packed.display()
    );
    assert_eq!(status(home), ready);
    assert_eq!(classify_json(home).1, want);

    // One flipped byte in the middle of the cache (where the word embeddings are).
    let mut bytes = std::fs::read(&packed).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&packed, &bytes).unwrap();
    let st = status(home);
    assert!(
        st.starts_with(&format!("  packed: {}, damaged (CRC-32 ", packed.display()))
            && st.ends_with("): the next load rebuilds it"),
        "{st}"
    );
    let (code, got, stderr) = classify_json(home);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert_eq!(got, want);
    assert_eq!(status(home), ready);

    // Cut short.
    let len = std::fs::metadata(&packed).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&packed)
        .unwrap()
        .set_len(len - 1000)
        .unwrap();
    assert_eq!(
        status(home),
        format!(
            "  packed: {}, damaged (no trailer (cut short?)): the next load rebuilds it",
            packed.display()
        )
    );
    assert_eq!(classify_json(home).1, want);
    assert_eq!(status(home), ready);

    // The weights rewritten with the same bytes: another modification time.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let w = std::fs::read(&weights).unwrap();
    std::fs::write(&weights, &w).unwrap();
    assert_eq!(
        status(home),
        format!(
            "  packed: {}, stale, built from other weights than the installed file: the next load rebuilds it",
            packed.display()
        )
    );
    assert_eq!(classify_json(home).1, want);
    assert_eq!(status(home), ready);

    // No temporary file is left beside them.
    let names: Vec<String> = std::fs::read_dir(weights.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// Weights damaged after the cache was built make the cache stale, and the rebuild
/// checks the weights' SHA-256: the load is refused as without a cache, never served
/// from the cache of the weights that were there before.
#[test]
fn weights_damaged_after_the_cache_was_built_are_still_refused() {
    let (home, weights, packed) = home_with_weights();
    let (code, _, stderr) = classify_json(home.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(packed.is_file());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut bytes = std::fs::read(&weights).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&weights, &bytes).unwrap();
    let (code, stdout, stderr) = classify_json(home.path());
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("e5-small weights are damaged: SHA-256 "),
        "{stderr}"
    );
}

/// Something other than a regular file where the cache belongs (a folder, a pipe) is
/// never opened; factop works as without a cache and says so in `encoder status`.
#[cfg(unix)]
#[test]
fn a_folder_or_a_pipe_in_the_caches_place_is_left_alone() {
    let (home, _weights, packed) = home_with_weights();
    let (code, want, stderr) = classify_json(home.path());
    assert_eq!(code, Some(0), "{stderr}");
    for special in ["folder", "fifo"] {
        std::fs::remove_file(&packed)
            .or_else(|_| std::fs::remove_dir(&packed))
            .unwrap();
        if special == "folder" {
            std::fs::create_dir(&packed).unwrap();
        } else {
            let ok = std::process::Command::new("mkfifo")
                .arg(&packed)
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let (code, got, stderr) = classify_json(home.path());
        assert_eq!((code, stderr.as_str()), (Some(0), ""), "{special}");
        assert_eq!(got, want, "{special}");
        assert_eq!(
            status(home.path()),
            format!(
                "  packed: {}, not a regular file (a folder, pipe or device), left unread: loads read the weights until it is removed",
                packed.display()
            ),
            "{special}"
        );
    }
}

/// Processes that start together on a new install each build the cache or map it;
/// every one gets the same output, and one complete cache is left, with no temporary
/// file.
#[test]
fn concurrent_first_loads_leave_one_complete_cache() {
    let (home, weights, packed) = home_with_weights();
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let home = home.path().to_path_buf();
            std::thread::spawn(move || classify_json(&home))
        })
        .collect();
    let outs: Vec<_> = runs.into_iter().map(|r| r.join().unwrap()).collect();
    for (code, out, stderr) in &outs {
        assert_eq!((*code, stderr.as_str()), (Some(0), ""));
        assert_eq!(out, &outs[0].1);
    }
    assert!(Encoder::load_file(&E5_SMALL, &weights)
        .unwrap()
        .from_packed_cache());
    assert!(packed.is_file());
    assert_eq!(
        std::fs::read_dir(weights.parent().unwrap())
            .unwrap()
            .count(),
        2
    );
}
