#!/usr/bin/env python3
"""The plain scikit-learn peer baseline, per CheckThat! language.

For each language, trains TfidfVectorizer() (all defaults) + LogisticRegression(
max_iter=1000) (all other settings default) on train.csv + dev.csv and reports the
macro-F1 (sklearn f1_score(average="macro") over fact and opinion) of its
predictions on dev_test.csv; a second column does the same with
class_weight="balanced". Nothing is tuned. English reads data/{train,dev,dev_test}.csv,
every other language data/LANG/{train,dev,dev_test}.csv.

Rows whose text is empty or blank are skipped and counted, as factop does (the
shipped files have none).

Usage (run.sh sets up the venv and calls this):
    python baseline.py [--data-dir DATA] [--languages en,de,it,ar,bg] [--json OUT]
"""

from __future__ import annotations

import os

# Single-threaded numerics, set before numpy loads (run.sh sets them too).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import csv
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline

LANGUAGES = {"en": "English", "de": "German", "it": "Italian", "ar": "Arabic", "bg": "Bulgarian"}
LABELS = ["fact", "opinion"]
SPLITS = ("train", "dev", "dev_test")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "data"


def load(path: Path) -> tuple[list[str], list[str], int]:
    """(texts, labels, rows skipped for empty text) of an id,text,label CSV file."""
    texts, labels, empty = [], [], 0
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"text", "label"} - set(reader.fieldnames or [])
        if missing:
            sys.exit(f"error: {path}: no column {', '.join(sorted(missing))}")
        for lineno, row in enumerate(reader, start=2):
            label = (row["label"] or "").strip().lower()
            if label not in LABELS:
                sys.exit(f"error: {path}:{lineno}: unexpected label {row['label']!r}")
            text = row["text"] or ""
            if not text.strip():
                empty += 1
                continue
            texts.append(text)
            labels.append(label)
    return texts, labels, empty


def split_path(data_dir: Path, lang: str, split: str) -> Path:
    return (data_dir if lang == "en" else data_dir / lang) / f"{split}.csv"


def macro_f1(x_train, y_train, x_test, y_test, class_weight) -> float:
    model = make_pipeline(
        TfidfVectorizer(),
        LogisticRegression(max_iter=1000, class_weight=class_weight),
    )
    model.fit(x_train, y_train)
    return float(f1_score(y_test, model.predict(x_test), labels=LABELS, average="macro"))


def run_language(data_dir: Path, lang: str) -> dict:
    loaded = {}
    for split in SPLITS:
        path = split_path(data_dir, lang, split)
        if not path.is_file():
            sys.exit(f"error: missing {path} (see data/README.md to generate it)")
        loaded[split] = load(path)
    x_train = loaded["train"][0] + loaded["dev"][0]
    y_train = loaded["train"][1] + loaded["dev"][1]
    x_test, y_test, _ = loaded["dev_test"]
    return {
        "language": LANGUAGES[lang],
        "train_dev_rows": len(x_train),
        "dev_test_rows": len(x_test),
        "dev_test_opinion": y_test.count("opinion"),
        "skipped_empty": sum(v[2] for v in loaded.values()),
        "macro_f1": macro_f1(x_train, y_train, x_test, y_test, None),
        "macro_f1_balanced": macro_f1(x_train, y_train, x_test, y_test, "balanced"),
    }


def factop_macro_f1(factop: str, data_dir: Path, lang: str) -> float:
    """macro-F1 of factop's built-in model `lang` on dev_test, by `factop eval`."""
    out = subprocess.run(
        [factop, "eval", "--model", lang, "--data", str(split_path(data_dir, lang, "dev_test")),
         "--format", "json"],
        check=True, capture_output=True, text=True,
    )
    return float(json.loads(out.stdout)["macro_f1"])


def table(results: dict) -> str:
    with_factop = all("factop_macro_f1" in r for r in results.values())
    head = "| language | train + dev | dev_test | macro-F1 | macro-F1, `class_weight=\"balanced\"` |"
    rule = "|---|---:|---:|---:|---:|"
    if with_factop:
        head += " factop built-in model | factop − plain |"
        rule += "---:|---:|"
    lines = [head, rule]
    for lang, r in results.items():
        line = (
            f"| {r['language']} (`{lang}`) | {r['train_dev_rows']} | {r['dev_test_rows']} "
            f"| {r['macro_f1']:.4f} | {r['macro_f1_balanced']:.4f} |"
        )
        if with_factop:
            line += f" {r['factop_macro_f1']:.4f} | {r['factop_macro_f1'] - r['macro_f1']:+.4f} |"
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA,
                    help="folder holding {train,dev,dev_test}.csv and the LANG/ folders "
                         "(default: the repository's data/)")
    ap.add_argument("--languages", default=",".join(LANGUAGES),
                    help="comma-separated language codes (default: %(default)s)")
    ap.add_argument("--json", type=Path, metavar="OUT",
                    help="also write the numbers, with package versions, to this JSON file")
    ap.add_argument("--factop", metavar="BIN",
                    help="also score factop's built-in model of each language with "
                         "`BIN eval --model LANG` on the same dev_test")
    args = ap.parse_args()

    langs = [code.strip() for code in args.languages.split(",") if code.strip()]
    unknown = [code for code in langs if code not in LANGUAGES]
    if unknown or not langs:
        sys.exit(f"error: unknown language(s) {unknown}; expected some of {', '.join(LANGUAGES)}")

    results = {lang: run_language(args.data_dir, lang) for lang in langs}
    if args.factop:
        for lang, r in results.items():
            r["factop_macro_f1"] = factop_macro_f1(args.factop, args.data_dir, lang)
    print(table(results))
    skipped = {lang: r["skipped_empty"] for lang, r in results.items() if r["skipped_empty"]}
    if skipped:
        print(f"\nrows skipped for empty text: {skipped}")

    if args.json:
        doc = {
            "system": 'TfidfVectorizer() + LogisticRegression(max_iter=1000), '
                      'trained on train+dev, scored on dev_test',
            "metric": 'sklearn f1_score(average="macro", labels=["fact", "opinion"])',
            "python": platform.python_version(),
            "packages": {p: metadata.version(p) for p in ("scikit-learn", "numpy", "scipy")},
            "results": results,
        }
        tmp = args.json.with_name(args.json.name + ".tmp")
        tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(args.json)
        print(f"\nwrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
