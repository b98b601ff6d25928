"""The KPI card: the nine factors of seed 000, direction, balanced-scorecard perspective, status and history.

docs/DOMAIN.md §4. A card (:class:`KpiCard`) is plain, immutable data; :func:`validate_cards` checks a set of cards and
returns one row per problem, each naming the factor in Chinese (English with ``lang="en"``); :func:`check_cards` raises
:class:`KpiCardError` with the same problems. :func:`advance` moves a card through the setting workflow
预先沟通 → 员工草拟 → 正式讨论 → 修订存档 and records who, when and why.

Decisions where docs/DOMAIN.md is silent
-----------------------------------
- 权重 is a fraction in (0, 1] (40% = 0.4); the weights of one owner sum to 1 within ±0.005.
- 目标值 must be a positive number: the achievement rate divides by it (higher is better) or by the actual (lower).
  For a lower-is-better card the stretch must be positive as well (the cap is target/stretch).
- "Stretch beyond target in the good direction" is strict: stretch > target (higher) or stretch < target (lower).
- The setting date is the card's ``set_date``, else the ``set_date`` argument, else today; the due date must be
  strictly after it.
- 数据来源 lists one or more tables of docs/DATA.md, by English or Chinese name, separated by 、 , ； / or spaces.
- Card ids, when given, must be unique (the Excel round trip matches cards by id).
- Workflow: forward moves go one step at a time (no step may be skipped); a move back to any earlier step needs a
  reason (``note``); every move needs ``by``. A card is created at 预先沟通 with an empty history.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from dealerlab._options import check_lang, check_option
from dealerlab.data.schema import TABLES
from dealerlab.errors import DataValidationError, DealerlabError, FormulaError, ParameterError, Problem
from dealerlab.i18n import Catalogue
from dealerlab.kpi.formula import parse

__all__ = [
    "FACTORS",
    "FIELDS",
    "PERSPECTIVES",
    "DIRECTIONS",
    "STATUSES",
    "EXTRA_METRICS",
    "KpiCard",
    "StatusChange",
    "KpiCardError",
    "WorkflowError",
    "validate_cards",
    "check_cards",
    "advance",
    "cards_to_frame",
    "cards_from_frame",
    "card_from_record",
    "parse_sources",
    "formula_names",
]

#: the texts of the card checks and the label of every field (``field.<name>``: zh, en)
_MSG = Catalogue.load("kpi/card")

#: every field of a card → (zh, en) label; the Excel headers are the zh labels
FIELDS = _MSG.pairs("field")
#: the nine factors of seed 000: field → (zh, en), in the seed's order
FACTORS = _MSG.pairs(
    "field", keys=("definition", "formula", "owner", "weight", "due_date", "target", "stretch", "data_source", "standard")
)

#: balanced-scorecard perspectives (zh → en)
PERSPECTIVES: dict[str, str] = {
    "财务": "financial",
    "客户": "customer",
    "内部流程": "internal process",
    "学习与成长": "learning and growth",
}
#: direction id → (zh, en)
DIRECTIONS: dict[str, tuple[str, str]] = {
    "higher": ("越高越好", "higher is better"),
    "lower": ("越低越好", "lower is better"),
}
#: the setting workflow of seed 000 (zh → en), in order
STATUSES: dict[str, str] = {
    "预先沟通": "pre-discussion",
    "员工草拟": "employee draft",
    "正式讨论": "formal discussion",
    "修订存档": "revised and filed",
}

#: store-level figures a card formula may use besides dealerlab.metrics: id → (zh, en, table, column)
EXTRA_METRICS: dict[str, tuple[str, str, str, str]] = {
    "finance.revenue": ("营业收入", "Revenue", "monthly_finance", "revenue"),
    "finance.operating_cost": ("营业成本费用", "Operating cost", "monthly_finance", "operating_cost"),
}
#: a new card's perspective and workflow step (the first of PERSPECTIVES and STATUSES)
_DEFAULT_PERSPECTIVE = "财务"
_FIRST_STATUS = "预先沟通"
#: what a number typed as text may hold besides ASCII: a full-width comma and percent sign
_FULL_WIDTH_COMMA = "，"
_PERCENT_SIGNS = "%％"
#: the quotes a 数据来源 name may be wrapped in
_QUOTES = "《》「」\"'"



@dataclass(frozen=True)
class StatusChange:
    """One move of the setting workflow: when, who, from which step to which, and why."""

    at: dt.datetime
    by: str
    from_status: str
    to_status: str
    note: str = ""


@dataclass(frozen=True)
class KpiCard:
    """A KPI card (docs/DOMAIN.md §4).

    Parameters
    ----------
    name : str
        指标名称, e.g. "成交率".
    definition : str
        目标定义: what the KPI measures and why.
    formula : str
        计算公式 in the safe formula language (:mod:`dealerlab.kpi.formula`), e.g. ``"S_room / (L + N)"``.
    owner : str
        责任人: a person or a role/department ("销售顾问 张伟", "售后部").
    weight : float
        权重 as a fraction (0.4 = 40%).
    due_date : datetime.date
        完成日期.
    target, stretch : float
        目标值 and 突破性目标值, in the formula's unit.
    data_source : str
        数据来源: tables of docs/DATA.md ("销售、潜客" or "sales, leads").
    standard : str
        完成标准: how completion is judged and scored.
    direction : {"higher", "lower"}
        Whether a higher value is better.
    perspective : {"财务", "客户", "内部流程", "学习与成长"}
        Balanced-scorecard perspective.
    card_id, unit, department, role : str
        Identification and display.
    set_date : datetime.date, optional
        设定日期; the due date must be after it.
    status : str
        Workflow step, one of :data:`STATUSES`.
    history : tuple of StatusChange
        Past workflow moves, oldest first.
    """

    name: str = ""
    definition: str = ""
    formula: str = ""
    owner: str = ""
    weight: float | None = None
    due_date: dt.date | None = None
    target: float | None = None
    stretch: float | None = None
    data_source: str = ""
    standard: str = ""
    direction: str = "higher"
    perspective: str = _DEFAULT_PERSPECTIVE
    card_id: str = ""
    unit: str = ""
    department: str = ""
    role: str = ""
    set_date: dt.date | None = None
    status: str = _FIRST_STATUS
    history: tuple[StatusChange, ...] = field(default_factory=tuple)

    def label(self) -> str:
        """Id and name, for messages."""
        return f"{self.card_id} {self.name}".strip() or "?"


class KpiCardError(DataValidationError):
    """One or more KPI cards break the rules of docs/DOMAIN.md §4; ``problems`` lists them (``column`` = the factor)."""

    def __init__(self, problems: list[Problem], *, lang: str = "zh") -> None:
        self.problems = list(problems)
        self.warnings = []
        n = len(self.problems)
        DealerlabError.__init__(
            self,
            _MSG.get("error_head", "zh", n=n) + "\n" + self.summary("zh"),
            _MSG.get("error_head", "en", n=n) + "\n" + self.summary("en"),
            lang=lang,
        )


class WorkflowError(DealerlabError, ValueError):
    """A workflow move that the setting process does not allow."""


# ------------------------------------------------------------------------------------------------ helpers
def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(value, str) and not value.strip()


def _number(value) -> float | None:
    """A float from a number or a text such as "40%" / "1,200"; None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, str):
        s = value.strip().replace(",", "").replace(_FULL_WIDTH_COMMA, "")
        pct = s.endswith(tuple(_PERCENT_SIGNS))
        s = s.rstrip(_PERCENT_SIGNS)
        try:
            v = float(s)
        except ValueError:
            return None
        if math.isnan(v) or math.isinf(v):
            return None
        return v / 100 if pct else v
    return None


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timestamp):
        return None if value is pd.NaT else value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def formula_names() -> dict[str, str]:
    """Extra names allowed in card formulas (ids and Chinese names of :data:`EXTRA_METRICS`) → id."""
    names = {mid: mid for mid in EXTRA_METRICS}
    names.update({zh: mid for mid, (zh, _en, _t, _c) in EXTRA_METRICS.items()})
    return names


_SPLIT = re.compile(r"[、,，;；/\s]+")


def parse_sources(text: str) -> tuple[list[str], list[str]]:
    """Split a 数据来源 text into ``(tables, unknown names)``; tables by English or Chinese name of docs/DATA.md."""
    by_zh = {t.zh: name for name, t in TABLES.items()}
    tables, unknown = [], []
    for part in _SPLIT.split(str(text or "")):
        part = part.strip().strip(_QUOTES)
        if not part:
            continue
        if part in TABLES:
            tables.append(part)
        elif part in by_zh:
            tables.append(by_zh[part])
        else:
            unknown.append(part)
    return tables, unknown


def _direction(value) -> str | None:
    for key, (zh, en) in DIRECTIONS.items():
        if value in (key, zh, en):
            return key
    return None


# --------------------------------------------------------------------------------------------- validation
def _problem(card: KpiCard, field_name: str, key: str, *, value=None, row: int | None = None, **values) -> Problem:
    zh_label, en_label = FIELDS.get(field_name, (field_name, field_name))
    return Problem(
        table="kpi_cards",
        rule=key,
        message_zh=_MSG.get(key, "zh", factor=zh_label, value=value, **values),
        message_en=_MSG.get(key, "en", factor=en_label, value=value, **values),
        source=card.label(),
        row=row,
        column=zh_label,
        value=value,
    )


def _card_problems(card: KpiCard, row: int, set_date: dt.date | None, names: Mapping[str, str]) -> list[Problem]:
    out: list[Problem] = []
    for f in FACTORS:
        if _blank(getattr(card, f)):
            out.append(_problem(card, f, "missing", row=row))
    numbers = {}
    for f in ("weight", "target", "stretch"):
        v = getattr(card, f)
        if not _blank(v):
            num = _number(v)
            if num is None:
                out.append(_problem(card, f, "not_number", value=v, row=row))
            numbers[f] = num
    weight, target, stretch = numbers.get("weight"), numbers.get("target"), numbers.get("stretch")
    if weight is not None and not (0 < weight <= 1):
        out.append(_problem(card, "weight", "weight_range", value=weight, row=row))
    direction = _direction(card.direction)
    if direction is None:
        key = "unset" if _blank(card.direction) else "direction"
        out.append(_problem(card, "direction", key, value=card.direction, row=row))
    if target is not None and target <= 0:
        out.append(_problem(card, "target", "target_positive", value=target, row=row))
    if target is not None and stretch is not None and direction is not None:
        if direction == "higher" and not stretch > target:
            out.append(
                _problem(
                    card,
                    "stretch",
                    "stretch_higher",
                    value=stretch,
                    row=row,
                    stretch=f"{stretch:g}",
                    target=f"{target:g}",
                )
            )
        if direction == "lower" and not (0 < stretch < target):
            out.append(
                _problem(
                    card,
                    "stretch",
                    "stretch_lower",
                    value=stretch,
                    row=row,
                    stretch=f"{stretch:g}",
                    target=f"{target:g}",
                )
            )
    if not _blank(card.due_date):
        due = _date(card.due_date)
        if due is None:
            out.append(_problem(card, "due_date", "not_date", value=card.due_date, row=row))
        else:
            start = _date(card.set_date) or set_date or dt.date.today()
            if not due > start:
                out.append(_problem(card, "due_date", "due_before", value=str(due), row=row, due=due, set=start))
    if not _blank(card.formula):
        try:
            parse(str(card.formula), names=names)
        except FormulaError as err:
            p = _problem(card, "formula", "formula", value=card.formula, row=row, error="")
            out.append(
                replace(
                    p,
                    message_zh=_MSG.get("formula", "zh", error=err.message("zh")),
                    message_en=_MSG.get("formula", "en", error=err.message("en")),
                )
            )
    if not _blank(card.data_source):
        tables, unknown = parse_sources(card.data_source)
        for name in unknown:
            out.append(_problem(card, "data_source", "source_unknown", value=card.data_source, row=row, name=name))
        if not tables and not unknown:
            out.append(_problem(card, "data_source", "missing", row=row))
    if card.perspective not in PERSPECTIVES and card.perspective not in PERSPECTIVES.values():
        key = "unset" if _blank(card.perspective) else "perspective"
        out.append(_problem(card, "perspective", key, value=card.perspective, row=row))
    if card.status not in STATUSES:
        out.append(_problem(card, "status", "status", value=card.status, row=row))
    return out


def _problems(cards: Iterable[KpiCard], set_date, names) -> list[Problem]:
    cards = list(cards)
    set_date = _date(set_date) if set_date is not None else None
    allowed = formula_names()
    if names:
        allowed.update(dict(names) if isinstance(names, Mapping) else {n: n for n in names})
    out: list[Problem] = []
    seen: set[str] = set()
    for i, card in enumerate(cards, start=1):
        if not isinstance(card, KpiCard):
            raise ParameterError(
                *_MSG.both("not_a_card", i=i, got=type(card).__name__),
            )
        out.extend(_card_problems(card, i, set_date, allowed))
        if card.card_id:
            if card.card_id in seen:
                out.append(_problem(card, "card_id", "duplicate_id", value=card.card_id, row=i))
            seen.add(card.card_id)
    totals: dict[str, float] = {}
    for card in cards:
        w = _number(card.weight) if not _blank(card.weight) else None
        if not _blank(card.owner) and w is not None:
            totals[str(card.owner)] = totals.get(str(card.owner), 0.0) + w
    for owner, total in totals.items():
        if abs(total - 1.0) > 0.005 + 1e-12:
            probe = KpiCard(owner=owner, card_id="", name=owner)
            out.append(_problem(probe, "weight", "weight_sum", value=round(total, 6), owner=owner, total=total))
    return out


def validate_cards(
    cards: Iterable[KpiCard],
    *,
    set_date: dt.date | str | None = None,
    names: Mapping[str, str] | Iterable[str] | None = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """Check cards against docs/DOMAIN.md §4; one row per problem (empty when all is well).

    Parameters
    ----------
    cards : iterable of KpiCard
        The cards of one or more owners (weights are summed per owner).
    set_date : date or "YYYY-MM-DD", optional
        Setting date for cards without their own ``set_date`` (default today).
    names : mapping or iterable of str, optional
        More metric names the formulas may use.
    lang : {"zh", "en"}
        Language of ``factor`` and ``message``.

    Returns
    -------
    DataFrame
        ``row`` (1-based position of the card; empty for an owner's weight sum), ``card``, ``owner``, ``factor``,
        ``rule``, ``message``.
    """
    check_lang(lang)
    cards = list(cards)
    rows = []
    for p in _problems(cards, set_date, names):
        owner = cards[p.row - 1].owner if p.row else p.source
        factor = p.column
        if lang == "en":
            factor = next((en for zh, en in FIELDS.values() if zh == p.column), p.column)
        rows.append(
            {
                "row": p.row,
                "card": p.source,
                "owner": owner,
                "factor": factor,
                "rule": p.rule,
                "message": p.message(lang),
            }
        )
    frame = pd.DataFrame(rows, columns=["row", "card", "owner", "factor", "rule", "message"])
    return frame.astype({"row": "Int64"})


def check_cards(
    cards: Iterable[KpiCard],
    *,
    set_date: dt.date | str | None = None,
    names: Mapping[str, str] | Iterable[str] | None = None,
    lang: str = "zh",
) -> list[KpiCard]:
    """The cards unchanged when valid; else :class:`KpiCardError` listing every problem (see :func:`validate_cards`)."""
    check_lang(lang)
    cards = list(cards)
    problems = _problems(cards, set_date, names)
    if problems:
        raise KpiCardError(problems, lang=lang)
    return cards


# ----------------------------------------------------------------------------------------------- workflow
def advance(
    card: KpiCard,
    to: str | None = None,
    *,
    by: str,
    note: str = "",
    at: dt.datetime | None = None,
    lang: str = "zh",
) -> KpiCard:
    """Move ``card`` through the setting workflow and record the move.

    Parameters
    ----------
    card : KpiCard
    to : str, optional
        Target step (default: the next one). Forward moves go one step at a time; a move back needs ``note``.
    by : str
        Who makes the move.
    note : str
        Why (required when moving back).
    at : datetime, optional
        When (default now, to the second).
    lang : {"zh", "en"}
        Language of the error.

    Returns
    -------
    KpiCard
        A new card with the new ``status`` and the move appended to ``history``.
    """
    check_lang(lang)
    steps = list(STATUSES)
    check_option("status", card.status, steps)
    if _blank(by):
        raise WorkflowError(*_MSG.both("wf_by"), lang=lang)
    i = steps.index(card.status)
    if to is None:
        if i == len(steps) - 1:
            raise WorkflowError(*_MSG.both("wf_end", card=card.label()), lang=lang)
        to = steps[i + 1]
    check_option("to", to, steps)
    j = steps.index(to)
    if j == i:
        raise WorkflowError(*_MSG.both("wf_same", card=card.label(), status=to), lang=lang)
    if j > i + 1:
        raise WorkflowError(
            *_MSG.both("wf_skip", card=card.label(), frm=card.status, to=to, next=steps[i + 1]), lang=lang
        )
    if j < i and _blank(note):
        raise WorkflowError(*_MSG.both("wf_back", card=card.label(), frm=card.status, to=to), lang=lang)
    when = at or dt.datetime.now().replace(microsecond=0)
    change = StatusChange(at=when, by=str(by), from_status=card.status, to_status=to, note=str(note or ""))
    return replace(card, status=to, history=(*card.history, change))


# ------------------------------------------------------------------------------------------------- frames


def cards_to_frame(cards: Iterable[KpiCard], *, lang: str | None = None) -> pd.DataFrame:
    """One row per card, columns the card's fields (English ids; with ``lang`` the labels and direction in that language).

    Returns
    -------
    DataFrame
        ``card_id, name, definition, formula, owner, weight, due_date, target, stretch, data_source, standard,
        direction, perspective, unit, department, role, set_date, status`` (history left out).
    """
    columns = list(FIELDS)
    rows = [{f: getattr(c, f) for f in columns} for c in cards]
    frame = pd.DataFrame(rows, columns=columns)
    if lang is not None:
        check_lang(lang)
        i = 0 if lang == "zh" else 1
        frame["direction"] = frame["direction"].map(lambda d: DIRECTIONS[d][i] if d in DIRECTIONS else d)
        frame = frame.rename(columns={f: FIELDS[f][i] for f in columns})
    return frame


def cards_from_frame(frame: pd.DataFrame) -> list[KpiCard]:
    """Cards from a frame with English field columns or their Chinese labels (missing columns take defaults)."""
    by_label = {zh: f for f, (zh, _en) in FIELDS.items()}
    frame = frame.rename(columns=lambda c: by_label.get(c, c))
    return [card_from_record(rec) for rec in frame.to_dict("records")]


def card_from_record(rec: Mapping, history: Iterable[StatusChange] = ()) -> KpiCard:
    """A card from a mapping of field → value (as read from a table or a workbook row).

    Numbers written as text ("40%", "1,200") become numbers, dates become ``datetime.date``, 越高越好/越低越好 become
    ``higher``/``lower``; a value that cannot be converted is kept as it is so that :func:`validate_cards` reports it.
    """
    kw = {}
    for f in FIELDS:
        if f not in rec or _blank(rec[f]):
            continue
        v = rec[f]
        if f in ("weight", "target", "stretch"):
            num = _number(v)
            v = num if num is not None else v
        elif f in ("due_date", "set_date"):
            d = _date(v)
            v = d if d is not None else v
        elif f == "direction":
            v = _direction(v) or v
        else:
            v = str(v).strip() if f not in ("definition", "standard") else str(v)
        kw[f] = v
    return KpiCard(**kw, history=tuple(history))
