#!/usr/bin/env python3
"""Regenerate data/{train,dev,dev_test}.csv from the CheckThat! 2025 English TSV files.

Usage (from the repository root):
    python3 data/make_data.py ../shared/data/checkthat2025/english

The TSV files are read with quoting off, because their sentences hold bare
double quotes. Labels map OBJ -> fact and SUBJ -> opinion. Rows keep their
original order and sentence ids; the text is not changed in any way.
"""
import csv
import sys
from pathlib import Path

LABELS = {"OBJ": "fact", "SUBJ": "opinion"}
SPLITS = {"train": "train_en.tsv", "dev": "dev_en.tsv", "dev_test": "dev_test_en.tsv"}


def convert(src: Path, dst: Path) -> int:
    rows = 0
    with src.open(encoding="utf-8", newline="") as fin:
        reader = csv.reader(fin, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        id_col, text_col, label_col = (header.index(c) for c in ("sentence_id", "sentence", "label"))
        tmp = dst.with_suffix(".csv.tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fout:
            writer = csv.writer(fout, lineterminator="\n")
            writer.writerow(["id", "text", "label"])
            for lineno, row in enumerate(reader, start=2):
                try:
                    label = LABELS[row[label_col]]
                except (KeyError, IndexError):
                    sys.exit(f"{src}:{lineno}: unexpected row {row!r}")
                writer.writerow([row[id_col], row[text_col], label])
                rows += 1
        tmp.replace(dst)
    return rows


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src_dir = Path(sys.argv[1])
    out_dir = Path(__file__).resolve().parent
    for split, name in SPLITS.items():
        n = convert(src_dir / name, out_dir / f"{split}.csv")
        print(f"{split}.csv: {n} rows")


if __name__ == "__main__":
    main()
