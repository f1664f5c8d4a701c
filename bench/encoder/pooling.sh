#!/usr/bin/env bash
# Which pooling of the e5-small token states makes the best encoder block? Nested 5-fold
# cross-validation on each language's train + dev (the block scale chosen inside every
# fold, as training does), three fold seeds, every pooling; dev_test is scored only for
# the models trained on all of train + dev, never used to choose.
#
#   bash bench/encoder/pooling.sh cv      [--factop BIN] [--out DIR] [--poolings "mean top4-mean ..."] [--seeds "1 2 3"] [--languages "en de ..."]
#   bash bench/encoder/pooling.sh summary [--out DIR] [--poolings ...]
#   bash bench/encoder/pooling.sh devtest [--factop BIN] [--out DIR] [--poolings ...]
#   bash bench/encoder/pooling.sh cost    [--factop BIN] [--out DIR] [--poolings ...] [--runs N] [--cost-data FILE]
#
# cv: one `factop eval --cv 5 --seed S --solver sparse --format json` per language,
# pooling and seed (the sparse fit is the one de, it and ar train with anyway; for en
# and bg it replaces the dense linfa fit, same objective, ten times faster here),
# written to DIR/cv-LANG-POOLING-sS.json (an existing file is kept, so an interrupted
# run resumes). The embeddings come from the embedding cache after the first run of a
# pooling and language.
# summary: the table of results-pooling.md from those files.
# devtest: `factop train` on train + dev with each pooling (the language's built-in
# flags), then `factop eval` of that model on dev_test.
# cost: whole-process time of `factop train --embedding-cache none` on --cost-data
# (default data/train.csv, 830 sentences) with a fixed block scale and threshold (one fit), per pooling and
# without the encoder; the difference over the sentences is the embedding time per
# sentence.
#
# The encoder weights must be installed (FACTOP_HOME pointing at a cache that has them).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-}
shift || true
FACTOP=target/release/factop
OUT=target/pooling
POOLINGS="mean top4-mean mean-max"
SEEDS="1 2 3"
LANGUAGES="en de it ar bg"
RUNS=3
COST_DATA=data/train.csv
while [[ $# -gt 0 ]]; do
    case $1 in
        --factop) FACTOP=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --poolings) POOLINGS=$2; shift 2 ;;
        --seeds) SEEDS=$2; shift 2 ;;
        --languages) LANGUAGES=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --cost-data) COST_DATA=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$OUT"

# Each language's flags, as in models/README.md.
declare -A FLAGS=(
    [en]=""
    [de]="--alpha 1.5 --min-df 1 --max-features 0"
    [it]="--alpha 1 --min-df 1"
    [ar]="--alpha 20 --cue-scale 0.3"
    [bg]="--alpha 1"
)
data_dir() { if [[ $1 == en ]]; then echo data; else echo "data/$1"; fi; }

case $MODE in
cv)
    for s in $SEEDS; do
        for l in $LANGUAGES; do
            d=$(data_dir "$l")
            for p in $POOLINGS; do
                f="$OUT/cv-$l-$p-s$s.json"
                [[ -s $f ]] && continue
                start=$(date +%s.%N)
                # shellcheck disable=SC2086
                nice -n 10 "$FACTOP" eval --cv 5 --seed "$s" --language "$l" ${FLAGS[$l]} --solver sparse \
                    --encoder e5-small --encoder-pooling "$p" \
                    --data "$d/train.csv" --data "$d/dev.csv" --format json >"$f.tmp" 2>"$OUT/cv-$l-$p-s$s.log"
                mv "$f.tmp" "$f"
                end=$(date +%s.%N)
                printf '%s %s seed %s: %s (%.0f s)\n' "$l" "$p" "$s" \
                    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.4f ± %.4f" % (d["macro_f1"]["mean"], d["macro_f1"]["sd"]))' "$f")" \
                    "$(echo "$end - $start" | bc)" >&2
            done
        done
    done
    ;;
devtest)
    for l in $LANGUAGES; do
        d=$(data_dir "$l")
        for p in $POOLINGS; do
            m="$OUT/model-$l-$p.json"
            if [[ ! -s $m ]]; then
                # shellcheck disable=SC2086
                nice -n 10 "$FACTOP" train --language "$l" ${FLAGS[$l]} --encoder e5-small --encoder-pooling "$p" \
                    --data "$d/train.csv" --data "$d/dev.csv" --output "$m" 2>"$OUT/model-$l-$p.log"
            fi
            nice -n 10 "$FACTOP" eval --model "$m" --data "$d/dev_test.csv" --format json >"$OUT/devtest-$l-$p.json"
            printf '%s %s dev_test macro-F1 %s\n' "$l" "$p" \
                "$(python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["macro_f1"])' "$OUT/devtest-$l-$p.json")" >&2
        done
    done
    ;;
cost)
    # Interleaved: each round times every configuration once.
    for r in $(seq "$RUNS"); do
        for p in none $POOLINGS; do
            if [[ $p == none ]]; then enc=(); else enc=(--encoder e5-small --encoder-pooling "$p" --encoder-scale 0.1 --embedding-cache none); fi
            start=$(date +%s.%N)
            nice -n 10 "$FACTOP" train "${enc[@]}" --fixed-threshold 0.5 --data "$COST_DATA" \
                --output "$OUT/cost-model.json" 2>/dev/null
            end=$(date +%s.%N)
            echo "$p $r $(echo "$end - $start" | bc) $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/cost.txt" >&2
        done
    done
    python3 - "$OUT/cost.txt" "$(($(wc -l <"$COST_DATA") - 1))" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
times = {}
for p, _, t, _ in rows:
    times.setdefault(p, []).append(float(t))
base = statistics.median(times.pop("none"))
n = int(sys.argv[2])
print("| pooling | runs | whole process, median (s) | embedding per sentence (ms) |")
print("|---|---:|---:|---:|")
print(f"| no encoder | {len(rows) // (len(times) + 1)} | {base:.2f} | |")
for p, ts in times.items():
    m = statistics.median(ts)
    print(f"| {p} | {len(ts)} | {m:.2f} | {1000 * (m - base) / n:.2f} |")
EOF
    ;;
summary)
    python3 - "$OUT" "$POOLINGS" "$LANGUAGES" <<'EOF'
import json, math, os, statistics as st, sys
out, poolings, languages = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
def runs(l, p):
    found = {}
    for f in os.listdir(out):
        pre = f"cv-{l}-{p}-s"
        if f.startswith(pre) and f.endswith(".json") and f[len(pre):-5].isdigit():
            found[int(f[len(pre):-5])] = json.load(open(os.path.join(out, f)))
    return found
def sd(x):
    return st.stdev(x) if len(x) > 1 else float("nan")
print("CV macro-F1 per pooling: mean ± s.d. of the fold scores (5 per seed), and the seeds "
      "run; with more than one seed, the s.d. of the seed means in brackets.\n")
print("| language | " + " | ".join(poolings) + " |")
print("|---|" + "---:|" * len(poolings))
for l in languages:
    cells = []
    for p in poolings:
        r = runs(l, p)
        folds = [f["macro_f1"] for s in sorted(r) for f in r[s]["per_fold"]]
        means = [r[s]["macro_f1"]["mean"] for s in sorted(r)]
        extra = f" [{sd(means):.4f}]" if len(means) > 1 else ""
        seeds = ",".join(map(str, sorted(r)))
        cells.append(f"{st.mean(folds):.4f} ± {sd(folds):.4f} (seeds {seeds}){extra}" if r else "—")
    print(f"| {l} | " + " | ".join(cells) + " |")
print("\nDifference from mean pooling, paired fold by fold (the same seed gives the same "
      "folds): mean of the fold differences ± their s.d., n folds, and the standard error "
      "(s.d. / sqrt(n)); a difference is outside the noise when it is larger than about "
      "two standard errors.\n")
others = [p for p in poolings if p != "mean"]
print("| language | " + " | ".join(others) + " |")
print("|---|" + "---:|" * len(others))
overall = {p: [] for p in others}
for l in languages:
    base = runs(l, "mean")
    cells = []
    for p in others:
        r = runs(l, p)
        d = [a["macro_f1"] - b["macro_f1"]
             for s in sorted(set(r) & set(base))
             for a, b in zip(r[s]["per_fold"], base[s]["per_fold"])]
        if d:
            overall[p].append(st.mean(d))
            cells.append(f"{st.mean(d):+.4f} ± {sd(d):.4f} (n {len(d)}, se {sd(d) / math.sqrt(len(d)):.4f})")
        else:
            cells.append("—")
    print(f"| {l} | " + " | ".join(cells) + " |")
cells = []
for p in others:
    d = overall[p]
    cells.append(f"{st.mean(d):+.4f} (s.d. over languages {sd(d):.4f})" if d else "—")
print("| mean over languages | " + " | ".join(cells) + " |")
EOF
    ;;
*)
    echo "usage: $0 cv|summary|devtest|cost [options]" >&2
    exit 2
    ;;
esac
