"""The :class:`Exercise`: instructions, input fields, a pure check, feedback, model answer, history, autosave.

An exercise is plain data until it is shown (no widget is created and no file is read at import time). Showing it
builds the widgets and restores the trainee's saved answers; every change is saved (debounced), every check is
recorded as an attempt.
"""

from __future__ import annotations

import atexit
import html
import math
import os
import threading
import uuid
import weakref
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from dealerlab._options import check_lang
from dealerlab.errors import ExerciseError
from dealerlab.exercises.feedback import Feedback, status_label
from dealerlab.exercises.fields import Field, FieldError
from dealerlab.exercises.store import AnswerStore, now_iso
from dealerlab.i18n import Catalogue

__all__ = ["Exercise", "AUTOSAVE_DELAY"]

#: Seconds of quiet after a change before the answer file is written.
AUTOSAVE_DELAY = 0.5

_COLORS = {
    "correct": ("#2e7d32", "#e8f5e9"),
    "partly": ("#ef6c00", "#fff3e0"),
    "wrong": ("#c62828", "#ffebee"),
    "invalid": ("#6d4c41", "#fbe9e7"),
}

_CSS = (
    "<style>.dl-exercise table{border-collapse:collapse;margin:4px 0}"
    ".dl-exercise th,.dl-exercise td{border:1px solid #ccc;padding:2px 10px;text-align:left}"
    ".dl-exercise th{background:#f3f6fa}</style>"
)

_T = Catalogue.load("exercises/exercise")


def _markdown(text: str) -> str:
    """Course-author markdown → HTML (trusted text; trainee text is always escaped separately)."""
    if not text:
        return ""
    try:
        import mistune
    except ImportError:  # pragma: no cover - mistune comes with nbconvert
        return f"<div style='white-space:pre-wrap'>{html.escape(text)}</div>"
    return mistune.html(text)


def _switch_link(lang: str) -> str:
    """「不是你？」 in a classroom page (``dealerlab classroom`` starts the kernel with ``DEALERLAB_CLASSROOM``): the
    server's logout page forgets the name in this browser and asks again."""
    if os.environ.get("DEALERLAB_CLASSROOM") != "1":
        return ""
    base = os.environ.get("VOILA_BASE_URL", "/") or "/"
    href = html.escape(base.rstrip("/") + "/logout", quote=True)
    label = _T.get("not_you", lang)
    return f" <a class='dl-not-me' href='{href}' target='_top' style='margin-left:8px'>{label}</a>"


def _list_link(lang: str) -> str:
    """「全部练习」: back to the exercise list, where there is one (the classroom, ``workshop --voila``, JupyterHub)."""
    if os.environ.get("DEALERLAB_CLASSROOM") != "1" and os.environ.get("DEALERLAB_EXERCISE_LIST") != "1":
        return ""
    base = os.environ.get("VOILA_BASE_URL", "/") or "/"
    href = html.escape(base.rstrip("/") + "/dealerlab/", quote=True)
    label = _T.get("all_exercises", lang)
    return f" <a class='dl-list-link' href='{href}' target='_top' style='margin-left:8px'>{label}</a>"


def _local_time(iso: str) -> str:
    try:
        dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=__import__("datetime").timezone.utc)
        return dt.astimezone().strftime("%m-%d %H:%M:%S")
    except (ValueError, TypeError):
        return str(iso)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


_PENDING: weakref.WeakSet = weakref.WeakSet()
_WAITING_NAME: weakref.WeakSet = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:  # pragma: no cover - runs at interpreter exit
    for ex in list(_PENDING):
        try:
            ex.flush()
        except Exception:
            pass


class Exercise:
    """One exercise: fields + a pure check + feedback + model answer + saved attempts.

    Parameters
    ----------
    id : str
        Unique and stable (it names the answer file), e.g. ``"01a-smart-builder"``.
    title, title_en : str
        Chinese title (English optional).
    fields : dict[str, Field]
        Input fields by name; the check receives ``{name: value}``.
    check : callable(answer: dict) -> Feedback
        Pure function (no widgets, no files).
    instructions, instructions_en : str
        Markdown.
    model_answer, model_answer_en : str | dict | callable(answer) -> str | dict, optional
        Shown after the first attempt ("查看参考答案"). A dict maps field names to values.
    live : callable(answer: dict) -> str | DataFrame | Figure, optional
        Recomputed on every change (what-if output); never records an attempt.
    store : AnswerStore, optional
        Where answers go (default: env/`~/dealerlab-answers`, resolved when shown).
    lang : {"zh", "en"}
    """

    def __init__(
        self,
        *,
        id: str,
        title: str,
        fields: Mapping[str, Field],
        check: Callable[[dict], Feedback],
        instructions: str = "",
        title_en: str | None = None,
        instructions_en: str | None = None,
        model_answer: Any = None,
        model_answer_en: Any = None,
        live: Callable[[dict], Any] | None = None,
        store: AnswerStore | None = None,
        lang: str = "zh",
    ) -> None:
        if not isinstance(id, str) or not id.strip():
            raise ExerciseError(*_T.both("id_empty"))
        if not fields:
            raise ExerciseError(*_T.both("no_fields", id=id))
        for name, f in fields.items():
            if not isinstance(f, Field):
                raise ExerciseError(*_T.both("not_a_field", id=id, name=repr(name)))
        if not callable(check):
            raise ExerciseError(*_T.both("check_not_callable", id=id))
        self.id = id
        self.title = title
        self.title_en = title_en
        self.instructions = instructions
        self.instructions_en = instructions_en
        self.fields = dict(fields)
        self._check_fn = check
        self.model_answer = model_answer
        self.model_answer_en = model_answer_en
        self.live = live
        self.lang = check_lang(lang)
        self._store = store
        # state (built lazily)
        self._session = uuid.uuid4().hex[:12]
        self._lock = threading.RLock()
        self._timer: threading.Timer | None = None
        self._views: dict | None = None
        self._root = None
        self._content = None
        self._loaded = False
        self._restoring = False
        self._dirty = False
        self._raw: dict = {name: f.empty() for name, f in self.fields.items()}
        self.attempts: list[dict] = []
        self.revealed = False
        self.warning: str | None = None
        self.last_feedback: Feedback | None = None
        self.live_result: Any = None
        self.save_error: str | None = None

    # ------------------------------------------------------------------------------------------------------------
    # pure side
    def check(self, answer: Mapping[str, Any]) -> Feedback:
        """Run the exercise's check on ``answer`` (parsed values); no widgets, no files."""
        fb = self._check_fn(dict(answer))
        if not isinstance(fb, Feedback):
            raise ExerciseError(*_T.both("check_not_feedback", id=self.id, type=type(fb).__name__))
        return fb

    def bind(self, *, store: AnswerStore | None = None, lang: str | None = None) -> Exercise:
        """A fresh copy of this exercise (own widgets and state), e.g. with a test store or another language."""
        return Exercise(
            id=self.id, title=self.title, fields=self.fields, check=self._check_fn, instructions=self.instructions,
            title_en=self.title_en, instructions_en=self.instructions_en, model_answer=self.model_answer,
            model_answer_en=self.model_answer_en, live=self.live, store=store if store is not None else self._store,
            lang=lang or self.lang,
        )

    @property
    def store(self) -> AnswerStore:
        if self._store is None:
            self._store = AnswerStore()
        return self._store

    def title_for(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return (self.title_en or self.title) if lang == "en" else self.title

    def __repr__(self) -> str:
        return f"Exercise(id={self.id!r}, title={self.title!r}, fields={list(self.fields)})"

    # ------------------------------------------------------------------------------------------------------------
    # answer state
    @property
    def history(self) -> list[dict]:
        """Attempts (time, answer, status, score, details, session), oldest first."""
        return list(self.attempts)

    def raw_values(self) -> dict:
        """What the widgets hold (typed text, picks): what is saved and restored."""
        self._ensure_loaded()
        if self._views is not None:
            return {name: _jsonable(v.get_raw()) for name, v in self._views.items()}
        return {name: _jsonable(v) for name, v in self._raw.items()}

    def errors(self, lang: str | None = None) -> dict[str, str]:
        """``{field: hint}`` for fields whose input cannot be read."""
        lang = lang or self.lang
        out = {}
        for name, raw in self.raw_values().items():
            try:
                self.fields[name].parse(raw)
            except FieldError as err:
                out[name] = err.message(lang)
        return out

    def answer(self) -> dict:
        """Parsed values ``{field: value}``; unreadable fields give ``None``."""
        out = {}
        for name, raw in self.raw_values().items():
            try:
                out[name] = self.fields[name].parse(raw)
            except FieldError:
                out[name] = None
        return out

    def set_answer(self, values: Mapping[str, Any]) -> None:
        """Set fields (typed text or values, as a trainee would) — triggers autosave and the live area."""
        unknown = [k for k in values if k not in self.fields]
        if unknown:
            raise ExerciseError(_T.get("unknown_fields", "zh", id=self.id, names=_T.get("list_sep", "zh").join(unknown)),
                                _T.get("unknown_fields", "en", id=self.id, names=_T.get("list_sep", "en").join(unknown)))
        self._ensure_loaded()
        for name, value in values.items():
            raw = self.fields[name].to_raw(value)
            if self._views is not None:
                self._views[name].set_raw(raw)  # fires _on_change through the widget
            else:
                self._raw[name] = raw
                self._on_change(name)

    # ------------------------------------------------------------------------------------------------------------
    # load / save
    def _ensure_loaded(self) -> None:
        if self._loaded or not self.store.trainee:
            return
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            try:
                record, warning = self.store.load(self.id)
            except OSError as err:
                record, warning = None, _T.get("answers_unreadable", "zh", err=err)
            self.warning = warning
            if record:
                saved = record.get("values", {})
                for name, f in self.fields.items():
                    if name in saved:
                        self._raw[name] = f.clean_raw(saved[name])
                self.attempts = list(record.get("attempts", []))
                self.revealed = bool(record.get("revealed", False))
            if self._dirty:  # values set before the name was known: keep them, save now
                self._schedule_save()

    def _on_change(self, name: str | None = None) -> None:
        if self._restoring:
            return
        if self._views is not None:
            if name is not None:
                self._views[name].show_marker(None)
            self._raw = {n: v.get_raw() for n, v in self._views.items()}
        self._dirty = True
        self._schedule_save()
        self._update_live()

    def _schedule_save(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            _PENDING.add(self)
            if not self.store.trainee:
                return
            self._timer = threading.Timer(AUTOSAVE_DELAY, self._timer_flush)
            self._timer.daemon = True
            self._timer.start()

    def _timer_flush(self) -> None:
        try:
            self.flush()
        except Exception:  # never let a background save raise into the kernel
            pass

    def flush(self) -> bool:
        """Write pending changes now. Returns True when the file was written."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._dirty or not self.store.trainee:
                return False
            self._ensure_loaded()
            values = {name: _jsonable(v) for name, v in self._raw.items()}
            try:
                record, warning = self.store.save(
                    self.id, values=values, attempts=self.attempts, revealed=self.revealed, title=self.title,
                )
            except (OSError, ExerciseError) as err:
                self.save_error = _T.get("save_failed", self.lang, error=str(err), folder=self.store.root)
                self._render_status()
                return False
            self.save_error = None
            self.attempts = list(record["attempts"])
            self.revealed = bool(record["revealed"])
            if warning:
                self.warning = warning
            self._dirty = False
            _PENDING.discard(self)
            self._saved_at = datetime.now().strftime("%H:%M:%S")
        self._render_status()
        return True

    # ------------------------------------------------------------------------------------------------------------
    # checking
    def submit(self) -> Feedback:
        """Check the current answer (like clicking 检查答案): records an attempt, saves, shows feedback."""
        self._ensure_loaded()
        lang = self.lang
        errors = self.errors(lang)
        if errors:
            lines = "".join(
                "<li>" + _T.get("field_error", lang, field=html.escape(self.fields[n].label_for(lang)), error=html.escape(msg))
                + "</li>" for n, msg in errors.items()
            )
            fb = Feedback(
                status="invalid", score=0.0,
                explanation=_T.get("fix_input", "zh") + "\n\n" + "\n".join("- " + _T.get("field_error", "zh", field=self.fields[n].label, error=m)
                                                                   for n, m in self.errors("zh").items()),
                explanation_en=_T.get("fix_input", "en") + "\n\n" + "\n".join(
                    f"- {self.fields[n].label_for('en')}: {m}" for n, m in self.errors("en").items()),
                details=tuple((n, False, m) for n, m in errors.items()),
            )
            self.last_feedback = fb
            self._render_feedback(fb, html_override=f"<p>{_T.get('fix_input', lang)}</p><ul>{lines}</ul>")
            self._render_markers(fb)
            return fb
        answer = self.answer()
        try:
            fb = self.check(answer)
        except Exception as err:  # a bug in the exercise: never a traceback for the trainee
            fb = Feedback(
                status="invalid", score=0.0,
                explanation=_T.get("check_broken", "zh", error=f"{type(err).__name__}: {err}"),
                explanation_en=_T.get("check_broken", "en", error=f"{type(err).__name__}: {err}"),
            )
            self.last_feedback = fb
            self._render_feedback(fb)
            return fb
        attempt = {
            "time": now_iso(),
            "session": self._session,
            "answer": _jsonable(answer),
            "status": fb.status,
            "score": round(fb.score, 4),
            "details": [list(d) for d in fb.details],
        }
        with self._lock:
            self.attempts.append(attempt)
            self._dirty = True
        self.last_feedback = fb
        self.flush()
        self._render_feedback(fb)
        self._render_markers(fb)
        self._render_history()
        return fb

    def model_answer_text(self, lang: str | None = None) -> str:
        """The model answer as markdown."""
        lang = lang or self.lang
        spec = self.model_answer_en if (lang == "en" and self.model_answer_en is not None) else self.model_answer
        if spec is None:
            return _T.get("no_model_answer", lang)
        if callable(spec):
            spec = spec(self.answer())
        if isinstance(spec, Mapping):
            return "\n".join(
                "- " + _T.get("model_value", lang, field=f"**{self.fields[k].label_for(lang)}**",
                              value=self.fields[k].describe(v, lang))
                if k in self.fields else "- " + _T.get("model_value", lang, field=k, value=v)
                for k, v in spec.items()
            )
        return str(spec)

    def reveal(self) -> str:
        """Show the model answer (allowed after the first attempt); returns its markdown."""
        self._ensure_loaded()
        if not self.attempts:
            self._set_html("_model_html", f"<p style='color:#666'>{_T.get('reveal_locked', self.lang)}</p>")
            return ""
        text = self.model_answer_text()
        with self._lock:
            if not self.revealed:
                self.revealed = True
                self._dirty = True
        self.flush()
        self._render_model()
        if self.last_feedback is not None:  # the explanation held back after a wrong try comes with the answer
            self._render_feedback(self.last_feedback)
        return text

    # ------------------------------------------------------------------------------------------------------------
    # widgets
    def widget(self):
        """The exercise's widget (built on first use)."""
        import ipywidgets as w

        if self._root is not None:
            return self._root
        self._root = w.VBox(layout=w.Layout(border="1px solid #ddd", padding="8px 12px", margin="8px 0"))
        self._root.add_class("dl-exercise")
        self._root.add_class(f"dl-ex-{self.id}")
        if self.store.trainee:
            self._root.children = [self._build_content()]
        else:
            self._root.children = [self._name_prompt()]
            _WAITING_NAME.add(self)
        return self._root

    def show(self, lang: str | None = None) -> None:
        """Display the exercise (``lang="en"`` shows an English copy)."""
        from IPython.display import display

        if lang is not None and check_lang(lang) != self.lang:
            display(self.bind(lang=lang).widget())
        else:
            display(self.widget())

    def _repr_mimebundle_(self, **kwargs):
        return self.widget()._repr_mimebundle_(**kwargs)

    def _name_prompt(self):
        import ipywidgets as w

        lang = self.lang
        text = w.Text(placeholder=_T.get("name_placeholder", lang), layout=w.Layout(width="200px"))
        text.add_class("dl-trainee-name")
        ok = w.Button(description=_T.get("name_ok", lang), button_style="primary")
        ok.add_class("dl-trainee-ok")
        msg = w.HTML("")

        def confirm(*_):
            try:
                self.store.set_trainee(text.value)
            except (ExerciseError, OSError) as err:
                msg.value = f"<span style='color:#c62828'>{html.escape(str(err))}</span>"
                return
            for ex in list(_WAITING_NAME):
                ex._name_known()

        ok.on_click(confirm)
        box = w.VBox([w.HTML(f"<b>{html.escape(self.title_for())}</b>"), w.HTML(_T.get("name_prompt", lang)),
                      w.HBox([text, ok]), msg])
        box.add_class("dl-trainee")
        return box

    def _name_known(self) -> None:
        _WAITING_NAME.discard(self)
        if self._root is not None and self._content is None:
            self._root.children = [self._build_content()]

    def _build_content(self):
        import ipywidgets as w

        lang = self.lang
        self._ensure_loaded()
        self._views = {}
        for name, f in self.fields.items():
            view = f.view(name, lang)
            self._views[name] = view
        self._restoring = True
        try:
            for name, view in self._views.items():
                view.set_raw(self._raw[name])
                view.refresh()
        finally:
            self._restoring = False
        for name, view in self._views.items():
            view.on_change(lambda n=name: self._on_change(n))

        title = w.HTML(f"{_CSS}<h3 style='margin:4px 0'>{html.escape(self.title_for())}</h3>")
        instructions = (self.instructions_en or self.instructions) if lang == "en" else self.instructions
        parts = [title]
        if instructions:
            parts.append(w.HTML(_markdown(instructions)))
        self._warning_html = w.HTML("")
        self._warning_html.add_class("dl-warning")
        parts.append(self._warning_html)
        parts.extend(v.box for v in self._views.values())
        self._live_html = w.HTML("")
        self._live_html.add_class("dl-live")
        if self.live is not None:
            parts.append(self._live_html)
        check_btn = w.Button(description=_T.get("check", lang), button_style="primary", layout=w.Layout(width="auto"))
        check_btn.add_class("dl-check")
        check_btn.on_click(lambda *_: self.submit())
        self._reveal_btn = w.Button(description=_T.get("reveal", lang), layout=w.Layout(width="auto"))
        self._reveal_btn.add_class("dl-reveal")
        self._reveal_btn.on_click(lambda *_: self.reveal())
        self._status_html = w.HTML("")
        self._status_html.add_class("dl-status")
        parts.append(w.HBox([check_btn, self._reveal_btn, self._status_html]))
        self._feedback_html = w.HTML("")
        self._feedback_html.add_class("dl-feedback")
        self._model_html = w.HTML("")
        self._model_html.add_class("dl-model")
        self._history_html = w.HTML("")
        self._history_html.add_class("dl-history")
        parts.extend([self._feedback_html, self._model_html, self._history_html])
        self._content = w.VBox(parts)
        # restored state
        if self.warning:
            self._warning_html.value = (
                f"<div style='color:#8a4b00;background:#fff8e1;padding:6px'>⚠ {html.escape(self.warning)}</div>"
            )
        self._render_status()
        self._render_history()
        if self.attempts:
            self._render_last_attempt(self.attempts[-1])
        if self.revealed:
            self._render_model()
        self._update_live()
        return self._content

    # -- renderers (no-ops before the widgets exist) -----------------------------------------------------------------
    def _set_html(self, attr: str, value: str) -> None:
        widget = getattr(self, attr, None)
        if widget is not None:
            widget.value = value

    def _render_status(self) -> None:
        lang = self.lang
        if self.save_error:
            text = f"<span style='color:#c62828'>{html.escape(self.save_error)}</span>"
        elif getattr(self, "_saved_at", None):
            who = html.escape(self.store.trainee or "—")
            text = f"<span style='color:#666'>{_T.get('saved', lang, time=self._saved_at, name=who)}</span>"
        else:
            who = self.store.trainee or "—"
            # the folder is the trainer's business (and a path means nothing to a manager in the app)
            text = f"<span style='color:#666'>{html.escape(_T.get('trainee', lang, name=who))}</span>"
        text += _list_link(lang) + _switch_link(lang)
        self._set_html("_status_html", text)

    def _feedback_box(self, status: str, score: float, body: str) -> str:
        color, bg = _COLORS[status]
        lang = self.lang
        head = _T.get("result", lang, status=status_label(status, lang), score=f"{score:.0%}")
        return (
            f"<div class='dl-{status}' style='border-left:6px solid {color};background:{bg};padding:6px 12px;"
            f"margin:6px 0'><b style='color:{color}'>{html.escape(head)}</b>{body}</div>"
        )

    def _render_feedback(self, fb: Feedback, *, html_override: str | None = None) -> None:
        if getattr(self, "_feedback_html", None) is None:
            return
        lang = self.lang
        if html_override is not None:
            body = html_override
        elif fb.status in ("wrong", "partly") and not self.revealed:
            # the explanation works the case through to its final answer: after a blank or wrong try it would hand
            # the answer over; the per-field ✗ messages and the hint guide the next try instead
            body = f"<p style='color:#666'>{_T.get('explain_later', lang)}</p>"
        else:
            body = _markdown(fb.text(lang))
        if html_override is None:
            general = [m for n, ok, m in fb.details if not n and m]
            if general:
                body += "<ul>" + "".join(f"<li>{html.escape(m)}</li>" for m in general) + "</ul>"
            if fb.status != "correct" and fb.hint_text(lang):
                body += f"<p><b>{_T.get('hint', lang)}</b>{_markdown(fb.hint_text(lang))}</p>"
        self._feedback_html.value = self._feedback_box(fb.status, fb.score, body)
        for s in _COLORS:
            self._feedback_html.remove_class(f"dl-{s}")
        self._feedback_html.add_class(f"dl-{fb.status}")

    def _render_last_attempt(self, attempt: dict) -> None:
        """After a restart: show the last recorded result (the full explanation comes back with the next check)."""
        status = attempt.get("status", "wrong")
        if status not in _COLORS:
            return
        try:
            fb = self.check(attempt.get("answer", {}))
        except Exception:
            fb = None
        if fb is not None and fb.status == status:
            self._render_feedback(fb)
            self._render_markers(fb)
        else:
            self._feedback_html.value = self._feedback_box(status, float(attempt.get("score", 0.0)), "")

    def _render_markers(self, fb: Feedback) -> None:
        if self._views is None:
            return
        for view in self._views.values():
            view.show_marker(None)
        # several details may name one field (one per item of a classification): the field is ✓ only when all
        # are ok, and every distinct failure message is shown, one a line (the last detail used to win, so a
        # right last item turned a half-wrong field into ✓)
        merged: dict[str, tuple[bool, list[str]]] = {}
        for name, ok, msg in fb.details:
            if name not in self._views:
                continue
            all_ok, msgs = merged.get(name, (True, []))
            if not ok and msg and msg not in msgs:
                msgs.append(msg)
            merged[name] = (all_ok and bool(ok), msgs)
        for name, (ok, msgs) in merged.items():
            self._views[name].show_marker(ok, "" if ok else "\n".join(msgs))

    def _render_history(self) -> None:
        lang = self.lang
        if not self.attempts:
            self._set_html("_history_html", "")
            return
        rows = "".join(
            f"<tr><td>{_T.get('attempt', lang, n=i)}</td><td>{html.escape(_local_time(a.get('time', '')))}</td>"
            f"<td style='color:{_COLORS.get(a.get('status'), ('#333',))[0]}'>"
            f"{status_label(a.get('status'), lang)}</td>"
            f"<td>{float(a.get('score', 0)):.0%}</td></tr>"
            for i, a in enumerate(self.attempts, start=1)
        )
        self._set_html(
            "_history_html",
            f"<details><summary>{_T.get('history_count', lang, history=_T.get('history', lang), n=len(self.attempts))}</summary>"
            f"<table style='font-size:90%'>{rows}</table></details>",
        )

    def _render_model(self) -> None:
        text = self.model_answer_text().lstrip()
        # most model answers open with their own bold heading: the box has one already, so show it once
        for heading in {_T.get("model", self.lang), _T.get("model", "zh"), _T.get("model", "en")}:
            if text.startswith(f"**{heading}**"):
                text = text[len(heading) + 4:].lstrip()
                break
        self._set_html(
            "_model_html",
            f"<div style='border:1px dashed #1565c0;padding:6px 12px;margin:6px 0'><b>{_T.get('model', self.lang)}</b>"
            f"{_markdown(text)}</div>",
        )

    def _update_live(self) -> None:
        if self.live is None:
            return
        try:
            result = self.live(self.answer())
        except Exception as err:
            self.live_result = None
            self._set_html("_live_html", f"<span style='color:#666'>{html.escape(_T.get('live_broken', self.lang, error=err))}</span>")
            return
        self.live_result = result
        self._set_html("_live_html", _render_any(result))


def _render_any(obj: Any) -> str:
    """HTML for a live result: markdown text, a DataFrame, or a matplotlib Figure."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return _markdown(obj)
    if hasattr(obj, "to_html") and hasattr(obj, "columns"):
        return obj.to_html(index=False, escape=True, border=0, na_rep="—")
    if hasattr(obj, "savefig"):
        import base64
        import io

        buf = io.BytesIO()
        obj.savefig(buf, format="png", dpi=100, bbox_inches="tight")
        try:
            import matplotlib.pyplot as plt

            plt.close(obj)
        except Exception:
            pass
        data = base64.b64encode(buf.getvalue()).decode("ascii")
        return f"<img src='data:image/png;base64,{data}' style='max-width:100%'/>"
    return f"<pre>{html.escape(str(obj))}</pre>"
