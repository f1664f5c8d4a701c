//! SIGINT, SIGTERM and SIGHUP during a write: factop removes its temporary file, leaves
//! the output's previous content as it was, and ends as killed by the signal (a shell
//! reports 128 + its number: 130 for Ctrl-C). A signal the caller ignores stays ignored.

use super::util::names;
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the output held before the interrupted run.
const PREVIOUS: &str = "{\"previous\": \"results\"}\n";

/// `factop classify -f jsonl -o DIR/out.jsonl -` with `signals` at their default action
/// and `ignored` ignored (as a shell or `nohup` may start it), fed some lines and with
/// its standard input kept open, so that it waits for more with its temporary file
/// open; returned once that file exists.
fn writing(dir: &Path, ignored: &[i32]) -> (Child, std::process::ChildStdin) {
    let out = dir.join("out.jsonl");
    std::fs::write(&out, PREVIOUS).unwrap();
    let ignored = ignored.to_vec();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("factop"));
    cmd.args(["classify", "-f", "jsonl", "-o"])
        .arg(&out)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: the closure runs in the child between fork and exec and only calls
    // signal(2), which is async-signal-safe, with valid signal numbers and dispositions.
    unsafe {
        cmd.pre_exec(move || {
            for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                let action = if ignored.contains(&s) {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(s, action);
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..200 {
        stdin
            .write_all(b"The minister said taxes rose by 3 percent. This is a terrible idea.\n")
            .unwrap();
    }
    stdin.flush().unwrap();
    // Not a time limit on factop: only a bound on how long a broken build is waited for.
    let deadline = Instant::now() + Duration::from_secs(300);
    // The output's own temporary file, not the probe of the output check before it.
    while !names(dir)
        .iter()
        .any(|n| n.starts_with(".out.jsonl.") && n.ends_with(".tmp"))
    {
        assert!(child.try_wait().unwrap().is_none(), "factop ended early");
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(10));
    }
    (child, stdin)
}

/// Wait for `child` (killing it if it never ends, so that a broken build fails rather
/// than hangs).
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

fn send(child: &Child, signal: &str) {
    let sent = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn a_signal_during_a_write_leaves_no_temporary_file_and_the_old_output() {
    for (name, number) in [
        ("INT", libc::SIGINT),
        ("TERM", libc::SIGTERM),
        ("HUP", libc::SIGHUP),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (child, stdin) = writing(dir.path(), &[]);
        send(&child, name);
        let status = wait(child);
        drop(stdin);
        assert_eq!(status.signal(), Some(number), "SIG{name}: {status:?}");
        assert_eq!(status.code(), None, "SIG{name}");
        assert_eq!(names(dir.path()), ["out.jsonl"], "SIG{name}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(),
            PREVIOUS,
            "SIG{name}"
        );
    }
}

/// The caught and ignored signals of a running process, from `/proc`.
fn caught_and_ignored(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let mask = |key: &str| {
        let line = status.lines().find(|l| l.starts_with(key)).unwrap();
        u64::from_str_radix(line[key.len()..].trim(), 16).unwrap()
    };
    (mask("SigCgt:"), mask("SigIgn:"))
}

#[test]
fn a_signal_the_caller_ignores_stays_ignored() {
    let bit = |s: i32| 1u64 << (s - 1);
    let dir = tempfile::tempdir().unwrap();
    // As `nohup` starts a command: SIGHUP ignored.
    let (child, stdin) = writing(dir.path(), &[libc::SIGHUP]);
    let (caught, ignored) = caught_and_ignored(child.id());
    assert_eq!(caught & bit(libc::SIGINT), bit(libc::SIGINT));
    assert_eq!(caught & bit(libc::SIGTERM), bit(libc::SIGTERM));
    assert_eq!(caught & bit(libc::SIGHUP), 0);
    assert_eq!(ignored & bit(libc::SIGHUP), bit(libc::SIGHUP));
    // A hangup changes nothing: the run ends when its input does, with every line.
    send(&child, "HUP");
    drop(stdin);
    let status = wait(child);
    assert_eq!(status.code(), Some(0));
    assert_eq!(names(dir.path()), ["out.jsonl"]);
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 400);
}
