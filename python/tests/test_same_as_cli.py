"""Python gives the command line's numbers: the same probabilities for every sentence
of each language's dev_test (fast and accurate tier), the same classify records for
an article, and the same model from the same training rows and flags."""

import json

import numpy as np
import pytest

import factop
from conftest import LANGUAGES, ROOT, data_file, jsonl, read_rows, run_ok


def cli_probabilities(cli, model, texts):
    """P(opinion) of each text from `factop classify --no-split`, one record per text."""
    records = "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts))
    out = jsonl(run_ok(cli, "classify", "--model", model, "--no-split", "--input-format", "jsonl",
                       "--format", "jsonl", "-q", "-", stdin=records.encode()))
    assert len(out) == len(texts)
    return np.array([r["opinion_probability"] for r in out])


@pytest.mark.parametrize("language", LANGUAGES)
def test_fast_probabilities_equal_the_cli_on_dev_test(cli, language):
    _, texts, _ = read_rows(data_file(language, "dev_test"))
    model = factop.load(language)
    python = model.predict_proba(texts)
    assert python.dtype == np.float64 and python.shape == (len(texts),)
    assert np.array_equal(python, cli_probabilities(cli, language, texts))


@pytest.mark.parametrize("language", LANGUAGES)
def test_accurate_probabilities_equal_the_cli_on_dev_test(cli, encoder_installed, language):
    _, texts, _ = read_rows(data_file(language, "dev_test"))
    model = factop.load(f"{language}-e5")
    assert model.tier == "accurate"
    assert np.array_equal(model.predict_proba(texts), cli_probabilities(cli, f"{language}-e5", texts))


def test_classify_gives_the_cli_jsonl_records_on_the_demo_article(cli):
    article = (ROOT / "data" / "articles" / "tillerson-north-korea.txt").read_text(encoding="utf-8")
    python = factop.load("en").classify(article)
    from_cli = jsonl(run_ok(cli, "classify", "--format", "jsonl", "-q", "-", stdin=article.encode()))
    for record in from_cli:
        del record["source"]
    assert python == from_cli
    assert len(python) > 10
    raw = article.encode()
    assert all(raw[r["start"]:r["end"]].decode() == r["text"] for r in python)


def test_classify_explains_as_the_cli_does(cli):
    text = "Officials said 40 people were hurt.\nFrankly, this is a disgrace. Who will pay?\n"
    python = factop.load("de").classify(text, explain=3, threshold=0.3)
    from_cli = jsonl(run_ok(cli, "classify", "--model", "de", "--explain", "--top", "3",
                            "--threshold", "0.3", "--format", "jsonl", "-q", "-",
                            stdin=text.encode()))
    for record in from_cli:
        del record["source"]
    assert python == from_cli
    assert python[0]["model"] == {"name": "factop-de", "language": "de", "threshold": 0.3}


def _without_provenance(model_json: str):
    m = json.loads(model_json)
    del m["training"]["data"]
    return m


@pytest.mark.parametrize(
    "language,flags",
    [
        ("en", {}),
        ("de", {"alpha": 0.5, "min_df": 1, "ngram_max": 3, "cue_groups": ["quotation", "attribution"]}),
        ("bg", {"balance": "oversample", "fixed_threshold": 0.45, "raw_tf": True, "seed": 7}),
        ("it", {"cues": "none", "solver": "sparse", "name": "it-test"}),
    ],
)
def test_a_model_trained_from_python_equals_factop_train(cli, tmp_path, language, flags):
    path = data_file(language, "train")
    _, texts, labels = read_rows(path)
    out = tmp_path / "cli.json"
    args = ["train", "--data", str(path), "--output", str(out), "--language", language]
    for flag, value in flags.items():
        if value is True:
            args.append(f"--{flag.replace('_', '-')}")
        else:
            text = ",".join(value) if isinstance(value, list) else str(value)
            args += [f"--{flag.replace('_', '-')}", text]
    run_ok(cli, *args)
    python = factop.train(texts, labels, language=language, **flags)
    assert _without_provenance(python.to_json()) == _without_provenance(out.read_text())
    saved = tmp_path / "python.json"
    python.save(saved)
    again = factop.load(saved)
    assert again.to_json() == python.to_json()
    assert np.array_equal(again.predict_proba(texts[:50]), python.predict_proba(texts[:50]))


def test_an_accurate_model_trained_from_python_equals_factop_train(cli, encoder_installed, tmp_path):
    _, texts, labels = read_rows(data_file("en", "train"))
    texts, labels = texts[:160], labels[:160]
    path = tmp_path / "rows.csv"
    import csv

    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows(zip(texts, labels))
    out = tmp_path / "cli.json"
    run_ok(cli, "train", "--data", str(path), "--output", str(out), "--encoder", "e5-small",
           "--encoder-scale", "0.1", "--threshold-folds", "3")
    python = factop.train(texts, labels, encoder="e5-small", encoder_scale=0.1, threshold_folds=3)
    assert python.tier == "accurate"
    assert _without_provenance(python.to_json()) == _without_provenance(out.read_text())


def test_an_accurate_training_through_the_embedding_cache_gives_the_same_model(encoder_installed, tmp_path):
    _, texts, labels = read_rows(data_file("en", "train"))
    texts, labels = texts[:60], labels[:60]
    flags = dict(encoder="e5-small", encoder_scale=0.1, threshold_folds=3)
    cache = tmp_path / "cache"
    cold = factop.train(texts, labels, embedding_cache=str(cache), **flags)
    assert len(list(cache.glob("e5-small-*/*.emb"))) == 1
    warm = factop.train(texts, labels, embedding_cache=cache, **flags)
    none = factop.train(texts, labels, embedding_cache="none", **flags)
    assert cold.to_json() == warm.to_json() == none.to_json()
    with pytest.raises(factop.FactopError, match="only with --encoder"):
        factop.train(texts, labels, embedding_cache="none")


def test_evaluate_reports_what_eval_prints(cli):
    path = data_file("it", "dev_test")
    _, texts, labels = read_rows(path)
    python = factop.evaluate(factop.load("it"), texts, labels)
    from_cli = json.loads(run_ok(cli, "eval", "--model", "it", "--data", str(path), "--format", "json"))
    assert python == from_cli
    assert python["examples"] == len(texts)
