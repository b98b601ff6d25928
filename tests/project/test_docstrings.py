"""STYLE rule 3: no public function documents a parameter it does not have (papermill's fault, avoided here).

Walks every module of dealerlab; for each public function or method with a numpydoc ``Parameters`` section, the
documented names must all be parameters of its signature.
"""

import importlib
import inspect
import pkgutil
import re

import dealerlab

_SECTION = re.compile(r"\n\s*Parameters\n\s*-{3,}\n(.*?)(?:\n\s*(?:Returns|Raises|Yields|Examples|Notes|See Also|Attributes)\n\s*-{3,}|\Z)", re.S)
_NAME_LINE = re.compile(r"^(\s*)([A-Za-z_*][\w*]*(?:\s*,\s*[A-Za-z_*][\w*]*)*)\s*:(?!:)")


def _documented(doc: str) -> list[str]:
    m = _SECTION.search("\n" + doc)
    if not m:
        return []
    lines = m.group(1).splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    if not indents:
        return []
    base = min(indents)
    names = []
    for line in lines:
        hit = _NAME_LINE.match(line)
        if hit and len(hit.group(1)) == base:
            names += [n.strip().lstrip("*") for n in hit.group(2).split(",")]
    return names


def _public_callables():
    for info in pkgutil.walk_packages(dealerlab.__path__, "dealerlab."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) and obj.__module__ == module.__name__:
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj) and obj.__module__ == module.__name__:
                for meth_name, meth in vars(obj).items():
                    if inspect.isfunction(meth) and not meth_name.startswith("_"):
                        yield f"{module.__name__}.{name}.{meth_name}", meth


def test_documented_parameters_exist():
    checked, wrong = 0, []
    for qualname, func in _public_callables():
        doc = inspect.getdoc(func) or ""
        names = _documented(doc)
        if not names:
            continue
        params = set(inspect.signature(func).parameters)
        checked += 1
        extra = [n for n in names if n not in params]
        if extra:
            wrong.append(f"{qualname}: documents {extra}, signature has {sorted(params)}")
    assert checked >= 40  # the walk really reads the package
    assert wrong == []


def test_shared_snippets_are_filled_in():
    """A ``%(name)s`` placeholder never reaches a reader (dealerlab._docstrings.share_docs fills them)."""
    left = [q for q, func in _public_callables() if "%(" in (func.__doc__ or "") and "_docstrings" not in q]
    assert left == []
    from dealerlab.pdca.aftersales import booth_utilisation

    assert "Months ``YYYY-MM``." in booth_utilisation.__doc__
