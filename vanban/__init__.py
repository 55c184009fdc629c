"""vanban: questions, responsibilities and deadlines in Vietnamese administrative documents.

The package holds everything above retrieval; the layers read top-down::

    app.py, vanban.cli, vanban.web   the faces (gradio wiring, the ``vanban`` command, the page)
    vanban.service                   the facade they call (``Vanban``)
    vanban.answer                    answers composed from hits and assignments
    index                            retrieval: chunks, embedders, BM25, the store, search
    ingest                           reading: files → ``Document`` → clauses, assignments

``import vanban`` is cheap: the settings and the error base class load at once,
``Vanban`` (which pulls in numpy and the store) only when first used.

>>> from vanban import Config, load_config
>>> load_config(environ={"VANBAN_TOP_K": "3"}).top_k
3
>>> Config().db
'.vanban'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.errors import ConfigError, StoreError
from ingest.errors import InputError, VanbanError
from vanban.answer.types import Answer, Citation, Owner
from vanban.settings import SETTINGS, Config, Setting, load_config

if TYPE_CHECKING:
    from vanban.service import Vanban

__all__ = [
    "SETTINGS",
    "Answer",
    "Citation",
    "Config",
    "ConfigError",
    "InputError",
    "Owner",
    "Setting",
    "StoreError",
    "Vanban",
    "VanbanError",
    "load_config",
]


def __getattr__(name: str) -> Any:
    """``Vanban`` on first use, so that importing the package loads no model or store code."""
    if name == "Vanban":
        from vanban.service import Vanban

        return Vanban
    raise AttributeError(f"module 'vanban' has no attribute {name!r}")
