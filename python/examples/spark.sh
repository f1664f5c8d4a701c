#!/usr/bin/env bash
# Runs python/examples/spark_mapinpandas.py: factop on a Spark DataFrame with
# mapInPandas (local[2]), checked against a plain one-process run.
#
#     bash python/examples/spark.sh          # from the repo root
#
# Makes a virtual environment in python/examples/.spark-venv with the pinned PySpark,
# pandas, pyarrow and numpy of spark-requirements.txt (binary wheels; pyspark is a
# source archive with Spark's jars inside, nothing to compile) and factop:
# the newest target/wheels/factop-*-cp39-abi3-*.whl if there is one, else built from
# ./python (needs Rust's cargo). Spark needs a Java runtime (17 or 21).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=python/examples/.spark-venv
pip=(python -m pip install --quiet --disable-pip-version-check)

echo "== Java (Spark runs in a JVM)"
if ! command -v java > /dev/null; then
    if [ "$(id -u)" = 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq openjdk-17-jre-headless > /dev/null
    else
        echo "error: no java on PATH; Spark needs Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless)" >&2
        exit 1
    fi
fi
java -version 2>&1

echo "== virtual environment $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
PATH="$PWD/$venv/bin:$PATH"
export PATH
python --version
# PyPI has pyspark only as a source archive (pure Python, nothing to compile, but the
# archive holds Spark's jars: ~450 MB); everything else must be a binary wheel.
"${pip[@]}" --only-binary=:all: --no-binary=pyspark -r python/examples/spark-requirements.txt

echo "== factop"
# --force-reinstall: a rebuilt wheel keeps its version number, so pip would skip it.
wheel=$(ls -t target/wheels/factop-*-cp39-abi3-*.whl 2> /dev/null | head -n 1 || true)
if [ -n "$wheel" ]; then
    echo "installing $wheel"
    "${pip[@]}" --force-reinstall --no-deps "$wheel"
else
    echo "no wheel in target/wheels: building ./python with cargo (several minutes)"
    "${pip[@]}" --force-reinstall --no-deps ./python
fi

echo "== machine"
grep -m 1 'model name' /proc/cpuinfo | sed 's/^[^:]*: */cpu: /'
echo "cores: $(nproc)"

echo "== python/examples/spark_mapinpandas.py"
# Spark's Python workers must run this venv's python, where factop is installed.
export PYSPARK_PYTHON="$PWD/$venv/bin/python"
python python/examples/spark_mapinpandas.py
