"""Input kinds of an exercise.

A field is a plain spec (label, options) until :meth:`Field.view` builds its widgets. Every view keeps the *raw* state
(what the trainee typed or picked: saved as is, so a half-typed answer is restored exactly) and the field turns raw
state into the *value* a check function receives (:meth:`Field.parse`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dealerlab._options import check_option
from dealerlab.exercises.feedback import NumberParseError, format_number, parse_number
from dealerlab.i18n import Catalogue

__all__ = ["Field", "NumberField", "ChoiceField", "ClassifyField", "TableField", "TextField", "SliderField"]

_TXT = Catalogue.load("exercises/fields")


def _options(spec: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        return {str(k): str(v) for k, v in spec.items()}
    return {str(x): str(x) for x in spec}


def _two_axes(kind: str, names: tuple[str, str], first, first_en, second, second_en) -> tuple[dict, dict, dict, dict]:
    """The two label axes of a grid field (items × classes, rows × columns): each as ``{id: label}`` with its English
    labels; both must be non-empty."""
    a, b = _options(first), _options(second)
    if not a or not b:
        raise ValueError(f"{kind} needs {names[0]} and {names[1]}")
    return a, dict(first_en or {}), b, dict(second_en or {})


def _pick(zh: Mapping[str, str], en: Mapping[str, str] | None, key: str, lang: str) -> str:
    if lang == "en" and en and key in en:
        return str(en[key])
    return zh[key]


class FieldError(Exception):
    """Raw input a field cannot turn into a value; ``zh``/``en`` is the hint shown to the trainee."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(zh)

    def message(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class Field:
    """Base class: a labelled input. Subclasses define the raw state, parsing and widgets."""

    kind = "field"

    def __init__(self, label: str, label_en: str | None = None, *, help: str = "", help_en: str | None = None):
        self.label = label
        self.label_en = label_en
        self.help = help
        self.help_en = help_en

    # -- spec side ------------------------------------------------------------------------------------------------
    def label_for(self, lang: str) -> str:
        return (self.label_en or self.label) if lang == "en" else self.label

    def help_for(self, lang: str) -> str:
        return (self.help_en or self.help) if lang == "en" else self.help

    def empty(self) -> Any:
        """The raw state of an untouched field."""
        return None

    def clean_raw(self, raw: Any) -> Any:
        """Raw state from a file or from ``set_answer`` made safe (unknown keys dropped); never raises."""
        return raw

    def parse(self, raw: Any) -> Any:
        """Raw state → the value a check receives; raises :class:`FieldError` for unreadable input."""
        return raw

    def to_raw(self, value: Any) -> Any:
        """A value given to ``set_answer`` (raw text or a parsed value) → raw state."""
        return self.clean_raw(value)

    def describe(self, value: Any, lang: str = "zh") -> str:
        """A short text for a value (model answers, gradebook)."""
        if value is None:
            return "—"
        return str(value)

    def view(self, name: str, lang: str) -> FieldView:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.label!r})"


class FieldView:
    """The widgets of one field: a label row with a ✓/✗ marker, the input, a hint line."""

    def __init__(self, field: Field, name: str, lang: str, input_widget, *, extra=None):
        import ipywidgets as w

        self.field, self.name, self.lang = field, name, lang
        self._callbacks: list[Callable[[], None]] = []
        # the label keeps its width (a long ✗ message beside it used to squeeze it to one character a line);
        # the marker takes the rest of the row and wraps its own text
        self.label = w.HTML(f"<b>{html.escape(field.label_for(lang))}</b>", layout=w.Layout(flex="0 0 auto",
                                                                                             max_width="45%"))
        self.marker = w.HTML("", layout=w.Layout(flex="1 1 0%", min_width="0"))
        self.marker.add_class("dl-marker")
        self.hint = w.HTML("")
        self.hint.add_class("dl-hint")
        help_text = field.help_for(lang)
        parts = [w.HBox([self.label, self.marker])]
        if help_text:
            parts.append(w.HTML(f"<span style='color:#666;font-size:90%'>{html.escape(help_text)}</span>"))
        parts.append(input_widget)
        if extra is not None:
            parts.append(extra)
        parts.append(self.hint)
        self.box = w.VBox(parts, layout=w.Layout(margin="6px 0 6px 0"))
        self.box.add_class("dl-field")
        self.box.add_class(f"dl-field-{name}")

    def on_change(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def _changed(self, *_args) -> None:
        self.refresh()
        for cb in list(self._callbacks):
            cb()

    def refresh(self) -> None:
        """Update derived displays (parsed reading, sums, input hint)."""
        try:
            self.field.parse(self.get_raw())
        except FieldError as err:
            self.show_hint(err.message(self.lang), error=True)
        else:
            self.show_hint("")

    def show_hint(self, text: str, *, error: bool = False) -> None:
        if not text:
            self.hint.value = ""
            return
        color = "#c62828" if error else "#555"
        self.hint.value = f"<span style='color:{color};font-size:90%'>{html.escape(text)}</span>"

    def show_marker(self, ok: bool | None, message: str = "") -> None:
        if ok is None:
            self.marker.value = ""
            return
        if ok:
            self.marker.value = "<span style='color:#2e7d32;font-weight:bold'>&nbsp;✓</span>"
        else:
            msg = f" {html.escape(message)}".replace("\n", "<br>") if message else ""
            self.marker.value = f"<span style='color:#c62828;font-weight:bold'>&nbsp;✗</span><span style='color:#c62828'>{msg}</span>"

    def get_raw(self) -> Any:
        raise NotImplementedError

    def set_raw(self, raw: Any) -> None:
        raise NotImplementedError

    def set_disabled(self, disabled: bool) -> None:  # pragma: no cover - trivial
        pass


# ----------------------------------------------------------------------------------------------------------------
class NumberField(Field):
    """A number typed as text (parsed leniently; bad text → Chinese hint, never a traceback).

    Value: ``float`` or ``None``. With ``percent=True`` the value is a fraction (35% → 0.35); a plain number up to
    ``ratio_max`` (default 1) is taken as a fraction, above it as percentage points (see :func:`parse_number`).
    """

    kind = "number"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        unit: str = "",
        percent: bool = False,
        placeholder: str = "",
        help: str = "",
        help_en: str | None = None,
        ratio_max: float = 1.0,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        self.unit = "%" if percent and not unit else unit
        self.percent = percent
        self.placeholder = placeholder
        self.ratio_max = float(ratio_max)

    def empty(self) -> str:
        return ""

    def clean_raw(self, raw: Any) -> str:
        if raw is None:
            return ""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return format_number(raw, percent=self.percent)
        return str(raw)

    def parse(self, raw: Any) -> float | None:
        try:
            return parse_number(raw, percent=self.percent, unit=self.unit, ratio_max=self.ratio_max)
        except NumberParseError as err:
            raise FieldError(err.zh, err.en) from None

    def describe(self, value: Any, lang: str = "zh") -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if isinstance(value, str):
            return value
        text = format_number(value, percent=self.percent)
        if self.unit and self.unit != "%":
            text += f" {self.unit}"
        return text

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        placeholder = self.placeholder or _TXT.get("placeholder_percent" if self.percent else "placeholder_number", lang)
        text = w.Text(value="", placeholder=placeholder, continuous_update=True, layout=w.Layout(width="180px"))
        unit = w.HTML(html.escape(self.unit) if self.unit and self.unit != "%" else "")
        return _NumberView.around(self, name, lang, text, w.HBox([text, unit]))


class _TextView(FieldView):
    """The view of a field typed into one text box (``text``): the raw value is the box's text."""

    text = None

    @classmethod
    def around(cls, field: Field, name: str, lang: str, text, shown=None) -> _TextView:
        """The view of ``field`` whose input is the text box ``text``, shown as ``shown`` (the box alone by default)."""
        text.add_class("dl-input")
        view = cls(field, name, lang, text if shown is None else shown)
        view.text = text
        text.observe(view._changed, names="value")
        return view

    def get_raw(self) -> str:
        return self.text.value

    def set_raw(self, raw: Any) -> None:
        self.text.value = self.field.clean_raw(raw)

    def set_disabled(self, disabled: bool) -> None:
        self.text.disabled = disabled


class _NumberView(_TextView):
    def set_raw(self, raw: Any) -> None:
        super().set_raw(raw)
        self.refresh()

    def refresh(self) -> None:
        try:
            v = self.field.parse(self.text.value)
        except FieldError as err:
            self.show_hint(err.message(self.lang), error=True)
            return
        raw = self.text.value.strip()
        # show how the text was read when that is not obvious (percent points, 万, separators)
        if v is not None and raw and raw != format_number(v, percent=self.field.percent):
            shown = self.field.describe(v, self.lang)
            self.show_hint(_TXT.get("read_as", self.lang) + shown)
        else:
            self.show_hint("")


# ----------------------------------------------------------------------------------------------------------------
class ChoiceField(Field):
    """Single choice (radio buttons) or multiple choice (check boxes).

    Value: the option id (``str``) or ``None``; with ``multiple=True`` a ``list`` of ids in option order.
    """

    kind = "choice"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        options: Sequence[str] | Mapping[str, str],
        options_en: Mapping[str, str] | None = None,
        multiple: bool = False,
        help: str = "",
        help_en: str | None = None,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        self.options = _options(options)
        if not self.options:
            raise ValueError("ChoiceField needs options")
        self.options_en = dict(options_en or {})
        self.multiple = multiple

    def empty(self):
        return [] if self.multiple else None

    def clean_raw(self, raw: Any):
        if self.multiple:
            if raw is None:
                return []
            if isinstance(raw, str):
                raw = [raw]
            chosen = {str(x) for x in raw}
            return [k for k in self.options if k in chosen]
        if raw is None:
            return None
        raw = str(raw)
        return raw if raw in self.options else None

    def parse(self, raw: Any):
        return self.clean_raw(raw)

    def describe(self, value: Any, lang: str = "zh") -> str:
        if self.multiple:
            vals = self.clean_raw(value)
            return _TXT.get("choice_sep", lang).join(_pick(self.options, self.options_en, v, lang) for v in vals) if vals else "—"
        v = self.clean_raw(value)
        return _pick(self.options, self.options_en, v, lang) if v is not None else "—"

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        labels = [(_pick(self.options, self.options_en, k, lang), k) for k in self.options]
        if self.multiple:
            boxes = []
            for text, key in labels:
                cb = w.Checkbox(value=False, description=text, indent=False, layout=w.Layout(width="auto"))
                cb.add_class("dl-option")
                cb.add_class(f"dl-option-{key}")
                boxes.append(cb)
            view = _MultiChoiceView(self, name, lang, w.VBox(boxes))
            view.boxes = dict(zip(self.options, boxes))
            for cb in boxes:
                cb.observe(view._changed, names="value")
        else:
            radio = w.RadioButtons(options=labels, value=None, layout=w.Layout(width="auto"))
            radio.add_class("dl-input")
            view = _ChoiceView(self, name, lang, radio)
            view.radio = radio
            radio.observe(view._changed, names="value")
        return view


class _ChoiceView(FieldView):
    radio = None

    def get_raw(self):
        return self.radio.value

    def set_raw(self, raw: Any) -> None:
        self.radio.value = self.field.clean_raw(raw)

    def set_disabled(self, disabled: bool) -> None:
        self.radio.disabled = disabled


class _MultiChoiceView(FieldView):
    boxes: dict = {}

    def get_raw(self):
        return [k for k, cb in self.boxes.items() if cb.value]

    def set_raw(self, raw: Any) -> None:
        chosen = set(self.field.clean_raw(raw))
        for k, cb in self.boxes.items():
            cb.value = k in chosen

    def set_disabled(self, disabled: bool) -> None:
        for cb in self.boxes.values():
            cb.disabled = disabled


# ----------------------------------------------------------------------------------------------------------------
class ClassifyField(Field):
    """Sort items into classes (a dropdown per item), e.g. Kano classes or account tiers.

    Value: ``dict {item_id: class_id or None}`` over every item.
    """

    kind = "classify"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        items: Sequence[str] | Mapping[str, str],
        classes: Sequence[str] | Mapping[str, str],
        items_en: Mapping[str, str] | None = None,
        classes_en: Mapping[str, str] | None = None,
        help: str = "",
        help_en: str | None = None,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        self.items, self.items_en, self.classes, self.classes_en = _two_axes(
            "ClassifyField", ("items", "classes"), items, items_en, classes, classes_en)

    def empty(self) -> dict:
        return {k: None for k in self.items}

    def clean_raw(self, raw: Any) -> dict:
        raw = raw if isinstance(raw, Mapping) else {}
        out = {}
        for k in self.items:
            v = raw.get(k)
            out[k] = str(v) if v is not None and str(v) in self.classes else None
        return out

    def parse(self, raw: Any) -> dict:
        return self.clean_raw(raw)

    def describe(self, value: Any, lang: str = "zh") -> str:
        value = self.clean_raw(value)
        return _TXT.get("part_sep", lang).join(
            f"{_pick(self.items, self.items_en, k, lang)} → "
            f"{_pick(self.classes, self.classes_en, v, lang) if v else '—'}"
            for k, v in value.items()
        )

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        choose = _TXT.get("choose", lang)
        # "" (not None) for the placeholder: a Dropdown shows None as a blank box instead of "(choose)"
        class_opts = [(choose, "")] + [(_pick(self.classes, self.classes_en, c, lang), c) for c in self.classes]
        rows, drops = [], {}
        # widths follow the longest text (about 14 px a CJK character) so that a long class is not cut off in the
        # closed dropdown and a cause written out in full stays next to its dropdown; bounded for narrow screens
        item_w = _text_width((_pick(self.items, self.items_en, k, lang) for k in self.items), low=260, high=460)
        class_w = _text_width((label for label, _c in class_opts), low=200, high=460, pad=40)
        for k in self.items:
            d = w.Dropdown(options=class_opts, value="", layout=w.Layout(width=f"{class_w}px"))
            d.add_class("dl-input")
            d.add_class(f"dl-item-{k}")
            drops[k] = d
            label = w.HTML(html.escape(_pick(self.items, self.items_en, k, lang)), layout=w.Layout(width=f"{item_w}px"))
            rows.append(w.HBox([label, d]))
        view = _ClassifyView(self, name, lang, w.VBox(rows))
        view.drops = drops
        for d in drops.values():
            d.observe(view._changed, names="value")
        return view


def _text_width(texts, *, low: int, high: int, pad: int = 20) -> int:
    """Pixels for the longest of ``texts`` (a CJK character ≈ 14 px, other characters ≈ 8 px), within [low, high]."""
    longest = max((sum(14 if ord(ch) > 0x2E7F else 8 for ch in str(t)) for t in texts), default=0)
    return max(low, min(high, longest + pad))


class _ClassifyView(FieldView):
    drops: dict = {}

    def get_raw(self) -> dict:
        return {k: (d.value or None) for k, d in self.drops.items()}

    def set_raw(self, raw: Any) -> None:
        for k, v in self.field.clean_raw(raw).items():
            self.drops[k].value = v or ""

    def set_disabled(self, disabled: bool) -> None:
        for d in self.drops.values():
            d.disabled = disabled


# ----------------------------------------------------------------------------------------------------------------
class TableField(Field):
    """An editable grid of numbers (e.g. a target split by month), with live row/column totals.

    Value: ``dict {row_id: {col_id: float or None}}``. ``fixed={(row, col): value}`` makes cells read-only
    (given data).
    """

    kind = "table"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        rows: Sequence[str] | Mapping[str, str],
        rows_en: Mapping[str, str] | None = None,
        columns: Sequence[str] | Mapping[str, str],
        columns_en: Mapping[str, str] | None = None,
        unit: str = "",
        percent: bool = False,
        totals: str | None = "columns",
        fixed: Mapping[tuple[str, str], Any] | None = None,
        help: str = "",
        help_en: str | None = None,
        ratio_max: float = 1.0,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        self.rows, self.rows_en, self.columns, self.columns_en = _two_axes(
            "TableField", ("rows", "columns"), rows, rows_en, columns, columns_en)
        self.unit = unit
        self.percent = percent
        self.ratio_max = float(ratio_max)
        self.totals = check_option("totals", totals, ("columns", "rows", "both", None))
        self.fixed = {(str(r), str(c)): v for (r, c), v in (fixed or {}).items()}

    def empty(self) -> dict:
        return {r: {c: format_number(self.fixed.get((r, c)), percent=self.percent) for c in self.columns}
                for r in self.rows}

    def clean_raw(self, raw: Any) -> dict:
        raw = raw if isinstance(raw, Mapping) else {}
        out = {}
        for r in self.rows:
            row = raw.get(r) if isinstance(raw.get(r), Mapping) else {}
            out[r] = {}
            for c in self.columns:
                if (r, c) in self.fixed:
                    out[r][c] = format_number(self.fixed[(r, c)], percent=self.percent)
                    continue
                v = row.get(c)
                if v is None:
                    out[r][c] = ""
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    out[r][c] = format_number(v, percent=self.percent)
                else:
                    out[r][c] = str(v)
        return out

    def parse(self, raw: Any) -> dict:
        raw = self.clean_raw(raw)
        out: dict = {}
        for r in self.rows:
            out[r] = {}
            for c in self.columns:
                try:
                    out[r][c] = parse_number(raw[r][c], percent=self.percent, unit=self.unit,
                                             ratio_max=self.ratio_max)
                except NumberParseError as err:
                    raise FieldError(_TXT.get("cell_error", "zh", row=self.rows[r], column=self.columns[c], error=err.zh),
                                     _TXT.get("cell_error", "en", row=_pick(self.rows, self.rows_en, r, "en"),
                                              column=_pick(self.columns, self.columns_en, c, "en"), error=err.en)) from None
        return out

    def describe(self, value: Any, lang: str = "zh") -> str:
        if not isinstance(value, Mapping):
            return "—"
        parts = []
        for r in self.rows:
            row = value.get(r) or {}
            cells = ", ".join(
                f"{_pick(self.columns, self.columns_en, c, lang)}={format_number(row.get(c), percent=self.percent) or '—'}"
                for c in self.columns
            )
            parts.append(f"{_pick(self.rows, self.rows_en, r, lang)}: {cells}")
        return _TXT.get("part_sep", lang).join(parts)

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        ncol = len(self.columns) + 1 + (1 if self.totals in ("rows", "both") else 0)
        nrow = len(self.rows) + 1 + (1 if self.totals in ("columns", "both") else 0)
        cells = []
        width = "90px"
        head = [w.HTML("")] + [
            w.HTML(f"<b>{html.escape(_pick(self.columns, self.columns_en, c, lang))}</b>", layout=w.Layout(width=width))
            for c in self.columns
        ]
        total_word = _TXT.get("total", lang)
        if self.totals in ("rows", "both"):
            head.append(w.HTML(f"<b>{total_word}</b>", layout=w.Layout(width=width)))
        cells.extend(head)
        inputs: dict = {}
        row_totals: dict = {}
        for r in self.rows:
            cells.append(w.HTML(html.escape(_pick(self.rows, self.rows_en, r, lang))))
            inputs[r] = {}
            for c in self.columns:
                t = w.Text(value="", layout=w.Layout(width=width), continuous_update=True)
                t.add_class("dl-input")
                t.add_class(f"dl-cell-{r}-{c}")
                if (r, c) in self.fixed:
                    t.value = format_number(self.fixed[(r, c)], percent=self.percent)
                    t.disabled = True
                inputs[r][c] = t
                cells.append(t)
            if self.totals in ("rows", "both"):
                row_totals[r] = w.HTML("", layout=w.Layout(width=width))
                cells.append(row_totals[r])
        col_totals: dict = {}
        if self.totals in ("columns", "both"):
            cells.append(w.HTML(f"<b>{total_word}</b>"))
            for c in self.columns:
                col_totals[c] = w.HTML("", layout=w.Layout(width=width))
                col_totals[c].add_class(f"dl-total-{c}")
                cells.append(col_totals[c])
            if self.totals == "both":
                col_totals[None] = w.HTML("", layout=w.Layout(width=width))
                cells.append(col_totals[None])
        grid = w.GridBox(
            cells,
            layout=w.Layout(grid_template_columns=f"160px repeat({ncol - 1}, {width})", grid_gap="2px 4px"),
        )
        assert len(cells) == ncol * nrow
        view = _TableView(self, name, lang, grid)
        view.inputs, view.row_totals, view.col_totals = inputs, row_totals, col_totals
        for r in inputs:
            for t in inputs[r].values():
                t.observe(view._changed, names="value")
        view.refresh()
        return view


class _TableView(FieldView):
    inputs: dict = {}
    row_totals: dict = {}
    col_totals: dict = {}

    def get_raw(self) -> dict:
        return {r: {c: t.value for c, t in row.items()} for r, row in self.inputs.items()}

    def set_raw(self, raw: Any) -> None:
        for r, row in self.field.clean_raw(raw).items():
            for c, v in row.items():
                self.inputs[r][c].value = v
        self.refresh()

    def refresh(self) -> None:
        f: TableField = self.field
        error = None
        values: dict = {}
        for r, row in self.inputs.items():
            values[r] = {}
            for c, t in row.items():
                try:
                    values[r][c] = parse_number(t.value, percent=f.percent, unit=f.unit, ratio_max=f.ratio_max)
                except NumberParseError:
                    values[r][c] = None
                    if error is None:
                        try:
                            f.parse(self.get_raw())
                        except FieldError as err:
                            error = err.message(self.lang)

        def fmt(total: float, n_missing: int) -> str:
            return html.escape(format_number(total, percent=f.percent))

        for r, cell in self.row_totals.items():
            vals = [v for v in values[r].values()]
            cell.value = fmt(sum(v for v in vals if v is not None), sum(v is None for v in vals))
        grand, missing = 0.0, 0
        for c, cell in self.col_totals.items():
            if c is None:
                continue
            vals = [values[r][c] for r in values]
            total = sum(v for v in vals if v is not None)
            grand += total
            missing += sum(v is None for v in vals)
            cell.value = f"<b>{fmt(total, sum(v is None for v in vals))}</b>"
        if None in self.col_totals:
            self.col_totals[None].value = f"<b>{fmt(grand, missing)}</b>"
        self.show_hint(error or "", error=bool(error))

    def set_disabled(self, disabled: bool) -> None:
        for r, row in self.inputs.items():
            for c, t in row.items():
                t.disabled = disabled or (r, c) in self.field.fixed


# ----------------------------------------------------------------------------------------------------------------
class TextField(Field):
    """Free text (the exercise's check applies the rules: SMART, 5W1H …). Value: ``str`` (stripped)."""

    kind = "text"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        multiline: bool = True,
        placeholder: str = "",
        rows: int = 4,
        help: str = "",
        help_en: str | None = None,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        self.multiline = multiline
        self.placeholder = placeholder
        self.rows = rows

    def empty(self) -> str:
        return ""

    def clean_raw(self, raw: Any) -> str:
        return "" if raw is None else str(raw)

    def parse(self, raw: Any) -> str:
        return self.clean_raw(raw).strip()

    def describe(self, value: Any, lang: str = "zh") -> str:
        return str(value) if value else "—"

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        if self.multiline:
            t = w.Textarea(value="", placeholder=self.placeholder, rows=self.rows, continuous_update=True,
                           layout=w.Layout(width="95%"))
        else:
            t = w.Text(value="", placeholder=self.placeholder, continuous_update=True, layout=w.Layout(width="95%"))
        return _TextView.around(self, name, lang, t)


# ----------------------------------------------------------------------------------------------------------------
class SliderField(Field):
    """A slider for what-ifs. Value: ``float``. Pair it with the exercise's ``live=`` callback."""

    kind = "slider"

    def __init__(
        self,
        label: str,
        label_en: str | None = None,
        *,
        min: float,
        max: float,
        step: float = 1,
        value: float | None = None,
        unit: str = "",
        percent: bool = False,
        help: str = "",
        help_en: str | None = None,
    ):
        super().__init__(label, label_en, help=help, help_en=help_en)
        if not min < max:
            raise ValueError("SliderField needs min < max")
        self.min, self.max, self.step = float(min), float(max), float(step)
        self.value = float(min if value is None else value)
        self.unit = unit
        self.percent = percent

    def empty(self) -> float:
        return self.value

    def clean_raw(self, raw: Any) -> float:
        try:
            v = float(raw)
        except (TypeError, ValueError):
            return self.value
        if math.isnan(v):
            return self.value
        return min(max(v, self.min), self.max)

    def parse(self, raw: Any) -> float:
        return self.clean_raw(raw)

    def describe(self, value: Any, lang: str = "zh") -> str:
        v = self.clean_raw(value)
        text = format_number(v, percent=self.percent)
        return f"{text} {self.unit}".strip() if self.unit and not self.percent else text

    def view(self, name: str, lang: str) -> FieldView:
        import ipywidgets as w

        s = w.FloatSlider(
            value=self.value, min=self.min, max=self.max, step=self.step, continuous_update=False,
            readout=False, layout=w.Layout(width="360px"),
        )
        s.add_class("dl-input")
        readout = w.HTML("")
        readout.add_class("dl-readout")
        view = _SliderView(self, name, lang, w.HBox([s, readout]))
        view.slider, view.readout = s, readout
        s.observe(view._changed, names="value")
        view.refresh()
        return view


class _SliderView(FieldView):
    slider = None
    readout = None

    def get_raw(self) -> float:
        return float(self.slider.value)

    def set_raw(self, raw: Any) -> None:
        self.slider.value = self.field.clean_raw(raw)
        self.refresh()

    def refresh(self) -> None:
        self.readout.value = f"<b>{html.escape(self.field.describe(self.slider.value, self.lang))}</b>"

    def set_disabled(self, disabled: bool) -> None:
        self.slider.disabled = disabled
