#!/usr/bin/env bash
# The obvious-sentences suite (tests/fixtures/obvious.tsv) under the built-in models:
# for each model, the sentences of its language it gets right, and every miss with
# its P(opinion) beside the model's threshold. One factop process per model, each
# sentence one record (`classify --no-split`).
#
#   bash bench/accuracy/obvious.sh [--factop BIN] [MODEL ...]
#
# Without MODEL: all eleven built-in models (en de it ar bg, en-e5 ... bg-e5, xx-e5). The
# accurate ones need the encoder weights (`factop encoder install`, or FACTOP_HOME
# pointing at a cache that has them); a model that cannot run is listed as failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
FACTOP=target/release/factop
BUILD=1
MODELS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --factop) FACTOP=$2; BUILD=0; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [--factop BIN] [MODEL ...]" >&2; exit 2 ;;
        *) MODELS+=("$1"); shift ;;
    esac
done
[[ $BUILD == 0 ]] || nice -n 10 cargo build --release --quiet
[[ ${#MODELS[@]} -gt 0 ]] || MODELS=(en de it ar bg en-e5 de-e5 it-e5 ar-e5 bg-e5 xx-e5)

SUITE=tests/fixtures/obvious.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for model in "${MODELS[@]}"; do
    lang=${model%-e5}
    # xx-e5, the multilingual model, reads every language of the suite.
    awk -F'\t' -v l="$lang" 'NR == 1 || $1 == l || l == "xx"' "$SUITE" >"$tmp/$model.in"
    if ! "$FACTOP" classify --no-split --input-format tsv --format jsonl --model "$model" \
        "$tmp/$model.in" >"$tmp/$model.out" 2>"$tmp/$model.err"; then
        echo "failed" >"$tmp/$model.status"
    fi
done

python3 - "$tmp" "${MODELS[@]}" <<'PY'
import json, sys

tmp, models = sys.argv[1], sys.argv[2:]
rows, misses, tiers = [], [], {}
for model in models:
    try:
        reason = open(f"{tmp}/{model}.status").read().strip()
        err = open(f"{tmp}/{model}.err").read().strip().splitlines()
        rows.append(f"| {model} | {reason}: {err[-1] if err else '?'} | | | |")
        continue
    except FileNotFoundError:
        pass
    inputs = [l.rstrip("\n").split("\t", 2) for l in open(f"{tmp}/{model}.in", encoding="utf-8")][1:]
    outputs = [json.loads(l) for l in open(f"{tmp}/{model}.out", encoding="utf-8")]
    if not inputs or len(inputs) != len(outputs):
        sys.exit(f"{model}: {len(inputs)} sentences in, {len(outputs)} rows out")
    right = {"fact": [0, 0], "opinion": [0, 0]}
    for (lang, label, text), out in zip(inputs, outputs):
        if out["text"] != text:
            sys.exit(f"{model}: rows out of order at {text!r}")
        right[label][1] += 1
        if out["label"] == label:
            right[label][0] += 1
        else:
            misses.append((model, label, out["opinion_probability"], out["model"]["threshold"], text))
    got = right["fact"][0] + right["opinion"][0]
    total = right["fact"][1] + right["opinion"][1]
    tier = "multilingual" if model == "xx-e5" else "accurate" if model.endswith("-e5") else "fast"
    t = tiers.setdefault(tier, [0, 0])
    t[0] += got
    t[1] += total
    rows.append(f"| {model} | {'all' if model == 'xx-e5' else inputs[0][0]} | {got}/{total} | {right['fact'][0]}/{right['fact'][1]} | {right['opinion'][0]}/{right['opinion'][1]} |")

print("| model | language | right | facts right | opinions right |")
print("|---|---|---:|---:|---:|")
print("\n".join(rows))
print()
for tier, (got, total) in tiers.items():
    print(f"{tier}: {got}/{total} right ({100 * got / total:.1f}%)")
print()
print(f"misses: {len(misses)}")
if misses:
    print()
    print("| model | true label | P(opinion) | threshold | sentence |")
    print("|---|---|---:|---:|---|")
    for model, label, p, t, text in misses:
        print(f"| {model} | {label} | {p:.3f} | {t:.3f} | {text.replace('|', chr(92) + '|')} |")
PY
