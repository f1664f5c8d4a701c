"""factop.sklearn.FactopClassifier inside scikit-learn's own tools."""

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
pd = pytest.importorskip("pandas")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import FunctionTransformer  # noqa: E402

import factop  # noqa: E402
from conftest import data_file, read_rows  # noqa: E402
from factop.sklearn import FactopClassifier  # noqa: E402


@pytest.fixture(scope="module")
def rows():
    _, texts, labels = read_rows(data_file("en", "train"))
    y = ["opinion" if l.lower().startswith(("opinion", "subj")) else "fact" for l in labels]
    return texts[:400], np.array(y[:400], dtype=object)


def test_fit_predict_and_classes(rows):
    X, y = rows
    clf = FactopClassifier(alpha=2.0, threshold_folds=3).fit(X, y)
    assert list(clf.classes_) == ["fact", "opinion"]
    proba = clf.predict_proba(X[:20])
    assert proba.shape == (20, 2) and np.allclose(proba.sum(axis=1), 1.0)
    same = factop.train(X, list(y), alpha=2.0, threshold_folds=3)
    assert np.array_equal(proba[:, 1], same.predict_proba(X[:20]))
    assert list(clf.predict(X[:20])) == same.predict(X[:20])
    assert (clf.decision_function(X[:20]) >= 0).tolist() == [p == "opinion" for p in clf.predict(X[:20])]


def test_params_round_trip_and_clone():
    clf = FactopClassifier(language="de", alpha=0.5, cue_groups=["quotation"])
    params = clf.get_params()
    assert params["language"] == "de" and params["alpha"] == 0.5 and params["ngram_max"] is None
    clf.set_params(alpha=3.0, ngram_max=3)
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and twin is not clf


def test_unfitted_use_is_refused():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        FactopClassifier().predict(["It rained."])


def test_cross_val_predict_gives_out_of_fold_probabilities(rows):
    X, y = rows
    folds = KFold(3, shuffle=True, random_state=0)
    proba = cross_val_predict(FactopClassifier(threshold_folds=3), X, y, cv=folds, method="predict_proba")
    assert proba.shape == (len(X), 2)
    # Each row's value comes from the model that did not see it.
    train, test = next(folds.split(X))
    held_out = factop.train([X[i] for i in train], list(y[train]), threshold_folds=3)
    assert np.array_equal(proba[test, 1], held_out.predict_proba([X[i] for i in test]))


def test_in_a_pipeline_over_a_dataframe_column(rows):
    X, y = rows
    frame = pd.DataFrame({"sentence": X, "other": range(len(X))})
    pipe = Pipeline([
        ("column", FunctionTransformer(lambda d: d["sentence"])),
        ("factop", FactopClassifier(threshold_folds=3)),
    ])
    pipe.fit(frame, y)
    assert list(pipe.predict(frame.head(5))) == list(
        FactopClassifier(threshold_folds=3).fit(X, y).predict(X[:5])
    )


def test_grid_search_over_factop_flags(rows):
    X, y = rows
    # n_jobs=2: the estimators and their fitted models travel to worker processes by pickle.
    grid = GridSearchCV(
        FactopClassifier(threshold_folds=3), {"alpha": [0.5, 4.0]}, cv=3, scoring="f1_macro", n_jobs=2
    )
    grid.fit(X, y)
    assert grid.best_params_["alpha"] in (0.5, 4.0)
    assert 0.0 < grid.best_score_ <= 1.0
    assert isinstance(grid.best_estimator_.model_, factop.Model)


def test_bad_x_is_refused(rows):
    X, y = rows
    with pytest.raises(TypeError):
        FactopClassifier().fit("one string", ["fact"])
    with pytest.raises(ValueError, match="2 columns"):
        FactopClassifier().fit(np.array([["a", "b"]]), ["fact"])
    with pytest.raises(ValueError, match="X is empty"):
        FactopClassifier().fit([], [])


def test_y_in_other_values_comes_back_in_those_values(rows):
    X, y = rows
    reference = FactopClassifier(threshold_folds=3).fit(X, y)
    as_ints = np.array([1 if v == "opinion" else 0 for v in y])
    checkthat = np.array(["SUBJ" if v == "opinion" else "OBJ" for v in y])
    mapped = np.array(["biased" if v == "opinion" else "neutral" for v in y])
    for labels, clf, classes in [
        (as_ints, FactopClassifier(threshold_folds=3), [0, 1]),
        (checkthat, FactopClassifier(threshold_folds=3), ["OBJ", "SUBJ"]),
        (mapped, FactopClassifier(threshold_folds=3, label_map={"biased": "opinion", "neutral": "fact"}),
         ["neutral", "biased"]),
    ]:
        clf.fit(X, labels)
        assert list(clf.classes_) == classes
        assert np.array_equal(clf.predict_proba(X[:30]), reference.predict_proba(X[:30]))
        expected = [classes[1] if p == "opinion" else classes[0] for p in reference.predict(X[:30])]
        assert list(clf.predict(X[:30])) == expected
    with pytest.raises(ValueError, match="3 distinct values"):
        FactopClassifier().fit(X[:3], [0, 1, 2])
    with pytest.raises(ValueError, match="neither fact nor opinion"):
        FactopClassifier(label_map={"x": "fact"}).fit(X[:2], ["x", "y"])
