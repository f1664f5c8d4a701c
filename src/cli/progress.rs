//! Progress on standard error. `classify` reports input bytes done of the total (known
//! when every input is a file), sentences per second and the time left: a bar on a
//! terminal (redrawn in place, never wider than the terminal), or with `--progress` on
//! anything else (a log file, `nohup`, a batch job) a plain line every few seconds,
//! never a carriage return. The rate is measured over a sliding window of the last
//! seconds, and no time left is shown until enough has been measured to be honest.
//! `train` and `eval` count steps with an indicatif bar, on a terminal only.

use crate::cli::args::ProgressArgs;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// A bar counting `total` steps of `what`; hidden unless stderr is a terminal.
pub fn steps(what: &str, total: u64) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(total), target);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off,
    /// Redrawn in place on a terminal.
    Bar,
    /// A plain line every [`LINE_EVERY`].
    Lines,
}

impl Mode {
    /// The mode the flags ask for: `--no-progress` none; `--progress` a bar on a
    /// terminal and lines elsewhere; neither, a bar when standard error is a terminal
    /// and results do not go to the same terminal (`results_on_terminal`).
    pub fn of(args: ProgressArgs, results_on_terminal: bool) -> Mode {
        let terminal = std::io::stderr().is_terminal();
        match (args.progress, args.no_progress) {
            (_, true) => Mode::Off,
            (true, _) if terminal => Mode::Bar,
            (true, _) => Mode::Lines,
            _ if terminal && !results_on_terminal => Mode::Bar,
            _ => Mode::Off,
        }
    }
}

/// Redraws of the bar at most this often.
const BAR_EVERY: Duration = Duration::from_millis(150);
/// Plain lines at most this often.
const LINE_EVERY: Duration = Duration::from_secs(5);
/// The rate is measured over about this much recent time.
const WINDOW: Duration = Duration::from_secs(10);
/// No time left is shown before this much has been measured …
const MIN_MEASURED: Duration = Duration::from_secs(2);
/// … and this share of the work is done (or [`ENOUGH_MEASURED`] has passed).
const MIN_SHARE: f64 = 0.02;
const ENOUGH_MEASURED: Duration = Duration::from_secs(10);

/// Samples of (time since start, units done, sentences done) over a sliding window.
#[derive(Debug, Clone, Default)]
pub struct Window {
    samples: VecDeque<(f64, u64, u64)>,
}

impl Window {
    /// Add a sample at `t` seconds; samples older than the window are dropped (one
    /// older than the window's start is kept, so the window always spans it).
    pub fn push(&mut self, t: f64, units: u64, sentences: u64) {
        self.samples.push_back((t, units, sentences));
        let span = WINDOW.as_secs_f64();
        while self.samples.len() > 2 && self.samples.get(1).is_some_and(|s| t - s.0 >= span) {
            self.samples.pop_front();
        }
    }

    /// Forget the samples (after work counted as done without being measured).
    pub fn clear(&mut self) {
        self.samples.clear();
    }

    /// Seconds the window spans.
    #[cfg(test)]
    pub fn span(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some(a), Some(b)) => b.0 - a.0,
            _ => 0.0,
        }
    }

    /// Units and sentences per second over the window (`None` with less than a tenth
    /// of a second measured).
    pub fn rates(&self) -> Option<(f64, f64)> {
        let (a, b) = (self.samples.front()?, self.samples.back()?);
        let dt = b.0 - a.0;
        (dt >= 0.1).then(|| {
            (
                b.1.saturating_sub(a.1) as f64 / dt,
                b.2.saturating_sub(a.2) as f64 / dt,
            )
        })
    }
}

/// Seconds left, once it can be told honestly: `measured` time at `rate` units a second
/// over at least [`MIN_MEASURED`], and [`MIN_SHARE`] of `total` done (or
/// [`ENOUGH_MEASURED`] measured).
pub fn eta(measured: f64, done: u64, total: Option<u64>, rate: f64) -> Option<f64> {
    let total = total.filter(|&t| t > 0)?;
    if measured < MIN_MEASURED.as_secs_f64() || rate <= 0.0 {
        return None;
    }
    let share = done as f64 / total as f64;
    if share < MIN_SHARE && measured < ENOUGH_MEASURED.as_secs_f64() {
        return None;
    }
    Some(total.saturating_sub(done) as f64 / rate)
}

/// `n` with thousands separators: `12,345`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count as people read it: `512 B`, `12.3 KB`, `4.5 MB`, `1.2 GB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = "B";
    for u in UNITS {
        if v < 1000.0 {
            break;
        }
        v /= 1000.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

/// Seconds as `45s`, `4m 05s`, `2h 03m`.
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// What a report says.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Input bytes done, and of how many (when known).
    pub done: u64,
    pub total: Option<u64>,
    pub sentences: u64,
    /// Sentences per second over the window.
    pub rate: Option<f64>,
    pub eta: Option<f64>,
}

impl Report {
    /// The fields of a report: amount done, share, sentences, rate, time left.
    fn parts(&self) -> Vec<String> {
        let mut parts = vec![match self.total {
            Some(t) => format!("{}/{}", bytes(self.done), bytes(t)),
            None => bytes(self.done),
        }];
        if let Some(t) = self.total.filter(|&t| t > 0) {
            parts.push(format!("{:.1}%", 100.0 * self.done as f64 / t as f64));
        }
        parts.push(format!("{} sentences", thousands(self.sentences)));
        if let Some(r) = self.rate {
            parts.push(format!("{}/s", thousands(r.round() as u64)));
        }
        if let Some(e) = self.eta {
            parts.push(format!("eta {}", duration(e)));
        }
        parts
    }

    /// The plain line: `progress: 1.2 MB/50.0 MB (2.4%), 45,678 sentences, 3,456/s, eta 4m 45s`.
    pub fn line(&self) -> String {
        let parts = self.parts();
        let mut line = format!("progress: {}", parts[0]);
        let mut rest = parts[1..].iter();
        if self.total.is_some_and(|t| t > 0) {
            if let Some(share) = rest.next() {
                line.push_str(&format!(" ({share})"));
            }
        }
        for p in rest {
            line.push_str(", ");
            line.push_str(p);
        }
        line
    }

    /// The terminal bar, at most `width - 1` characters (the last column is left free,
    /// so no terminal wraps): `classifying [=====>    ] 1.2 MB/50.0 MB 2.4% …`. What
    /// does not fit is left out: the sentence count first, then the bar (at least 10
    /// cells, at most 30), then fields from the right; at last the line is cut.
    pub fn bar(&self, what: &str, width: usize) -> String {
        let room = width.saturating_sub(1);
        let parts = self.parts();
        let fraction = self
            .total
            .filter(|&t| t > 0)
            .map(|t| (self.done as f64 / t as f64).clamp(0.0, 1.0));
        let sentences = if self.total.is_some_and(|t| t > 0) {
            2
        } else {
            1
        };
        let all: Vec<usize> = (0..parts.len()).collect();
        let fewer: Vec<usize> = all.iter().copied().filter(|&i| i != sentences).collect();
        let text = |keep: &[usize]| {
            keep.iter()
                .map(|&i| parts[i].as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        for (keep, with_bar) in [(&all, true), (&fewer, true), (&all, false)] {
            let text = text(keep);
            let fixed = what.chars().count() + 1 + text.chars().count();
            match fraction {
                Some(f) if with_bar && room >= fixed + 3 + 10 => {
                    let cells = (room - fixed - 3).min(30);
                    let full = ((f * cells as f64) as usize).min(cells);
                    let mut bar = "=".repeat(full);
                    if full < cells {
                        bar.push('>');
                        bar.push_str(&" ".repeat(cells - full - 1));
                    }
                    return format!("{what} [{bar}] {text}");
                }
                _ if !with_bar && fixed <= room => return format!("{what} {text}"),
                _ => {}
            }
        }
        for keep in (1..fewer.len()).rev() {
            let text = text(&fewer[..keep]);
            if what.chars().count() + 1 + text.chars().count() <= room {
                return format!("{what} {text}");
            }
        }
        format!("{what} {}", parts[0]).chars().take(room).collect()
    }
}

/// The terminal's width in columns: the terminal's own, else `$COLUMNS`, else 80.
fn terminal_width() -> usize {
    #[cfg(unix)]
    {
        let mut size = std::mem::MaybeUninit::<libc::winsize>::zeroed();
        // SAFETY: TIOCGWINSZ writes a winsize into the valid, writable, zeroed struct
        // it is given, or fails and writes nothing.
        let status = unsafe { libc::ioctl(2, libc::TIOCGWINSZ, size.as_mut_ptr()) };
        if status == 0 {
            // SAFETY: zero-initialised, and filled by the successful call.
            let size = unsafe { size.assume_init() };
            if size.ws_col > 0 {
                return usize::from(size.ws_col);
            }
        }
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c| c > 0)
        .unwrap_or(80)
}

/// Progress of `classify` over its input bytes.
pub struct Progress {
    mode: Mode,
    what: String,
    inner: RefCell<State>,
}

struct State {
    total: Option<u64>,
    done: u64,
    sentences: u64,
    start: Instant,
    /// When measuring started (after work skipped by a resumed run).
    measured_from: Instant,
    last: Option<Instant>,
    window: Window,
    drawn: bool,
}

impl Progress {
    /// Progress of `what` over `total` bytes (when known), shown as `mode` says.
    pub fn new(mode: Mode, what: &str, total: Option<u64>) -> Progress {
        let now = Instant::now();
        let mut window = Window::default();
        window.push(0.0, 0, 0);
        Progress {
            mode,
            what: what.into(),
            inner: RefCell::new(State {
                total,
                done: 0,
                sentences: 0,
                start: now,
                measured_from: now,
                last: None,
                window,
                drawn: false,
            }),
        }
    }

    /// Whether anything is shown (callers may skip counting otherwise).
    pub fn shown(&self) -> bool {
        self.mode != Mode::Off
    }

    /// `bytes` of input done before this run (a resumed run's): counted as done, not
    /// in the rate.
    pub fn skip(&self, bytes: u64) {
        let mut s = self.inner.borrow_mut();
        s.done += bytes;
        s.window.clear();
        let (done, sentences) = (s.done, s.sentences);
        s.window.push(0.0, done, sentences);
        s.measured_from = Instant::now();
    }

    /// `bytes` more of input done, with `sentences` more sentences.
    pub fn add(&self, bytes: u64, sentences: u64) {
        if self.mode == Mode::Off {
            return;
        }
        let now = {
            let mut s = self.inner.borrow_mut();
            s.done += bytes;
            s.sentences += sentences;
            let every = if self.mode == Mode::Bar {
                BAR_EVERY
            } else {
                LINE_EVERY
            };
            let now = Instant::now();
            if s.last.is_some_and(|l| now - l < every)
                || (s.last.is_none() && now - s.start < every)
            {
                return;
            }
            now
        };
        self.draw(now);
    }

    fn draw(&self, now: Instant) {
        let mut s = self.inner.borrow_mut();
        let t = (now - s.measured_from).as_secs_f64();
        let (done, sentences) = (s.done, s.sentences);
        s.window.push(t, done, sentences);
        s.last = Some(now);
        let rates = s.window.rates();
        let report = Report {
            done,
            total: s.total,
            sentences,
            rate: rates.map(|r| r.1),
            eta: rates.and_then(|r| eta(t, done, s.total, r.0)),
        };
        let mut err = std::io::stderr().lock();
        let _ = match self.mode {
            Mode::Bar => {
                s.drawn = true;
                write!(err, "\r{}\x1b[K", report.bar(&self.what, terminal_width()))
            }
            Mode::Lines => writeln!(err, "{}", report.line()),
            Mode::Off => Ok(()),
        };
        let _ = err.flush();
    }

    /// The work is over: the bar is cleared; a log gets a last line.
    pub fn finish(&self) {
        match self.mode {
            Mode::Bar => {
                if self.inner.borrow().drawn {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[K");
                    let _ = err.flush();
                }
            }
            Mode::Lines => {
                let s = self.inner.borrow();
                let secs = (Instant::now() - s.measured_from).as_secs_f64();
                let report = Report {
                    done: s.done,
                    total: s.total,
                    sentences: s.sentences,
                    rate: (secs >= 0.1).then(|| s.sentences as f64 / secs),
                    eta: None,
                };
                note!("{}, done in {}", report.line(), duration(secs));
            }
            Mode::Off => {}
        }
    }
}

/// A sink for the library's one-line notes (training's embedding cache) that prints
/// each on standard error, control characters made visible, without breaking `bar`.
pub fn notes(bar: &ProgressBar) -> impl Fn(&str) + Send + Sync + 'static {
    let bar = bar.clone();
    move |m: &str| bar.suspend(|| note!("{}", crate::cli::safe::shown(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_measures_recent_rate_only() {
        let mut w = Window::default();
        // 100 units a second for 20 s, then 10 a second for 20 s.
        let mut units = 0;
        for t in 0..=40u64 {
            w.push(t as f64, units, units / 2);
            units += if t < 20 { 100 } else { 10 };
        }
        let (rate, sentences) = w.rates().unwrap();
        assert!((rate - 10.0).abs() < 1e-9, "{rate}");
        assert!((sentences - 5.0).abs() < 1e-9, "{sentences}");
        assert!((w.span() - 10.0).abs() < 1e-9);
        // A single sample, or samples too close together, give no rate.
        let mut one = Window::default();
        one.push(0.0, 0, 0);
        assert_eq!(one.rates(), None);
        one.push(0.05, 10, 1);
        assert_eq!(one.rates(), None);
    }

    #[test]
    fn no_eta_until_enough_is_measured() {
        // Too soon.
        assert_eq!(eta(1.0, 500, Some(1000), 100.0), None);
        // Long enough but under 2 % of the work, and under 10 s.
        assert_eq!(eta(3.0, 10, Some(1000), 100.0), None);
        // 2 % done after 2 s.
        assert_eq!(eta(2.0, 20, Some(1000), 10.0), Some(98.0));
        // 10 s measured, even at 1 %.
        assert_eq!(eta(10.0, 10, Some(1000), 1.0), Some(990.0));
        // No total, or no rate: no ETA.
        assert_eq!(eta(30.0, 10, None, 1.0), None);
        assert_eq!(eta(30.0, 10, Some(1000), 0.0), None);
    }

    #[test]
    fn an_eta_from_synthetic_timestamps() {
        // 1,000,000 bytes at 50,000 a second: after 4 s, 800,000 left = 16 s.
        let mut w = Window::default();
        for tenth in 0..=40u64 {
            let t = tenth as f64 / 10.0;
            w.push(t, tenth * 5_000, tenth * 70);
        }
        let (rate, sentences) = w.rates().unwrap();
        let left = eta(4.0, 200_000, Some(1_000_000), rate).unwrap();
        assert!((left - 16.0).abs() < 1e-6, "{left}");
        assert!((sentences - 700.0).abs() < 1e-6);
    }

    fn report() -> Report {
        Report {
            done: 12_345_678,
            total: Some(1_000_000_000),
            sentences: 123_456,
            rate: Some(3_456.4),
            eta: Some(285.0),
        }
    }

    #[test]
    fn a_plain_line_says_everything_without_carriage_returns() {
        assert_eq!(
            report().line(),
            "progress: 12.3 MB/1.0 GB (1.2%), 123,456 sentences, 3,456/s, eta 4m 45s"
        );
        let unknown = Report {
            total: None,
            eta: None,
            ..report()
        };
        assert_eq!(
            unknown.line(),
            "progress: 12.3 MB, 123,456 sentences, 3,456/s"
        );
    }

    #[test]
    fn the_bar_never_fills_the_terminal_width() {
        for width in 0..=250 {
            for r in [
                report(),
                Report {
                    total: None,
                    ..report()
                },
            ] {
                let bar = r.bar("classifying", width);
                assert!(
                    bar.chars().count() < width.max(1),
                    "{width}: {bar:?} is {} wide",
                    bar.chars().count()
                );
                assert!(!bar.contains('\r') && !bar.contains('\n'));
                if (40..=200).contains(&width) {
                    assert!(bar.starts_with("classifying "), "{bar}");
                    assert!(bar.contains("12.3 MB"), "{bar}");
                }
            }
        }
        assert_eq!(
            report().bar("classifying", 80),
            "classifying [>                         ] 12.3 MB/1.0 GB 1.2% 3,456/s eta 4m 45s"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(12_345), "12.3 KB");
        assert_eq!(duration(45.2), "45s");
        assert_eq!(duration(285.0), "4m 45s");
        assert_eq!(duration(7380.0), "2h 03m");
    }
}
