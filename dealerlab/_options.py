"""One helper to check option arguments (docs/STYLE.md rule 7)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dealerlab.errors import ParameterError

__all__ = ["check_option", "check_lang"]


def check_option(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``; else raise a :class:`ParameterError` naming ``name``."""
    allowed = tuple(allowed)
    if value not in allowed:
        shown = "、".join(map(str, allowed))
        raise ParameterError(
            f"参数 {name} 的值 {value!r} 无效，可选值：{shown}。",
            f"Invalid value {value!r} for {name}; allowed: {', '.join(map(str, allowed))}.",
        )
    return value


def check_lang(lang: str) -> str:
    """Check a ``lang`` argument ("zh" or "en")."""
    return check_option("lang", lang, ("zh", "en"))
