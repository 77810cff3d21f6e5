"""Library errors.

Every failure a user can cause (bad path, bad query, bad store location, unknown
format) is raised as a `KGError` subclass with a one-line message; the CLI turns
these into `click.ClickException`, so users never see a traceback for them.
"""

from __future__ import annotations


class KGError(Exception):
    """Base class: the message is shown to the user as one line."""


class InputError(KGError):
    """An input path or file cannot be used at all (missing, not an article)."""


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is invalid or failed; the message carries line/column."""


class FormatError(KGError):
    """An unknown export or output format was asked for."""


class ModelError(KGError):
    """The requested spaCy pipeline is not installed or cannot be loaded."""


class GoldError(KGError):
    """A gold file is missing or malformed."""
