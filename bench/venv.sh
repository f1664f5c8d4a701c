# Sourced by the benchmark scripts: make a pinned Python 3.11 venv.
#
#   ensure_venv TAG VENV REQUIREMENTS
#
# Creates VENV with $PYTHON (default python3.11, else python3; it must be CPython 3.11)
# when missing, and (re)installs REQUIREMENTS (binary wheels only) whenever that file
# changed since the last install (a checksum stamp inside the venv). TAG prefixes the
# progress lines on stderr.
ensure_venv() {
    local tag=$1 venv=$2 req=$3
    local stamp="$venv/.requirements.sha256"
    local python=${PYTHON:-}
    if [[ -z "$python" ]]; then
        if command -v python3.11 >/dev/null 2>&1; then python=python3.11; else python=python3; fi
    fi
    local want have=""
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    if [[ -x "$venv/bin/python" && -f "$stamp" ]]; then
        have="$(cat "$stamp")"
    fi
    if [[ "$want" == "$have" ]]; then
        echo "[$tag] reusing venv at $venv" >&2
        return 0
    fi
    if [[ ! -x "$venv/bin/python" ]]; then
        local pyver
        pyver="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        if [[ "$pyver" != "3.11" ]]; then
            echo "error: $python is Python $pyver; Python 3.11 is required (set PYTHON=...)" >&2
            return 1
        fi
        echo "[$tag] creating venv at $venv with $python ($pyver)" >&2
        "$python" -m venv "$venv"
    fi
    echo "[$tag] installing pinned requirements from PyPI (binary wheels only)" >&2
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet \
        --only-binary=:all: -r "$req"
    echo "$want" >"$stamp"
}

# Sourced by the benchmark scripts: Debian's wamerican-large word list, installed when
# missing (the distinct-text corpora draw their words from it).
#
#   words=$(ensure_wordlist TAG)
ensure_wordlist() {
    local tag=$1 words=/usr/share/dict/american-english-large
    if [[ ! -f $words ]]; then
        echo "[$tag] installing Debian's wamerican-large (the word list)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wamerican-large >/dev/null
    fi
    echo "$words"
}

# Sourced by the benchmark scripts: the factop binary to measure, $FACTOP_BIN when set,
# else target/release/factop, built first when BUILD is 1.
#
#   bin=$(ensure_factop TAG BUILD)
ensure_factop() {
    local tag=$1 build=$2 bin=${FACTOP_BIN:-target/release/factop}
    if [[ -z "${FACTOP_BIN:-}" ]] && ((build)); then
        echo "[$tag] cargo build --release" >&2
        cargo build --release --quiet >&2
    fi
    [[ -x "$bin" ]] || { echo "error: $bin is not an executable" >&2; return 1; }
    echo "$bin"
}
