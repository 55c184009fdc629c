"""The one error hierarchy of vanban; each class lives in the layer that raises it.

    VanbanError                     anything vanban raises on purpose        ingest/errors.py
    ├── InputError                  a file or value given by the user is unusable
    │   ├── UnsupportedFormatError  extension not one of .pdf .docx .doc .odt .rtf .txt .md .json
    │   ├── ConverterMissingError   .doc/.odt/.rtf, but no converter (LibreOffice, antiword)
    │   ├── EmptyFileError          zero bytes, or no text at all
    │   ├── CorruptFileError        cannot be opened as its format says
    │   ├── EncryptedFileError      password-protected PDF
    │   └── ResourceLimitError      too large or abnormally built: a reading limit tripped
    ├── StoreError                  the index on disk or the Chroma server   index/errors.py
    │   ├── EmbedderMismatchError   index built with another embedding model
    │   └── StoreUnavailableError   the Chroma server refused, dropped or did not answer in time
    └── ConfigError                 a setting or command-line option is wrong
                                    (the embedder named, a variable's value,
                                    the web login)                           index/errors.py

``vanban`` re-exports them all (``from vanban import StoreError``). Every
message is Vietnamese, names the file or input, and says what to do.
"""

from __future__ import annotations

from pathlib import Path


class VanbanError(Exception):
    """Base class: ``str(err)`` is a complete message for the user."""


class InputError(VanbanError):
    """A user-supplied file or value cannot be used."""

    def __init__(self, source: str | Path, reason: str, hint: str = "") -> None:
        self.source = str(source)
        self.reason = reason
        self.hint = hint
        text = f"{Path(self.source).name}: {reason}"
        if hint:
            text += f" — {hint}"
        super().__init__(text)


class UnsupportedFormatError(InputError):
    pass


class ConverterMissingError(InputError):
    """A legacy file (.doc, .odt, .rtf) and no program installed that converts it."""


class EmptyFileError(InputError):
    pass


class CorruptFileError(InputError):
    pass


class EncryptedFileError(InputError):
    pass


class ResourceLimitError(InputError):
    """Reading the file tripped a limit of ``ingest.bounded.ReadLimits`` (memory,
    time, pages, characters, clauses, inflated size); ``limit`` names which one."""

    def __init__(self, source: str | Path, limit: str, detail: str, hint: str) -> None:
        self.limit = limit
        super().__init__(source, f"quá lớn hoặc có cấu trúc bất thường — {detail}", hint)
