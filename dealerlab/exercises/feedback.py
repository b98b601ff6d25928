"""Feedback of an exercise check, and small helpers for writing check functions.

A check function is pure: ``check(answer: dict) -> Feedback``. Nothing here touches widgets or files.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dealerlab.errors import ExerciseError
from dealerlab.i18n import Catalogue

__all__ = ["Feedback", "STATUSES", "is_close", "find_keywords", "parse_number", "NumberParseError"]

#: Statuses a check can return ("invalid" is used by the platform when the input cannot be parsed).
STATUSES = ("correct", "partly", "wrong", "invalid")

_MSG = Catalogue.load("exercises/feedback")
#: the name of each status, zh and en (messages/exercises/feedback.toml)
STATUS_LABELS = _MSG


def status_label(status: str | None, lang: str = "zh") -> str:
    """The name of a check status in ``lang`` (``"?"`` for a status this version does not know)."""
    return STATUS_LABELS.get(status, lang) if status in STATUSES else "?"


@dataclass(frozen=True)
class Feedback:
    """The result of checking an answer.

    Parameters
    ----------
    status : {"correct", "partly", "wrong", "invalid"}
        ``"invalid"`` is reserved for input that could not be read (the platform sets it; checks should not).
    score : float
        In [0, 1].
    explanation : str
        Chinese markdown: the dealership logic behind the right answer.
    explanation_en : str, optional
        English text (falls back to the Chinese one).
    hint : str
        Chinese markdown shown when the answer is not correct (a nudge, not the answer).
    hint_en : str, optional
    details : sequence of (field_name, ok, message)
        Per-field markers; ``field_name`` ``""`` for a general remark.
    """

    status: str
    score: float
    explanation: str = ""
    explanation_en: str | None = None
    hint: str = ""
    hint_en: str | None = None
    details: tuple = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ExerciseError(_MSG.get("bad_status", "zh", statuses=_MSG.get("list_sep", "zh").join(STATUSES), value=repr(self.status)),
                                _MSG.get("bad_status", "en", statuses=_MSG.get("list_sep", "en").join(STATUSES), value=repr(self.status)))
        try:
            score = float(self.score)
        except (TypeError, ValueError):
            score = math.nan
        if not (0.0 <= score <= 1.0):
            raise ExerciseError(*_MSG.both("bad_score", value=repr(self.score)))
        object.__setattr__(self, "score", score)
        details = []
        for item in self.details:
            name, ok, *rest = tuple(item)
            details.append((str(name), bool(ok), str(rest[0]) if rest and rest[0] is not None else ""))
        object.__setattr__(self, "details", tuple(details))

    @classmethod
    def grade(
        cls,
        details: Iterable[Sequence[Any]],
        *,
        explanation: str = "",
        explanation_en: str | None = None,
        hint: str = "",
        hint_en: str | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> Feedback:
        """Feedback whose score is the (weighted) share of ``ok`` details.

        ``status`` is "correct" when every detail is ok, "wrong" when none is, else "partly". ``weights`` maps a
        field name to its weight (default 1 each).
        """
        details = [tuple(d) for d in details]
        if not details:
            raise ExerciseError(*_MSG.both("no_details"))
        weights = dict(weights or {})
        total = sum(float(weights.get(d[0], 1.0)) for d in details)
        got = sum(float(weights.get(d[0], 1.0)) for d in details if d[1])
        score = got / total if total > 0 else 0.0
        all_ok = all(bool(d[1]) for d in details)
        none_ok = not any(bool(d[1]) for d in details)
        status = "correct" if all_ok else ("wrong" if none_ok else "partly")
        return cls(
            status=status,
            score=1.0 if all_ok else score,
            explanation=explanation,
            explanation_en=explanation_en,
            hint=hint,
            hint_en=hint_en,
            details=tuple(details),
        )

    def text(self, lang: str = "zh") -> str:
        """Explanation in ``lang`` (English falls back to Chinese)."""
        return (self.explanation_en or self.explanation) if lang == "en" else self.explanation

    def hint_text(self, lang: str = "zh") -> str:
        return (self.hint_en or self.hint) if lang == "en" else self.hint

    def status_label(self, lang: str = "zh") -> str:
        return status_label(self.status, lang)

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "score": self.score,
            "details": [list(d) for d in self.details],
        }


def is_close(value: Any, expected: float, *, tolerance: float = 0.0, rel_tolerance: float = 0.0) -> bool:
    """True when ``value`` is a number within ``tolerance`` (absolute) or ``rel_tolerance`` (relative) of ``expected``.

    ``None``, NaN, text and booleans give False (never an error).
    """
    if value is None or isinstance(value, bool):
        return False
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    if math.isnan(v) or math.isinf(v):
        return False
    diff = abs(v - float(expected))
    limit = max(float(tolerance), float(rel_tolerance) * abs(float(expected)))
    return diff <= limit + 1e-12


def find_keywords(text: Any, rules: Mapping[str, Iterable[str]]) -> dict[str, bool]:
    """For each rule, whether ``text`` contains any of its keywords (case-insensitive, width-insensitive).

    >>> find_keywords("由张经理在11月30日前完成", {"who": ["经理", "负责"], "when": ["日前", "月底"]})
    {'who': True, 'when': True}
    """
    norm = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return {
        rule: any(unicodedata.normalize("NFKC", str(k)).casefold() in norm for k in keywords)
        for rule, keywords in rules.items()
    }


# ----------------------------------------------------------------------------------------------------------------
# number parsing (what a trainee types into a number box)

class NumberParseError(ValueError):
    """Typed text is not a number; ``zh`` / ``en`` carry the hint to show."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh
        self.en = en
        super().__init__(zh)

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "w": 1e4, "k": 1e3}
_CURRENCY = ("人民币", "rmb", "cny", "¥", "￥", "元")
#: what a trainee types for a decimal point (besides ".")
_POINTS = ("。", "．")


def parse_number(text: Any, *, percent: bool = False, unit: str = "", ratio_max: float = 1.0) -> float | None:
    """Read a number as a trainee types it.

    Accepts full-width digits and signs, thousands separators (``1,234`` / ``1 234``), ``%`` (→ fraction),
    ``万``/``亿``/``千`` multipliers, currency signs (¥ ￥ 元) and the field's ``unit`` as a suffix. With
    ``percent=True`` a number without ``%`` greater than ``ratio_max`` (default 1) is read as percentage points
    (``35`` → 0.35); up to ``ratio_max`` it is already a fraction. Rates that can pass 100 % (achievement rates)
    use e.g. ``ratio_max=3`` so that ``1.2`` means 120 % (not 1.2 %) while ``120`` still means 120 %.
    Empty text → ``None``. Anything else raises :class:`NumberParseError` with a Chinese hint.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise NumberParseError(*_MSG.both("not_a_number_value"))
    if isinstance(text, (int, float)):
        v = float(text)
        if math.isnan(v) or math.isinf(v):
            return None
        return v
    raw = str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    if not s:
        return None
    s = s.replace("−", "-").replace("—", "-").replace("–", "-").replace(_POINTS[0], ".").replace(_POINTS[1], ".")
    s = s.casefold()
    if unit:
        u = unicodedata.normalize("NFKC", unit).casefold().strip()
        if u and u != "%" and s.endswith(u):
            s = s[: -len(u)].strip()
    for cur in _CURRENCY:
        s = s.replace(cur, "")
    s = s.strip()
    is_percent = False
    if s.endswith("%"):
        is_percent = True
        s = s[:-1].strip()
    multiplier = 1.0
    if s and s[-1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[s[-1]]
        s = s[:-1].strip()
    # spaces between digit groups ("1 234") are thousands separators
    s = re.sub(r"(?<=\d)[ \u00a0'](?=\d{3}\b)", "", s)
    if "," in s:
        if not _GROUPED_RE.match(s):
            raise NumberParseError(*_MSG.both("bad_comma", raw=raw))
        s = s.replace(",", "")
    if not _NUMBER_RE.match(s):
        raise NumberParseError(*_MSG.both("not_a_number", raw=raw))
    v = float(s) * multiplier
    if is_percent:
        v = v / 100.0
    elif percent and abs(v) > ratio_max:
        v = v / 100.0
    return v


def format_number(value: Any, *, percent: bool = False) -> str:
    """The text a number box shows for ``value`` (inverse of :func:`parse_number` for clean numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    v = float(value)
    if math.isnan(v):
        return ""
    if percent:
        return f"{_trim(v * 100)}%"
    return _trim(v)


def _trim(v: float) -> str:
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
