#!/usr/bin/env python3
"""Peer baselines for factop's fact/opinion sentence classification.

Trains on data/train.csv + data/dev.csv and reports on data/dev_test.csv
(the split factop uses). Positive class: "opinion". Nothing here is tuned on
dev_test: every setting is fixed in advance, and the only data-driven choice
(the TextBlob subjectivity threshold) is made on train+dev.

Systems:
  * majority class (of train+dev)
  * scikit-learn TfidfVectorizer(ngram_range=(1, 2)) + LogisticRegression(
    max_iter=1000), with class_weight="balanced" and without class weights;
    all other settings default; opinion when P(opinion) >= 0.5
  * fastText supervised, wordNgrams=2, thread=1, seed=0, with
    (epoch=25, lr=0.5) and with fastText's defaults (epoch=5, lr=0.1)
  * TextBlob (PatternAnalyzer) subjectivity >= 0.5, and >= t with t chosen
    on train+dev by maximising macro-F1
  * optionally factop itself (`factop eval --data ... --format json`)

Metrics: accuracy, macro-F1 (unweighted mean of the per-class F1 of "fact"
and "opinion"; the CheckThat! official measure) and F1 of "opinion".

Invoked by run.sh; run that rather than this file directly.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

LABELS = ("fact", "opinion")
POSITIVE = "opinion"


# --------------------------------------------------------------------------- data


def load_csv(path: Path) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "text", "label"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"error: {path}: missing column(s) {sorted(missing)}")
        for lineno, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip().lower()
            if label not in LABELS:
                raise SystemExit(f"error: {path}:{lineno}: unexpected label {row['label']!r}")
            texts.append(row["text"] or "")
            labels.append(label)
    if not texts:
        raise SystemExit(f"error: {path}: no rows")
    return texts, labels


# ------------------------------------------------------------------------ metrics


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    assert len(gold) == len(pred) and gold
    out: dict[str, float] = {"accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold)}
    f1s = []
    for c in LABELS:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        denom = 2 * tp + fp + fn
        f1 = 2 * tp / denom if denom else 0.0
        out[f"f1_{c}"] = f1
        f1s.append(f1)
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


def crosscheck(gold: list[str], pred: list[str], s: dict[str, float]) -> None:
    """Check the hand-rolled metrics against scikit-learn's."""
    from sklearn.metrics import accuracy_score, f1_score

    ref_macro = f1_score(gold, pred, labels=list(LABELS), average="macro", zero_division=0)
    ref_pos = f1_score(gold, pred, labels=[POSITIVE], average="macro", zero_division=0)
    ref_acc = accuracy_score(gold, pred)
    for name, mine, ref in (
        ("macro_f1", s["macro_f1"], ref_macro),
        ("f1_opinion", s["f1_opinion"], ref_pos),
        ("accuracy", s["accuracy"], ref_acc),
    ):
        if abs(mine - ref) > 1e-12:
            raise AssertionError(f"metric mismatch for {name}: {mine} vs sklearn {ref}")


# ------------------------------------------------------------------------ systems


def run_majority(train_y, test_x):
    label = Counter(train_y).most_common(1)[0][0]
    return [label] * len(test_x), f'always "{label}"'


def run_tfidf_lr(train_x, train_y, test_x, balanced: bool):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(ngram_range=(1, 2))
    xtr = vec.fit_transform(train_x)
    clf = LogisticRegression(class_weight="balanced" if balanced else None, max_iter=1000)
    clf.fit(xtr, train_y)
    pos = list(clf.classes_).index(POSITIVE)
    proba = clf.predict_proba(vec.transform(test_x))[:, pos]
    pred = [POSITIVE if p >= 0.5 else "fact" for p in proba]
    return pred, f"{xtr.shape[1]} features"


_FT_PUNCT = re.compile(r"""([.!?,'/()"“”‘’:;])""")
_WS = re.compile(r"\s+")


def ft_prep(text: str) -> str:
    # Preprocessing of the fastText text-classification tutorial (pad
    # punctuation with spaces, lowercase), plus curly quotes, colon and
    # semicolon; all whitespace (incl. newlines inside a CSV field) -> one space.
    return _WS.sub(" ", _FT_PUNCT.sub(r" \1 ", text.lower())).strip()


def run_fasttext(train_x, train_y, test_x, epoch: int, lr: float):
    import fasttext

    with tempfile.TemporaryDirectory(prefix="factop-peers-") as tmp:
        path = os.path.join(tmp, "train.txt")
        with open(path, "w", encoding="utf-8") as fh:
            for x, y in zip(train_x, train_y):
                fh.write(f"__label__{y} {ft_prep(x)}\n")
        model = fasttext.train_supervised(
            input=path, wordNgrams=2, epoch=epoch, lr=lr, thread=1, seed=0, verbose=0
        )
    labels, _ = model.predict([ft_prep(x) for x in test_x], k=1)
    pred = [ls[0].removeprefix("__label__") for ls in labels]
    assert set(pred) <= set(LABELS), set(pred)
    return pred, f"{len(model.words)} words"


def textblob_subjectivity(texts: list[str]) -> list[float]:
    import nltk
    from textblob import TextBlob

    # Guard: TextBlob's default sentiment analyzer (PatternAnalyzer) uses only
    # the en-sentiment.xml lexicon bundled inside the textblob package. Empty
    # NLTK's search path so any hidden dependency on downloaded corpora raises
    # instead of silently using (or trying to fetch) one.
    nltk.data.path[:] = []
    return [TextBlob(t).sentiment.subjectivity for t in texts]


def choose_threshold(subj: list[float], gold: list[str]) -> tuple[float, float]:
    """Threshold t for `subjectivity >= t` maximising macro-F1 on (subj, gold).

    Candidates are the distinct observed scores (the rule only changes there).
    Ties are broken towards 0.5, then towards the lower threshold."""
    best = None
    for t in sorted(set(subj)):
        pred = [POSITIVE if s >= t else "fact" for s in subj]
        m = scores(gold, pred)["macro_f1"]
        key = (round(m, 12), -abs(t - 0.5), -t)
        if best is None or key > best[0]:
            best = (key, t, m)
    assert best is not None
    return best[1], best[2]


# ------------------------------------------------------------------------- factop


def _find_opinion_f1(obj) -> float | None:
    if not isinstance(obj, dict):
        return None
    for k in ("f1_opinion", "opinion_f1"):
        if isinstance(obj.get(k), (int, float)):
            return float(obj[k])
    for k in ("per_class", "classes", "by_class", "per_label", "labels", "class_metrics"):
        v = obj.get(k)
        if isinstance(v, dict) and isinstance(v.get(POSITIVE), dict):
            f1 = v[POSITIVE].get("f1")
            if isinstance(f1, (int, float)):
                return float(f1)
        if isinstance(v, list):
            for item in v:
                if (
                    isinstance(item, dict)
                    and item.get("label", item.get("class")) == POSITIVE
                    and isinstance(item.get("f1"), (int, float))
                ):
                    return float(item["f1"])
    if isinstance(obj.get(POSITIVE), dict) and isinstance(obj[POSITIVE].get("f1"), (int, float)):
        return float(obj[POSITIVE]["f1"])
    return None


def _parse_json_output(stdout: str):
    try:
        return json.loads(stdout)
    except json.JSONDecodeError:
        pass
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def run_factop(binary: Path, test_csv: Path, n_test: int):
    """Returns (row_scores, note); row_scores is None when skipped."""
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        return None, f"{binary} not found; factop row skipped (build with `cargo build --release`)"
    cmd = [str(binary), "eval", "--data", str(test_csv), "--format", "json"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"`{' '.join(cmd)}` failed ({e}); factop row skipped"
    if proc.returncode != 0:
        err = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        return None, f"`{' '.join(cmd)}` exited {proc.returncode}: {err}; factop row skipped"
    obj = _parse_json_output(proc.stdout)
    if not isinstance(obj, dict):
        shown = repr(proc.stdout.strip()[:200]) if proc.stdout.strip() else "stdout was empty"
        return None, f"`{' '.join(cmd)}` did not print a JSON object ({shown}); factop row skipped"
    acc, mf1 = obj.get("accuracy"), obj.get("macro_f1")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (acc, mf1)):
        return None, f"factop JSON lacks numeric accuracy/macro_f1 (keys: {sorted(obj)}); factop row skipped"
    row = {"accuracy": float(acc), "macro_f1": float(mf1), "f1_opinion": _find_opinion_f1(obj)}
    notes = []
    if any(v is not None and v > 1.0 for v in row.values()):
        notes.append("factop reported values > 1 (percentages?); shown as printed")
    for k in ("n", "count", "total", "examples", "num_examples", "sentences", "support"):
        v = obj.get(k)
        if isinstance(v, int) and not isinstance(v, bool) and v != n_test:
            notes.append(f"factop reported {k}={v} but {test_csv} has {n_test} rows")
    return row, "; ".join(notes)


# -------------------------------------------------------------------------- main


def fmt(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.4f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", default="data", type=Path)
    ap.add_argument("--factop", default="target/release/factop", type=Path)
    ap.add_argument("--out", default=Path(__file__).with_name("results.md"), type=Path)
    args = ap.parse_args()

    t_start = time.perf_counter()
    tr_x, tr_y = load_csv(args.data_dir / "train.csv")
    dv_x, dv_y = load_csv(args.data_dir / "dev.csv")
    test_csv = args.data_dir / "dev_test.csv"
    te_x, te_y = load_csv(test_csv)
    train_x, train_y = tr_x + dv_x, tr_y + dv_y

    rows: list[tuple[str, dict[str, float | None]]] = []
    notes: list[str] = []

    def add(name: str, pred: list[str]) -> None:
        s = scores(te_y, pred)
        crosscheck(te_y, pred, s)
        rows.append((name, s))

    def log(msg: str) -> None:
        print(f"[peers] {msg} ({time.perf_counter() - t_start:.1f}s)", file=sys.stderr, flush=True)

    pred, info = run_majority(train_y, te_x)
    add("Majority class", pred)
    notes.append(f"Majority class: {info} (majority label of train+dev).")
    log("majority done")

    pred, info = run_tfidf_lr(train_x, train_y, te_x, balanced=True)
    add('TF-IDF (1-2 grams) + LogReg, class_weight="balanced"', pred)
    pred, _ = run_tfidf_lr(train_x, train_y, te_x, balanced=False)
    add("TF-IDF (1-2 grams) + LogReg, no class weights", pred)
    notes.append(
        "TF-IDF + LogReg: scikit-learn TfidfVectorizer(ngram_range=(1, 2)) "
        f"({info}) + LogisticRegression(max_iter=1000), other settings default; "
        "opinion iff P(opinion) >= 0.5."
    )
    log("tf-idf + logreg done")

    pred, info = run_fasttext(train_x, train_y, te_x, epoch=25, lr=0.5)
    add("fastText, wordNgrams=2, epoch=25, lr=0.5", pred)
    pred, _ = run_fasttext(train_x, train_y, te_x, epoch=5, lr=0.1)
    add("fastText, wordNgrams=2, defaults (epoch=5, lr=0.1)", pred)
    notes.append(
        "fastText: train_supervised(wordNgrams=2, thread=1, seed=0), other settings "
        f"default ({info}); both epoch/lr settings fixed in advance, not tuned. Input lowercased, "
        "punctuation space-padded as in the fastText tutorial; top-1 label."
    )
    log("fasttext done")

    subj_train = textblob_subjectivity(train_x)
    subj_test = textblob_subjectivity(te_x)
    add("TextBlob subjectivity >= 0.5", [POSITIVE if s >= 0.5 else "fact" for s in subj_test])
    t, m_train = choose_threshold(subj_train, train_y)
    add(f"TextBlob subjectivity >= {t:.4g} (chosen on train+dev)",
        [POSITIVE if s >= t else "fact" for s in subj_test])
    m05_train = scores(train_y, [POSITIVE if s >= 0.5 else "fact" for s in subj_train])["macro_f1"]
    notes.append(
        "TextBlob: default PatternAnalyzer (lexicon bundled in the textblob package; no "
        f"corpora downloaded). Threshold {t:.4g} maximises macro-F1 on train+dev "
        f"({m_train:.4f} there, vs {m05_train:.4f} at 0.5)."
    )
    log("textblob done")

    factop_row, factop_note = run_factop(args.factop, test_csv, len(te_y))
    if factop_row is not None:
        rows.append(("factop (default model)", factop_row))
        notes.append("factop: `factop eval --data data/dev_test.csv --format json`"
                     + (f" ({factop_note})" if factop_note else "") + ".")
        log("factop done")
    else:
        notes.append(f"factop: {factop_note}.")
        print(f"[peers] note: {factop_note}", file=sys.stderr)

    n_tr = Counter(train_y)
    n_te = Counter(te_y)
    header = [
        "| System | Accuracy | Macro-F1 | F1 (opinion) |",
        "|---|---:|---:|---:|",
    ]
    body = [f"| {name} | {fmt(s['accuracy'])} | {fmt(s['macro_f1'])} | {fmt(s.get('f1_opinion'))} |"
            for name, s in rows]
    versions = "Versions: Python {py}, scikit-learn {sk}, numpy {np}, scipy {sp}, fasttext-wheel {ft}, textblob {tb}, nltk {nl}".format(
        py=platform.python_version(),
        sk=metadata.version("scikit-learn"),
        np=metadata.version("numpy"),
        sp=metadata.version("scipy"),
        ft=metadata.version("fasttext-wheel"),
        tb=metadata.version("textblob"),
        nl=metadata.version("nltk"),
    )
    split = (
        f"Train: data/train.csv + data/dev.csv ({len(train_y)} sentences: {n_tr['fact']} fact, "
        f"{n_tr['opinion']} opinion). Test: data/dev_test.csv ({len(te_y)} sentences: "
        f"{n_te['fact']} fact, {n_te['opinion']} opinion). Positive class: opinion; "
        "macro-F1 = unweighted mean of the fact and opinion F1 (CheckThat! measure)."
    )

    table = "\n".join(header + body)
    stdout_text = f"{table}\n\n{versions}\n\n{split}\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    print(stdout_text, end="")

    md = (
        "# Peer baselines on dev_test\n\n"
        "Generated by `bash bench/peers/run.sh` (see bench/peers/peers.py); do not edit by hand.\n\n"
        + stdout_text
    )
    args.out.write_text(md, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
