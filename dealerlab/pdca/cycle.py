"""The PDCA cycle model (docs/DOMAIN.md §8; seeds 001 and 004): problem → Plan (5W1H/6W2H actions) → Do log → Check on the
data → Act (standardise, or open the next cycle with the cause found). Cycles of one problem chain together.

A :class:`Cycle` is plain data (dataclasses of str / float / list) so it saves to JSON and Excel and loads back
unchanged (:func:`save_cycles`, :func:`load_cycles`; writes are atomic).

Decisions where docs/DOMAIN.md is silent
-----------------------------------
- Required fields of every action: what, who, when (a date or a month, written
  ``2026-11-15``, ``2026年11月15日``, ``11月15日前`` or ``2026-11``). The other fields of
  the scheme (5W1H: why, where, how; 6W2H adds whom and how_much) are recommended: missing ones give a Chinese
  suggestion but do not make the plan incomplete. A vague who (大家、全员、相关人员、各部门…) counts as missing.
- Numbers (baseline, target, check values) are kept to 12 significant digits so that a file round trip is exact.
- Check value ("after") = mean of the metric over the check months that have a value; the target is met when
  after ≤ target for a metric whose lower values are better (返修率, 离职率) and after ≥ target otherwise.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from dealerlab._dates import parse_deadline
from dealerlab._io import atomic_file
from dealerlab._options import check_option
from dealerlab.calendar import check_period
from dealerlab.errors import DealerlabError, ParameterError
from dealerlab.i18n import Catalogue
from dealerlab.metrics import METRICS, info, label

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = [
    "Action",
    "LogEntry",
    "CheckResult",
    "Cycle",
    "SCHEMES",
    "FIELD_LABELS",
    "REQUIRED_FIELDS",
    "EIGHT_STEPS",
    "check_plan",
    "plan_is_complete",
    "chain",
    "save_cycles",
    "load_cycles",
    "cycles_to_json",
    "cycles_from_json",
]

#: fields of each plan scheme, in the order they are asked
SCHEMES = {
    "5W1H": ("what", "why", "who", "when", "where", "how"),
    "6W2H": ("what", "why", "who", "whom", "when", "where", "how", "how_much"),
}
#: every action must say at least these
REQUIRED_FIELDS = ("what", "who", "when")


#: the check's messages (Chinese) and how to write each field (``hint_<field>``)
_MSG = Catalogue.load("pdca/cycle")
#: field → (zh, en) label
FIELD_LABELS = _MSG.pairs("field")


def _hint(name: str) -> str:
    return _MSG.get(f"hint_{name}")


_VAGUE_WHO = ("大家", "全员", "全体", "相关人员", "相关部门", "各部门", "有关人员", "所有人", "待定", "某人")


_STEP_TEXTS = _MSG.pairs("step", [str(n) for n in range(1, 9)])


class _EightSteps(Sequence):
    """The eight steps of a PDCA cycle as ``(stage, number, zh, en)`` rows; the texts are read from
    messages/pdca/cycle.toml on first use (nothing is read at import)."""

    _STAGES = "PPPPDCAA"

    def _rows(self) -> list[tuple[str, int, str, str]]:
        return [(stage, n, *_STEP_TEXTS[str(n)]) for n, stage in enumerate(self._STAGES, start=1)]

    def __getitem__(self, index):
        return self._rows()[index]

    def __iter__(self):
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._STAGES)

    def __repr__(self) -> str:
        return repr(self._rows())


#: the eight steps of a PDCA cycle (the classic quality-circle breakdown): ``(stage, number, zh, en)``
EIGHT_STEPS = _EightSteps()

_DECISIONS = ("standardise", "next_cycle")


@dataclass
class Action:
    """One action of the Plan, in 5W1H / 6W2H fields (all text; ``when`` a date or a month, e.g. ``2026-11-15``, ``2026年11月15日``)."""

    what: str = ""
    why: str = ""
    who: str = ""
    whom: str = ""
    when: str = ""
    where: str = ""
    how: str = ""
    how_much: str = ""
    done: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping) -> Action:
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ParameterError(
                *_MSG.both("unknown_action_fields", unknown_zh=_MSG.text("list_sep").join(sorted(map(str, unknown))), allowed_zh=_MSG.text("list_sep").join(sorted(names)), unknown=sorted(map(str, unknown)), allowed=sorted(names)),
            )
        kw = {k: ("" if v is None or (isinstance(v, float) and math.isnan(v)) else v) for k, v in data.items()}
        kw = {k: (bool(v) if k == "done" else str(v).strip()) for k, v in kw.items()}
        return cls(**kw)


@dataclass
class LogEntry:
    """One line of the Do log: what was done, when, by whom."""

    date: str
    text: str
    who: str = ""


@dataclass
class CheckResult:
    """The Check of a cycle: the metric in the check months, its mean ("after") and the comparison with the target."""

    periods: list[str]
    values: list[float | None]
    after: float | None
    target: float
    met: bool | None
    note: str = ""


@dataclass
class Cycle:
    """One PDCA cycle on one problem of one store.

    Attributes
    ----------
    problem : str
        The problem in one sentence (e.g. "S01 返修率从 2% 升到 5%").
    metric : str
        A metric id of :mod:`dealerlab.metrics` (e.g. ``comeback_rate``).
    store_id : str
        The store.
    baseline : float
        The metric before the change.
    target : float
        The value to reach by ``deadline``.
    deadline : str
        Month ``YYYY-MM`` by which the target is due.
    problem_id : str
        Shared by every cycle of one problem; ``round`` numbers them 1, 2, …
    cause : str
        The main cause this cycle acts on.
    scheme : {"5W1H", "6W2H"}
        Fields asked of each action.
    baseline_periods, check_periods : list of str
        Months the baseline was measured on, and months the Check looks at.
    actions, do_log : list
        The Plan and the Do log.
    check_result : CheckResult or None
        Filled by :meth:`check`.
    act_decision : {"", "standardise", "next_cycle"}
        What Act decided; ``act_note`` says why / which standard was written.
    """

    problem: str
    metric: str
    store_id: str
    baseline: float
    target: float
    deadline: str
    problem_id: str = "P1"
    round: int = 1
    cause: str = ""
    scheme: str = "5W1H"
    baseline_periods: list[str] = field(default_factory=list)
    check_periods: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    do_log: list[LogEntry] = field(default_factory=list)
    check_result: CheckResult | None = None
    act_decision: str = ""
    act_note: str = ""

    def __post_init__(self) -> None:
        info(self.metric)  # ParameterError naming the unknown id
        check_option("scheme", self.scheme, SCHEMES)
        check_period(self.deadline, name="deadline")
        for p in [*self.baseline_periods, *self.check_periods]:
            check_period(p, name="periods")
        if self.act_decision:
            check_option("act_decision", self.act_decision, _DECISIONS)
        self.baseline = _num(self.baseline)
        self.target = _num(self.target)
        self.actions = [a if isinstance(a, Action) else Action.from_mapping(a) for a in self.actions]
        self.do_log = [e if isinstance(e, LogEntry) else LogEntry(**e) for e in self.do_log]
        if isinstance(self.check_result, Mapping):
            self.check_result = CheckResult(**self.check_result)
        if self.check_result is not None:
            cr = self.check_result
            cr.values = [None if v is None else _num(v) for v in cr.values]
            cr.after = None if cr.after is None else _num(cr.after)
            cr.target = _num(cr.target)
            cr.met = None if cr.met is None else bool(cr.met)

    # -- identity
    @property
    def cycle_id(self) -> str:
        return f"{self.problem_id}-{self.round}"

    @property
    def higher_is_better(self) -> bool:
        return METRICS[self.metric].higher_is_better

    # -- Plan
    def add_action(self, **fields_: str) -> Action:
        """Append an action given as 5W1H/6W2H keywords; returns it.

        Parameters
        ----------
        **fields_ : str
            ``what, why, who, whom, when, where, how, how_much`` (and ``done``).

        Returns
        -------
        Action
        """
        action = Action.from_mapping(fields_)
        self.actions.append(action)
        return action

    def plan_feedback(self, lang: str = "zh") -> pd.DataFrame:
        """:func:`check_plan` of this cycle's actions (its scheme and deadline).

        Parameters
        ----------
        lang : {"zh", "en"}
            Language of the field labels.

        Returns
        -------
        DataFrame
        """
        return check_plan(self.actions, scheme=self.scheme, deadline=self.deadline, lang=lang)

    # -- Do
    def log(self, date: str, text: str, who: str = "") -> LogEntry:
        """Record what was done (Do).

        Parameters
        ----------
        date : str
            The day it was done (any date form pandas reads).
        text : str
            What was done.
        who : str
            Who did it.

        Returns
        -------
        LogEntry
        """
        entry = LogEntry(str(pd.Timestamp(date).date()), str(text), str(who))
        self.do_log.append(entry)
        return entry

    # -- Check
    def check(
        self, ds: Dataset=None, *, periods: Sequence[str] | None = None, values: Sequence[float] | None = None
    ) -> CheckResult:
        """Compute the metric after the change and compare it with the target.

        Parameters
        ----------
        ds : Dataset, optional
            The data; the metric is computed with :func:`dealerlab.figures.compute` for ``store_id``.
        periods : sequence of str, optional
            Check months (default ``check_periods``; they are stored).
        values : sequence of float, optional
            Values measured elsewhere, one per period (instead of ``ds``).

        Returns
        -------
        CheckResult
            Also stored as ``check_result``.
        """
        periods = list(periods if periods is not None else self.check_periods)
        if not periods:
            raise ParameterError(
                *_MSG.both("no_check_periods"),
            )
        periods = [check_period(p, name="periods") for p in periods]
        self.check_periods = periods
        note = ""
        if values is not None:
            vals = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
            if len(vals) != len(periods):
                raise ParameterError(
                    *_MSG.both("values_periods_mismatch")
                )
        elif ds is not None:
            from dealerlab.figures import compute

            out = compute(ds, periods=periods, stores=[self.store_id], metrics=[self.metric])
            by = dict(zip(out["period"], out["value"], strict=False))
            reasons = [r for r in out["reason"].dropna() if r]
            vals = [None if pd.isna(by.get(p)) else float(by[p]) for p in periods]
            note = _MSG.text("note_sep").join(dict.fromkeys(reasons))
        else:
            raise ParameterError(*_MSG.both("nothing_to_check"))
        present = [v for v in vals if v is not None]
        after = sum(present) / len(present) if present else None
        if after is None:
            met = None
            note = note or _MSG.text("no_check_values")
        else:
            met = after >= self.target if self.higher_is_better else after <= self.target
        self.check_result = CheckResult(
            periods, [None if v is None else _num(v) for v in vals], None if after is None else _num(after), self.target,
            None if met is None else bool(met), note,
        )  # fmt: skip
        return self.check_result

    # -- Act
    def standardise(self, note: str) -> None:
        """Act: the change worked; record the standard written.

        Parameters
        ----------
        note : str
            The standard written (作业标准、检查表、制度…).
        """
        self.act_decision, self.act_note = "standardise", str(note)

    def next_cycle(
        self,
        *,
        cause: str,
        target: float | None = None,
        deadline: str | None = None,
        problem: str | None = None,
        note: str = "",
    ) -> Cycle:
        """Act: open the next cycle of the same problem with the cause found; this cycle records the decision.

        The new cycle's baseline is this cycle's Check value ("after") when there is one, else this baseline.

        Parameters
        ----------
        cause : str
            The cause found, which the next cycle acts on.
        target : float, optional
            New target (default: the same).
        deadline : str, optional
            New deadline ``YYYY-MM`` (default: the same).
        problem : str, optional
            New problem statement (default: the same).
        note : str
            Why this cycle goes on (default: names the round and the cause).

        Returns
        -------
        Cycle
        """
        self.act_decision = "next_cycle"
        self.act_note = note or _MSG.get("next_round", round=self.round + 1, cause=cause)
        after = self.check_result.after if self.check_result and self.check_result.after is not None else self.baseline
        return Cycle(
            problem=problem or self.problem,
            metric=self.metric,
            store_id=self.store_id,
            baseline=after,
            target=self.target if target is None else target,
            deadline=deadline or self.deadline,
            problem_id=self.problem_id,
            round=self.round + 1,
            cause=cause,
            scheme=self.scheme,
            baseline_periods=list(self.check_periods),
        )

    def stage(self) -> str:
        """Where the cycle stands: P (planning), D (doing), C (checked), A (act decided)."""
        if self.act_decision:
            return "A"
        if self.check_result is not None:
            return "C"
        if self.do_log:
            return "D"
        return "P"

    def summary(self, lang: str = "zh") -> pd.DataFrame:
        """A one-row table: cycle id, problem, metric, baseline, target, after, met, decision.

        Parameters
        ----------
        lang : {"zh", "en"}
            Language of the metric name.

        Returns
        -------
        DataFrame
        """
        cr = self.check_result
        return pd.DataFrame(
            [
                {
                    "cycle_id": self.cycle_id,
                    "store_id": self.store_id,
                    "problem": self.problem,
                    "metric": label(self.metric, lang),
                    "baseline": self.baseline,
                    "target": self.target,
                    "after": None if cr is None else cr.after,
                    "met": None if cr is None else cr.met,
                    "stage": self.stage(),
                    "act": self.act_decision,
                }
            ]
        )

    # -- serialisation
    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> Cycle:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def _num(v) -> float:
    """A float kept to 12 significant digits, so that JSON and Excel (which keeps ~15) give it back unchanged."""
    return float(f"{float(v):.12g}")


# ----------------------------------------------------------------------------------------------------------------
# Plan completeness


def _is_date(text: str, year: int | None = None) -> bool:
    return parse_deadline(text, year=year) is not None


def _due(text: str, year: int | None = None) -> pd.Timestamp:
    return pd.Timestamp(parse_deadline(text, year=year)[0])


def check_plan(
    actions: Iterable[Action | Mapping],
    *,
    scheme: str = "5W1H",
    deadline: str | None = None,
    lang: str = "zh",
    year: int | None = None,
) -> pd.DataFrame:
    """Completeness of a Plan: one row per action × field of the scheme, with feedback for each missing field.

    Parameters
    ----------
    actions : iterable of Action or mapping
        The actions (mappings use the field names ``what, why, who, whom, when, where, how, how_much``).
    scheme : {"5W1H", "6W2H"}
        Which fields are asked.
    deadline : str, optional
        Month ``YYYY-MM`` of the cycle; a ``when`` later than its last day is flagged.
    lang : {"zh", "en"}
        Language of ``label`` (feedback messages are Chinese; English adds the field name).
    year : int, optional
        Year of a ``when`` written without one (「11月15日前」); default the deadline's year, else the current year.

    Returns
    -------
    DataFrame
        ``action`` (1-based), ``field``, ``label``, ``required`` (bool), ``ok`` (bool), ``message``
        (empty when ok; otherwise what is missing and how to write it).
    """
    check_option("scheme", scheme, SCHEMES)
    check_option("lang", lang, ("zh", "en"))
    rows = []
    acts = [a if isinstance(a, Action) else Action.from_mapping(a) for a in actions]
    if year is None and deadline:
        year = _due(deadline).year
    for i, act in enumerate(acts, start=1):
        for name in SCHEMES[scheme]:
            text = str(getattr(act, name)).strip()
            required = name in REQUIRED_FIELDS
            zh = FIELD_LABELS[name][0]
            ok, message = True, ""
            if not text:
                ok = False
                message = _MSG.get("missing_required" if required else "missing_optional", i=i, label=zh) + _hint(name)
            elif name == "who" and any(v in text for v in _VAGUE_WHO) and len(text) <= 6:
                ok = False
                message = _MSG.get("vague_who", i=i, label=zh, text=text) + _hint("who")
            elif name == "when" and not _is_date(text, year):
                ok = False
                message = _MSG.get("not_a_date", i=i, label=zh, text=text) + _hint("when")
            elif name == "when" and deadline and _due(text, year) > _due(deadline):
                ok = False
                message = _MSG.get("after_deadline", i=i, text=text, deadline=deadline)
            rows.append(
                {
                    "action": i,
                    "field": name,
                    "label": FIELD_LABELS.label(name, lang),
                    "required": required,
                    "ok": ok,
                    "message": message,
                }
            )
    if not acts:
        rows.append(
            {
                "action": 0,
                "field": "",
                "label": "",
                "required": True,
                "ok": False,
                "message": _MSG.text("no_actions"),
            }
        )
    return pd.DataFrame(rows, columns=["action", "field", "label", "required", "ok", "message"])


def plan_is_complete(actions: Iterable[Action | Mapping], *, scheme: str = "5W1H", deadline: str | None = None) -> bool:
    """True when every action has its required fields (what, who, when) right and there is at least one action.

    Parameters
    ----------
    actions : iterable of Action or mapping
        The actions of the Plan.
    scheme : {"5W1H", "6W2H"}
        Fields asked of each action.
    deadline : str, optional
        Month ``YYYY-MM`` of the cycle; a later ``when`` counts as wrong.

    Returns
    -------
    bool
    """
    fb = check_plan(actions, scheme=scheme, deadline=deadline)
    return bool(fb.loc[fb["required"], "ok"].all())


# ----------------------------------------------------------------------------------------------------------------
# chains and files


def chain(cycles: Iterable[Cycle], problem_id: str) -> list[Cycle]:
    """The cycles of one problem, in round order.

    Parameters
    ----------
    cycles : iterable of Cycle
        Any cycles (several problems mixed).
    problem_id : str
        The problem whose cycles are wanted.

    Returns
    -------
    list of Cycle
    """
    return sorted((c for c in cycles if c.problem_id == problem_id), key=lambda c: c.round)


_FORMAT = "dealerlab.pdca/1"


def cycles_to_json(cycles: Iterable[Cycle]) -> str:
    """JSON text of a list of cycles (UTF-8, Chinese kept readable).

    Parameters
    ----------
    cycles : iterable of Cycle
        The cycles to write.

    Returns
    -------
    str
    """
    return json.dumps({"format": _FORMAT, "cycles": [c.to_dict() for c in cycles]}, ensure_ascii=False, indent=2)


def cycles_from_json(text: str) -> list[Cycle]:
    """Cycles from :func:`cycles_to_json` text.

    Parameters
    ----------
    text : str
        The JSON text (DealerlabError with a Chinese message when it is not a dealerlab PDCA file).

    Returns
    -------
    list of Cycle
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DealerlabError(*_MSG.both("file_not_json", exc=exc)) from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise DealerlabError(*_MSG.both("file_not_pdca"))
    return [Cycle.from_dict(c) for c in data["cycles"]]


_CYCLE_COLS = [
    "problem_id", "round", "store_id", "problem", "metric", "baseline", "target", "deadline", "cause", "scheme",
    "baseline_periods", "check_periods", "act_decision", "act_note",
]  # fmt: skip
_SHEETS = {"cycles": "循环", "actions": "措施", "do_log": "执行记录", "check": "检查"}


def _write_sheet(ws, header: list[str], rows: list[list]) -> None:
    """Write cells; every text cell is stored as text (never a formula), so client strings cannot inject formulas."""
    ws.append(header)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"


def save_cycles(cycles: Iterable[Cycle], path: str | Path) -> Path:
    """Save cycles to ``.json`` or ``.xlsx`` (by suffix), atomically. Returns the path.

    The workbook has sheets 循环 (one row per cycle), 措施 (one per action), 执行记录 (Do log) and 检查 (one row per
    check month). Text cells are written as text, never as formulas.

    Parameters
    ----------
    cycles : iterable of Cycle
        The cycles to save (all fields, Plan, Do log and Check included).
    path : str or Path
        Target file ending in ``.json`` or ``.xlsx``.

    Returns
    -------
    Path
    """
    path = Path(path)
    cycles = list(cycles)
    suffix = path.suffix.lower()
    check_option("suffix", suffix, (".json", ".xlsx"))
    if suffix == ".json":
        with atomic_file(path) as tmp:
            tmp.write_text(cycles_to_json(cycles), encoding="utf-8")
        return path
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _SHEETS["cycles"]
    rows = []
    for c in cycles:
        d = c.to_dict()
        d["baseline_periods"] = ",".join(c.baseline_periods)
        d["check_periods"] = ",".join(c.check_periods)
        rows.append([d[k] for k in _CYCLE_COLS])
    _write_sheet(ws, _CYCLE_COLS, rows)
    act_cols = ["cycle_id", "index", *(f.name for f in fields(Action))]
    _write_sheet(
        wb.create_sheet(_SHEETS["actions"]),
        act_cols,
        [
            [c.cycle_id, i, *(getattr(a, f.name) for f in fields(Action))]
            for c in cycles
            for i, a in enumerate(c.actions)
        ],
    )
    _write_sheet(
        wb.create_sheet(_SHEETS["do_log"]),
        ["cycle_id", "index", "date", "text", "who"],
        [[c.cycle_id, i, e.date, e.text, e.who] for c in cycles for i, e in enumerate(c.do_log)],
    )
    _write_sheet(
        wb.create_sheet(_SHEETS["check"]),
        ["cycle_id", "period", "value", "after", "target", "met", "note"],
        [
            [c.cycle_id, p, v, c.check_result.after, c.check_result.target, c.check_result.met, c.check_result.note]
            for c in cycles
            if c.check_result is not None
            for p, v in zip(c.check_result.periods, c.check_result.values, strict=True)
        ],
    )
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return path


def _text(v) -> str:
    return "" if v is None else str(v)


def load_cycles(path: str | Path) -> list[Cycle]:
    """Load cycles saved by :func:`save_cycles` (``.json`` or ``.xlsx``).

    Parameters
    ----------
    path : str or Path
        A file written by :func:`save_cycles` (a workbook edited in Excel is fine if its sheets and headers stay).

    Returns
    -------
    list of Cycle
    """
    path = Path(path)
    suffix = path.suffix.lower()
    check_option("suffix", suffix, (".json", ".xlsx"))
    if not path.is_file():
        raise DealerlabError(*_MSG.both("file_missing", path=path))
    if suffix == ".json":
        return cycles_from_json(path.read_text(encoding="utf-8"))
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    missing = [s for s in _SHEETS.values() if s not in wb.sheetnames]
    if missing:
        raise DealerlabError(
            *_MSG.both("workbook_lacks_sheets", missing_zh=_MSG.text("list_sep").join(missing), missing=missing),
        )

    def records(sheet: str) -> list[dict]:
        it = wb[_SHEETS[sheet]].iter_rows(values_only=True)
        header = next(it, None) or ()
        return [dict(zip(header, row, strict=False)) for row in it if any(v is not None for v in row)]

    actions: dict[str, list] = {}
    for r in sorted(records("actions"), key=lambda r: (r["cycle_id"], r["index"])):
        actions.setdefault(r["cycle_id"], []).append(
            Action(**{f.name: (bool(r[f.name]) if f.name == "done" else _text(r[f.name])) for f in fields(Action)})
        )
    logs: dict[str, list] = {}
    for r in sorted(records("do_log"), key=lambda r: (r["cycle_id"], r["index"])):
        logs.setdefault(r["cycle_id"], []).append(LogEntry(_text(r["date"]), _text(r["text"]), _text(r["who"])))
    checks: dict[str, CheckResult] = {}
    for r in records("check"):
        cr = checks.get(r["cycle_id"])
        if cr is None:
            cr = checks[r["cycle_id"]] = CheckResult([], [], r["after"], float(r["target"]), r["met"], _text(r["note"]))
        cr.periods.append(_text(r["period"]))
        cr.values.append(None if r["value"] is None else float(r["value"]))
    out = []
    for r in records("cycles"):
        d = {k: r.get(k) for k in _CYCLE_COLS}
        for k in (
            "problem",
            "cause",
            "act_decision",
            "act_note",
            "problem_id",
            "store_id",
            "metric",
            "deadline",
            "scheme",
        ):
            d[k] = _text(d[k])
        d["round"] = int(d["round"])
        d["baseline_periods"] = [p for p in _text(d["baseline_periods"]).split(",") if p]
        d["check_periods"] = [p for p in _text(d["check_periods"]).split(",") if p]
        cid = f"{d['problem_id']}-{d['round']}"
        out.append(Cycle(**d, actions=actions.get(cid, []), do_log=logs.get(cid, []), check_result=checks.get(cid)))
    return out
