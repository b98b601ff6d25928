"""The project's own specification (docs/DOMAIN.md, docs/DATA.md): every registry metric id has its entry, and every
section the code cites exists."""

import re

import pytest

from dealerlab.metrics import METRICS
from tests._paths import REPO

ROOT = REPO
DOCS = ROOT / "docs"


def _sections(text: str) -> set[str]:
    """Section numbers of a document: ``## 3. Title`` → "3", ``### 3.12 title`` → "3.12"."""
    return set(re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.?\s", text, flags=re.M))


def documented(metric_id: str, text: str) -> bool:
    """The id is named as a word of the document; a sub-figure ``base.<value>`` also when the document gives the
    pattern ``base.<...>`` (e.g. ``rebate.<item>``, one per policy item)."""
    if re.search(rf"(?<![\w.]){re.escape(metric_id)}(?![\w.])", text):
        return True
    base = metric_id.split(".", 1)[0]
    return "." in metric_id and f"{base}.<" in text


def test_every_registry_metric_has_its_entry_in_domain_md():
    text = (DOCS / "DOMAIN.md").read_text(encoding="utf-8")
    missing = [m for m in METRICS if not documented(m, text)]
    assert not missing, f"metric ids without an entry in docs/DOMAIN.md (add formula, seed, tag): {missing}"


def test_documented_matches_words_only():
    text = "| close_rate | 成交率 | ... | volume.展厅 and rebate.<item>"
    assert documented("close_rate", text) and documented("volume.展厅", text) and documented("rebate.VP达成奖", text)
    assert not documented("close", text) and not documented("volume.大客户", text) and not documented("rate", text)


def _citations(doc: str) -> list[tuple[str, str]]:
    """(file, section) of every ``docs/<doc> §N`` cited in the package, tests and notebooks."""
    out = []
    for folder in ("dealerlab", "tests", "notebooks", "trainer"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".ipynb", ".md") or ".ipynb_checkpoints" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for m in re.finditer(rf"docs/{doc} §(\d+(?:\.\d+)?)", text):
                out.append((str(path.relative_to(ROOT)), m.group(1)))
    return out


@pytest.mark.parametrize("doc", ["DOMAIN.md", "DATA.md"])
def test_cited_sections_exist(doc):
    sections = _sections((DOCS / doc).read_text(encoding="utf-8"))
    cited = _citations(doc)
    assert cited, f"nothing cites docs/{doc} by section"
    wrong = [(f, s) for f, s in cited if s not in sections]
    assert not wrong, f"citations of docs/{doc} sections that do not exist: {wrong}"


def test_no_citation_of_a_document_outside_the_repository():
    """The code cites the specification in docs/ (``docs/DOMAIN.md §N``), never a bare ``DOMAIN.md`` that a clone
    of the project does not have."""
    bare = []
    for path in (ROOT / "dealerlab").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<![/\w])(DOMAIN|DATA|STYLE)\.md", line):
                bare.append(f"{path.relative_to(ROOT)}:{n}")
    assert not bare, f"cite docs/DOMAIN.md, docs/DATA.md or docs/STYLE.md: {bare}"


#: enumerations docs/DATA.md gives as examples or in prose rather than as the full ``{…}`` list, and why
_ENUMS_NOT_LISTED = {
    "role": "DATA.md §3.2 lists the usual roles, ending with …",
    "target_metric": "DATA.md §3.15 gives examples (e.g. 销量, …)",
    "policy_basis": "its canonical values are metric ids, named in DATA.md's prose",
}


def test_data_md_lists_every_enumeration_as_enums_toml_does():
    """A value added to dealerlab/data/enums.toml is also added to its ``{…}`` list in docs/DATA.md §3 (same values,
    same order), so the contract the client reads does not go stale."""
    import tomllib

    enums = tomllib.loads((ROOT / "dealerlab" / "data" / "enums.toml").read_text(encoding="utf-8"))
    text = re.sub(r"\s*\n\s*", " ", (DOCS / "DATA.md").read_text(encoding="utf-8"))
    listed = {tuple(v.strip() for v in m.split(",")) for m in re.findall(r"\{([^{}]*)\}", text)}
    assert set(_ENUMS_NOT_LISTED) <= set(enums), f"_ENUMS_NOT_LISTED names a table enums.toml lacks: {_ENUMS_NOT_LISTED}"
    stale = {name: list(table) for name, table in enums.items()
             if name not in _ENUMS_NOT_LISTED and tuple(table) not in listed}
    assert not stale, ("enumerations of dealerlab/data/enums.toml whose {…} list in docs/DATA.md §3 differs (write the "
                       f"canonical values in the file's order; then regenerate datasets/README.md, see its top): {stale}")
