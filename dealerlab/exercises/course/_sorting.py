"""Small helpers shared by the sorting exercises of modules 4–7 (classify items, pick one option per case)."""

from __future__ import annotations

from collections.abc import Mapping


def wrong_items(given: Mapping | None, truth: Mapping[str, str]) -> list[str]:
    """The item ids whose class in ``given`` differs from ``truth`` (an empty or missing answer counts as wrong)."""
    given = given or {}
    return [k for k, want in truth.items() if given.get(k) != want]


def numbered(keys: list[str], order: list[str], word: str = "第") -> str:
    """'第 2、5 条' for the item ids ``keys`` numbered by their place in ``order`` (1-based)."""
    nums = [str(order.index(k) + 1) for k in keys if k in order]
    return f"{word} {'、'.join(nums)} 条" if nums else ""


def classify_detail(field: str, given: Mapping | None, truth: Mapping[str, str], advice: str) -> tuple[str, bool, str]:
    """A ``(field, ok, message)`` detail for a ClassifyField: the message names the wrong rows and adds ``advice``."""
    bad = wrong_items(given, truth)
    if not bad:
        return (field, True, "")
    return (field, False, f"{numbered(bad, list(truth))}再想想：{advice}")
