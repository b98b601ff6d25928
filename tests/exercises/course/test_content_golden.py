"""What trainees read is unchanged when the exercise content moves between code and data files.

A snapshot of every course exercise (title, instructions, every field's labels/options/items, the model answers, the
feedback to an empty answer and to the model answer) and of the public case tables of each course module, compared
with ``golden/exercise_texts.json``. Regenerate only for a deliberate change of content::

    PYTHONPATH=. python tests/exercises/course/test_content_golden.py --write
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from pathlib import Path

import dealerlab.exercises.course as course_pkg
from dealerlab.exercises import Exercise

GOLDEN = Path(__file__).parent / "golden" / "exercise_texts.json"


def _text(value) -> str:
    if callable(value):
        try:
            value = value(None)
        except Exception as exc:  # noqa: BLE001 - a model answer that needs an answer: record what it says
            value = f"<{type(exc).__name__}>"
    return repr(value)


def _field(field) -> dict[str, str]:
    return {k: repr(v) for k, v in sorted(vars(field).items()) if not k.startswith("_")}


def _feedback(exercise, answer) -> str:
    try:
        fb = exercise.check(answer)
    except Exception as exc:  # noqa: BLE001
        return f"<{type(exc).__name__}>"
    return repr((fb.status, fb.score, fb.explanation, fb.explanation_en, fb.hint, fb.hint_en, fb.details))


def snapshot() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for info in pkgutil.iter_modules(course_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{course_pkg.__name__}.{info.name}")
        tables = {name: repr(getattr(module, name)) for name in getattr(module, "__all__", ())
                  if name.isupper() and name != "EXERCISES" and isinstance(getattr(module, name), dict | list | tuple)}
        out[f"module:{info.name}"] = tables
        exercises = {id(v): v for v in vars(module).values() if isinstance(v, Exercise)}
        for ex in exercises.values():
            model = ex.model_answer
            out[ex.id] = {
                "texts": repr((ex.title, ex.title_en, ex.instructions, ex.instructions_en)),
                "fields": {name: _field(f) for name, f in ex.fields.items()},
                "model_answer": _text(model),
                "model_answer_en": _text(ex.model_answer_en),
                "feedback_empty": _feedback(ex, {}),
                "feedback_model": _feedback(ex, model) if isinstance(model, dict) else "",
            }
    return out


WRITE = "PYTHONPATH=. python tests/exercises/course/test_content_golden.py --write"


def test_exercise_content_unchanged():
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(snapshot(), ensure_ascii=False))
    added, gone = sorted(set(got) - set(want)), sorted(set(want) - set(got))
    assert not added and not gone, (
        f"exercises or course modules added {added} / removed {gone}: if that is what you meant (a new exercise), "
        f"regenerate the snapshot with `{WRITE}` and check that its diff adds only them")
    changed = [key for key in want if got[key] != want[key]]
    assert not changed, (
        f"what trainees read changed in {changed}: a refactor must not change it; for a deliberate change of "
        f"content run `{WRITE}` and review the diff of {GOLDEN.name}")


if __name__ == "__main__" and "--write" in sys.argv:
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(snapshot(), ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
