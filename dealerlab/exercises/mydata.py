"""「用我的门店数据」: a trainee loads his own DMS export and the exercises speak in his numbers.

Layout (server-side, beside the trainee's answers; a hidden folder, so the class report and the dashboard never read
it as answers)::

    <answers>/<trainee>/.mydata/
        .dealerlab-mydata            marker: this folder was written by dealerlab (``class new`` removes it)
        data/<file>.xlsx | data/<table>.csv …   the last upload that passed the validator
        dataset.pkl                  the validated Dataset (written here, read back here only)
        state.json                   {"store_id", "period", "uploaded", "file"}
        summary.json                 key rates of the chosen store-month (no store name): the class comparison
        report/                      「我的诊断」: the consultant report (``dealerlab report``'s folder)

* :class:`MyData` — upload (an .xlsx workbook or a zip of CSV files, size-limited, unpacked safely), validation by
  :func:`dealerlab.data.load.collect` (the same rules as ``dealerlab validate``), the problems as a table
  (文件 / 工作表 / 行 / 列 / 问题 / 怎么改, personal data masked), the store and month picked, the report.
* :func:`mydata_panel` — the upload panel (ipywidgets ``FileUpload``) with the problem table, store and month.
* :func:`mine` — the 「我的数据」 version of an exercise that computes on data (the same fields and checks; the expected
  values from the trainee's store by :func:`dealerlab.figures.compute`, the registry's function).
* :func:`diagnosis_panel` — 「我的诊断」: the consultant report of the trainee's store (:func:`build_report`, the code
  of ``dealerlab report``, personal data masked) to download, and a one-page 行动计划 from his 5W1H answers.
* :func:`class_comparison` — the trainer's anonymised comparison (key rates against the class median, no names).

Nothing happens at import time.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import pickle
import shutil
import statistics
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from dealerlab import accounts as A
from dealerlab.data.privacy import mask_company, mask_value
from dealerlab.data.schema import TABLES
from dealerlab.errors import DealerlabError, ExerciseError, Problem
from dealerlab.errors import Problem as P
from dealerlab.exercises import ChoiceField, ClassifyField, Exercise, Feedback, is_close
from dealerlab.exercises.course._sorting import item_details
from dealerlab.exercises.course.policy import ANNUAL_RATE
from dealerlab.exercises.fields import TextField
from dealerlab.exercises.gradebook import known_exercises
from dealerlab.exercises.store import AnswerStore, atomic_write_text, now_iso, read_json_limited, safe_name
from dealerlab.i18n import Catalogue
from dealerlab.metrics import info, label
from dealerlab.policy import VP_ITEM, cliff, rebate_table, stock_by_model
from dealerlab.policy.rebates import resolve_policy
from dealerlab.policy.stock import stock_units_at
from dealerlab.report.commands import build_report

__all__ = [
    "MyData",
    "UploadResult",
    "problem_table",
    "mydata_panel",
    "mine",
    "diagnosis_panel",
    "action_plan_html",
    "class_comparison",
    "uses_own_data",
    "remove_uploads",
    "FOLDER",
    "MINE_SUFFIX",
    "MAX_UPLOAD_BYTES",
    "KEY_RATES",
    "FIXED_CASE",
]

#: the hidden folder in a trainee's answer folder
FOLDER = ".mydata"
MARKER = ".dealerlab-mydata"
#: the id of an exercise's 「我的数据」 version is ``<id>-mine``
MINE_SUFFIX = "-mine"
#: largest upload (an .xlsx of one store × 24 months is a few MB)
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
#: largest total of the CSV files unpacked from a zip, and how many files it may hold
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 60
#: the rates the class comparison shows (registry ids)
KEY_RATES = ("capture_rate", "call_visit_rate", "revisit_rate", "test_drive_rate", "close_rate")
#: the class comparison appears from this many trainees with their own data
MIN_COMPARISON = 5

#: exercises whose point is a fixed teaching case (no 「我的数据」): id → why, in the trainee's words
_T = Catalogue.load("exercises/mydata")

#: exercises whose point is a fixed teaching case (no 「我的数据」): id → why, in the trainee's words
FIXED_CASE = _T.pairs("fixed_case", ("03b-whatif-slider", "03c-diagnosis-case"))

#: the columns of the problem table (zh, en)
_PROBLEM_COLUMNS = _T.pairs("problem_col", ("file", "sheet", "row", "column", "problem", "fix"))
#: problems listed one by one in the panel (the rest are counted)
MAX_SHOWN = 200


# ----------------------------------------------------------------------------------------------------------------
# problems as a table
def _mask_problem(p: Problem, lang: str = "zh") -> tuple[str, str]:
    """The message and hint of ``p`` in ``lang`` with a personal value (name, phone, VIN, company) masked."""
    msg, hint = p.message(lang), p.hint(lang)
    spec = TABLES.get(p.table)
    if spec is None or p.value is None or str(p.value).strip() == "":
        return msg, hint
    for col in spec.columns:
        if col.pii and p.column in (col.name, col.zh):
            shown = str(p.value)
            masked = str(mask_value(col.name, p.value))
            return msg.replace(shown, masked), hint.replace(shown, masked)
    return msg, hint


def problem_table(problems, *, lang: str = "zh") -> pd.DataFrame:
    """The validator's problems as the trainee fixes them in Excel: 文件, 工作表, 行, 列, 问题, 怎么改.

    Parameters
    ----------
    problems : iterable of Problem
        From :func:`dealerlab.data.load.collect` (``log.errors`` or ``log.warnings``).
    lang : {"zh", "en"}
        Language of the headers and texts.

    Returns
    -------
    DataFrame
        One row per problem; ``行`` is the Excel row (or CSV line), blank for a whole table or file; personal values
        (names, phones, VINs, companies) masked as in reports.
    """
    rows = []
    for p in problems:
        source = p.source or ""
        file, sheet = source, ""
        if ":" in source:
            file, _, sheet = source.rpartition(":")
        msg, hint = _mask_problem(p, lang)
        rows.append([file, sheet, "" if p.row is None else int(p.row), p.column or "", msg, hint])
    return pd.DataFrame(rows, columns=[_PROBLEM_COLUMNS.label(c, lang) for c in _PROBLEM_COLUMNS])


def _table_html(df: pd.DataFrame, *, css_class: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    return (f"<table class='{css_class}' style='border-collapse:collapse;font-size:13px'>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# ----------------------------------------------------------------------------------------------------------------
# the trainee's data folder
@dataclass
class UploadResult:
    """What an upload gave: ``ok`` (the data is now in use), the errors and warnings (``Problem`` lists)."""

    ok: bool
    file: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def table(self, lang: str = "zh") -> pd.DataFrame:
        """The errors as :func:`problem_table`."""
        return problem_table(self.errors, lang=lang)


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it: zips made on Chinese Windows store GBK names without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("gbk")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name


def _bad_upload(zh: str, en: str, file: str) -> UploadResult:
    return UploadResult(False, file, [P(table="", rule="upload", message_zh=zh, message_en=en, source=file,
                                        hint_zh="", hint_en="")])


class MyData:
    """The trainee's own data, in ``<answers>/<trainee>/.mydata/``.

    Parameters
    ----------
    store : AnswerStore, optional
        Whose data (default: the answer store of this kernel: the classroom's trainee, or the workshop's).
    """

    def __init__(self, store: AnswerStore | None = None) -> None:
        self.store = store if store is not None else AnswerStore()
        self._ds = None
        self._ds_stamp = None

    # -- places ---------------------------------------------------------------------------------------------------
    @property
    def trainee(self) -> str | None:
        return self.store.trainee

    @property
    def folder(self) -> Path:
        trainee = self.trainee
        if not trainee:
            raise ExerciseError(*_T.both("name_unknown"))
        return self.store.root / safe_name(trainee) / FOLDER

    def _state(self) -> dict:
        try:
            data = read_json_limited(self.folder / "state.json", max_bytes=64 * 1024)
        except (FileNotFoundError, ValueError, OSError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_state(self, **changes) -> dict:
        state = {**self._state(), **changes}
        atomic_write_text(self.folder / "state.json", json.dumps(state, ensure_ascii=False, indent=1))
        return state

    @property
    def has_data(self) -> bool:
        """Whether a validated upload is in use."""
        try:
            return (self.folder / "dataset.pkl").is_file() and bool(self._state().get("file"))
        except ExerciseError:
            return False

    @property
    def file_name(self) -> str:
        """The name of the uploaded file (as the trainee named it, no folder)."""
        return str(self._state().get("file") or "")

    @property
    def selection(self) -> tuple[str, str] | None:
        """``(store_id, period)`` picked, or None."""
        s = self._state()
        if self.has_data and s.get("store_id") and s.get("period"):
            return str(s["store_id"]), str(s["period"])
        return None

    # -- upload ---------------------------------------------------------------------------------------------------
    def upload(self, name: str, content: bytes, *, today=None) -> UploadResult:
        """Check an uploaded file; when it passes, it becomes the data in use (the previous upload is replaced).

        Parameters
        ----------
        name : str
            The file's name as uploaded (only its last part is used).
        content : bytes
            The file.
        today : date-like, optional
            The validator's reference date (tests).

        Returns
        -------
        UploadResult
            ``ok`` and the problems; nothing of a file that fails is kept.
        """
        from dealerlab.data.load import collect

        base = PurePosixPath(str(name).replace("\\", "/")).name or "upload"
        shown = base[:80]
        if len(content) > MAX_UPLOAD_BYTES:
            return _bad_upload(*_T.both("upload_too_large", mb=len(content) / 1e6, max=MAX_UPLOAD_BYTES // (1024 * 1024)),
                               shown)
        if not content:
            return _bad_upload(*_T.both("upload_empty"), shown)
        suffix = Path(base).suffix.lower()
        if suffix not in (".xlsx", ".zip"):
            hint = _T.get("upload_xls_hint", "zh") if suffix in (".xls", ".et") else ""
            return _bad_upload(*_T.both("upload_wrong_kind", hint=hint), shown)
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / MARKER
        if not marker.exists():
            marker.write_text(_T.get("marker", "zh") + "\n", encoding="utf-8")
        staging = folder / f"incoming-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        try:
            if suffix == ".xlsx":
                target = staging / (safe_name(Path(base).stem) + ".xlsx")
                target.write_bytes(content)
                path = target
            else:
                bad = self._unzip(content, staging, shown)
                if bad is not None:
                    return bad
                path = staging
            try:
                frames, log = collect(path, today=None if today is None else pd.Timestamp(today))
            except DealerlabError as err:
                return _bad_upload(err.message("zh") if hasattr(err, "message") else str(err), str(err), shown)
            if log.errors:
                return UploadResult(False, shown, list(log.errors), list(log.warnings))
            from dealerlab.data.dataset import Dataset, conform

            ds = Dataset({n: conform(n, f) for n, f in frames.items()}, log.warnings, shown)
            # the upload passed: it replaces the previous one
            data = folder / "data"
            old = folder / f"old-{uuid.uuid4().hex[:8]}"
            if data.exists():
                os.replace(data, old)
            os.replace(staging, data)
            shutil.rmtree(old, ignore_errors=True)
            tmp = folder / "dataset.pkl.tmp"
            with open(tmp, "wb") as fh:
                pickle.dump(ds, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / "dataset.pkl")
            shutil.rmtree(folder / "report", ignore_errors=True)  # a report of the previous data is not theirs now
            (folder / "summary.json").unlink(missing_ok=True)
            self._ds, self._ds_stamp = ds, None
            self._write_state(file=shown, uploaded=now_iso(), kind=suffix[1:], store_id=None, period=None)
            stores = self.stores()
            if len(stores) == 1:  # one store: pick it and its latest month
                sid = stores[0][0]
                months = self.months(sid)
                if months:
                    self.select(sid, months[-1])
            return UploadResult(True, shown, [], list(log.warnings))
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    @staticmethod
    def _unzip(content: bytes, into: Path, shown: str) -> UploadResult | None:
        """Unpack the CSV (and Parquet) files of a zip, flat, by their own names; None when it went well."""
        try:
            zf = zipfile.ZipFile(io.BytesIO(content))
        except zipfile.BadZipFile:
            return _bad_upload(*_T.both("zip_broken"), shown)
        with zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
            wanted = []
            for info in members:
                name = PurePosixPath(_zip_name(info).replace("\\", "/")).name
                if name.startswith(".") or "__MACOSX" in info.filename or name.startswith("~$"):
                    continue
                if Path(name).suffix.lower() in (".csv", ".parquet"):
                    wanted.append((info, name))
            if not wanted:
                return _bad_upload(*_T.both("zip_no_csv"), shown)
            if len(wanted) > MAX_ZIP_MEMBERS:
                return _bad_upload(*_T.both("zip_too_many", n=len(wanted), max=MAX_ZIP_MEMBERS), shown)
            if sum(i.file_size for i, _ in wanted) > MAX_UNZIPPED_BYTES:
                return _bad_upload(*_T.both("zip_too_large", max=MAX_UNZIPPED_BYTES // (1024 * 1024)), shown)
            seen = set()
            for info, name in wanted:
                key = name.casefold()
                if key in seen:
                    return _bad_upload(*_T.both("zip_same_name", name=name), shown)
                seen.add(key)
                target = into / safe_name(name)
                written = 0
                with zf.open(info) as src, open(target, "wb") as dst:
                    while True:
                        chunk = src.read(1 << 20)
                        if not chunk:
                            break
                        written += len(chunk)
                        if written > MAX_UNZIPPED_BYTES:  # the header lied about the size
                            return _bad_upload(*_T.both("zip_grew_too_large"), shown)
                        dst.write(chunk)
        return None

    # -- the data in use -------------------------------------------------------------------------------------------
    def dataset(self):
        """The validated Dataset of the upload in use (None without one)."""
        path = self.folder / "dataset.pkl"
        try:
            stamp = path.stat().st_mtime_ns
        except (FileNotFoundError, ExerciseError):
            return None
        if self._ds is None or self._ds_stamp != stamp:
            with open(path, "rb") as fh:  # written by upload() above, in the trainee's server-side folder
                self._ds = pickle.load(fh)  # noqa: S301 - our own file, never an uploaded one
            self._ds_stamp = stamp
        return self._ds

    def data_path(self) -> Path | None:
        """The uploaded file (an .xlsx) or folder (CSV files) in use, for ``dealerlab report``."""
        data = self.folder / "data"
        if not data.is_dir():
            return None
        xlsx = sorted(data.glob("*.xlsx"))
        return xlsx[0] if xlsx else data

    def stores(self) -> list[tuple[str, str]]:
        """``(store_id, name)`` of the stores in the upload."""
        ds = self.dataset()
        if ds is None:
            return []
        st = ds.stores
        out = []
        for r in st.itertuples(index=False):
            sid = str(r.store_id)
            name = getattr(r, "store_name", None)
            out.append((sid, str(name) if isinstance(name, str) and name.strip() else sid))
        return out

    def store_name(self, store_id: str) -> str:
        return dict(self.stores()).get(store_id, store_id)

    def months(self, store_id: str | None = None) -> list[str]:
        """Months ``YYYY-MM`` with showroom traffic, calls, sales or repair orders of ``store_id`` (oldest first)."""
        ds = self.dataset()
        if ds is None:
            return []
        found: set[str] = set()
        for table, col in (("visits", "visit_date"), ("calls", "call_date"), ("sales", "invoice_date"),
                           ("service_orders", "open_date")):
            if not ds.has(table):
                continue
            frame = ds[table]
            if col not in frame or not len(frame):
                continue
            if store_id is not None and "store_id" in frame:
                frame = frame[frame["store_id"].astype(str) == str(store_id)]
            found.update(pd.to_datetime(frame[col], errors="coerce").dropna().dt.strftime("%Y-%m").unique())
        return sorted(found)

    def select(self, store_id: str, period: str) -> None:
        """Use ``store_id`` × ``period`` in the exercises (and write the key rates for the class comparison)."""
        if store_id not in dict(self.stores()):
            raise ExerciseError(*_T.both("no_such_store", store=store_id))
        self._write_state(store_id=store_id, period=period)
        self._write_summary()

    def _write_summary(self) -> None:
        sel = self.selection
        if sel is None:
            return
        values = self.figures(KEY_RATES)
        summary = {"period": sel[1], "rates": {k: (None if v is None else float(v)) for k, v in values.items()}}
        atomic_write_text(self.folder / "summary.json", json.dumps(summary, ensure_ascii=False))

    def figures(self, metrics) -> dict[str, float | None]:
        """Registry figures of the chosen store-month (:func:`dealerlab.figures.compute`); None when not available."""
        from dealerlab.figures import compute

        sel = self.selection
        ds = self.dataset()
        if sel is None or ds is None:
            raise ExerciseError(*_T.both("nothing_chosen"))
        long = compute(ds, periods=[sel[1]], stores=[sel[0]], metrics=list(metrics))
        out: dict[str, float | None] = {}
        for m in metrics:
            v = long.loc[long["metric"] == m, "value"]
            out[m] = None if v.empty or pd.isna(v.iloc[0]) else float(v.iloc[0])
        return out

    def remove(self) -> None:
        """Delete the trainee's uploaded data (the folder dealerlab wrote)."""
        try:
            folder = self.folder
        except ExerciseError:
            return
        if (folder / MARKER).exists():
            shutil.rmtree(folder, ignore_errors=True)
        self._ds = None

    # -- 我的诊断 ---------------------------------------------------------------------------------------------------
    def report(self, *, pdf: bool = False) -> Path:
        """The consultant report of the chosen store-month (``dealerlab report``'s code; personal data masked).

        Parameters
        ----------
        pdf : bool
            Also print it to PDF (headless Chromium).

        Returns
        -------
        Path
            The report folder (``报告.html``: :mod:`dealerlab.report.layout`); with ``pdf`` also ``.mydata/report.pdf``
            when Chromium prints it.
        """
        sel = self.selection
        data = self.data_path()
        if sel is None or data is None:
            raise ExerciseError(*_T.both("upload_first"))
        out = self.folder / "report"
        shutil.rmtree(out, ignore_errors=True)  # ours: the previous run's report
        (self.folder / "report.pdf").unlink(missing_ok=True)
        build_report(str(data), period=sel[1], store=sel[0], output=out, progress=False, show_pii=False)
        if pdf:  # printed beside the folder; a report without its PDF is still a report
            from dealerlab.report.export import to_pdf

            try:
                from dealerlab.report.layout import file_name

                to_pdf(out / file_name("html"), self.folder / "report.pdf")
            except (DealerlabError, OSError):
                pass
        return out


# ----------------------------------------------------------------------------------------------------------------
# for the trainer: who uses own data, the class comparison; for `class new`: remove the uploads
def _summaries(answers_dir) -> dict[str, dict]:
    root = Path(answers_dir)
    out = {}
    if not root.is_dir():
        return out
    for trainee in sorted(root.iterdir()):
        if not trainee.is_dir() or trainee.name.startswith(".") or trainee.is_symlink():
            continue
        path = trainee / FOLDER / "summary.json"
        try:
            data = read_json_limited(path, max_bytes=64 * 1024)
        except (FileNotFoundError, ValueError, OSError):
            continue
        if isinstance(data, dict) and isinstance(data.get("rates"), dict):
            out[trainee.name] = data
    return out


def uses_own_data(answers_dir) -> set[str]:
    """Trainee folders (names) whose trainee has uploaded data and picked a store-month (a flag; never the data).

    Parameters
    ----------
    answers_dir : path
        The class answers folder.

    Returns
    -------
    set of str
        Trainee folder names.
    """
    return set(_summaries(answers_dir))


def class_comparison(answers_dir, *, minimum: int = MIN_COMPARISON, lang: str = "zh") -> pd.DataFrame | None:
    """Each own-data trainee's key rates against the class median, anonymised (no names, no stores, shuffled).

    Parameters
    ----------
    answers_dir : path
        The class answers folder.
    minimum : int
        Fewer trainees with their own data than this: None (too few to stay anonymous).
    lang : {"zh", "en"}
        Language of the headers.

    Returns
    -------
    DataFrame or None
        One row per trainee (``门店 1`` … in order of close rate, no name) and a last row ``班级中位数``; rates as
        fractions (NaN when a store lacks the data).
    """
    summaries = list(_summaries(answers_dir).values())
    if len(summaries) < minimum:
        return None
    rows = [{m: s["rates"].get(m) for m in KEY_RATES} for s in summaries]
    df = pd.DataFrame(rows, columns=list(KEY_RATES)).astype(float)
    df = df.sort_values("close_rate", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    med = {m: (statistics.median(v) if (v := df[m].dropna().tolist()) else float("nan")) for m in KEY_RATES}
    df.insert(0, _T.get("store", lang), [_T.get("store_n", lang, n=i + 1) for i in range(len(df))])
    df.loc[len(df)] = [_T.get("class_median", lang), *[med[m] for m in KEY_RATES]]
    return df.rename(columns={m: label(m, lang) for m in KEY_RATES})


def remove_uploads(answers_dir) -> int:
    """Delete every trainee's uploaded data below ``answers_dir`` (only folders dealerlab wrote: with the marker).

    Parameters
    ----------
    answers_dir : path
        A class answers folder (or its archive).

    Returns
    -------
    int
        How many trainees' uploads were deleted.
    """
    root = Path(answers_dir)
    n = 0
    if not root.is_dir():
        return 0
    for trainee in root.iterdir():
        folder = trainee / FOLDER
        if trainee.is_dir() and not trainee.is_symlink() and folder.is_dir() and not folder.is_symlink() \
                and (folder / MARKER).is_file():
            shutil.rmtree(folder)
            n += 1
    return n


# ----------------------------------------------------------------------------------------------------------------
# widgets
_CSS = """<style>
.dl-mydata table{border-collapse:collapse;margin:6px 0}.dl-mydata th,.dl-mydata td{border:1px solid #ccc;padding:3px 6px;
text-align:left;vertical-align:top}.dl-mydata th{background:#e3f2fd}.dl-ok{color:#2e7d32;font-weight:bold}
.dl-bad{color:#c62828;font-weight:bold}.dl-note{color:#666}
</style>"""

#: one MyData per kernel (a page's kernel belongs to one trainee)
_CURRENT: dict[str, MyData] = {}
#: callbacks run when the data or the selection changes (the 「我的数据」 exercises of the page rebuild)
_LISTENERS: list = []


def _current(store: AnswerStore | None = None) -> MyData:
    if store is not None:
        return MyData(store)
    if "default" not in _CURRENT:
        _CURRENT["default"] = MyData()
    return _CURRENT["default"]


def _changed() -> None:
    for fn in list(_LISTENERS):
        try:
            fn()
        except Exception:  # a listener's failure must not stop the panel
            pass


def mydata_panel(*, store: AnswerStore | None = None, lang: str = "zh"):
    """The 「用我的门店数据」 panel: upload, problems as a table, store and month.

    Parameters
    ----------
    store : AnswerStore, optional
        Whose data (default: this kernel's trainee).
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    ipywidgets.VBox
        CSS class ``dl-mydata``; the upload ``dl-upload``, status ``dl-upload-status``, problems ``dl-problems``,
        pickers ``dl-pick-store`` / ``dl-pick-month``, button ``dl-use``, current choice ``dl-using``.
    """
    return _Panel(_current(store), lang).box


def _classed(widget, css_class: str):
    """``widget`` with the CSS class the tests and the page's style find it by."""
    widget.add_class(css_class)
    return widget


class _Panel:
    """The widgets of :func:`mydata_panel` (built, then wired to the trainee's :class:`MyData`)."""

    def __init__(self, md: MyData, lang: str) -> None:
        import ipywidgets as w

        self.md, self.lang = md, lang
        self._build(w)
        self.pick_store.observe(self.fill_months, names="value")
        self.up.observe(self.on_upload, names="value")
        self.use.on_click(self.on_use)
        self.remove.on_click(self.on_remove)
        self.name_box = w.HBox([])
        if md.trainee:
            self.fill_pickers()
        else:  # a workshop laptop whose folder has no name yet: ask once, as the exercises do
            self._ask_name(w)
        self.show_using()
        self.box = w.VBox([self.title, self.name_box, self.up, self.status, self.problems, self.pickers, self.using,
                           self.remove], layout=w.Layout(border="1px solid #90caf9", padding="8px 12px", margin="8px 0"))
        self.box.add_class("dl-mydata")

    def _build(self, w) -> None:
        t, lang = _T.get, self.lang
        self.title = w.HTML(f"{_CSS}<h3 style='margin:4px 0'>{html.escape(t('title', lang))}</h3>"
                            f"<p class='dl-note'>{html.escape(t('intro', lang))}</p>")
        self.up = _classed(w.FileUpload(accept=".xlsx,.zip", multiple=False, description=t("choose", lang),
                                        layout=w.Layout(width="320px")), "dl-upload")
        self.status = _classed(w.HTML(""), "dl-upload-status")
        self.problems = _classed(w.HTML(""), "dl-problems")
        self.pick_store = _classed(w.Dropdown(description=t("store", lang), layout=w.Layout(width="460px")),
                                   "dl-pick-store")
        self.pick_month = _classed(w.Dropdown(description=t("month", lang), layout=w.Layout(width="220px")),
                                   "dl-pick-month")
        self.use = _classed(w.Button(description=t("use", lang), button_style="primary", layout=w.Layout(width="auto")),
                            "dl-use")
        self.using = _classed(w.HTML(""), "dl-using")
        self.remove = _classed(w.Button(description=t("remove", lang), layout=w.Layout(width="160px")), "dl-remove")
        self.pickers = w.HBox([self.pick_store, self.pick_month, self.use])

    def _ask_name(self, w) -> None:
        name = _classed(w.Text(placeholder=_T.get("your_name", "zh"), layout=w.Layout(width="200px")), "dl-trainee-name")
        ok = _classed(w.Button(description=_T.get("ok_button", "zh"), button_style="primary"), "dl-trainee-ok")

        def set_name(*_):
            try:
                self.md.store.set_trainee(name.value)
            except (ExerciseError, OSError) as err:
                self.status.value = f"<p class='dl-bad'>{html.escape(str(err))}</p>"
                return
            self.name_box.layout.display = "none"
            self.status.value = ""
            self.refresh()

        ok.on_click(set_name)
        self.name_box.children = [w.HTML(_T.get("ask_name", "zh") + "&nbsp;"), name, ok]

    def refresh(self) -> None:
        """After the data or the choice changed: the pickers, the current choice, and the page's exercises."""
        self.fill_pickers()
        self.show_using()
        _changed()

    def show_using(self) -> None:
        md, lang = self.md, self.lang
        sel = md.selection if md.trainee else None
        if sel is None:
            key = "pick" if md.has_data else "none"
            self.using.value = f"<p class='dl-note'>{html.escape(_T.get(key, lang))}</p>"
        else:
            self.using.value = ("<p>" + _T.get("using", lang, store=html.escape(md.store_name(sel[0])), month=sel[1])
                                + "</p>")
        self.pickers.layout.display = "" if md.has_data else "none"
        self.remove.layout.display = "" if md.has_data else "none"

    def fill_pickers(self) -> None:
        if not self.md.has_data:
            return
        stores = self.md.stores()
        self.pick_store.options = [(name, sid) for sid, name in stores]
        sel = self.md.selection
        if sel is not None and sel[0] in dict(stores):
            self.pick_store.value = sel[0]
        elif stores and self.pick_store.value is None:
            self.pick_store.value = stores[0][0]  # ipywidgets 8 leaves a re-filled Dropdown empty: never show blanks
        self.fill_months()

    def fill_months(self, *_) -> None:
        if self.pick_store.value is None:
            return
        months = self.md.months(self.pick_store.value)
        self.pick_month.options = months
        sel = self.md.selection
        if sel is not None and sel[0] == self.pick_store.value and sel[1] in months:
            self.pick_month.value = sel[1]
        elif months:
            self.pick_month.value = months[-1]

    def on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        name = item.get("name", "") if isinstance(item, dict) else getattr(item, "name", "")
        content = item.get("content", b"") if isinstance(item, dict) else getattr(item, "content", b"")
        if not self.md.trainee:
            self.status.value = f"<p class='dl-bad'>{html.escape(_T.get('name_first', self.lang))}</p>"
            return
        self.status.value = f"<p>{html.escape(_T.get('checking', self.lang, file=name))}</p>"
        self.problems.value = ""
        try:
            result = self.md.upload(name, bytes(content))
        except (OSError, DealerlabError) as err:
            self.status.value = f"<p class='dl-bad'>✗ {html.escape(str(err))}</p>"
            return
        finally:
            try:
                self.up.value = ()  # the bytes are on disk (or refused): do not keep them in the widget
            except Exception:
                pass
        if result.ok:
            self._accepted(result)
        else:
            self._refused(result)

    def _accepted(self, result) -> None:
        """An upload that passed the checks: say so, fold its warnings away, offer its stores and months."""
        lang = self.lang
        self.status.value = f"<p class='dl-ok'>{html.escape(_T.get('ok', lang, file=result.file))}</p>"
        if result.warnings:
            wt = problem_table(result.warnings[:50], lang=lang)
            self.problems.value = (f"<details><summary>{html.escape(_T.get('warnings', lang))} {len(result.warnings)}"
                                   f"</summary>{_table_html(wt, css_class='dl-warnings')}</details>")
        self.refresh()

    def _refused(self, result) -> None:
        """An upload with errors: the first :data:`MAX_SHOWN` problems as a table, and how many more."""
        lang, n = self.lang, len(result.errors)
        self.status.value = f"<p class='dl-bad'>{html.escape(_T.get('bad', lang, file=result.file, n=n))}</p>"
        table = result.table(lang).head(MAX_SHOWN)
        more = (f"<p class='dl-note'>{html.escape(_T.get('more', lang, shown=MAX_SHOWN, n=n))}</p>"
                if n > MAX_SHOWN else "")
        self.problems.value = _table_html(table, css_class="dl-problem-table") + more

    def on_use(self, *_) -> None:
        if self.pick_store.value is None or self.pick_month.value is None:
            return
        self.md.select(self.pick_store.value, self.pick_month.value)
        self.show_using()
        _changed()

    def on_remove(self, *_) -> None:
        self.md.remove()
        self.status.value = f"<p>{html.escape(_T.get('removed', self.lang))}</p>"
        self.problems.value = ""
        self.pick_store.options, self.pick_month.options = [], []
        self.show_using()
        _changed()


# ----------------------------------------------------------------------------------------------------------------
# 「我的数据」 versions of exercises


def _mine_exercise(base, *, title: str | None = None, title_en: str | None = None, **kw):
    """The 「我的数据」 version of the exercise ``base``: its id and titles (default: the base's, marked 我的数据), and
    the other :class:`~dealerlab.exercises.Exercise` arguments ``kw``."""
    return Exercise(id=base.id + MINE_SUFFIX, title=title or _T.get("mine.title", "zh", title=base.title),
                    title_en=title_en or _T.get("mine.title", "en", title=base.title_en or base.title), **kw)


def _your_data(name: str, period: str) -> str:
    """How the instructions of a 「我的数据」 exercise start: the trainee's store (escaped) and month."""
    return _T.get("mine.your_data", "zh", name=html.escape(name), period=period)


def _answer_head(name: str, period: str) -> str:
    """The heading of a 「我的数据」 model answer: the figures come from the trainee's own upload."""
    return _T.get("mine.answer_head", "zh", name=html.escape(name), period=period)


def _md_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table for an exercise's instructions: cells escaped, a ``|`` in a cell made full-width
    (it would split the cell), a blank cell shown as —."""
    def cell(v) -> str:
        return html.escape(str(v)).replace("|", _FULL_WIDTH_BAR) if v is not None and v == v else "—"

    return "| " + " | ".join(map(str, frame.columns)) + " |\n|" + "---|" * len(frame.columns) + "\n" + "\n".join(
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False))

#: why a count of 03a is what it is: key → the rule, in the trainee's words
_FUNNEL_WHY = _T.pairs("funnel_why")
#: a ``|`` in a Markdown table cell, made full-width (it would split the cell)
_FULL_WIDTH_BAR = "｜"


def _funnel_mine(md: MyData, base):
    """03a on the trainee's store: the same boxes, the expected values from the registry for his store-month."""
    store_id, period = md.selection
    keys = list(base.fields)
    expected = md.figures(keys)
    name = md.store_name(store_id)

    def check(answer: dict) -> Feedback:
        details = []
        for key in keys:
            exp = expected[key]
            got = answer.get(key)
            label = base.fields[key].label
            if exp is None:
                details.append((key, True, ""))
                continue
            is_rate = info(key).unit == "rate"
            ok = is_close(got, exp, tolerance=0.005 if is_rate else 0.0)
            why = _FUNNEL_WHY[key][0] if key in _FUNNEL_WHY else ""
            msg = "" if ok else _T.get("funnel.empty" if got is None else "funnel.wrong", "zh", label=label, why=why)
            details.append((key, ok, msg))
        return Feedback.grade(
            details,
            explanation=_T.get("funnel.explanation", "zh"),
            explanation_en=_T.get("funnel.explanation", "en"),
            hint=_T.get("funnel.hint", "zh", period=period),
        )

    def model(answer=None) -> str:
        lines = []
        for key in keys:
            v = expected[key]
            label = base.fields[key].label
            if v is None:
                lines.append(_T.get("funnel.model_missing", "zh", label=label))
            elif info(key).unit == "rate":
                lines.append(_T.get("funnel.model_value", "zh", label=label, value=f"{v:.1%}"))
            else:
                lines.append(_T.get("funnel.model_value", "zh", label=label, value=f"{v:.0f}"))
        return _answer_head(name, period) + "\n\n" + "\n".join(lines)

    missing = [base.fields[k].label for k in keys if expected[k] is None]
    note = _T.get("funnel.missing_note", "zh", labels=_T.get("list_sep", "zh").join(missing)) if missing else ""
    return _mine_exercise(
        base,
        instructions=_your_data(name, period) + _T.get("funnel.instructions", "zh", period=period) + note,
        instructions_en=_T.get("funnel.instructions", "en", period=period),
        fields=base.fields,
        check=check,
        model_answer=model,
    )


def stock_mine_case(md: MyData) -> tuple[pd.DataFrame, dict]:
    """08b on the trainee's store: the stock-age table (:func:`dealerlab.policy.stock_by_model`, as the course case)
    and the expected answers (slow models, capital in units over 90 days, its monthly cost at 6 % a year)."""
    store_id, period = md.selection
    ds = md.dataset()
    if not ds.has("inventory") or not len(ds["inventory"]):
        raise ExerciseError(*_T.both("stock.no_inventory"))
    sales = ds["sales"] if ds.has("sales") else None
    t = stock_by_model(ds["inventory"], sales, period=period, stores=[store_id], capital_cost_rate=ANNUAL_RATE)
    units = stock_units_at(ds["inventory"], period=period, stores=[store_id])
    old = units[units["age_bucket"] == "stock_age_over_90"]
    old_by_model = old.groupby("model")["purchase_cost"].sum()
    t = t[t["stock_units"].fillna(0) > 0].reset_index(drop=True)
    if t.empty:
        raise ExerciseError(*_T.both("stock.no_stock", period=period))
    c = _stock_columns()
    table = pd.DataFrame({
        c["model"]: t["model"].astype(str),
        c["units"]: t["stock_units"].astype(int),
        c["age_0_30"]: t["stock_age_0_30"].astype(int), c["age_31_60"]: t["stock_age_31_60"].astype(int),
        c["age_61_90"]: t["stock_age_61_90"].astype(int), c["age_over_90"]: t["stock_age_over_90"].astype(int),
        c["old_capital"]: [float(old_by_model.get(m, 0.0)) for m in t["model"]],
        c["sold_3m"]: t["sold_3m"].fillna(0).astype(int),
        c["stock_days"]: t["stock_days"].round(0),
    })
    capital = float(old["purchase_cost"].sum())
    expected = {"slow": sorted(str(m) for m in t.loc[t["slow"].fillna(False).astype(bool), "model"]),
                "old_capital": capital, "old_cost": capital * ANNUAL_RATE / 12}
    return table, expected


def _stock_columns() -> dict[str, str]:
    """The (Chinese) column names of the stock-age table of 08b, by role."""
    return {k: v[0] for k, v in _T.pairs("stock_col").items()}


def _stock_mine(md: MyData, base):
    """08b on the trainee's store: his stock-age table; the same questions; answers from the same functions."""
    store_id, period = md.selection
    table, exp = stock_mine_case(md)
    name = md.store_name(store_id)
    c = _stock_columns()
    models = list(table[c["model"]])
    shown = table.copy()
    shown[c["old_capital"]] = shown[c["old_capital"]].map(lambda v: f"{v:,.0f}")
    shown[c["stock_days"]] = shown[c["stock_days"]].map(lambda v: "—" if pd.isna(v) else f"{v:.0f}")
    md_table = _md_table(shown)

    slow_models = _T.get("list_sep", "zh").join(exp["slow"]) or _T.get("nothing", "zh")

    def check(answer: dict) -> Feedback:
        slow = sorted(answer.get("slow") or [])
        s_ok = slow == exp["slow"]
        missing = [m for m in exp["slow"] if m not in slow]
        extra = [m for m in slow if m not in exp["slow"]]
        sep = _T.get("list_sep", "zh")
        s_msg = (_T.get("stock.also_slow", "zh", models=sep.join(missing)) if missing else "") + (
            _T.get("stock.not_slow", "zh", models=sep.join(extra)) if extra else "")
        c_ok = is_close(answer.get("old_capital"), exp["old_capital"], tolerance=1)
        m_ok = is_close(answer.get("old_cost"), exp["old_cost"], tolerance=1)
        a = answer.get("action")
        a_ok = (a == "targeted") if exp["slow"] else a is not None
        return Feedback.grade(
            [("slow", s_ok, s_msg),
             ("old_capital", c_ok, _T.get("stock.old_capital_how", "zh")),
             ("old_cost", m_ok, _T.get("stock.old_cost_how", "zh")),
             ("action", a_ok, "" if a_ok else _T.get("stock.action_wrong" if a else "stock.action_missing", "zh"))],
            explanation=_T.get("stock.explanation", "zh", slow=slow_models, capital=exp["old_capital"], cost=exp["old_cost"]),
            explanation_en=_T.get("stock.explanation", "en"),
            hint=_T.get("stock.hint", "zh"),
        )

    return _mine_exercise(
        base,
        instructions=_your_data(name, period) + _T.get("stock.instructions", "zh") + md_table,
        instructions_en=_T.get("stock.instructions", "en"),
        fields={**base.fields, "slow": ChoiceField(*_T.both("stock.slow_field"), options={m: m for m in models},
                                                   multiple=True)},
        check=check,
        model_answer=lambda answer=None: (
            _answer_head(name, period) + _T.get("stock.model_answer", "zh", slow=slow_models, capital=exp["old_capital"],
                                                cost=exp["old_cost"])
            + _T.get("stock.model_action" if exp["slow"] else "stock.model_no_action", "zh")),
    )


def cliff_mine_case(md: MyData) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """08a on the trainee's store-month: the case (VP, units sold, gross per unit, the next tier's answers) from
    :func:`dealerlab.policy.cliff` (the report's engine), the VP tiers and the other items at their current tier."""
    store_id, period = md.selection
    ds = md.dataset()
    lad = cliff(ds, store=store_id, period=period)
    if lad.empty:
        raise ExerciseError(*_T.both("cliff.no_data"))
    nxt = lad[lad["is_next"]]
    if nxt.empty:
        raise ExerciseError(*_T.both("cliff.top_tier", period=period))
    r = nxt.iloc[0]
    case = {"plan": float(r["volume_plan"]), "sold": int(r["sold"]), "gross_per_unit": float(r["gross_per_unit"]),
            "threshold": float(r["threshold"]), "n": int(r["units_needed"]), "gain": float(r["gain"]),
            "breakeven": float(r["breakeven_discount"])}
    pol = resolve_policy(ds["oem_policy"], store_id=store_id, period=period)
    vp = pol[pol["item"] == VP_ITEM][["threshold", "amount_per_unit", "lump_sum"]].reset_index(drop=True)
    rt = rebate_table(ds, periods=[period], stores=[store_id])
    others = rt[rt["item"] != VP_ITEM][["item", "amount_per_unit"]].reset_index(drop=True)
    return case, vp, others


def _cliff_mine(md: MyData, base):
    """08a on the trainee's store: how many units to the next VP tier, what it is worth, the break-even discount."""
    store_id, period = md.selection
    case, vp, others = cliff_mine_case(md)
    name = md.store_name(store_id)
    tiers = _T.get("cliff.tiers_head", "zh") + "\n|---|---|---|\n" + "\n".join(
        f"| {t.threshold:.0%} | {t.amount_per_unit:,.0f} | {t.lump_sum:,.0f} |" for t in vp.itertuples())
    rest = _T.get("list_sep", "zh").join(
        _T.get("cliff.other_item", "zh", item=html.escape(str(o.item)), amount=o.amount_per_unit) for o in others.itertuples()
        if o.amount_per_unit and o.amount_per_unit == o.amount_per_unit) or _T.get("nothing", "zh")
    keys = ("n", "gain", "breakeven")

    def check(answer: dict) -> Feedback:
        n_ok = is_close(answer.get("n"), case["n"])
        g_ok = is_close(answer.get("gain"), case["gain"], tolerance=1)
        b_ok = is_close(answer.get("breakeven"), case["breakeven"], tolerance=1)
        return Feedback.grade(
            [("n", n_ok, _T.get("cliff.n_how", "zh", **case)),
             ("gain", g_ok, _T.get("cliff.gain_how", "zh")),
             ("breakeven", b_ok, _T.get("cliff.breakeven_how", "zh"))],
            explanation=_T.get("cliff.explanation", "zh", period=period, **case),
            explanation_en=_T.get("cliff.explanation", "en"),
            hint=_T.get("cliff.hint", "zh"),
        )

    return _mine_exercise(
        base,
        title=_T.get("cliff.title", "zh"),
        title_en=_T.get("cliff.title", "en"),
        instructions=_your_data(name, period) + _T.get("cliff.instructions", "zh", rest=rest, tiers=tiers, **case),
        instructions_en=_T.get("cliff.instructions", "en"),
        fields={k: base.fields[k] for k in keys},
        check=check,
        model_answer=lambda answer=None: _answer_head(name, period) + _T.get("cliff.model_answer", "zh", **case),
    )


#: most accounts one tiering exercise shows (the lines are fitted on the accounts shown, as in the course case)
MAX_ACCOUNTS = 30


def tiering_mine_case(md: MyData) -> pd.DataFrame:
    """06a on the trainee's store: his accounts at the end of the chosen month (:func:`dealerlab.accounts.account_activity`,
    at most :data:`MAX_ACCOUNTS`, the largest first) with the tier :class:`dealerlab.accounts.TierEstimator` gives them
    (lines fitted on the accounts shown). Company names masked."""
    store_id, period = md.selection
    ds = md.dataset()
    if not ds.has("accounts") or not len(ds["accounts"]):
        raise ExerciseError(*_T.both("tiering.no_accounts"))
    as_of = pd.Period(period, freq="M").end_time.normalize()
    act = A.account_activity(ds, as_of=as_of)
    act = act[act["store_id"].astype(str) == store_id]
    if len(act) < 3:
        raise ExerciseError(*_T.both("tiering.too_few"))
    act = act.sort_values(["monetary", "account_id"], ascending=[False, True], kind="stable").head(MAX_ACCOUNTS)
    out = A.TierEstimator().fit_transform(act.reset_index(drop=True))
    out["shown_name"] = out["account_name"].map(mask_company)
    return out.sort_values("account_id", kind="stable").reset_index(drop=True)


def _tiering_mine(md: MyData, base):
    """06a on the trainee's store: his accounts, the same rule (value → importance → potential → general)."""
    store_id, period = md.selection
    t = tiering_mine_case(md)
    name = md.store_name(store_id)

    c = {k: v[0] for k, v in _T.pairs("tiering_col").items()}
    table = _md_table(pd.DataFrame({
        c["account_id"]: t["account_id"], c["name"]: t["shown_name"], c["industry"]: t["industry"],
        c["fleet_size"]: t["fleet_size"], c["contact_level"]: t["contact_level"],
        c["planned_purchases"]: t["planned_purchases"],
        c["monetary"]: [f"{v / 1e4:,.1f}" for v in t["monetary"]], c["units_12m"]: [int(v) for v in t["units_12m"]],
    }))

    shown = {str(r.account_id): r.shown_name for r in t.itertuples()}
    right = {str(r.account_id): r.tier for r in t.itertuples()}

    def check(answer: dict) -> Feedback:
        return Feedback.grade(
            item_details("tiers", answer.get("tiers"), right,
                         lambda aid, tier: _T.get("tiering.should_be", "zh", name=shown[aid], id=aid, tier=tier)),
            explanation=_T.get("tiering.explanation", "zh", n=len(t)),
            explanation_en=_T.get("tiering.explanation", "en"),
            hint=_T.get("tiering.hint", "zh"),
        )

    return _mine_exercise(
        base,
        title=_T.get("mine.title", "zh", title=base.title.replace(_T.get("tiering.title_from", "zh"), _T.get("tiering.title_to", "zh"))),
        title_en=_T.get("tiering.title", "en"),
        instructions=_T.get("tiering.instructions", "zh", name=html.escape(name), period=period,
                            only=_T.get("tiering.only_largest", "zh", n=MAX_ACCOUNTS) if len(t) >= MAX_ACCOUNTS else "")
        + table,
        instructions_en=_T.get("tiering.instructions", "en"),
        fields={"tiers": ClassifyField(*_T.both("tiering.field"), items={str(r.account_id): str(r.shown_name) for r in t.itertuples()},
                                       classes={x: x for x in A.TIERS})},
        check=check,
        model_answer=lambda answer=None: _T.get("tiering.model_head", "zh") + "\n\n" + "\n".join(
            _T.get("tiering.model_line", "zh", name=html.escape(str(r.shown_name)), id=r.account_id, tier=r.tier)
            for r in t.itertuples()),
    )


#: exercise id → builder of its 「我的数据」 version
_MINE_BUILDERS = {"03a-showroom-log": _funnel_mine, "06a-tiering": _tiering_mine, "08a-vp-cliff": _cliff_mine,
                  "08b-stock-age": _stock_mine}


def mine(exercise, *, store: AnswerStore | None = None, lang: str = "zh"):
    """The 「我的数据」 box of ``exercise``: the same exercise on the trainee's store (or the upload panel first).

    Parameters
    ----------
    exercise : Exercise
        The course case (e.g. :data:`dealerlab.exercises.course.funnel.showroom_log`).
    store : AnswerStore, optional
        Whose data and answers (default: this kernel's trainee).
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    ipywidgets.VBox
        CSS class ``dl-mine``: the exercise ``<id>-mine`` when a store and month are chosen, else the upload panel.
    """
    import ipywidgets as w

    box = w.VBox(layout=w.Layout(border="2px solid #1565c0", padding="6px 10px", margin="12px 0"))
    box.add_class("dl-mine")
    head = w.HTML(f"{_CSS}<h3 style='margin:4px 0;color:#1565c0'>{_T.get('heading', 'zh', text=html.escape(_T.get('mine_title', lang)))}</h3>")
    if exercise.id in FIXED_CASE:
        box.children = [w.HTML(f"<p class='dl-note dl-fixed-case'>{html.escape(_T.get('fixed', lang, why=FIXED_CASE[exercise.id][0]))}</p>")]
        return box
    builder = _MINE_BUILDERS.get(exercise.id)
    if builder is None:
        raise ExerciseError(*_T.both("no_mine_version", id=exercise.id))
    md = _current(store)
    panel = None
    state = {"key": None}

    def rebuild():
        nonlocal panel
        sel = md.selection if md.trainee else None
        key = (sel, md._state().get("uploaded") if sel else None)
        if key == state["key"] and box.children:
            return
        state["key"] = key
        if sel is None:
            if panel is None:
                panel = mydata_panel(store=store, lang=lang)
            box.children = [head, w.HTML(f"<p class='dl-note'>{html.escape(_T.get('mine_need', lang))}</p>"), panel]
            return
        try:
            ex = builder(md, exercise).bind(store=md.store, lang=lang)
            parts = [head, ex.widget()]
        except DealerlabError as err:
            parts = [head, w.HTML(f"<p class='dl-bad'>✗ {html.escape(str(err))}</p>")]
        if panel is not None:
            parts.append(panel)
        box.children = parts

    _LISTENERS.append(rebuild)
    rebuild()
    return box


# ----------------------------------------------------------------------------------------------------------------
# 我的诊断 + 行动计划
#: exercises whose answers are a 5W1H plan (their text fields make the 行动计划)
PLAN_EXERCISES = ("00c-action-plan", "03c-diagnosis-case", "04a-comeback-plan", "06c-churn-plan", "09b-recall-campaign")


def _plan_rows(store: AnswerStore) -> list[tuple[str, str, str]]:
    known = known_exercises()
    rows = []
    for ex_id in PLAN_EXERCISES:
        ex = known.get(ex_id)
        if ex is None:
            continue
        record, _warning = store.load(ex_id)
        values = (record or {}).get("values") or {}
        for name, f in ex.fields.items():
            if isinstance(f, TextField) and str(values.get(name) or "").strip():
                rows.append((ex.title, f.label, str(values[name]).strip()))
    return rows


def action_plan_html(*, store: AnswerStore | None = None, lang: str = "zh") -> str:
    """The one-page 行动计划 (printable HTML) from the trainee's 5W1H answers, for his store-month.

    Parameters
    ----------
    store : AnswerStore, optional
        Whose answers (default: this kernel's trainee).
    lang : {"zh", "en"}
        Language.

    Returns
    -------
    str
        A complete HTML page (A4, no script, every answer escaped).
    """
    md = _current(store)
    st = md.store
    sel = md.selection
    who = html.escape(st.trainee or "")
    where = f"{html.escape(md.store_name(sel[0]))} · {sel[1]}" if sel else ""
    rows = _plan_rows(st)
    body = "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(b)}</td><td>{html.escape(c).replace(chr(10), '<br>')}</td></tr>"
                   for a, b, c in rows)
    if not rows:
        body = f"<tr><td colspan=3>{_T.get('plan.empty', 'zh')}</td></tr>"
    rates = ""
    if sel:
        try:
            from dealerlab.metrics import label

            figs = md.figures(KEY_RATES)
            rates = f"<h2>{_T.get('plan.rates', 'zh')}</h2><table><tr>" + "".join(f"<th>{html.escape(label(m))}</th>" for m in KEY_RATES) + \
                "</tr><tr>" + "".join(f"<td>{'—' if v is None else f'{v:.1%}'}</td>" for v in figs.values()) + "</tr></table>"
        except DealerlabError:
            rates = ""
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{_T.get('plan.title', 'zh')}</title><style>"
        "@page{size:A4;margin:15mm}body{font-family:'Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;color:#222;"
        "max-width:180mm;margin:auto}h1{font-size:22px;border-bottom:3px solid #1565c0}h2{font-size:16px;color:#1565c0}"
        "table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;"
        "vertical-align:top}th{background:#e3f2fd}.sign td{height:28px}</style></head><body>"
        f"<h1>{_T.get('plan.title', 'zh')}</h1><p>"
        + _T.get("plan.who", "zh", who=who, where=where or _T.get("plan.not_chosen", "zh"), date=f"{pd.Timestamp.now():%Y-%m-%d}")
        + "</p>" + rates
        + f"<h2>{_T.get('plan.actions', 'zh')}</h2><table><tr>"
        + "".join(f"<th>{_T.get(k, 'zh')}</th>" for k in ("plan.col.exercise", "plan.col.element", "plan.col.plan")) + "</tr>"
        + body + f"</table><h2>{_T.get('plan.weekly', 'zh')}</h2><table class='sign'><tr>"
        + "".join(f"<th>{_T.get(k, 'zh')}</th>" for k in ("plan.col.week", "plan.col.actual", "plan.col.done", "plan.col.next"))
        + "</tr>"
        + "".join(f"<tr><td>{_T.get('plan.week', 'zh', n=i)}</td><td></td><td></td><td></td></tr>" for i in range(1, 5))
        + "</table></body></html>"
    )


def _download_link(data: bytes, *, file_name: str, mime: str, text: str, css_class: str) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return (f"<a class='{css_class}' download='{html.escape(file_name)}' href='data:{mime};base64,{b64}' "
            "style='display:inline-block;margin:6px 12px 6px 0;padding:6px 14px;background:#1565c0;color:#fff;"
            f"border-radius:4px;text-decoration:none'>{html.escape(text)}</a>")


def diagnosis_panel(*, store: AnswerStore | None = None, lang: str = "zh", pdf: bool = True):
    """「我的诊断」: one button, the consultant report of the trainee's store to download, and the 行动计划.

    Parameters
    ----------
    store : AnswerStore, optional
        Whose data (default: this kernel's trainee).
    lang : {"zh", "en"}
        Language.
    pdf : bool
        Also offer the report as PDF (headless Chromium, about 20 s more; left out when Chromium fails).

    Returns
    -------
    ipywidgets.VBox
        CSS class ``dl-diagnosis``: button ``dl-diagnose``, status ``dl-diagnosis-status``, links
        ``dl-download-report`` (HTML), ``dl-download-pdf``, ``dl-download-plan``.
    """
    import ipywidgets as w

    md = _current(store)
    head = w.HTML(f"{_CSS}<h3 style='margin:4px 0'>{_T.get('diagnosis.title', 'zh')}</h3>"
                  f"<p class='dl-note'>{_T.get('diagnosis.intro', 'zh')}</p>")
    button = w.Button(description=_T.get("diagnosis.button", "zh"), button_style="primary", layout=w.Layout(width="auto"))
    button.add_class("dl-diagnose")
    status = w.HTML("")
    status.add_class("dl-diagnosis-status")
    links = w.HTML("")
    links.add_class("dl-downloads")
    plan = w.Button(description=_T.get("diagnosis.plan_button", "zh"), layout=w.Layout(width="auto"))
    plan.add_class("dl-plan")
    running = threading.Event()

    def report_links(folder: Path) -> str:
        sel = md.selection
        stem = _T.get("diagnosis.title", "zh") + (f"-{sel[1]}" if sel else "")
        out = ""

        index = folder / file_name("html")
        if index.is_file():
            out += _download_link(index.read_bytes(), file_name=f"{stem}.html", mime="text/html;charset=utf-8",
                                  text=_T.get("diagnosis.download_html", "zh"), css_class="dl-download-report")
        pdf_file = folder.parent / "report.pdf"
        if pdf_file.is_file():
            out += _download_link(pdf_file.read_bytes(), file_name=f"{stem}.pdf", mime="application/pdf",
                                  text=_T.get("diagnosis.download_pdf", "zh"), css_class="dl-download-pdf")
        return out

    def work():
        try:
            folder = md.report(pdf=pdf)
            links.value = report_links(folder)
            status.value = f"<p class='dl-ok'>{_T.get('diagnosis.done', 'zh')}</p>"
        except DealerlabError as err:
            status.value = f"<p class='dl-bad'>✗ {html.escape(err.message('zh') if hasattr(err, 'message') else str(err))}</p>"
        except Exception:  # never a traceback on the trainee's page
            status.value = f"<p class='dl-bad'>{_T.get('diagnosis.failed', 'zh')}</p>"
        finally:
            running.clear()
            button.disabled = False

    def on_click(*_):
        if running.is_set():
            return
        if md.selection is None:
            status.value = f"<p class='dl-bad'>{_T.get('diagnosis.upload_first', 'zh')}</p>"
            return
        running.set()
        button.disabled = True
        links.value = ""
        status.value = f"<p>{_T.get('diagnosis.running', 'zh')}</p>"
        threading.Thread(target=work, daemon=True).start()

    button.on_click(on_click)

    def on_plan(*_):
        page = action_plan_html(store=store, lang=lang)
        sel = md.selection
        plan_links.value = _download_link(page.encode("utf-8"), file_name=_T.get("plan.file", "zh", period=sel[1] if sel else "").replace("-.", "."),
                                          mime="text/html;charset=utf-8", text=_T.get("diagnosis.download_plan", "zh"),
                                          css_class="dl-download-plan")

    plan_links = w.HTML("")
    plan.on_click(on_plan)
    try:
        from dealerlab.report.layout import file_name

        if md.selection is not None and (md.folder / "report" / file_name("html")).is_file():
            links.value = report_links(md.folder / "report")
    except DealerlabError:
        pass
    box = w.VBox([head, w.HBox([button, plan]), status, links, plan_links],
                 layout=w.Layout(border="1px solid #90caf9", padding="8px 12px", margin="8px 0"))
    box.add_class("dl-diagnosis")
    box.add_class("dl-mydata")
    return box
