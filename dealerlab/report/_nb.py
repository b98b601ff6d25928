"""Importing nbformat quickly (used by the executor and the exporter, which must not import each other)."""

from __future__ import annotations

import sys

__all__ = ["import_nbformat"]


def import_nbformat():
    """``nbformat``, imported without jsonschema's IRI format checker.

    Importing jsonschema imports ``rfc3987_syntax`` when it is installed, which builds ~35 Lark parsers at import
    (1–3 s of every ``dealerlab report``; python-jsonschema/jsonschema#1428). The notebook schema has no ``iri``
    format, so the checker is never used here; the module stays importable for anyone else who asks for it.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # makes its import fail: no checker
        try:
            import jsonschema  # noqa: F401
        except ImportError:  # pragma: no cover - nbformat needs it
            pass
        finally:
            del sys.modules["rfc3987_syntax"]
    import nbformat

    return nbformat
