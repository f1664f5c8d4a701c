# Sourced by bench/accuracy/alpha.sh and borrow_weight.sh: the built-in accurate models'
# training settings as models/README.md gives them, for cross-validation runs that
# vary one of them. Run from the repository root.

# The folder of LANG's CheckThat! files.
data_dir() { if [ "$1" = en ]; then echo data; else echo "data/$1"; fi; }

# Check LANG, or exit 2.
check_lang() {
  case "$1" in
    en|de|it|ar|bg) ;;
    *) echo "$(basename "$0"): LANG is one of en de it ar bg" >&2; exit 2 ;;
  esac
}

# The flags of LANG's accurate model besides --alpha, --encoder and the data.
model_flags() {
  case "$1" in
    en) echo "--cues none" ;;
    de) echo "--language de --min-df 1 --max-features 0" ;;
    it) echo "--language it --min-df 1" ;;
    ar) echo "--language ar --cues none" ;;
    bg) echo "--language bg" ;;
  esac
}

# The alpha of LANG's accurate model.
model_alpha() {
  case "$1" in en|de) echo 1.5 ;; it|bg) echo 1 ;; ar) echo 20 ;; esac
}

# The encoder block scale LANG's accurate model chose, read from its file.
model_scale() {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["encoder"]["scale"])' \
    "models/factop-$1-e5.json"
}
