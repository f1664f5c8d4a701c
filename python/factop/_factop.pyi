"""Type stubs of factop's native module (``factop._factop``). The documented API is
``factop`` itself; this module is its Rust half."""

from typing import Any, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

__version__: str
TRAIN_FLAGS: List[str]

class Model:
    @property
    def name(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def threshold(self) -> float: ...
    @property
    def tier(self) -> str: ...
    def predict_proba(
        self, texts: Iterable[str], threads: Optional[int] = None
    ) -> npt.NDArray[np.float64]: ...
    def predict(
        self,
        texts: Iterable[str],
        threshold: Optional[float] = None,
        threads: Optional[int] = None,
    ) -> List[str]: ...
    def classify_json(
        self,
        article: str,
        threshold: Optional[float] = None,
        explain: int = 0,
        threads: Optional[int] = None,
    ) -> str: ...
    def to_json(self) -> str: ...
    def save(self, path: str) -> None: ...

def load(name_or_path: Any) -> Model: ...
def from_json(text: str, source: str) -> Model: ...
def train(
    texts: Iterable[str],
    labels: Iterable[str],
    flags: Sequence[Tuple[str, str]],
    source: str,
    borrow_texts: Optional[Iterable[str]] = None,
    borrow_labels: Optional[Iterable[str]] = None,
) -> Model: ...
def evaluate(
    model: Model,
    texts: Iterable[str],
    labels: Iterable[str],
    threshold: Optional[float] = None,
    threads: Optional[int] = None,
) -> str: ...
def encoder_install(path: str) -> Tuple[str, str, str]: ...
def encoder_status() -> Tuple[str, str, Optional[str], bool]: ...
def parse_label(text: str) -> Optional[str]: ...
def builtin_models() -> List[Tuple[str, str, str, str]]: ...
def _panic_for_test() -> None: ...
