"""Small helpers shared by the sorting exercises of the course modules (classify items, pick one option per case).

A *case table* maps a case id to ``(zh text, answer, ...)``: the numbered lines of the instructions, the item labels
of its ClassifyField, the answer of each case and the model answer's key are all read from it here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dealerlab.exercises.fields import ClassifyField

#: a case id → (zh text, answer, ...)
Cases = Mapping[str, Sequence]


def case_lines(cases: Cases, *, indent: str = "") -> str:
    """The numbered lines ``1. text`` of a case table, one a line (the list the instructions show)."""
    return "\n".join(f"{indent}{i}. {case[0]}" for i, case in enumerate(cases.values(), start=1))


def numbering(cases: Mapping) -> dict[str, str]:
    """Case id → its number in the list as shown (``"1"``, ``"2"``, ...)."""
    return {k: str(i) for i, k in enumerate(cases, start=1)}


def case_items(cases: Cases, label: str | None = None) -> dict[str, str]:
    """The item labels of a ClassifyField over a case table: ``label`` with the case's number ``{n}`` (``"案例 {n}"``),
    or ``n. text`` without ``label``."""
    if label is None:
        return {k: f"{i}. {case[0]}" for i, (k, case) in enumerate(cases.items(), start=1)}
    return {k: label.format(n=n) for k, n in numbering(cases).items()}


def case_field(label: str, label_en: str | None, cases: Cases, classes: Sequence[str] | Mapping[str, str],
               classes_en: Mapping[str, str] | None = None, *, item: str | None = None) -> ClassifyField:
    """The ClassifyField of a case table: one dropdown per case, labelled as :func:`case_items` does with ``item``
    (``"案例 {n}"``) or with the case's numbered text, choosing among ``classes``."""
    return ClassifyField(label, label_en, items=case_items(cases, item), classes=classes, classes_en=classes_en)


def answers(cases: Cases) -> dict[str, str]:
    """The answer of each case: case id → answer (what the trainee's classification is checked against)."""
    return {k: case[1] for k, case in cases.items()}


def answer_key(cases: Cases, name: Callable[[str], str] | None = None, *, mark: str = ". ", sep: str = "；") -> str:
    """The model answer of a case table: ``1. answer；2. answer`` (``name`` turns an answer into what is shown)."""
    return sep.join(f"{i}{mark}{name(case[1]) if name else case[1]}" for i, case in enumerate(cases.values(), start=1))


def wrong_items(given: Mapping | None, truth: Mapping[str, str]) -> list[str]:
    """The item ids whose class in ``given`` differs from ``truth`` (an empty or missing answer counts as wrong)."""
    given = given or {}
    return [k for k, want in truth.items() if given.get(k) != want]


def wrong_cases(given: Mapping | None, cases: Cases) -> list[str]:
    """The case ids whose class in ``given`` is not the case's answer (an empty or missing one counts as wrong)."""
    return wrong_items(given, answers(cases))


def case_numbers(keys: Sequence[str], cases: Mapping) -> str:
    """``1、3``: the numbers of the cases ``keys`` in the list as shown."""
    num = numbering(cases)
    return "、".join(num[k] for k in keys)


def case_names(keys: Sequence[str], cases: Cases, label: str) -> str:
    """``案例 2、5``: the cases ``keys`` named as their ClassifyField labels them (``label`` as in :func:`case_items`)."""
    items = case_items(cases, label)
    return "、".join(items[k] for k in keys)


def numbered(keys: list[str], order: list[str], word: str = "第") -> str:
    """'第 2、5 条' for the item ids ``keys`` numbered by their place in ``order`` (1-based)."""
    nums = [str(order.index(k) + 1) for k in keys if k in order]
    return f"{word} {'、'.join(nums)} 条" if nums else ""


def item_details(field: str, given: Mapping | None, truth: Mapping[str, str],
                 why: Callable[[str, str], str]) -> list[tuple[str, bool, str]]:
    """One ``(field, ok, message)`` detail per item of ``truth`` (item → right class): the trainee's class in ``given``
    is checked, and a wrong one is explained by ``why(item, right)``."""
    given = given or {}
    out = []
    for item, right in truth.items():
        ok = given.get(item) == right
        out.append((field, ok, "" if ok else why(item, right)))
    return out


def classify_detail(field: str, given: Mapping | None, truth: Mapping[str, str], advice: str) -> tuple[str, bool, str]:
    """A ``(field, ok, message)`` detail for a ClassifyField: the message names the wrong rows and adds ``advice``."""
    bad = wrong_items(given, truth)
    if not bad:
        return (field, True, "")
    return (field, False, f"{numbered(bad, list(truth))}再想想：{advice}")
