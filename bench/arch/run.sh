#!/usr/bin/env bash
# Before/after check of a refactoring: the same outputs byte for byte, and classify
# throughput within a few percent, measured in the same run.
#
# Usage (from the repository root):
#   BEFORE=/path/to/old/factop bash bench/arch/run.sh
#
# BEFORE is a factop binary built from the commit before the change (for example
# `git worktree add /tmp/before <commit> && cargo build --release` there); the
# "after" binary is target/release/factop, built first. Outputs compared: every
# classify format on the demo article; --no-split jsonl of the five CheckThat! 2025
# dev_test files with the built-in fast models of English, Italian and Arabic; eval
# --format json; a model trained from data/ (en, default flags). Lines whose text holds
# format characters (U+00AD, U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF, U+061C)
# are counted and left out, as their handling changed on purpose. Throughput: farm-bench,
# A = after, B = before, alternating, on bench/throughput/corpus-distinct.txt (100,000
# distinct sentences; made by bench/throughput/run.sh --distinct).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${BEFORE:?set BEFORE to the factop binary built before the change}"
cargo build --release --quiet
after=$(mktemp -d)/factop
cp target/release/factop "$after"
before=$(mktemp -d)/factop
cp "$BEFORE" "$before"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=../shared/data/checkthat2025
demo=../shared/examples/tillerson-north-korea.txt
fmt='[\x{00AD}\x{061C}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2069}\x{FEFF}]'
same=0 differ=0
check() { # name, then the command's arguments
    local name=$1
    shift
    local rb=0 ra=0
    "$before" "$@" > "$tmp/b" 2> "$tmp/be" || rb=$?
    "$after" "$@" > "$tmp/a" 2> "$tmp/ae" || ra=$?
    if [[ $rb -ne 0 || $ra -ne 0 || ! -s $tmp/a ]]; then
        differ=$((differ + 1))
        echo "FAILED   $name (exit $rb before, $ra after)"
        head -2 "$tmp/be" "$tmp/ae"
    elif cmp -s "$tmp/a" "$tmp/b"; then
        same=$((same + 1))
        echo "same     $name"
    else
        differ=$((differ + 1))
        echo "DIFFERS  $name"
        diff "$tmp/b" "$tmp/a" | head -3 || true
    fi
}
for f in jsonl json tsv table text html; do
    check "classify -f $f --explain demo" classify -f "$f" --explain "$demo"
done
for lang in en it ar de bg; do
    file=$(ls "$data"/*/dev_test_"$lang".tsv)
    # Rows without format characters only.
    perl -CSD -ne "print unless /$fmt/" "$file" > "$tmp/in-$lang.tsv"
    left=$(( $(wc -l < "$file") - $(wc -l < "$tmp/in-$lang.tsv") ))
    echo "dev_test_$lang: $left rows with format characters left out"
    for model in en it ar; do
        check "classify --no-split $lang rows, model $model" classify --model "$model" --no-split \
            --input-format tsv --text-column sentence --id-column sentence_id -f jsonl "$tmp/in-$lang.tsv"
    done
done
check "eval --format json it" eval --model it --data "$tmp/in-it.tsv" --format json
"$before" train --data data/train.csv --data data/dev.csv -o "$tmp/mb.json" 2>/dev/null
"$after" train --data data/train.csv --data data/dev.csv -o "$tmp/ma.json" 2>/dev/null
if cmp -s "$tmp/ma.json" "$tmp/mb.json"; then same=$((same + 1)); echo "same     train en"; else differ=$((differ + 1)); echo "DIFFERS  train en"; fi
echo "outputs: $same the same, $differ different"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores;" \
    "features: $(grep -m1 -o -w 'avx512_vnni\|avx_vnni\|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')"
corpus=bench/throughput/corpus-distinct.txt
for j in 1 2; do
    echo "== classify -j $j, 100,000 distinct sentences: A = after, B = before"
    farm-bench -n 9 --timeout 600 \
        --vs "sh -c 'exec $before classify -j $j -f jsonl $corpus > /dev/null'" \
        -- sh -c "exec $after classify -j $j -f jsonl $corpus > /dev/null"
done
