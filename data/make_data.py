#!/usr/bin/env python3
"""Regenerate factop's CSV copies of the CheckThat! 2025 Task 1 TSV files.

Usage (from the repository root):
    python3 data/make_data.py ../shared/data/checkthat2025/english [en]
    python3 data/make_data.py ../shared/data/checkthat2025/german de
    python3 data/make_data.py ../shared/data/checkthat2025/italian it
    python3 data/make_data.py ../shared/data/checkthat2025/arabic ar
    python3 data/make_data.py ../shared/data/checkthat2025/bulgarian bg

The first argument is the folder holding {train,dev,dev_test}_LANG.tsv; the
second is the language code (default: en). English is written to
data/{train,dev,dev_test}.csv, every other language to data/LANG/.

The TSV files are read with quoting off, because their sentences hold bare
double quotes. Columns are found by name (sentence_id, sentence, label); any
other column (the English train/dev files carry solved_conflict) is dropped.
Labels map OBJ -> fact and SUBJ -> opinion. Rows keep their original order and
sentence ids; the text is not changed in any way, and a row whose sentence is
empty is kept as it is (factop skips and counts such rows when it loads them).
"""
import csv
import sys
from pathlib import Path

LABELS = {"OBJ": "fact", "SUBJ": "opinion"}
SPLITS = ("train", "dev", "dev_test")
LANGUAGES = ("en", "de", "it", "ar", "bg")
COLUMNS = ("sentence_id", "sentence", "label")


def convert(src: Path, dst: Path) -> dict:
    counts = {"rows": 0, "fact": 0, "opinion": 0, "empty": 0}
    seen_ids = set()
    with src.open(encoding="utf-8", newline="") as fin:
        reader = csv.reader(fin, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            sys.exit(f"{src}:1: no column {', '.join(missing)} (header has: {', '.join(header)})")
        id_col, text_col, label_col = (header.index(c) for c in COLUMNS)
        tmp = dst.with_suffix(".csv.tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fout:
            writer = csv.writer(fout, lineterminator="\n")
            writer.writerow(["id", "text", "label"])
            for lineno, row in enumerate(reader, start=2):
                try:
                    label = LABELS[row[label_col]]
                    sentence_id, text = row[id_col], row[text_col]
                except (KeyError, IndexError):
                    tmp.unlink()
                    sys.exit(f"{src}:{lineno}: unexpected row {row!r}")
                if not text.strip():
                    counts["empty"] += 1
                    print(f"{src}:{lineno}: warning: empty sentence (kept)", file=sys.stderr)
                if sentence_id in seen_ids:
                    print(f"{src}:{lineno}: warning: repeated sentence_id {sentence_id} (kept)",
                          file=sys.stderr)
                seen_ids.add(sentence_id)
                writer.writerow([sentence_id, text, label])
                counts["rows"] += 1
                counts[label] += 1
        tmp.replace(dst)
    return counts


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src_dir = Path(sys.argv[1])
    lang = sys.argv[2] if len(sys.argv) == 3 else "en"
    if lang not in LANGUAGES:
        sys.exit(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    sources = {split: src_dir / f"{split}_{lang}.tsv" for split in SPLITS}
    absent = [str(p) for p in sources.values() if not p.is_file()]
    if absent:
        sys.exit(f"missing {', '.join(absent)} (is {src_dir} the folder for language {lang}?)")
    out_dir = Path(__file__).resolve().parent
    if lang != "en":
        out_dir = out_dir / lang
        out_dir.mkdir(exist_ok=True)
    for split, src in sources.items():
        c = convert(src, out_dir / f"{split}.csv")
        name = f"{split}.csv" if lang == "en" else f"{lang}/{split}.csv"
        empty = f", {c['empty']} with empty text" if c["empty"] else ""
        print(f"{name}: {c['rows']} rows ({c['fact']} fact, {c['opinion']} opinion{empty})")


if __name__ == "__main__":
    main()
