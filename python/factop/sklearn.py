"""factop as a scikit-learn estimator: :class:`FactopClassifier`.

>>> from factop.sklearn import FactopClassifier
>>> from sklearn.model_selection import cross_val_predict
>>> proba = cross_val_predict(FactopClassifier(language="en"), texts, y, cv=5,
...                           method="predict_proba")[:, 1]

``X`` is a sequence of sentences (a list, a numpy array or pandas Series of ``str``,
or a one-column 2-D array or DataFrame); ``y`` is ``fact``/``opinion`` (or the data
files' synonyms, or other values mapped with ``label_map``), and then ``classes_`` is
``["fact", "opinion"]``. Any other two values, such as the 0/1 that
``cross_val_predict(..., method="predict_proba")`` passes, are taken in sorted order as
fact then opinion, and ``classes_`` holds them. Either way ``predict_proba(X)[:, 1]``
is P(opinion) and ``predict`` answers in ``y``'s own values.

scikit-learn is an optional dependency: ``pip install "factop[sklearn]"``.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError(
        "factop.sklearn needs scikit-learn: pip install scikit-learn (or factop[sklearn])"
    ) from e

import factop
from factop import _factop

#: The estimator's training parameters besides language and encoder: the command
#: line's training flags, each None for factop's default (not borrow_weight or
#: own_vocabulary: the estimator borrows no rows).
_FLAGS = [f for f in factop.TRAIN_FLAGS if f not in ("language", "encoder", "borrow_weight", "own_vocabulary")]


def _sentences(X: Any) -> List[str]:
    """X as a list of str: 1-D as it is, a one-column 2-D array or DataFrame raveled."""
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(f"X has {X.shape[1]} columns; FactopClassifier reads one column of sentences")
        X = X.iloc[:, 0]
    elif isinstance(X, np.ndarray) and X.ndim == 2:
        if X.shape[1] != 1:
            raise ValueError(f"X has {X.shape[1]} columns; FactopClassifier reads one column of sentences")
        X = X[:, 0]
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError("X must be a sequence of sentences (str), not " + type(X).__name__)
    return list(X)


class FactopClassifier(ClassifierMixin, BaseEstimator):
    """A factop model as a scikit-learn classifier of sentences.

    Parameters are ``factop.train``'s: ``language`` (default ``"en"``), ``encoder``
    (``"e5-small"`` for the accurate tier), every command-line training flag (None:
    factop's default; e.g. ``alpha``, ``ngram_max``, ``min_df``, ``cues``,
    ``fixed_threshold``, ``seed``), ``label_map`` for ``y``, and ``threads`` for
    prediction (None: one per core). ``get_params``/``set_params``, ``clone``,
    ``Pipeline``, ``GridSearchCV`` and ``cross_val_predict`` work as with any
    estimator.

    After ``fit``: ``model_`` (the :class:`factop.Model`), ``classes_`` (``y``'s value
    for fact, then for opinion; ``["fact", "opinion"]`` for such labels) and
    ``threshold_``.
    """

    def __init__(
        self,
        language: str = "en",
        encoder: Optional[str] = None,
        *,
        name: Optional[str] = None,
        alpha: Optional[float] = None,
        ngram_min: Optional[int] = None,
        ngram_max: Optional[int] = None,
        min_df: Optional[int] = None,
        max_features: Optional[int] = None,
        raw_tf: Optional[bool] = None,
        cues: Optional[str] = None,
        cue_groups: Optional[List[str]] = None,
        cue_scale: Optional[float] = None,
        max_iterations: Optional[int] = None,
        tolerance: Optional[float] = None,
        balance: Optional[str] = None,
        solver: Optional[str] = None,
        fixed_threshold: Optional[float] = None,
        threshold_folds: Optional[int] = None,
        seed: Optional[int] = None,
        encoder_scale: Optional[float] = None,
        embedding_cache: Optional[str] = None,
        encoder_pooling: Optional[str] = None,
        label_map: Optional[Mapping[Any, str]] = None,
        threads: Optional[int] = None,
    ) -> None:
        self.language = language
        self.encoder = encoder
        self.name = name
        self.alpha = alpha
        self.ngram_min = ngram_min
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.max_features = max_features
        self.raw_tf = raw_tf
        self.cues = cues
        self.cue_groups = cue_groups
        self.cue_scale = cue_scale
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self.balance = balance
        self.solver = solver
        self.fixed_threshold = fixed_threshold
        self.threshold_folds = threshold_folds
        self.seed = seed
        self.encoder_scale = encoder_scale
        self.embedding_cache = embedding_cache
        self.encoder_pooling = encoder_pooling
        self.label_map = label_map
        self.threads = threads

    def fit(self, X: Any, y: Any) -> "FactopClassifier":
        """Train on sentences ``X`` and labels ``y`` (see :func:`factop.train`)."""
        flags = {f: getattr(self, f) for f in _FLAGS}
        texts = _sentences(X)
        if len(texts) == 0:
            raise ValueError("X is empty: nothing to learn from")
        y = list(y)
        if len(y) != len(texts):
            raise ValueError(f"X has {len(texts)} sentences but y has {len(y)} labels")
        labels = self._labels_of(y)
        # classes_ in y's own values when each label has one spelling (so predict
        # answers as y asks and scorers compare like with like), else fact/opinion.
        spellings = {"fact": set(), "opinion": set()}
        for value, label in zip(y, labels):
            spellings[label].add(value)
        if all(len(v) == 1 for v in spellings.values()):
            self.classes_ = np.array([next(iter(spellings["fact"])), next(iter(spellings["opinion"]))])
        else:
            self.classes_ = np.array(["fact", "opinion"])
        self.model_ = factop.train(
            texts,
            labels,
            language=self.language,
            encoder=self.encoder,
            **flags,
        )
        self.threshold_ = self.model_.threshold
        return self

    def _labels_of(self, y: List[Any]) -> List[str]:
        """Each label of y as fact or opinion: through label_map when given, else by
        the data files' rules, else (any other two values) in sorted order."""
        if self.label_map is not None:
            out = []
            for v in y:
                m = self.label_map.get(v, v)
                label = _factop.parse_label(m) if isinstance(m, str) else None
                if label is None:
                    raise ValueError(f"y value {v!r} is neither fact nor opinion, and label_map does not map it to either")
                out.append(label)
            return out
        parsed = [_factop.parse_label(v) if isinstance(v, str) else None for v in y]
        if all(parsed):
            return parsed
        # Any other two values (0/1, as cross_val_predict's encoding gives, or
        # False/True) are taken in sorted order as fact, then opinion: the
        # scikit-learn convention that classes_[1] is the positive class.
        values = sorted(set(y))
        if len(values) != 2:
            raise ValueError(
                f"y has {len(values)} distinct values; factop needs two "
                "(fact/opinion, or any two values, or a label_map)"
            )
        return ["fact" if v == values[0] else "opinion" for v in y]

    def _fitted(self) -> "factop.Model":
        model = getattr(self, "model_", None)
        if model is None:
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this FactopClassifier is not fitted yet: call fit first")
        return model

    def predict_proba(self, X: Any) -> np.ndarray:
        """Shape ``(n, 2)``: P(fact) and P(opinion) of each sentence."""
        p = self._fitted().predict_proba(_sentences(X), threads=self.threads)
        return np.column_stack([1.0 - p, p])

    def decision_function(self, X: Any) -> np.ndarray:
        """The logit of P(opinion) minus the logit of the threshold: positive means
        ``opinion``."""
        p = self._fitted().predict_proba(_sentences(X), threads=self.threads)
        t = self.threshold_
        with np.errstate(divide="ignore"):
            return np.log(p) - np.log1p(-p) - (np.log(t) - np.log1p(-t))

    def predict(self, X: Any) -> np.ndarray:
        """``"fact"`` or ``"opinion"`` for each sentence, at the model's threshold."""
        labels = self._fitted().predict(_sentences(X), threads=self.threads)
        fact, opinion = self.classes_
        return np.array([opinion if l == "opinion" else fact for l in labels], dtype=self.classes_.dtype)

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    def _more_tags(self):  # scikit-learn < 1.6
        return {"X_types": ["string"]}


__all__ = ["FactopClassifier"]
