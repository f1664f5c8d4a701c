"""Training cost against training-set size, for bench/train_cost/run.sh.

  make --words FILE --out FILE --rows N   labelled distinct sentences (see `make_set`)
  sklearn CSV                             the scikit-learn peer, one whole process:
                                          read the CSV, fit TF-IDF + logistic regression,
                                          print its fit time on stderr
  bench --factop BIN --sets DIR ...       time every system on every size, interleaved;
                                          print the Markdown report
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "throughput"))
from throughput import ZipfWords  # noqa: E402  (the distinct corpus's word draws)


def read_rows() -> list[tuple[str, str]]:
    rows = []
    for name in ("train.csv", "dev.csv"):
        with open(ROOT / "data" / name, encoding="utf-8", newline="") as f:
            rows += [(r["text"], r["label"]) for r in csv.DictReader(f)]
    return rows


def make_set(words: Path, out: Path, n: int, seed: int) -> None:
    """The English train + dev rows once (in file order), then labelled variants of
    them: a randomly chosen row with its content words replaced by Zipf-drawn
    dictionary words, exactly as bench/throughput's distinct corpus draws them
    (`ZipfWords`); the variant keeps the row's label. Distinct texts only, so the
    vocabulary grows with the rows. The first N rows of the same seed are the same at
    every N."""
    rows = read_rows()
    rng = random.Random(seed)
    draw = ZipfWords(words.read_text("utf-8", "replace"), rng)
    seen = {t for t, _ in rows}
    out_rows = list(rows[:n])
    while len(out_rows) < n:
        text, label = rng.choice(rows)
        variant = draw.variant(text, rng)
        if variant is not None and variant not in seen:
            seen.add(variant)
            out_rows.append((variant, label))
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "text", "label"])
        for i, (t, l) in enumerate(out_rows):
            w.writerow([i, t, l])
    tmp.replace(out)


def sklearn_fit(path: Path) -> None:
    """TF-IDF + L2 logistic regression with factop's default settings where the two
    have the same knob: word 1-2 grams, min_df 2, at most 8,000 terms, sublinear tf,
    C = 1 / alpha (alpha 1.5; both sum the loss over rows), lbfgs with tolerance 1e-4
    and at most 300 iterations. One fit (no threshold folds)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    t0 = time.perf_counter()
    x = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=8000, sublinear_tf=True).fit_transform(texts)
    clf = LogisticRegression(C=1 / 1.5, solver="lbfgs", tol=1e-4, max_iter=300).fit(x, labels)
    print(f"fit {time.perf_counter() - t0:.3f} s, {x.shape[1]} terms, {clf.n_iter_[0]} iterations", file=sys.stderr)


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if status != 0:
        sys.exit(f"error: {' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024


def bench(a: argparse.Namespace) -> int:
    """Every system on every size, `runs` rounds; in each round the systems run in
    turn (interleaved), so a slow spell of the machine hits them all alike."""
    import platform
    import statistics

    sizes = [int(x) for x in a.sizes.split(",")]
    out = Path(a.sets)
    out.mkdir(parents=True, exist_ok=True)
    model = out / "model.json"
    systems = [
        ("factop", lambda csv: [a.factop, "train", "--data", str(csv), "-o", str(model)], None),
        ("factop, one fit", lambda csv: [a.factop, "train", "--fixed-threshold", "0.5", "--data", str(csv), "-o", str(model)], None),
        ("factop, dense", lambda csv: [a.factop, "train", "--solver", "dense", "--data", str(csv), "-o", str(model)], a.dense_max),
        ("scikit-learn", lambda csv: [a.python, str(Path(__file__)), "sklearn", str(csv)], None),
    ]
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for n in sizes:
        csv_path = out / f"{n}.csv"
        if not csv_path.is_file():
            make_set(a.words, csv_path, n, 7)
        for r in range(a.runs):
            for name, argv, limit in systems:
                if limit is not None and n > limit:
                    continue
                wall, rss = timed(argv(csv_path))
                results.setdefault((name, n), []).append((wall, rss))
                print(f"[train_cost] {n} rows, run {r + 1}: {name} {wall:.2f} s, {rss:.0f} MiB", file=sys.stderr)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"Generated by `bash bench/train_cost/run.sh` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; do not edit by hand.\n")
    print(f"Machine: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {platform.system()}; load average before the run {a.load}.")
    print(f"factop: {a.head}; scikit-learn {__import__('sklearn').__version__}.")
    print(f"Medians of {a.runs} interleaved runs; wall time and peak RSS of the whole process (start-up, reading the CSV, features, fits, writing the model).\n")
    print("| rows | factop (5 folds + final fit) | peak | factop, one fit | peak | factop `--solver dense` | peak | scikit-learn, one fit | peak | factop / scikit-learn |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        cells = []
        for name, _, _ in systems:
            runs = results.get((name, n))
            if runs:
                cells += [f"{statistics.median(w for w, _ in runs):.2f} s", f"{statistics.median(m for _, m in runs):.0f} MiB"]
            else:
                cells += ["-", "-"]
        f = statistics.median(w for w, _ in results[("factop", n)])
        s_ = statistics.median(w for w, _ in results[("scikit-learn", n)])
        print(f"| {n:,} | " + " | ".join(cells) + f" | {f / s_:.2f}x |")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--words", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--rows", type=int, required=True)
    m.add_argument("--seed", type=int, default=7)
    s = sub.add_parser("sklearn")
    s.add_argument("csv", type=Path)
    b = sub.add_parser("bench")
    b.add_argument("--factop", required=True)
    b.add_argument("--python", required=True, help="interpreter with scikit-learn")
    b.add_argument("--words", type=Path, required=True)
    b.add_argument("--sets", required=True, help="folder for the generated training sets")
    b.add_argument("--sizes", default="1000,2000,5000,10000,20000,50000,100000,200000")
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--dense-max", type=int, default=5000, help="largest set the dense fit is timed on")
    b.add_argument("--load", default="?")
    b.add_argument("--head", default="?", help="what the timed factop was built from")
    a = ap.parse_args()
    if a.cmd == "make":
        make_set(a.words, a.out, a.rows, a.seed)
    elif a.cmd == "sklearn":
        sklearn_fit(a.csv)
    else:
        return bench(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
