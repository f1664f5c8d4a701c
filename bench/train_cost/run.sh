#!/usr/bin/env bash
# Training cost against training-set size: wall time and peak RSS of the default
# `factop train` (5 threshold folds + the final fit) on 1k, 5k, 20k and 50k sentences.
# Sets larger than train + dev (1,292 sentences) are drawn with replacement from it
# (seeded), so their vocabulary does not grow: the feature count stays at the
# vocabulary of train + dev (capped at 8,000), and the cost grows with rows.
#
# Usage: bench/train_cost/run.sh [FACTOP] [SIZES...]
set -euo pipefail
factop=${1:-target/release/factop}
shift || true
sizes=${*:-1000 5000 20000 50000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo
echo "| sentences | terms + cues | wall time (s) | peak RSS (MB) |"
echo "|---:|---:|---:|---:|"
for n in $sizes; do
    python3 - "$n" "$tmp/train.csv" <<'PY'
import csv, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
rows = [r for f in ("data/train.csv", "data/dev.csv") for r in csv.DictReader(open(f, encoding="utf-8"))]
rng = random.Random(7)
pick = rows[:n] if n <= len(rows) else rows + [rng.choice(rows) for _ in range(n - len(rows))]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "text", "label"])
    for i, r in enumerate(pick):
        w.writerow([i, r["text"], r["label"]])
PY
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$factop" train --data "$tmp/train.csv" --output "$tmp/m.json" 2>"$tmp/log"
    read -r wall rss < "$tmp/time"
    feats=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(len(m["vocabulary"]) + len(m["cues"]))' "$tmp/m.json")
    echo "| $n | $feats | $wall | $((rss / 1024)) |"
done
