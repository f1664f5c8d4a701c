"""Shared fixtures: the repository, the factop command line built from it, and the
sentence encoder when it is installed."""

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

import factop

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["en", "de", "it", "ar", "bg"]


def data_file(language: str, split: str) -> Path:
    """data/<split>.csv for English, data/<language>/<split>.csv for the others."""
    return ROOT / "data" / (f"{split}.csv" if language == "en" else f"{language}/{split}.csv")


def read_rows(path: Path):
    """(ids, texts, labels) of a data file, read with Python's csv module."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["id"] for r in rows], [r["text"] for r in rows], [r["label"] for r in rows]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The factop binary of this checkout (FACTOP_BIN, else target/release/factop)."""
    path = Path(os.environ.get("FACTOP_BIN", ROOT / "target" / "release" / "factop"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `cargo build --release` first (or set FACTOP_BIN)")
    return path


def run(cli: Path, *args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], input=stdin, capture_output=True, check=False)


def run_ok(cli: Path, *args: str, stdin: bytes = b"") -> bytes:
    done = run(cli, *args, stdin=stdin)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.fixture(scope="session")
def encoder_installed() -> bool:
    """True when the sentence encoder is installed; on CI its absence is a failure,
    elsewhere the accurate-tier tests are skipped."""
    status = factop.encoder_status()
    if status["ok"]:
        return True
    if os.environ.get("CI"):
        pytest.fail(f"the sentence encoder is not installed in {status['path']} (CI installs it first)")
    pytest.skip("the sentence encoder is not installed (factop.encoder_install)")


def jsonl(data: bytes):
    return [json.loads(line) for line in data.decode().splitlines() if line.strip()]
