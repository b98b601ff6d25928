"""The files not yet converted to the catalogues (``PENDING`` entries marked "open" in test_inline_texts.py) may
not gain inline texts: their count of Chinese literals may only fall.

Without this, a new message written inline in such a file (``raise ParameterError("中文", "English")`` in
``calendar.py``) passed every test although docs/ARCHITECTURE.md says a new text goes into the module's catalogue.
"""

from __future__ import annotations

from tests.i18n.test_inline_texts import PENDING, _rule, scan

#: path (as in PENDING) → the most Chinese literals it may hold outside docstrings (counted 2026-12-02; lower a number
#: when you convert texts, never raise it; an entry that leaves PENDING is checked in full by test_inline_texts.py
#: and may be deleted here)
CEILING: dict[str, int] = {
}


def _counts() -> dict[str, int]:
    out: dict[str, int] = {}
    for path, texts in scan().items():
        key, _owner = _rule(path, PENDING)
        if key in CEILING and PENDING.get(key) == "open":
            out[key] = out.get(key, 0) + len(texts)
    return out


def test_unconverted_files_gain_no_inline_text():
    grown = {key: (n, CEILING[key]) for key, n in _counts().items() if n > CEILING[key]}
    assert not grown, (
        "new inline texts in files not yet converted (count, ceiling): put the new text in the module's "
        "dealerlab/messages/<module>.toml and read it with Catalogue.load(...).get/.both (docs/ARCHITECTURE.md, "
        f"'One place for each shared piece'): {grown}")

