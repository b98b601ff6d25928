"""A small message catalogue: Chinese (zh-CN) by default, English on request.

Each module that shows text keeps its own :class:`Catalogue` (plain data, nothing happens at import) and looks
messages up by key::

    _MSG = Catalogue({"no_data": {"zh": "没有 {table} 数据", "en": "No {table} data"}})
    _MSG.get("no_data", lang="en", table="leads")

Shared labels (metric names, table names, months) live in :data:`LABELS` below.
"""

from __future__ import annotations

from collections.abc import Mapping

from dealerlab._options import check_lang

__all__ = ["Catalogue", "LABELS", "label", "LANGS"]

LANGS = ("zh", "en")


class Catalogue:
    """Messages keyed by id, each with a ``zh`` and an ``en`` text (``str.format`` placeholders allowed)."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        for key, texts in messages.items():
            if "zh" not in texts:
                raise ValueError(f"message {key!r} has no zh text")
        self._messages = dict(messages)

    def __contains__(self, key: str) -> bool:
        return key in self._messages

    def keys(self):
        return self._messages.keys()

    def get(self, key: str, lang: str = "zh", /, **values) -> str:
        """The message ``key`` in ``lang``, formatted with ``values`` (English falls back to Chinese)."""
        check_lang(lang)
        texts = self._messages[key]
        text = texts.get(lang) or texts["zh"]
        return text.format(**values) if values else text

    def both(self, key: str, /, **values) -> tuple[str, str]:
        """``(zh, en)`` texts of ``key``: what :class:`~dealerlab.errors.DealerlabError` takes."""
        return self.get(key, "zh", **values), self.get(key, "en", **values)

    def merged(self, other: Catalogue) -> Catalogue:
        return Catalogue({**self._messages, **other._messages})


LABELS = Catalogue(
    {
        "store": {"zh": "门店", "en": "Store"},
        "period": {"zh": "月份", "en": "Month"},
        "metric": {"zh": "指标", "en": "Metric"},
        "value": {"zh": "数值", "en": "Value"},
        "target": {"zh": "目标", "en": "Target"},
        "actual": {"zh": "实际", "en": "Actual"},
        "stretch": {"zh": "突破目标", "en": "Stretch"},
        "benchmark": {"zh": "标杆", "en": "Benchmark"},
        "consultant": {"zh": "销售顾问", "en": "Sales consultant"},
        "reason": {"zh": "原因", "en": "Reason"},
        "group": {"zh": "集团", "en": "Group"},
        "not_available": {"zh": "无法计算", "en": "not available"},
        "zero_denominator": {"zh": "分母为 0", "en": "denominator is 0"},
        "missing_table": {"zh": "缺少数据表 {table}", "en": "table {table} is missing"},
        "missing_column": {"zh": "缺少字段 {column}", "en": "column {column} is missing"},
    }
)


def label(key: str, lang: str = "zh", /, **values) -> str:
    """A shared label from :data:`LABELS`."""
    return LABELS.get(key, lang, **values)
