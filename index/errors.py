"""Errors of retrieval and its configuration (the tree is drawn in ``ingest/errors.py``)."""

from __future__ import annotations

from ingest.errors import VanbanError

__all__ = ["ConfigError", "EmbedderMismatchError", "StoreError", "StoreUnavailableError"]


class StoreError(VanbanError):
    """The index on disk or the Chroma server cannot be used as asked."""


class EmbedderMismatchError(StoreError):
    """The index was built with another embedding model than the one configured."""


class StoreUnavailableError(StoreError):
    """The Chroma server is down, unreachable or frozen: nothing this file or question can fix."""


class ConfigError(VanbanError):
    """A setting or command-line option is wrong (raised by the embedders, the settings, the page)."""
