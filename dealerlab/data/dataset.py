"""The validated client data: one tidy pandas DataFrame per table, canonical English column names.

Column dtypes follow the kind declared in :mod:`dealerlab.data.schema`:
``id``/``text``/``enum``/``period`` → pandas ``string``; ``date`` → ``datetime64[ns]`` (midnight);
``bool`` → ``boolean``; ``int`` → ``Int64``; ``number`` → ``float64``.
Every declared column is present in every table the dataset holds (absent optional columns are all-missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import pandas as pd

from dealerlab.data.coerce import midnight
from dealerlab.data.schema import TABLES
from dealerlab.errors import MissingTableError, ParameterError, Problem
from dealerlab.i18n import Catalogue

__all__ = ["Dataset", "DTYPES", "conform"]

DTYPES = {
    "id": "string",
    "text": "string",
    "enum": "string",
    "period": "string",
    "date": "datetime64[ns]",
    "bool": "boolean",
    "int": "Int64",
    "number": "float64",
}

_TEXT = Catalogue.load("data/dataset")


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame`` every declared column of table ``name`` with its canonical dtype, declared columns first.

    Values must already be coerced (the loader does that); this only adds missing optional columns and casts.
    Extra columns are kept after the declared ones.
    """
    spec = TABLES[name]
    out = {}
    n = len(frame)
    for col in spec.columns:
        dtype = DTYPES[col.kind]
        if col.name in frame.columns:
            s = frame[col.name]
            if col.kind == "date":
                s = midnight(pd.to_datetime(s).astype("datetime64[ns]"))
            else:
                s = s.astype(dtype)
        else:
            s = pd.Series(pd.array([None] * n, dtype=dtype) if dtype != "datetime64[ns]" else pd.NaT, index=frame.index, dtype=dtype)
        out[col.name] = s
    extra = [c for c in frame.columns if c not in spec]
    result = pd.DataFrame(out, index=frame.index)
    for c in extra:
        result[c] = frame[c]
    return result.reset_index(drop=True)


@dataclass
class Dataset:
    """The tables of one client (or of the bundled demo), validated.

    Access a table as ``ds.leads`` or ``ds["leads"]``; ``ds.has("leads")`` tells whether it is present.
    A figure that needs a missing table raises :class:`~dealerlab.errors.MissingTableError`, which the
    report turns into "data missing" for that section.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The tables present, keyed by English table name.
    warnings : list of Problem
        Warnings found while loading (unknown extra columns, open enumerations, ...).
    source : str
        Where the data came from (path, or "demo").
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(TABLES)
        if unknown:
            raise ParameterError(*_TEXT.both("unknown_tables", tables=_TEXT.text("list_sep").join(sorted(map(str, unknown)))))

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], *, source: str = "", warnings: Iterable[Problem] = ()) -> Dataset:
        """Build a Dataset from already clean frames (tests, the generator): columns conformed to the schema."""
        return cls({name: conform(name, df) for name, df in frames.items()}, list(warnings), source)

    def has(self, name: str) -> bool:
        return name in self.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            if name in TABLES:
                raise MissingTableError(name, table_zh=TABLES[name].zh) from None
            raise

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            return self[name]
        raise AttributeError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"Dataset({self.source!r}: {sizes})"

    @property
    def store_ids(self) -> list[str]:
        return sorted(self["stores"]["store_id"].tolist())

    def store_name(self, store_id: str) -> str:
        stores = self["stores"]
        hit = stores.loc[stores["store_id"] == store_id, "store_name"]
        return str(hit.iloc[0]) if len(hit) else str(store_id)

    def periods(self) -> list[str]:
        """Every month ``YYYY-MM`` covered by the dated event tables (leads excepted), sorted."""
        from dealerlab.calendar import period_of

        dates = []
        for name, col in _EVENT_DATES.items():
            if name == "leads":  # old open prospects are carried in exports: their creation does not make a month covered
                continue
            if name in self.tables and len(self.tables[name]):
                d = self.tables[name][col].dropna()
                if len(d):
                    dates.extend([d.min(), d.max()])
        if not dates:
            return []
        lo, hi = min(dates), max(dates)
        return [str(p) for p in pd.period_range(period_of(lo), period_of(hi), freq="M")]

    def last_date(self) -> pd.Timestamp | None:
        """The latest event date in the data (the default reference date of account figures)."""
        dates = [self.tables[n][c].max() for n, c in _EVENT_DATES.items() if n in self.tables and len(self.tables[n])]
        dates = [d for d in dates if pd.notna(d)]
        return max(dates) if dates else None

    def select(self, *, stores: Iterable[str] | None = None) -> Dataset:
        """A Dataset restricted to some stores (every table with a ``store_id`` column is filtered).

        Rows whose ``store_id`` is blank where the contract allows it (oem_policy: a row for every store) are kept.
        """
        if stores is None:
            return self
        keep = set(stores)

        def _rows(name, df):
            if "store_id" not in df.columns:
                return df
            mask = df["store_id"].isin(keep)
            if name in TABLES and "store_id" in TABLES[name] and not TABLES[name].column("store_id").required:
                mask = mask | df["store_id"].isna()
            return df[mask].reset_index(drop=True)

        tables = {name: _rows(name, df) for name, df in self.tables.items()}
        return Dataset(tables, list(self.warnings), self.source)


#: the date column that places each event table in time
_EVENT_DATES = {
    "leads": "created_date",
    "visits": "visit_date",
    "calls": "call_date",
    "test_drives": "drive_date",
    "sales": "invoice_date",
    "service_orders": "open_date",
    "surveys": "survey_date",
    "complaints": "received_date",
    "booth_usage": "date",
}
