"""A small message catalogue: Chinese (zh-CN) by default, English on request.

Each module that shows text keeps its texts in a data file of its own, ``dealerlab/messages/<module>.toml``
(translators edit texts there without touching code), and looks them up by key::

    # dealerlab/messages/csi.toml
    [no_rows]
    zh = "没有回答"
    en = "no answers"

    _MSG = Catalogue.load("csi")          # nothing is read at import; the file is read on the first lookup
    _MSG.get("no_rows", "en")

The file of ``dealerlab/a/b.py`` is ``messages/a/b.toml``; a module's second catalogue is ``messages/a/b.<name>.toml``.

Shared labels (metric names, table names, months) live in :data:`LABELS` below.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files

import tomllib

from dealerlab._options import check_lang

__all__ = ["Catalogue", "Pairs", "LABELS", "label", "pick", "LANGS"]

LANGS = ("zh", "en")


class Catalogue:
    """Messages keyed by id, each with a ``zh`` and an ``en`` text (``str.format`` placeholders allowed).

    A module's texts live in a data file, ``dealerlab/messages/<name>.toml``, read on first use by
    :meth:`load`; a table nested in an entry (``[rule.hint]``) becomes the key ``"rule.hint"``.
    """

    def __init__(self, messages: Mapping[str, Mapping[str, str]] | None = None, *, name: str | None = None) -> None:
        self._name = name
        self._loaded: dict[str, Mapping[str, str]] | None = None
        if messages is not None:
            self._loaded = _checked(dict(messages), name or "<dict>")

    @classmethod
    def load(cls, name: str) -> Catalogue:
        """The catalogue of ``dealerlab/messages/<name>.toml`` (read lazily, on the first lookup)."""
        return cls(name=name)

    @property
    def _messages(self) -> dict[str, Mapping[str, str]]:
        if self._loaded is None:
            self._loaded = _checked(_read(self._name), f"messages/{self._name}.toml")
        return self._loaded

    def __contains__(self, key: str) -> bool:
        return key in self._messages

    def keys(self):
        return self._messages.keys()

    def text(self, key: str, lang: str = "zh", /) -> str:
        """The unformatted text of ``key`` in ``lang`` (English falls back to Chinese)."""
        check_lang(lang)
        texts = self._messages[key]
        return texts.get(lang) or texts["zh"]

    def get(self, key: str, lang: str = "zh", /, **values) -> str:
        """The message ``key`` in ``lang``, formatted with ``values`` (English falls back to Chinese)."""
        text = self.text(key, lang)
        return text.format(**values) if values else text

    def both(self, key: str, /, **values) -> tuple[str, str]:
        """``(zh, en)`` texts of ``key``: what :class:`~dealerlab.errors.DealerlabError` takes."""
        return self.get(key, "zh", **values), self.get(key, "en", **values)

    def merged(self, other: Catalogue) -> Catalogue:
        return Catalogue({**self._messages, **other._messages})

    def pairs(self, prefix: str, /, keys: Sequence[str] | None = None) -> Pairs:
        """The entries ``<prefix>.<key>`` as a read-only mapping ``key → (zh, en)`` (see :class:`Pairs`).

        Parameters
        ----------
        prefix : str
            The table the entries are nested in (``[field.name]`` → prefix ``"field"``).
        keys : sequence of str, optional
            Only these keys, in this order (default: every entry of ``prefix``, in file order).

        Returns
        -------
        Pairs
        """
        return Pairs(self, prefix, keys)


class Pairs(Mapping):
    """A label table kept in a catalogue: ``key → (zh, en)``, read from the file on first use.

    For the tables a module shows in both languages (field names, area names, kinds of column): the texts stay in the
    module's ``messages/*.toml`` with its other texts, and the code reads them as ``table[key][0 if lang == "zh" else
    1]`` or with :meth:`label`. English falls back to Chinese.
    """

    def __init__(self, catalogue: Catalogue, prefix: str, keys: Sequence[str] | None = None) -> None:
        self._catalogue = catalogue
        self._prefix = prefix
        self._keys = tuple(keys) if keys is not None else None
        self._table: dict[str, tuple[str, str]] | None = None

    @property
    def _pairs(self) -> dict[str, tuple[str, str]]:
        if self._table is None:
            head = f"{self._prefix}."
            names = self._keys
            if names is None:
                names = tuple(k[len(head):] for k in self._catalogue.keys() if k.startswith(head) and "." not in k[len(head):])
            self._table = {k: (self._catalogue.text(head + k, "zh"), self._catalogue.text(head + k, "en")) for k in names}
        return self._table

    def __getitem__(self, key: str) -> tuple[str, str]:
        return self._pairs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"Pairs({self._pairs!r})"

    def label(self, key: str, lang: str = "zh", /) -> str:
        """The ``lang`` label of ``key`` (``key`` itself when the table has no such entry).

        Parameters
        ----------
        key : str
            The entry.
        lang : {"zh", "en"}
            Language.

        Returns
        -------
        str
        """
        zh, en = self._pairs.get(key, (key, key))
        return en if lang == "en" else zh


def _read(name: str) -> dict:
    """The parsed ``messages/<name>.toml`` of the installed package."""
    resource = files("dealerlab.messages").joinpath(*f"{name}.toml".split("/"))
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def _checked(raw: dict, where: str) -> dict[str, Mapping[str, str]]:
    """Flatten nested tables to dotted keys; every message needs its ``zh`` text."""
    flat: dict[str, Mapping[str, str]] = {}

    def walk(prefix: str, table: Mapping) -> None:
        texts = {k: v for k, v in table.items() if isinstance(v, str)}
        if texts:
            if "zh" not in texts:
                raise ValueError(f"{where}: message {prefix!r} has no zh text")
            flat[prefix] = texts
        for k, v in table.items():
            if isinstance(v, Mapping):
                walk(f"{prefix}.{k}" if prefix else k, v)

    for key, table in raw.items():
        walk(key, table)
    return flat


LABELS = Catalogue.load("labels")


def label(key: str, lang: str = "zh", /, **values) -> str:
    """A shared label from :data:`LABELS`."""
    return LABELS.get(key, lang, **values)


def pick(lang: str, zh: str, en: str, /) -> str:
    """``zh``, or ``en`` for ``lang="en"``: for a pair made at run time (a finding's evidence, a table row's two names).
    Fixed texts belong in a module's :class:`Catalogue`."""
    return en if check_lang(lang) == "en" else zh
