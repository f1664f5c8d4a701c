#!/usr/bin/env python3
"""Throughput, start-up and memory of `factop classify`, next to scikit-learn and fastText.

Invoked by run.sh (which builds the binary, the venv and the corpus); run that rather
than this file directly. Two sub-commands:

  corpus  build bench/throughput/corpus.txt (one sentence per line) from the text
          column of data/train.csv, data/dev.csv and data/dev_test.csv, repeated until
          it has at least --min-sentences lines; reused while its inputs are unchanged.
  bench   time everything and print (and write) a Markdown report.

What is timed (wall clock, time.perf_counter; median of --runs runs after one untimed
warm-up run of each system, so the corpus is in the page cache):

  * factop: the whole CLI process, `factop classify --format jsonl|tsv --threads 1
    corpus.txt` with stdout to /dev/null: process start-up and model load, reading,
    segmenting, featurising, scoring and formatting the output; plus a `--threads 2`
    jsonl row (both only when the binary has `--threads`; older builds were
    single-threaded and run without it).
  * scikit-learn: TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) +
    LogisticRegression(max_iter=1000) fitted on train+dev before timing; times only
    `vec.transform(lines)` + `clf.predict_proba(X)` in this process, on sentences
    already split into a Python list (start-up, import, fitting and reading the file
    are not counted; nothing is written out). BLAS/OpenMP limited to 1 thread.
  * fastText: supervised, wordNgrams=2 (epoch=25, lr=0.5, thread=1, seed=0) trained on
    train+dev before timing; times only `model.predict(lines, k=1)` in this process on
    lines already lower-cased and punctuation-padded (that preprocessing, in Python, is
    timed separately and reported as a note).
  * `wc -w corpus.txt`: a floor for any process that reads the corpus.

The factop runs are interleaved round by round (jsonl, tsv, wc, jsonl, ...), so a
transient load affects all of them alike; the in-process peers run after that.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import math
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Single-threaded numerics: must be set before numpy/scipy are imported.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"
os.environ.setdefault("PYTHONHASHSEED", "0")

CSV_FILES = ("train.csv", "dev.csv", "dev_test.csv")
TRAIN_FILES = ("train.csv", "dev.csv")
CORPUS_FORMAT_VERSION = "2"  # bump when the corpus recipe changes
STARTUP_SENTENCE = "Officials said 40 people were hurt."
GNU_TIME = "/usr/bin/time"

_WS = re.compile(r"\s+")


def log(msg: str) -> None:
    print(f"[throughput] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- data


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"text", "label"} <= set(reader.fieldnames or []):
            raise SystemExit(f"error: {path}: needs columns text and label")
        for row in reader:
            # One sentence per corpus line: collapse any whitespace (a CSV field may
            # hold a line break) to one space.
            text = _WS.sub(" ", row["text"] or "").strip()
            if text:
                texts.append(text)
                labels.append((row["label"] or "").strip().lower())
    return texts, labels


def corpus_stamp(data_dir: Path, min_sentences: int) -> str:
    h = hashlib.sha256()
    h.update(f"v{CORPUS_FORMAT_VERSION} min={min_sentences}\n".encode())
    for name in CSV_FILES:
        h.update(name.encode() + b"\0")
        h.update((data_dir / name).read_bytes())
    return h.hexdigest()


def is_current(out: Path, stamp: str) -> bool:
    """Whether `out` was built by the recipe `stamp` (its stamp file's first line)."""
    stamp_path = out.with_name(out.name + ".stamp")
    return out.is_file() and stamp_path.is_file() and stamp_path.read_text().split("\n")[0] == stamp


def csv_sentences(data_dir: Path) -> list[str]:
    """The text column of every CSV file, in order."""
    sentences: list[str] = []
    for name in CSV_FILES:
        sentences += read_csv(data_dir / name)[0]
    return sentences


def cmd_corpus(args: argparse.Namespace) -> int:
    out: Path = args.out
    stamp_path = out.with_name(out.name + ".stamp")
    stamp = corpus_stamp(args.data_dir, args.min_sentences)
    if is_current(out, stamp):
        log(f"reusing {out}")
    else:
        sentences = csv_sentences(args.data_dir)
        if not sentences:
            raise SystemExit("error: no sentences in the CSV files")
        reps = math.ceil(args.min_sentences / len(sentences))
        tmp = out.with_name(out.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            block = "\n".join(sentences) + "\n"
            for _ in range(reps):
                fh.write(block)
        tmp.replace(out)
        # Second line: how many lines one repetition has (read by `bench`).
        stamp_path.write_text(f"{stamp}\n{len(sentences)}\n")
        log(f"built {out}: {len(sentences)} distinct CSV sentences x {reps}")
    n, size = count_lines(out), out.stat().st_size
    print(f"corpus: {out}: {n:,} sentences (lines), {size / 1e6:.1f} MB ({size:,} bytes)")
    return 0


STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been
    being it its this that these those he she they we you i his her their our your my me
    him them us not no nor so than then there here what which who whom whose when where
    why how all any both each few more most other some such only own same too very can
    will just should would could may might must has have had do does did said says say""".split()
)
_WORD = re.compile(r"[A-Za-z]+")


class ZipfWords:
    """Dictionary words for variants of real sentences: the word list's lower-case,
    letters-only words of 4 or more letters in a seeded random order, drawn with
    weight 1/rank (Zipf frequencies). bench/train_cost uses it too."""

    def __init__(self, word_list: str, rng) -> None:
        self.vocab = sorted({w for w in word_list.split() if w.isalpha() and w.islower() and len(w) >= 4})
        rng.shuffle(self.vocab)
        self.cum: list[float] = []
        acc = 0.0
        for r in range(len(self.vocab)):
            acc += 1.0 / (r + 1)
            self.cum.append(acc)

    def variant(self, base: str, rng) -> str | None:
        """`base` with each content word (letters only, 4 or more, not a stop word)
        replaced by a drawn word, keeping an initial capital; None when it has none."""
        slots = [m for m in _WORD.finditer(base) if len(m.group()) >= 4 and m.group().lower() not in STOPWORDS]
        if not slots:
            return None
        picks = rng.choices(self.vocab, cum_weights=self.cum, k=len(slots))
        parts, at = [], 0
        for m, new in zip(slots, picks):
            parts.append(base[at : m.start()])
            parts.append(new.capitalize() if m.group()[0].isupper() else new)
            at = m.end()
        parts.append(base[at:])
        return "".join(parts)


def cmd_corpus_distinct(args: argparse.Namespace) -> int:
    """Distinct text: every CSV sentence once, then variants of them in which each
    content word (letters only, 4 or more, not a stop word) is replaced by a dictionary
    word drawn with Zipf frequencies (rank r has weight 1/r over the word list in a
    seeded random order), keeping an initial capital, until there are
    --min-sentences distinct lines. Seeded, so the same inputs give the same corpus."""
    import random

    out: Path = args.out
    words_path: Path = args.distinct
    raw = words_path.read_bytes()
    stamp = "distinct-v1 seed=%d n=%d words=%s data=%s" % (
        args.seed,
        args.min_sentences,
        hashlib.sha256(raw).hexdigest()[:16],
        corpus_stamp(args.data_dir, args.min_sentences),
    )
    stamp_path = out.with_name(out.name + ".stamp")
    if is_current(out, stamp):
        log(f"reusing {out}")
    else:
        sentences = csv_sentences(args.data_dir)
        seen: set[str] = set()
        lines: list[str] = []
        for s_ in sentences:
            if s_ not in seen:
                seen.add(s_)
                lines.append(s_)
        rng = random.Random(args.seed)
        words = ZipfWords(raw.decode("utf-8", "replace"), rng)
        real = len(lines)
        while len(lines) < args.min_sentences:
            line = words.variant(rng.choice(sentences), rng)
            if line is not None and line not in seen:
                seen.add(line)
                lines.append(line)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(out)
        # Second line: the whole corpus is one block (no repetition).
        stamp_path.write_text(f"{stamp}\n{len(lines)}\n")
        tokens = sum(len(_WORD.findall(x)) for x in lines)
        types = len({w.lower() for x in lines for w in _WORD.findall(x)})
        log(f"built {out}: {real} real + {len(lines) - real} variant sentences, {tokens:,} word tokens, {types:,} word types")
    n, size = count_lines(out), out.stat().st_size
    print(f"corpus: {out}: {n:,} distinct sentences (lines), {size / 1e6:.1f} MB ({size:,} bytes)")
    return 0


def is_distinct(corpus: Path) -> bool:
    """Whether the corpus was built by `corpus --distinct` (from its stamp)."""
    try:
        return corpus.with_name(corpus.name + ".stamp").read_text().startswith("distinct")
    except OSError:
        return False


def corpus_block_lines(corpus: Path) -> int | None:
    """Lines in one repetition of the corpus block (from the stamp `corpus` writes)."""
    try:
        parts = corpus.with_name(corpus.name + ".stamp").read_text().split()
        return int(parts[1])
    except (OSError, IndexError, ValueError):
        return None


def count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
    return n


# -------------------------------------------------------------------------- machine


def machine_line() -> str:
    try:
        # GNU nproc honours OMP_NUM_THREADS / OMP_THREAD_LIMIT, which this script sets to 1.
        env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT")}
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, check=True, env=env).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        nproc = str(len(os.sched_getaffinity(0)))
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown memory"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / (1 << 20):.1f} GiB RAM"
                break
    except OSError:
        pass
    return (
        f"nproc {nproc} (os.cpu_count {os.cpu_count()}), {cpu}, {mem}; "
        f"Linux {platform.release()}; Python {platform.python_version()}"
    )


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def git_describe(root: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no", "--", "src"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return head + (" (src/ modified)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"


# ------------------------------------------------------------------------- measuring


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_timed(argv: list[str], stdin_bytes: bytes | None = None, stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Run argv; return (wall seconds, CPU seconds (user + system) of the child)."""
    c0 = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        argv,
        input=stdin_bytes,
        stdin=None if stdin_bytes is not None else subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
    )
    dt_s = time.perf_counter() - t0
    cpu = children_cpu() - c0
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip()
        raise SystemExit(f"error: `{' '.join(argv)}` exited {proc.returncode}: {err}")
    return dt_s, cpu


def peak_rss(argv: list[str], stdin_path: Path | None = None) -> tuple[float, float, str]:
    """Run argv (stdout to /dev/null); return (peak RSS in KiB, wall seconds, method)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        if os.access(GNU_TIME, os.X_OK):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [GNU_TIME, "-v", *argv], stdin=stdin, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, text=True,
            )
            wall = time.perf_counter() - t0
            if proc.returncode != 0:
                raise SystemExit(f"error: `{' '.join(argv)}` exited {proc.returncode}: {proc.stderr.strip()}")
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
            if m:
                return float(m.group(1)), wall, "/usr/bin/time -v"
            log("could not parse /usr/bin/time -v output; falling back to wait4")
        # Fallback: rusage of exactly this child, via wait4 (ru_maxrss is KiB on Linux).
        # Linux carries the high-water mark of the pre-exec (forked Python) image into
        # ru_maxrss, so a value not above this process's own RSS is only an upper bound.
        own_kib = self_rss_kib()
        t0 = time.perf_counter()
        child = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"error: `{' '.join(argv)}` exited {child.returncode}")
        kib = float(usage.ru_maxrss)
        if kib <= own_kib * 1.05:
            return kib, wall, f"os.wait4 ru_maxrss: upper bound (≤ the forking Python's {own_kib / 1024:.0f} MiB)"
        return kib, wall, "os.wait4 ru_maxrss"
    finally:
        if stdin_path:
            stdin.close()


def self_rss_kib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


class Series:
    def __init__(self, name: str):
        self.name = name
        self.times: list[float] = []  # wall seconds
        self.cpu: list[float] = []  # CPU seconds (user + system)

    def add(self, wall_cpu: tuple[float, float]) -> None:
        self.times.append(wall_cpu[0])
        self.cpu.append(wall_cpu[1])

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    def spread(self) -> str:
        return f"{min(self.times):.3f}–{max(self.times):.3f}"


# ---------------------------------------------------------------------------- peers


def ft_prep(text: str, _punct=re.compile(r"""([.!?,'/()"“”‘’:;])""")) -> str:
    # Same preprocessing as bench/peers/peers.py (fastText tutorial, plus curly quotes).
    return _WS.sub(" ", _punct.sub(r" \1 ", text.lower())).strip()


def bench_peers(data_dir: Path, lines: list[str], runs: int, tmp_dir: Path) -> tuple[list[Series], list[str]]:
    import numpy as np
    import fasttext
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from importlib import metadata

    notes: list[str] = []
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        threadpool_limits(1)
        pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info()) or "none loaded"
    except ImportError:  # pragma: no cover
        pools = "threadpoolctl not installed"

    train_x: list[str] = []
    train_y: list[str] = []
    for name in TRAIN_FILES:
        x, y = read_csv(data_dir / name)
        train_x += x
        train_y += y

    # scikit-learn -------------------------------------------------------------
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    clf = LogisticRegression(max_iter=1000)
    clf.fit(vec.fit_transform(train_x), train_y)
    pos = list(clf.classes_).index("opinion")
    sk = Series("scikit-learn TF-IDF (1-2 grams, sublinear) + LogReg: transform + predict_proba, in process")
    for i in range(runs + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        proba = clf.predict_proba(vec.transform(lines))[:, pos]
        t, c = time.perf_counter() - t0, time.process_time() - c0
        if i:  # run 0 is the warm-up
            sk.add((t, c))
    assert proba.shape == (len(lines),)
    sk_opinion = float(np.mean(proba >= 0.5))
    log(f"scikit-learn: median {sk.median:.3f} s")

    # fastText -----------------------------------------------------------------
    train_path = tmp_dir / "fasttext-train.txt"
    with train_path.open("w", encoding="utf-8") as fh:
        for x, y in zip(train_x, train_y):
            fh.write(f"__label__{y} {ft_prep(x)}\n")
    ft = fasttext.train_supervised(
        input=str(train_path), wordNgrams=2, epoch=25, lr=0.5, thread=1, seed=0, verbose=0
    )
    train_path.unlink()
    t0 = time.perf_counter()
    prepped = [ft_prep(x) for x in lines]
    prep_s = time.perf_counter() - t0
    fts = Series("fastText (wordNgrams=2) predict, k=1, in process")
    for i in range(runs + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        labels, _ = ft.predict(prepped, k=1)
        t, c = time.perf_counter() - t0, time.process_time() - c0
        if i:
            fts.add((t, c))
    assert len(labels) == len(lines)
    ft_opinion = sum(ls[0] == "__label__opinion" for ls in labels) / len(labels)
    log(f"fastText: median {fts.median:.3f} s")

    notes.append(
        f"scikit-learn: {len(vec.vocabulary_):,} TF-IDF features, fitted on train+dev "
        f"({len(train_x):,} sentences) before timing; {sk_opinion:.1%} of corpus sentences "
        f"scored opinion. Thread pools: {pools}."
    )
    notes.append(
        f"fastText: epoch=25, lr=0.5, thread=1, seed=0, {len(ft.words):,} words; "
        f"{ft_opinion:.1%} of corpus sentences labelled opinion. Its Python preprocessing "
        f"(lower-case, pad punctuation; not in the timed figure) took {prep_s:.3f} s once."
    )
    notes.append(
        "Versions: " + ", ".join(
            f"{p} {metadata.version(p)}" for p in ("scikit-learn", "numpy", "scipy", "fasttext-wheel")
        )
    )
    return [sk, fts], notes


# ------------------------------------------------------------------------------ bench


def fmt_rate(n: int, s: float) -> str:
    return f"{n / s:,.0f}"


def cmd_bench(args: argparse.Namespace) -> int:
    root: Path = args.root
    factop = str(args.factop)
    corpus: Path = args.corpus
    runs: int = args.runs
    out_lines: list[str] = []

    def emit(line: str = "") -> None:
        print(line, flush=True)
        out_lines.append(line)

    load_start = loadavg()
    n_sent = count_lines(corpus)
    size = corpus.stat().st_size
    with corpus.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    assert len(lines) == n_sent

    version = subprocess.run([factop, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    classify_help = subprocess.run([factop, "classify", "--help"], capture_output=True, text=True, check=True).stdout

    # ---- threads ------------------------------------------------------------------------
    # When `factop classify` has `--threads` (it defaults to all cores), the 1-thread rows
    # pass `--threads 1` and a 2-thread jsonl row is added; a build without the option is
    # single-threaded, and its rows run as they are. Adjust here if the flag is renamed.
    has_threads = re.search(r"--threads\b", classify_help) is not None
    one = ["--threads", "1"] if has_threads else []
    classify = [factop, "classify"]
    jsonl = Series("factop classify --format jsonl" + (" --threads 1" if has_threads else " (1 thread)"))
    tsv = Series("factop classify --format tsv" + (" --threads 1" if has_threads else " (1 thread)"))
    wc = Series("wc -w corpus.txt (floor)")
    commands: list[tuple[Series, list[str]]] = [
        (jsonl, [*classify, "--format", "jsonl", *one, str(corpus)]),
        (tsv, [*classify, "--format", "tsv", *one, str(corpus)]),
    ]
    jsonl2 = None
    if has_threads:
        jsonl2 = Series("factop classify --format jsonl --threads 2")
        commands.append((jsonl2, [*classify, "--format", "jsonl", "--threads", "2", str(corpus)]))
    # -------------------------------------------------------------------------------------
    commands.append((wc, ["wc", "-w", str(corpus)]))

    # Warm-up (untimed): also checks factop's output and counts the sentences it emits.
    log("warm-up")
    res = subprocess.run(commands[0][1], stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if res.returncode != 0:
        raise SystemExit(f"error: factop exited {res.returncode}: {res.stderr.decode(errors='replace')}")
    factop_sentences = res.stdout.count(b"\n")
    factop_opinion = res.stdout.count(b'"label":"opinion"') / max(factop_sentences, 1)
    del res
    for _, argv in commands[1:]:
        run_timed(argv)

    for r in range(runs):
        for series, argv in commands:
            series.add(run_timed(argv))
        log(f"round {r + 1}/{runs}: " + ", ".join(f"{s.times[-1]:.3f}" for s, _ in commands))

    if args.skip_peers:
        peers, peer_notes = [], ["Peers skipped (--skip-peers)."]
    else:
        peers, peer_notes = bench_peers(args.data_dir, lines, runs, Path(args.tmp_dir))
    del lines

    # Start-up -----------------------------------------------------------------------
    log("start-up")
    stdin = (STARTUP_SENTENCE + "\n").encode()
    startup = Series("one sentence via stdin")
    version_s = Series("factop --version")
    startup1 = Series("one sentence via stdin, --threads 1") if has_threads else None
    run_timed(classify, stdin)  # warm-up
    for _ in range(args.startup_runs):
        startup.add(run_timed(classify, stdin))
        if startup1 is not None:
            startup1.add(run_timed([*classify, *one], stdin))
        version_s.add(run_timed([factop, "--version"]))

    # Word-cache caveat ----------------------------------------------------------------
    # The corpus repeats one block of distinct sentences, and factop caches each word's
    # stem/cues/id per stream, so after the first block every word is a cache hit. Time
    # the first block alone: its per-sentence cost is what novel text costs.
    block = corpus_block_lines(corpus)
    first_pass = None
    if block and block < n_sent:
        block_path = Path(args.tmp_dir) / "first-block.txt"
        with corpus.open(encoding="utf-8") as src, block_path.open("w", encoding="utf-8") as dst:
            for _ in range(block):
                dst.write(src.readline())
        fp = Series("first block")
        run_timed([*classify, "--format", "jsonl", *one, str(block_path)])
        for _ in range(max(runs, 10)):
            fp.add(run_timed([*classify, "--format", "jsonl", *one, str(block_path)]))
        block_path.unlink()
        first_pass = (block, fp.median)

    # Peak RSS -----------------------------------------------------------------------
    log("peak RSS")
    one_path = Path(args.tmp_dir) / "one-sentence.txt"
    one_path.write_text(STARTUP_SENTENCE + "\n", encoding="utf-8")
    rss_rows = []
    rss_runs = [
        (f"`factop classify --format jsonl {' '.join(one)} corpus.txt`".replace("  ", " "), commands[0][1], None),
        (f"`factop classify --format tsv {' '.join(one)} corpus.txt`".replace("  ", " "), commands[1][1], None),
    ]
    if jsonl2 is not None:
        rss_runs.append(("`factop classify --format jsonl --threads 2 corpus.txt`", commands[2][1], None))
    rss_runs.append(("`factop classify` of one sentence (stdin; default threads)", classify, one_path))
    for label, argv, stdin_path in rss_runs:
        kib, wall, method = peak_rss(argv, stdin_path)
        rss_rows.append((label, kib, wall, method))
    one_path.unlink()

    load_end = loadavg()

    # Report -------------------------------------------------------------------------
    all_series = [jsonl, tsv] + ([jsonl2] if jsonl2 else []) + peers + [wc]
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    emit("# factop throughput")
    emit()
    emit(f"Generated by `bash bench/throughput/run.sh{' --distinct' if is_distinct(corpus) else ''}{' --big' if args.big else ''}` on {now}; do not edit by hand.")
    emit()
    emit(f"Machine: {machine_line()}")
    emit()
    emit(f"Load average (1/5/15 min) at start: {load_start}; at end of the timed runs: {load_end}.")
    emit()
    emit(
        f"factop: {version}; binary {args.factop_source} (sha256 {sha256_file(args.factop)[:16]}, "
        f"{binary_age(root, args.factop_source)}); repository HEAD at run time: {git_describe(root)}"
    )
    emit()
    if is_distinct(corpus):
        corpus_desc = (
            f"Corpus: bench/throughput/{corpus.name}, {n_sent:,} distinct sentences (one per line; the "
            f"text column of data/train.csv, dev.csv, dev_test.csv once, then seeded variants whose "
            f"content words are replaced by Zipf-drawn words of Debian's wamerican-large), {size / 1e6:.1f} MB. "
        )
    else:
        corpus_desc = (
            f"Corpus: bench/throughput/corpus.txt, {n_sent:,} sentences (one per line; the text column "
            f"of data/train.csv, dev.csv, dev_test.csv, repeated), {size / 1e6:.1f} MB. "
        )
    emit(
        corpus_desc
        + f"factop emitted {factop_sentences:,} sentences for it"
        + ("" if factop_sentences == n_sent else " (its segmenter splits some lines further)")
        + f", {factop_opinion:.1%} opinion. Sentences/s below are corpus lines / median time for every system."
    )
    emit()
    emit(f"## Throughput (median of {runs} runs, after one warm-up run)")
    emit()
    emit("| System | Median s | Min–max s | Sentences/s | factop jsonl ÷ system | factop tsv ÷ system | Median CPU s |")
    emit("|---|---:|---:|---:|---:|---:|---:|")
    for s in all_series:
        emit(
            f"| {s.name} | {s.median:.3f} | {s.spread()} | {fmt_rate(n_sent, s.median)} "
            f"| {jsonl.median / s.median:.2f} | {tsv.median / s.median:.2f} | {s.median_cpu:.3f} |"
        )
    emit()
    emit(
        "Ratios are factop's median time ÷ the system's (above 1: factop is slower). factop rows time the "
        "whole CLI process (start-up and model load, reading, segmenting, featurising, scoring, writing "
        "output to /dev/null). The scikit-learn and fastText rows time only the in-process "
        "transform+score / predict call on sentences already split into a Python list, with the model "
        "already trained; interpreter start-up, imports, training and file reading are not counted, and "
        "nothing is written. OMP/OPENBLAS/MKL_NUM_THREADS=1. `wc -w` is the floor for reading the file. "
        "Times are wall clock; the CPU column (user + system: the child's rusage for commands, "
        "process_time() in process) is less sensitive to other load on the machine."
    )
    if jsonl2 is None:
        emit()
        emit("2-thread run: not measured; this factop build has no `--threads` option.")
    emit()
    for n in peer_notes:
        emit(f"- {n}")
    emit()
    emit(f"## Start-up (median of {args.startup_runs} runs)")
    emit()
    emit("| Command | Median ms | Min ms |")
    emit("|---|---:|---:|")
    emit(f'| `echo "{STARTUP_SENTENCE}" \\| factop classify` | {startup.median * 1e3:.1f} | {min(startup.times) * 1e3:.1f} |')
    if startup1 is not None:
        emit(f'| `echo "{STARTUP_SENTENCE}" \\| factop classify --threads 1` | {startup1.median * 1e3:.1f} | {min(startup1.times) * 1e3:.1f} |')
    emit(f"| `factop --version` (process start, no model load) | {version_s.median * 1e3:.1f} | {min(version_s.times) * 1e3:.1f} |")
    emit()
    per_sent_us = (jsonl.median - (startup1 or startup).median) / n_sent * 1e6
    emit(
        f"Steady state, 1 thread (jsonl median minus start-up, per corpus sentence): {per_sent_us:.2f} µs/sentence "
        f"= {1e6 / per_sent_us:,.0f} sentences/s."
    )
    if first_pass is not None:
        block, fp_s = first_pass
        su = (startup1 or startup).median
        cold_us = (fp_s - su) / block * 1e6
        emit()
        emit(
            f"Word-cache caveat: the corpus is one block of {block:,} distinct sentences repeated, and factop "
            f"caches each word's stem, cues and id per stream, so after the first block every word is a "
            f"cache hit. The first block alone (1 thread, jsonl) takes {fp_s * 1e3:.1f} ms = "
            f"{cold_us:.2f} µs/sentence after start-up ({1e6 / cold_us:,.0f} sentences/s), vs {per_sent_us:.2f} "
            f"on the whole corpus: text with no repeats runs closer to the first figure. scikit-learn and "
            f"fastText have no such cache."
        )
    emit()
    emit("## Peak RSS")
    emit()
    emit("| Run | Peak RSS MiB | Wall s | Measured with |")
    emit("|---|---:|---:|---|")
    for label, kib, wall, method in rss_rows:
        emit(f"| {label} | {kib / 1024:.1f} | {wall:.3f} | {method} |")
    if not args.skip_peers:
        py_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        emit(f"| (for reference) this Python process: scikit-learn + fastText models, corpus in memory | {py_rss / 1024:.1f} | – | getrusage(RUSAGE_SELF) |")

    if args.big:
        emit()
        emit("## Large input (--big)")
        emit()
        for line in bench_big(factop, corpus, n_sent, jsonl.median, args):
            emit(line)

    emit()
    args.out.write_text("\n".join(out_lines) + "\n", encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


def binary_age(root: Path, binary: Path) -> str:
    """When the binary was built, and whether any source file is newer (stale binary)."""
    try:
        built = binary.stat().st_mtime
    except OSError:
        return "build time unknown"
    stamp = dt.datetime.fromtimestamp(built, dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    sources = [*root.glob("src/**/*.rs"), root / "Cargo.toml", root / "Cargo.lock", *root.glob("models/*")]
    newer = sorted(str(p.relative_to(root)) for p in sources if p.is_file() and p.stat().st_mtime > built)
    if newer:
        shown = ", ".join(newer[:3]) + (", ..." if len(newer) > 3 else "")
        return f"built {stamp}; WARNING: older than {shown}: may not match the sources"
    return f"built {stamp}, newer than every source file"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def bench_big(factop: str, corpus: Path, n_sent: int, jsonl_median: float, args) -> list[str]:
    target = args.big_bytes
    size = corpus.stat().st_size
    reps = math.ceil(target / size)
    total = reps * size
    predicted = jsonl_median * reps
    if predicted > args.big_max_seconds:
        return [
            f"Skipped: {total / 1e9:.2f} GB would take about {predicted:.0f} s at the corpus rate, "
            f"over the {args.big_max_seconds:.0f} s limit (--big-max-seconds)."
        ]
    big_dir = Path(args.big_dir)
    free = shutil.disk_usage(big_dir).free
    if free < total + (512 << 20):
        return [f"Skipped: {big_dir} has {free / 1e9:.2f} GB free; {total / 1e9:.2f} GB needed."]
    path = big_dir / f"factop-throughput-big.{os.getpid()}.txt"
    try:
        log(f"writing {path} ({total / 1e9:.2f} GB)")
        data = corpus.read_bytes()
        with path.open("wb") as fh:
            for _ in range(reps):
                fh.write(data)
        del data
        log(f"classifying it (about {predicted:.0f} s expected)")
        kib, wall, method = peak_rss([factop, "classify", "--format", "jsonl", str(path)])
        # default threads: all cores when factop has --threads
    finally:
        path.unlink(missing_ok=True)
    n = n_sent * reps
    return [
        f"Input: the corpus repeated {reps}× in {big_dir} (deleted afterwards): {n:,} sentences, "
        f"{total / 1e9:.2f} GB.",
        "",
        "| Run | Wall s | Sentences/s | MB/s | Peak RSS MiB | Measured with |",
        "|---|---:|---:|---:|---:|---|",
        f"| `factop classify --format jsonl big.txt > /dev/null` (default threads) | {wall:.1f} | {n / wall:,.0f} "
        f"| {total / 1e6 / wall:.1f} | {kib / 1024:.1f} | {method} |",
    ]


def main() -> int:
    # Turn SIGTERM into SystemExit so `finally` blocks (e.g. deleting the 1 GB file) run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    c = sub.add_parser("corpus")
    c.add_argument("--data-dir", type=Path, default=Path("data"))
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--min-sentences", type=int, default=100_000)
    c.add_argument("--distinct", type=Path, help="word list: build the distinct-text corpus instead")
    c.add_argument("--seed", type=int, default=2025)

    b = sub.add_parser("bench")
    b.add_argument("--root", type=Path, default=Path("."))
    b.add_argument("--data-dir", type=Path, default=Path("data"))
    b.add_argument("--factop", type=Path, required=True)
    b.add_argument("--factop-source", type=Path, help="where the timed copy came from (reported)")
    b.add_argument("--corpus", type=Path, required=True)
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--startup-runs", type=int, default=20)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--tmp-dir", default="/tmp")
    b.add_argument("--skip-peers", action="store_true")
    b.add_argument("--big", action="store_true")
    b.add_argument("--big-bytes", type=int, default=1_000_000_000)
    b.add_argument("--big-dir", default="/tmp")
    b.add_argument("--big-max-seconds", type=float, default=300.0)

    args = ap.parse_args()
    if args.cmd == "bench" and args.factop_source is None:
        args.factop_source = args.factop
    if args.cmd == "corpus":
        return cmd_corpus_distinct(args) if args.distinct else cmd_corpus(args)
    return cmd_bench(args)


if __name__ == "__main__":
    sys.exit(main())
