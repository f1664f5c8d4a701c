"""The examples in python/examples run and report what the command line reports."""

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT, run_ok

pytest.importorskip("pandas")


def test_the_dataframe_example_matches_eval(cli):
    done = subprocess.run(
        [sys.executable, str(ROOT / "python" / "examples" / "dataframe.py"), str(ROOT / "data" / "dev_test.csv")],
        capture_output=True, text=True, check=True,
    )
    found = re.search(r"(\d+) sentences: accuracy ([0-9.]+), macro-F1 ([0-9.]+)", done.stdout)
    assert found, done.stdout
    report = json.loads(run_ok(cli, "eval", "--data", str(ROOT / "data" / "dev_test.csv"), "--format", "json"))
    assert int(found.group(1)) == report["examples"]
    assert found.group(3) == f"{report['macro_f1']:.3f}"
    assert "opinion_probability" in done.stdout
