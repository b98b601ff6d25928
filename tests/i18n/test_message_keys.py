"""Every literal key a module asks its catalogue for (``_MSG.get("key", …)``, ``.text``, ``.both``) is in the
catalogue's file ``dealerlab/messages/<name>.toml``: a renamed or mistyped key fails here, not in front of a trainee."""

from __future__ import annotations

import ast
from pathlib import Path

import tomllib

import dealerlab
from dealerlab.i18n import _checked

PACKAGE = Path(dealerlab.__file__).parent
MESSAGES = PACKAGE / "messages"
LOOKUPS = ("get", "text", "both")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _loads(tree: ast.Module) -> dict[str, str]:
    """``NAME = Catalogue.load("file")`` at module level → {NAME: file}."""
    out = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            call = node.value
            if (isinstance(call.func, ast.Attribute) and call.func.attr == "load"
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "Catalogue"
                    and call.args and isinstance(call.args[0], ast.Constant)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Name):
                        out[t.id] = call.args[0].value
    return out


def _trees() -> dict[str, ast.Module]:
    return {_module(p): ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def _keys(name: str) -> set[str]:
    return set(_checked(tomllib.loads((MESSAGES / f"{name}.toml").read_text(encoding="utf-8")), name))


def unknown_keys() -> tuple[list[str], int]:
    """(lookups whose key is not in the file, number of literal lookups checked)."""
    trees = _trees()
    loads = {mod: _loads(tree) for mod, tree in trees.items()}
    bad, checked = [], 0
    for mod, tree in trees.items():
        names = dict(loads[mod])
        for node in tree.body:  # a catalogue imported from another module (``from dealerlab.i18n import LABELS``)
            if isinstance(node, ast.ImportFrom) and node.module in loads:
                for alias in node.names:
                    if alias.name in loads[node.module]:
                        names[alias.asname or alias.name] = loads[node.module][alias.name]
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOOKUPS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in names
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                file = names[node.func.value.id]
                checked += 1
                if node.args[0].value not in _keys(file):
                    bad.append(f"{mod}:{node.lineno} {node.func.value.id}.{node.func.attr}({node.args[0].value!r}) "
                               f"— not in messages/{file}.toml")
    return bad, checked


def test_every_literal_key_is_in_its_message_file():
    bad, checked = unknown_keys()
    assert checked > 300, f"only {checked} lookups found: the scan is broken"
    assert not bad, "message keys missing from their file:\n" + "\n".join(bad)


def test_the_scan_reads_a_module_catalogue():
    tree = ast.parse((PACKAGE / "pdca" / "aftersales.py").read_text(encoding="utf-8"))
    assert _loads(tree) == {"_MSG": "pdca/aftersales"}
    assert "missing_table" in _keys("pdca/aftersales")
