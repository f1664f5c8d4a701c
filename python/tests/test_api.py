"""The Python API's own behaviour: arguments, errors, threads, pickling, documentation."""

import json
import math
import pickle
import threading

import numpy as np
import pytest

import factop
from conftest import data_file, read_rows

SENTENCES = ["Officials said 40 people were hurt.", "Frankly, this is a disgrace."]


def test_model_properties_and_builtins():
    m = factop.load()
    assert (m.name, m.language, m.tier) == ("factop-en", "en", "fast")
    assert 0.0 < m.threshold < 1.0
    names = [b["name"] for b in factop.builtin_models()]
    assert names[:5] == ["en", "de", "it", "ar", "bg"] and "en-e5" in names
    assert repr(m).startswith('<factop.Model "factop-en" (en, fast tier')


def test_built_in_models_load_once_per_process():
    a, b = factop.load("it"), factop.load("factop-it")
    assert a._native is not b._native  # two Python objects...
    # ... over one loaded model: same weights, no second parse.
    assert a.to_json() == b.to_json()


def test_predict_and_predict_proba_agree_with_the_threshold():
    m = factop.load("en")
    p = m.predict_proba(SENTENCES)
    assert m.predict(SENTENCES) == ["opinion" if x >= m.threshold else "fact" for x in p]
    assert m.predict(SENTENCES, threshold=0.0) == ["opinion", "opinion"]
    assert m.predict(SENTENCES, threshold=1.0) == ["fact", "fact"]


def test_strings_are_never_re_split_and_any_iterable_of_str_is_taken():
    m = factop.load("en")
    two = "Officials said 40 people were hurt. Frankly, this is a disgrace."
    p = m.predict_proba([two, two + "\n\nA third paragraph.", ""])
    assert p.shape == (3,)
    assert m.predict_proba((s for s in SENTENCES)).tolist() == m.predict_proba(SENTENCES).tolist()
    assert m.predict_proba(np.array(SENTENCES)).tolist() == m.predict_proba(SENTENCES).tolist()
    assert m.predict_proba([]).shape == (0,)


def test_thread_counts_give_identical_values():
    _, texts, _ = read_rows(data_file("ar", "dev_test"))
    m = factop.load("ar")
    one = m.predict_proba(texts, threads=1)
    assert np.array_equal(m.predict_proba(texts, threads=2), one)
    assert np.array_equal(m.predict_proba(texts), one)


@pytest.mark.parametrize(
    "bad,kind,words",
    [
        (None, TypeError, "not None"),
        ("One sentence.", TypeError, "not a single str"),
        (b"bytes", TypeError, "not a single bytes"),
        (["ok", b"bytes"], TypeError, "texts[1] is bytes, not str"),
        (["ok", None], TypeError, "texts[1] is NoneType, not str"),
        (["ok", float("nan")], TypeError, "texts[1] is float, not str"),
        (42, TypeError, "not int"),
    ],
)
def test_bad_texts_are_type_errors_naming_the_item(bad, kind, words):
    with pytest.raises(kind) as e:
        factop.load("en").predict_proba(bad)
    assert words in str(e.value)


@pytest.mark.parametrize("t", [float("nan"), -0.1, 1.5, float("inf")])
def test_bad_thresholds_are_value_errors(t):
    m = factop.load("en")
    with pytest.raises(ValueError, match="threshold must be a number between 0 and 1"):
        m.predict(SENTENCES, threshold=t)
    with pytest.raises(ValueError, match="threshold must be a number between 0 and 1"):
        m.classify("It rained.", threshold=t)


def test_bad_thread_counts_are_value_errors():
    with pytest.raises(ValueError, match="threads must be at least 1"):
        factop.load("en").predict_proba(SENTENCES, threads=0)


def test_errors_are_factop_errors_with_the_cli_message(tmp_path):
    with pytest.raises(factop.ParameterError, match='"xx" is not a built-in model') as e:
        factop.load("xx")
    assert isinstance(e.value, factop.FactopError) and isinstance(e.value, ValueError)
    with pytest.raises(factop.FileError) as e:
        factop.load(tmp_path / "missing.json")
    assert isinstance(e.value, OSError) and "missing.json" in str(e.value)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "factop-model"')
    with pytest.raises(factop.ModelError, match="broken.json"):
        factop.load(str(broken))
    with pytest.raises(factop.FactopError, match="no-such-dir does not exist"):
        factop.load("en").save(tmp_path / "no-such-dir" / "m.json")


def test_training_arguments_are_checked():
    texts = ["It rained.", "Sadly, nobody cared.", "Prices rose 3%.", "What a shame!"] * 5
    labels = ["fact", "opinion", "obj", "SUBJ"] * 5
    with pytest.raises(ValueError, match="texts is empty"):
        factop.train([], [])
    with pytest.raises(ValueError, match="4 texts, 3 labels"):
        factop.train(texts[:4], labels[:3])
    with pytest.raises(TypeError, match=r"labels\[0\] is int \(1\), not str: map it with label_map"):
        factop.train(texts, [1, 0, 0, 1] * 5)
    with pytest.raises(ValueError, match=r"labels\[1\] is \"maybe\""):
        factop.train(texts[:2], ["fact", "maybe"])
    with pytest.raises(factop.ParameterError, match='"alhpa" is not a training flag'):
        factop.train(texts, labels, alhpa=1.0)
    with pytest.raises(factop.ParameterError, match="alpha"):
        factop.train(texts, labels, alpha=-1.0)
    with pytest.raises(factop.ParameterError, match="--language"):
        factop.train(texts, labels, language="fr")
    with pytest.raises(factop.DataError, match="training needs both labels; got 10 fact and 0 opinion rows"):
        factop.train(texts[:1] * 10, ["fact"] * 10)
    mapped = factop.train(texts, [1, 0, 0, 1] * 5, label_map={1: "fact", 0: "opinion"}, threshold_folds=2)
    plain = factop.train(texts, ["fact", "opinion", "opinion", "fact"] * 5, threshold_folds=2)
    assert mapped.to_json() == plain.to_json()


def test_borrowed_rows_train_but_are_marked():
    texts = ["It rained.", "Sadly, nobody cared.", "Prices rose 3%.", "What a shame!"] * 5
    labels = ["fact", "opinion", "fact", "opinion"] * 5
    other = ["Es regnete gestern.", "Leider war das eine Schande."] * 3
    m = factop.train(texts, labels, language="none", threshold_folds=2,
                     borrow=(other, [0, 1] * 3), label_map={0: "fact", 1: "opinion"})
    model = json.loads(m.to_json())
    sources = model["training"]["data"]
    assert [s.get("borrowed", False) for s in sources] == [False, True]
    assert model["training"]["rows"] == 26
    # The borrowed German words are in the vocabulary; the own rows alone give none.
    assert "leider" in model["vocabulary"]
    alone = json.loads(factop.train(texts, labels, language="none", threshold_folds=2).to_json())
    assert "leider" not in alone["vocabulary"]
    # A borrowed row weighing a quarter is recorded and pulls the German words less.
    light = json.loads(factop.train(texts, labels, language="none", threshold_folds=2,
                                    borrow=(other, [0, 1] * 3), label_map={0: "fact", 1: "opinion"},
                                    borrow_weight=0.25).to_json())
    assert light["training"]["borrow_weight"] == 0.25
    assert "borrow_weight" not in model["training"]

    def weight_of(m, term):
        return abs(m["term_weights"][m["vocabulary"].index(term)])

    assert weight_of(light, "leider") < weight_of(model, "leider")
    own_words = json.loads(factop.train(texts, labels, language="none", threshold_folds=2,
                                        borrow=(other, [0, 1] * 3), label_map={0: "fact", 1: "opinion"},
                                        own_vocabulary=True).to_json())
    assert own_words["training"]["own_vocabulary"] is True
    assert own_words["vocabulary"] == alone["vocabulary"]
    with pytest.raises(ValueError, match="borrow_weight applies only with borrow"):
        factop.train(texts, labels, borrow_weight=0.5)
    with pytest.raises(TypeError, match=r"borrow must be a pair \(texts, labels\)"):
        factop.train(texts, labels, borrow=other)
    with pytest.raises(ValueError, match="6 texts, 2 labels"):
        factop.train(texts, labels, borrow=(other, ["fact", "opinion"]))


def test_evaluate_checks_its_arguments_and_reports():
    m = factop.load("en")
    with pytest.raises(TypeError, match="factop.Model"):
        factop.evaluate("en", SENTENCES, ["fact", "opinion"])
    r = factop.evaluate(m, SENTENCES + [""], ["fact", "opinion", "fact"])
    assert r["examples"] == 2  # the empty text is left out, as eval leaves it out
    assert set(r) >= {"accuracy", "macro_f1", "classes", "confusion", "roc_auc", "majority_baseline"}
    with pytest.raises(ValueError, match="threshold"):
        factop.evaluate(m, SENTENCES, ["fact", "opinion"], threshold=math.nan)


def test_a_panic_becomes_an_exception_not_an_abort():
    with pytest.raises(factop.InternalError, match="deliberate panic"):
        factop._factop._panic_for_test()
    # The process goes on and the library still works.
    assert factop.load("en").predict(SENTENCES) == ["fact", "opinion"]


def test_models_pickle_as_their_model_file():
    m = factop.load("bg")
    again = pickle.loads(pickle.dumps(m))
    assert again.to_json() == m.to_json()
    assert np.array_equal(again.predict_proba(SENTENCES), m.predict_proba(SENTENCES))


def test_the_gil_is_released_while_classifying():
    """While one thread classifies a large batch, another runs Python code: were the
    GIL held for the call, the counter could not move until the call returned."""
    m = factop.load("en")
    texts = SENTENCES * 100_000
    running = threading.Event()
    done = threading.Event()

    def classify():
        running.set()
        m.predict_proba(texts, threads=1)
        done.set()

    worker = threading.Thread(target=classify)
    worker.start()
    running.wait()
    ticks_while_classifying = 0
    while not done.is_set():
        ticks_while_classifying += 1
    worker.join()
    assert ticks_while_classifying > 1000


def test_encoder_status_reports_the_cache():
    s = factop.encoder_status()
    assert s["name"] == "e5-small"
    assert s["installed"] == (s["sha256"] is not None)


def test_encoder_install_refuses_a_wrong_file(tmp_path):
    fake = tmp_path / "e5-small-q4.bin"
    fake.write_bytes(b"not weights")
    with pytest.raises(factop.FactopError):
        factop.encoder_install(fake)


def test_every_public_function_is_documented():
    for name in ["load", "train", "evaluate", "encoder_install", "encoder_status"]:
        assert len(getattr(factop, name).__doc__) > 80, name
    for name in ["predict_proba", "predict", "classify", "save"]:
        assert len(getattr(factop.Model, name).__doc__) > 40, name
