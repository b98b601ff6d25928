"""The report's sections: one module each, and :data:`SECTIONS`, the one list of them.

Everything that names the sections derives from :data:`SECTIONS`: the section cells of both report notebooks (in the
registry's order, filtered by scope; :func:`sync_notebooks` rewrites them and a test fails when they differ), the
section names of :mod:`dealerlab.report.execute`'s error messages, the heading of each section
(:meth:`Section.render`), the findings the executive summary ranks (:data:`COLLECTORS`) and the tests.

Adding a section is one new module here (``build(ctx) -> Html`` and, if it has any, ``findings(ctx) -> list[Finding]``)
and one line below; then ``python -m dealerlab.report.sections`` writes its cell into the notebooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dealerlab._options import check_lang
from dealerlab.errors import DealerlabError, MissingTableError
from dealerlab.i18n import Catalogue
from dealerlab.report import html as H
from dealerlab.report.finding import Finding
from dealerlab.report.sections import (
    accounts,
    actions,
    aftersales,
    cover,
    csi,
    funnel,
    league,
    people,
    policy,
    quality,
    summary,
    targets,
)

__all__ = ["Section", "SECTIONS", "COLLECTORS", "section", "for_scope", "title", "sync_notebooks"]

_TXT = Catalogue.load("report/sections")

#: which report a section appears in
BOTH, STORE, GROUP = "both", "store", "group"


@dataclass(frozen=True)
class Section:
    """One report section.

    ``key`` names it everywhere (notebook cell tag ``section-<key>``, HTML anchor, ``rep.section(key)``);
    ``build(ctx)`` returns its body as :class:`~dealerlab.report.html.Html`; ``findings(ctx)`` (optional) returns
    the :class:`~dealerlab.report.finding.Finding` objects it contributes to the executive summary and the action
    plan; ``scope`` says whether it appears in the store report, the group report or both; a section without
    ``heading`` (the cover) is shown as ``build`` returns it.
    """

    key: str
    title_zh: str
    title_en: str
    build: Callable[..., object]
    findings: Callable[..., list[Finding]] | None = None
    scope: str = BOTH
    heading: bool = True

    def title(self, lang: str = "zh") -> str:
        """The section's title in ``lang``."""
        check_lang(lang)
        return self.title_en if lang == "en" else self.title_zh

    def render(self, ctx) -> H.Html:
        """The section for the report context ``ctx``: its heading, then its body — or, when its data is missing or
        wrong, a note saying so instead of failing."""
        if not self.heading:
            return self.build(ctx)
        out = H.Html(H.h2(self.title(ctx.lang), anchor=self.key))
        try:
            out.append(self.build(ctx))
        except MissingTableError as err:
            out.append(H.missing(_TXT.get("this_section_cannot_be", ctx.lang) + err.message(ctx.lang)))
        except DealerlabError as err:
            out.append(H.missing(err.message(ctx.lang)))
        return out


#: every report section, in report order (the store report shows scope store/both, the group report group/both)
SECTIONS: list[Section] = [
    Section("cover", "封面", "Cover", cover.build, heading=False),
    Section("summary", "执行摘要：最重要的发现", "Executive summary: top findings", summary.build),
    Section("league", "门店排名：关键指标对比", "League table", league.build, scope=GROUP),
    Section("funnel", "销售漏斗", "Sales funnel", funnel.build, funnel.findings),
    Section("targets", "目标与销售顾问", "Targets and consultants", targets.build, targets.findings, scope=STORE),
    Section("aftersales", "售后与管理节奏", "After-sales and cadence", aftersales.build, aftersales.findings),
    Section("csi", "客户满意度（CSI/SSI）", "Customer satisfaction (CSI/SSI)", csi.build, csi.findings),
    Section("accounts", "大客户", "Big accounts", accounts.build, accounts.findings),
    Section("people", "人员与薪酬", "People and pay", people.build, people.findings),
    Section("policy", "商务政策与库存", "Business policy and stock", policy.build, policy.findings),
    Section("actions", "PDCA 行动计划", "PDCA action plan", actions.build),
    Section("quality", "附录：数据质量", "Appendix: data quality", quality.build),
]

#: the findings collectors, in registry order (every section's, whatever its scope)
COLLECTORS: list[Callable[..., list[Finding]]] = [s.findings for s in SECTIONS if s.findings is not None]

#: the notebook cells before the sections are named "setup" in error messages
SETUP_TITLE = ("准备数据", "Data set-up")


def section(key: str) -> Section:
    """The registered section ``key``."""
    for s in SECTIONS:
        if s.key == key:
            return s
    raise KeyError(key)


def title(key: str, lang: str = "zh") -> str:
    """The title of section ``key`` (``"setup"`` for the cells before the sections; an unknown key as it is)."""
    if key == "setup":
        check_lang(lang)
        return SETUP_TITLE[1] if lang == "en" else SETUP_TITLE[0]
    try:
        return section(key).title(lang)
    except KeyError:
        return key


def for_scope(scope: str) -> list[Section]:
    """The sections of the store report (``scope="store"``) or of the group report (``scope="group"``), in order."""
    return [s for s in SECTIONS if s.scope in (BOTH, scope)]


#: notebook file → its scope
NOTEBOOKS = {"store_report.ipynb": STORE, "group_report.ipynb": GROUP}


def notebook_sections(nb) -> list[str]:
    """The section keys of a report notebook's section cells (tag ``section-<key>``, ``setup`` excluded), in order."""
    keys = []
    for cell in nb.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith("section-") and tag != "section-setup":
                keys.append(tag.removeprefix("section-"))
    return keys


def _is_section_cell(cell) -> bool:
    return any(t.startswith("section-") and t != "section-setup" for t in cell.get("metadata", {}).get("tags", []))


def section_cell(key: str):
    """The notebook cell that shows section ``key``."""
    import nbformat

    cell = nbformat.v4.new_code_cell(f'rep.section("{key}")', metadata={"tags": [f"section-{key}"]})
    cell.id = f"section-{key}"
    return cell


def sync_notebooks(folder=None) -> list[str]:
    """Rewrite the section cells of the report notebooks in ``folder`` (default: the shipped ones) from
    :data:`SECTIONS`, keeping the parameters and set-up cells; return the names of the notebooks that changed."""
    import nbformat

    folder = Path(folder) if folder else Path(__file__).resolve().parent.parent / "notebooks"
    changed = []
    for name, scope in NOTEBOOKS.items():
        path = folder / name
        nb = nbformat.read(path, as_version=4)
        want = [section_cell(s.key) for s in for_scope(scope)]
        have = [c for c in nb.cells if _is_section_cell(c)]
        if [(c.source, c.metadata.get("tags")) for c in have] != [(c.source, c.metadata.get("tags")) for c in want]:
            after = [c for c in nb.cells if "after-sections" in c.get("metadata", {}).get("tags", [])]  # e.g. the deck
            before = [c for c in nb.cells if not _is_section_cell(c) and c not in after]
            nb.cells = before + want + after
            nbformat.write(nb, path)
            changed.append(name)
    return changed
