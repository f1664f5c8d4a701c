//! `classify -o FILE --resume`: a run interrupted by SIGINT, SIGTERM or SIGHUP keeps its
//! records in FILE.partial with a checkpoint in FILE.resume, and the same command run
//! again finishes FILE byte for byte as one uninterrupted run writes it; a different
//! input, model or option is refused. The interrupts are real signals to a running
//! `factop`, sent once its partial output holds records; no test depends on timing
//! (what the run has done when the signal comes changes where it resumes, not what it
//! writes).

use super::util::names;
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Lines of varied news text, `n` of them, two sentences each.
fn text(n: usize, seed: usize) -> String {
    let facts = [
        "The minister said taxes rose by {} percent.",
        "Officials reported {} injuries after the storm.",
        "Shares fell {} cents on Tuesday, the exchange said.",
    ];
    let opinions = [
        "This is a terrible idea.",
        "Frankly, nobody should believe a word of it.",
        "What a disgrace for the whole country!",
    ];
    let mut s = String::new();
    for i in 0..n {
        let k = i + seed;
        s.push_str(&facts[k % 3].replace("{}", &(k % 97).to_string()));
        s.push(' ');
        s.push_str(opinions[(k / 3) % 3]);
        s.push('\n');
    }
    s
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("factop")
}

/// `factop ARGS` in `dir` with `stdin`, to its end.
fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `factop ARGS` in `dir` with every signal at its default action, its standard input
/// a pipe that is fed `fed` and kept open.
fn spawn(dir: &Path, args: &[&str], fed: &[u8]) -> (Child, ChildStdin) {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: the closure runs in the child between fork and exec and only calls
    // signal(2), which is async-signal-safe, with valid signal numbers and dispositions.
    unsafe {
        cmd.pre_exec(|| {
            for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(s, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(fed).unwrap();
    stdin.flush().unwrap();
    (child, stdin)
}

/// Wait until `path` holds at least `lines` complete lines (a bound on how long a
/// broken build is waited for, not a time limit on factop).
fn wait_for_lines(child: &mut Child, path: &Path, lines: usize) {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let n = std::fs::read(path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if n >= lines {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "factop ended early");
        assert!(
            Instant::now() < deadline,
            "{} never had {lines} lines",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn send(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

fn wait(mut child: Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("factop did not end after the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Run `args` (which write `out`, reading standard input) with `--resume`, fed the first
/// `fed` lines of `input`; once `out.partial` has `lines` lines, interrupt it with
/// `signal` and check what it leaves: FILE.partial and FILE.resume, no temporary file,
/// no FILE.
fn interrupt(
    dir: &Path,
    args: &[&str],
    out: &str,
    input: &str,
    fed: usize,
    lines: usize,
    signal: (&str, i32),
) {
    let fed: String = input.split_inclusive('\n').take(fed).collect();
    let mut with = args.to_vec();
    with.push("--resume");
    let (mut child, stdin) = spawn(dir, &with, fed.as_bytes());
    let partial = dir.join(format!("{out}.partial"));
    wait_for_lines(&mut child, &partial, lines);
    send(&child, signal.0);
    let status = wait(child);
    drop(stdin);
    assert_eq!(
        status.signal(),
        Some(signal.1),
        "SIG{}: {status:?}",
        signal.0
    );
    let mut left = names(dir);
    left.retain(|n| n.starts_with(out));
    assert_eq!(
        left,
        [format!("{out}.partial"), format!("{out}.resume")],
        "SIG{}",
        signal.0
    );
    assert!(
        names(dir).iter().all(|n| !n.ends_with(".tmp")),
        "{:?}",
        names(dir)
    );
}

/// The output of one uninterrupted run of `args` on `input` (without `--resume`, and
/// with it: the same bytes).
fn reference(dir: &Path, args: &[&str], out: &str, input: &str) -> Vec<u8> {
    let o = run(dir, args, input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let plain = std::fs::read(dir.join(out)).unwrap();
    std::fs::remove_file(dir.join(out)).unwrap();
    let mut with = args.to_vec();
    with.push("--resume");
    let o = run(dir, &with, input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let resumable = std::fs::read(dir.join(out)).unwrap();
    std::fs::remove_file(dir.join(out)).unwrap();
    assert!(plain == resumable, "--resume alone changed the output");
    plain
}

/// Interrupt, then resume; the result is the reference, and nothing else is left.
fn interrupted_then_resumed(args: &[&str], out: &str, per_line: usize, signal: (&str, i32)) {
    interrupted_then_resumed_on(args, out, &text(3000, 0), per_line, signal)
}

/// [`interrupted_then_resumed`] on `input` (at least 1,000 lines).
fn interrupted_then_resumed_on(
    args: &[&str],
    out: &str,
    input: &str,
    per_line: usize,
    signal: (&str, i32),
) {
    let dir = tempfile::tempdir().unwrap();
    let input = input.to_string();
    let expected = reference(dir.path(), args, out, &input);
    interrupt(dir.path(), args, out, &input, 1000, 1000 * per_line, signal);
    let done = std::fs::metadata(dir.path().join(format!("{out}.partial")))
        .unwrap()
        .len();
    assert!(done > 0 && (done as usize) < expected.len());
    let mut with = args.to_vec();
    with.push("--resume");
    let o = run(dir.path(), &with, input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read(dir.path().join(out)).unwrap();
    assert!(
        got == expected,
        "the resumed {out} differs from one uninterrupted run"
    );
    assert_eq!(names(dir.path()), [out]);
}

#[test]
fn an_interrupted_jsonl_run_resumes_to_the_same_bytes() {
    interrupted_then_resumed(
        &["classify", "-f", "jsonl", "-o", "out.jsonl", "-"],
        "out.jsonl",
        2,
        ("INT", libc::SIGINT),
    );
}

#[test]
fn an_interrupted_tsv_run_resumes_to_the_same_bytes() {
    interrupted_then_resumed(
        &["classify", "-f", "tsv", "-o", "out.tsv", "-"],
        "out.tsv",
        2,
        ("TERM", libc::SIGTERM),
    );
}

#[test]
fn an_interrupted_no_split_run_resumes_to_the_same_bytes() {
    interrupted_then_resumed(
        &[
            "classify",
            "--no-split",
            "-f",
            "jsonl",
            "--explain",
            "-o",
            "o.jsonl",
            "-",
        ],
        "o.jsonl",
        1,
        ("HUP", libc::SIGHUP),
    );
}

#[test]
fn an_interrupted_run_over_json_lines_resumes_to_the_same_bytes() {
    let input: String = text(3000, 5)
        .lines()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": format!("doc-{i}"), "text": t}).to_string() + "\n")
        .collect();
    interrupted_then_resumed_on(
        &[
            "classify",
            "--input-format",
            "jsonl",
            "-f",
            "tsv",
            "-o",
            "out.tsv",
            "-",
        ],
        "out.tsv",
        &input,
        2,
        ("TERM", libc::SIGTERM),
    );
}

/// A table is read whole: interrupted while a second one (standard input) is read,
/// the first is checked again on resume, not classified again.
#[test]
fn an_interrupted_run_over_tables_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let table = |n, seed| {
        let mut t = String::from("id,text\n");
        for (i, line) in text(n, seed).lines().enumerate() {
            t.push_str(&format!("r{i},\"{line}\"\n"));
        }
        t
    };
    std::fs::write(d.join("a.csv"), table(500, 2)).unwrap();
    let second = table(300, 9);
    let args = [
        "classify",
        "--input-format",
        "csv",
        "--no-split",
        "-f",
        "jsonl",
        "-o",
        "o.jsonl",
        "a.csv",
        "-",
    ];
    let expected = reference(d, &args, "o.jsonl", &second);
    interrupt(d, &args, "o.jsonl", "", 0, 500, ("INT", libc::SIGINT));
    let mut with = args.to_vec();
    with.push("--resume");
    // A changed first table is refused …
    std::fs::write(d.join("a.csv"), table(500, 3)).unwrap();
    refused(
        d,
        &with,
        &second,
        "a.csv is not the input the interrupted run read",
    );
    std::fs::write(d.join("a.csv"), table(500, 2)).unwrap();
    // … the same one is not.
    let o = run(d, &with, second.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read(d.join("o.jsonl")).unwrap() == expected);
    assert_eq!(names(d), ["a.csv", "o.jsonl"]);
}

/// Interrupted while reading a large file (or, if it is done already, the standard
/// input after it): resumed, the output is the uninterrupted run's. A half-written last
/// record in the partial output is cut away.
#[test]
fn a_run_interrupted_in_a_large_file_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.txt"), text(40_000, 7)).unwrap();
    let tail = text(50, 3);
    for (format, out, signal) in [
        ("tsv", "out.tsv", ("INT", libc::SIGINT)),
        ("jsonl", "out.jsonl", ("TERM", libc::SIGTERM)),
    ] {
        let args = [
            "classify", "-j", "2", "-f", format, "-o", out, "big.txt", "-",
        ];
        let expected = reference(dir.path(), &args, out, &tail);
        // Standard input gets nothing until the signal: the run is still going.
        interrupt(dir.path(), &args, out, "", 0, 2000, signal);
        // A record cut short, as a kill in mid-write leaves it.
        let partial = dir.path().join(format!("{out}.partial"));
        std::fs::OpenOptions::new()
            .append(true)
            .open(&partial)
            .unwrap()
            .write_all(b"big.txt\t\t17\t{\"half")
            .unwrap();
        let mut with = args.to_vec();
        with.push("--resume");
        let o = run(dir.path(), &with, tail.as_bytes());
        assert!(o.status.success(), "{}", stderr(&o));
        let got = std::fs::read(dir.path().join(out)).unwrap();
        assert!(got == expected, "{format}: the resumed output differs");
        std::fs::remove_file(dir.path().join(out)).unwrap();
        assert_eq!(names(dir.path()), ["big.txt"]);
    }
}

/// A refused resume: exit 2, one line naming the output, and the partial output and
/// its checkpoint left as they were.
fn refused(dir: &Path, args: &[&str], stdin: &str, says: &str) {
    let before: Vec<(String, Vec<u8>)> = names(dir)
        .into_iter()
        .map(|n| {
            let b = std::fs::read(dir.join(&n)).unwrap();
            (n, b)
        })
        .collect();
    let o = run(dir, args, stdin.as_bytes());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(says), "{args:?}: {err}");
    let after: Vec<(String, Vec<u8>)> = names(dir)
        .into_iter()
        .map(|n| {
            let b = std::fs::read(dir.join(&n)).unwrap();
            (n, b)
        })
        .collect();
    assert!(before == after, "{args:?} changed the files");
}

#[test]
fn a_different_input_model_or_option_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(
        super::util::root().join("models/factop-en.json"),
        d.join("m.json"),
    )
    .unwrap();
    let input = text(3000, 0);
    let args = [
        "classify",
        "-f",
        "jsonl",
        "--model",
        "m.json",
        "-o",
        "out.jsonl",
        "-",
    ];
    interrupt(
        d,
        &args,
        "out.jsonl",
        &input,
        1000,
        2000,
        ("INT", libc::SIGINT),
    );
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = args.to_vec();
        a.push("--resume");
        a.extend_from_slice(extra);
        a
    };
    // One changed byte in the part already done.
    let changed = input.replacen("minister", "Minister", 1);
    refused(
        d,
        &with(&[]),
        &changed,
        "out.jsonl: cannot resume: standard input is not the input the interrupted run read (its first",
    );
    // Shorter than what was done.
    refused(
        d,
        &with(&[]),
        &input[..1000],
        "is not the input the interrupted run read",
    );
    refused(
        d,
        &with(&["--threshold", "0.7"]),
        &input,
        "cannot resume: the interrupted run had --threshold none, this one has 0.7; run it as before, or remove out.jsonl.partial and out.jsonl.resume to start over",
    );
    refused(d, &with(&["--explain"]), &input, "explained features");
    let mut other = with(&[]);
    other[4] = "en";
    refused(
        d,
        &other,
        &input,
        "the interrupted run had --model m.json, this one has en",
    );
    // The same model path, other contents.
    let model = std::fs::read_to_string(d.join("m.json")).unwrap();
    let name = "\"name\": \"factop-en\"";
    assert!(model.contains(name));
    std::fs::write(
        d.join("m.json"),
        model.replacen(name, "\"name\": \"other\"", 1),
    )
    .unwrap();
    refused(
        d,
        &with(&[]),
        &input,
        "the interrupted run had a model with SHA-256",
    );
    std::fs::write(d.join("m.json"), model).unwrap();
    // With everything as before, it resumes.
    let o = run(d, &with(&[]), input.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    // And once complete, there is nothing to resume.
    refused(
        d,
        &with(&[]),
        &input,
        "out.jsonl: cannot resume: it is complete already (there is no out.jsonl.partial beside it); remove it, or leave out --resume, to classify again",
    );
}

#[test]
fn formats_that_cannot_resume_say_so() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "table", "text", "html"] {
        let o = run(
            dir.path(),
            &["classify", "-f", format, "-o", "out", "--resume", "-"],
            b"One sentence.\n",
        );
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            format!("error: invalid setting: --resume continues --format jsonl or tsv, whose records can be appended to; --format {format} cannot resume\n")
        );
    }
    let o = run(
        dir.path(),
        &["classify", "-f", "jsonl", "--resume", "-"],
        b"x\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: invalid setting: --resume needs --output FILE: standard output cannot be continued\n"
    );
    assert!(names(dir.path()).is_empty());
}

#[test]
fn progress_on_a_file_is_plain_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.txt"), text(2000, 1)).unwrap();
    let o = run(
        dir.path(),
        &[
            "classify",
            "--progress",
            "-f",
            "jsonl",
            "-o",
            "out.jsonl",
            "in.txt",
        ],
        b"",
    );
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(!err.contains('\r') && !err.contains('\x1b'), "{err:?}");
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("progress: ")
            && last.contains("(100.0%), 4,000 sentences, ")
            && last.contains(", done in "),
        "{err}"
    );
    assert!(err.lines().all(|l| l.starts_with("progress: ")), "{err}");
    // Without --progress, nothing (standard error is not a terminal).
    let o = run(
        dir.path(),
        &["classify", "-f", "jsonl", "-o", "o2.jsonl", "in.txt"],
        b"",
    );
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}
