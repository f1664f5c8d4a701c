"""Training cost against training-set size, for bench/train_cost/run.sh.

  make --words FILE --out FILE --rows N   labelled distinct sentences (see `make_set`)
  sklearn CSV                             the scikit-learn peer, one whole process:
                                          read the CSV, fit TF-IDF + logistic regression,
                                          print its fit time on stderr
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[A-Za-z]+")
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been
    being it its this that these those he she they we you i his her their our your my me
    him them us not no nor so than then there here what which who whom whose when where
    why how all any both each few more most other some such only own same too very can
    will just should would could also into over after before about said says""".split()
)


def read_rows() -> list[tuple[str, str]]:
    rows = []
    for name in ("train.csv", "dev.csv"):
        with open(ROOT / "data" / name, encoding="utf-8", newline="") as f:
            rows += [(r["text"], r["label"]) for r in csv.DictReader(f)]
    return rows


def make_set(words: Path, out: Path, n: int, seed: int) -> None:
    """The English train + dev rows once (in file order), then labelled variants of
    them: each content word (letters only, 4 or more, not a stop word) of a randomly
    chosen row is replaced by a dictionary word drawn with Zipf frequencies (rank r has
    weight 1/r over the word list in a seeded random order); the variant keeps the
    row's label. Distinct texts only, so the vocabulary grows with the rows. The first
    N rows of the same seed are the same at every N."""
    rows = read_rows()
    vocab = sorted(
        {w for w in words.read_text("utf-8", "replace").split() if w.isalpha() and w.islower() and len(w) >= 4}
    )
    rng = random.Random(seed)
    rng.shuffle(vocab)
    cum, acc = [], 0.0
    for r in range(len(vocab)):
        acc += 1.0 / (r + 1)
        cum.append(acc)
    seen = {t for t, _ in rows}
    out_rows = list(rows[:n])
    while len(out_rows) < n:
        text, label = rng.choice(rows)
        slots = [m for m in WORD.finditer(text) if len(m.group()) >= 4 and m.group().lower() not in STOPWORDS]
        if not slots:
            continue
        picks = rng.choices(vocab, cum_weights=cum, k=len(slots))
        parts, at = [], 0
        for m, new in zip(slots, picks):
            parts += [text[at : m.start()], new.capitalize() if m.group()[0].isupper() else new]
            at = m.end()
        parts.append(text[at:])
        variant = "".join(parts)
        if variant not in seen:
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
    a = ap.parse_args()
    if a.cmd == "make":
        make_set(a.words, a.out, a.rows, a.seed)
    else:
        sklearn_fit(a.csv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
