"""Report and metrics parameters, checked strictly before anything runs.

papermill accepts unknown parameters with only a warning (RECIPES.md), so every parameter is checked here first:
an unknown store, a malformed period or a period outside the data stops the run with a clear message.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dealerlab._options import check_lang
from dealerlab.calendar import check_period, period_range
from dealerlab.errors import ParameterError
from dealerlab.funnel.benchmarks import load_benchmark_set
from dealerlab.i18n import Catalogue

if TYPE_CHECKING:
    from dealerlab.data.dataset import Dataset

__all__ = ["ReportParams", "check_scope", "check_benchmarks"]

_MSG = Catalogue.load("report/params")


@dataclass(frozen=True)
class ReportParams:
    """What one report run covers. ``store_id=None`` means the group report."""

    data: str
    period: str
    store_id: str | None = None
    lang: str = "zh"
    show_pii: bool = False
    benchmarks: str | None = None
    months: int = 6  # trend window shown in charts
    source: str = ""  # the client file's name, shown on the cover (``data`` may be a cache of it)
    notes: str | None = None  # the consultant's notes file (--notes), checked before the run
    brand: str | None = None  # the brand file (--brand), checked before the run
    pptx: bool = False  # also write the deck
    folder: str | None = None  # where the report's deliverables (notes template, deck) are written

    def as_parameters(self) -> dict:
        """The papermill parameters (plain JSON types)."""
        return asdict(self)


def check_scope(ds: Dataset, *, period: str, stores=None, months: int = 1, lang: str = "zh") -> tuple[list[str], list[str]]:
    """Check ``period``/``months``/``stores`` against the Dataset ``ds``; return (periods, stores).

    Raises
    ------
    ParameterError
        Malformed period, months < 1, a store not in ``stores``, or a period the data does not cover.
    """
    check_lang(lang)
    check_period(period)
    if not isinstance(months, int) or months < 1 or months > 60:
        raise ParameterError(*_MSG.both("months_out_of_range", value=repr(months)))
    known = ds.store_ids
    if stores is None:
        stores = known
    else:
        stores = [stores] if isinstance(stores, str) else list(stores)
        unknown = [s for s in stores if s not in known]
        if unknown:
            sep_zh, sep_en = _MSG.both("list_sep")
            raise ParameterError(_MSG.get("unknown_store", "zh", stores=sep_zh.join(unknown), known=sep_zh.join(known)),
                                 _MSG.get("unknown_store", "en", stores=sep_en.join(unknown), known=sep_en.join(known)))
    covered = ds.periods()
    if period not in covered:
        span = f"{covered[0]} – {covered[-1]}" if covered else _MSG.text("no_months")
        raise ParameterError(*_MSG.both("period_not_covered", period=period, span=span))
    periods = [p for p in period_range(period, months) if p in covered]
    return periods, stores


def check_benchmarks(path: str | Path, *, lang: str = "zh"):
    """Read and check a ``--benchmarks`` file before anything runs; return its BenchmarkSet.

    Raises
    ------
    ParameterError
        The file is missing, damaged (truncated JSON, not UTF-8), has an unknown metric id or a value that is not a
        rate — the message names the file and the line or key (:func:`dealerlab.funnel.load_benchmark_set`).
    """
    check_lang(lang)

    try:
        return load_benchmark_set(Path(path))
    except OSError as err:  # unreadable: permission, a folder, …
        raise ParameterError(*_MSG.both("benchmarks_unreadable", path=path, why=err.strerror or err)) from None
