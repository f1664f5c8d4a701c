#!/usr/bin/env bash
# The accurate tier against the fast one, per language: 5-fold CV on train + dev and
# dev_test macro-F1, all by `factop eval`.
#
#   bash bench/encoder/accuracy.sh [--factop BIN] [--write]
#
# The encoder weights must be installed (`factop encoder install`, or FACTOP_HOME
# pointing at a cache that has them). For the accurate CV the block scale is fixed at
# the one the shipped model chose by CV on all of train + dev (choosing it again inside
# every fold would take five times as long); that makes the accurate CV column a little
# optimistic. dev_test is only scored, never used to choose anything.
set -euo pipefail
cd "$(dirname "$0")/../.."
FACTOP=target/release/factop
WRITE=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --factop) FACTOP=$2; shift 2 ;;
        --write) WRITE=1; shift ;;
        *) echo "usage: $0 [--factop BIN] [--write]" >&2; exit 2 ;;
    esac
done
[[ -x $FACTOP ]] || cargo build --release --quiet

# Each fast model's flags, as in models/README.md; the accurate models' come from
# bench/accuracy/models.sh (en-e5 and ar-e5 have no cue block).
. bench/accuracy/models.sh
declare -A FLAGS=(
    [en]=""
    [de]="--alpha 1.5 --min-df 1 --max-features 0"
    [it]="--alpha 1 --min-df 1"
    [ar]="--alpha 20 --cue-scale 0.3"
    [bg]="--alpha 1"
)
data_dir() { if [[ $1 == en ]]; then echo data; else echo "data/$1"; fi; }
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

out=$(mktemp)
{
    echo "| language | fast: CV macro-F1 (5 folds, train + dev) | accurate: CV macro-F1 | fast: dev_test macro-F1 | accurate: dev_test macro-F1 | accurate − fast (dev_test) | encoder scale |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$out"
for l in en de it ar bg; do
    d=$(data_dir "$l")
    # shellcheck disable=SC2086
    scale=$("$FACTOP" inspect --model "$l-e5" --format json | json_field 'd["encoder"]["scale"]')
    # shellcheck disable=SC2086
    cv_fast=$("$FACTOP" eval --cv 5 --language "$l" ${FLAGS[$l]} --data "$d/train.csv" --data "$d/dev.csv" --format json 2>/dev/null | json_field '"%.4f ± %.4f" % (d["macro_f1"]["mean"], d["macro_f1"]["sd"])')
    # shellcheck disable=SC2086
    cv_acc=$("$FACTOP" eval --cv 5 $(model_flags "$l") --alpha "$(model_alpha "$l")" --encoder e5-small --encoder-scale "$scale" --data "$d/train.csv" --data "$d/dev.csv" --format json 2>/dev/null | json_field '"%.4f ± %.4f" % (d["macro_f1"]["mean"], d["macro_f1"]["sd"])')
    test_fast=$("$FACTOP" eval --model "$l" --data "$d/dev_test.csv" --format json | json_field '"%.4f" % d["macro_f1"]')
    test_acc=$("$FACTOP" eval --model "$l-e5" --data "$d/dev_test.csv" --format json | json_field '"%.4f" % d["macro_f1"]')
    diff=$(python3 -c "print('%+.4f' % ($test_acc - $test_fast))")
    echo "| $l | $cv_fast | $cv_acc | $test_fast | $test_acc | $diff | $scale |" | tee -a "$out" >&2
done
cat "$out"
if [[ $WRITE == 1 ]]; then
    {
        echo "# Accurate tier against fast tier"
        echo
        echo "\`bash bench/encoder/accuracy.sh --write\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%Y-%m-%d)."
        echo "CV: \`factop eval --cv 5\` (seed 42, the default) on train + dev with each built-in model's flags (the accurate CV with the block scale fixed at the shipped model's, chosen by CV on all of train + dev). dev_test: \`factop eval --model L\` and \`--model L-e5\`."
        echo
        cat "$out"
    } >bench/encoder/results-accuracy.md
fi
rm -f "$out"
