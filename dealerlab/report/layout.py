"""The report folder's layout: what the client receives, and what stays with the consultant.

The report folder (``dealerlab report … -o 报告/``) holds only deliverables, named in the report's language::

    报告.html     report.html      the report (open in a browser; the same pages as the PDF)
    报告.pdf      report.pdf       A4 PDF (--pdf)
    报告.pptx     report.pptx      the deck (--pptx)
    附录.xlsx     appendix.xlsx    the figures of the comparison months, formatted, one Excel table per sheet
    指标.csv      metrics.csv      the same figures, long format (pivot on the 层级/level column)
    发现清单.csv   findings.csv     the ranked findings with their actions
    stores/<id>/                   one folder per store (--all-stores), the same files
    audit/                         NOT for the client: the executed notebook (report.ipynb), the consultant's
                                   notes template (叙述模板.md / notes-template.md) and dealerlab's manifest

Deliver the folder without ``audit/``. Everything dealerlab writes is named here (one place).
"""

from __future__ import annotations

from dealerlab._options import check_lang

__all__ = ["FILES", "AUDIT", "file_name", "deliverables"]

#: the sub-folder of internal files (not for the client)
AUDIT = "audit"

#: kind → file name by language
FILES = {
    "html": {"zh": "报告.html", "en": "report.html"},
    "pdf": {"zh": "报告.pdf", "en": "report.pdf"},
    "pptx": {"zh": "报告.pptx", "en": "report.pptx"},
    "xlsx": {"zh": "附录.xlsx", "en": "appendix.xlsx"},
    "metrics": {"zh": "指标.csv", "en": "metrics.csv"},
    "findings": {"zh": "发现清单.csv", "en": "findings.csv"},
    "notebook": {"zh": f"{AUDIT}/report.ipynb", "en": f"{AUDIT}/report.ipynb"},
    "notes": {"zh": f"{AUDIT}/叙述模板.md", "en": f"{AUDIT}/notes-template.md"},
}


def file_name(kind: str, lang: str = "zh") -> str:
    """The path, relative to a report folder, of the file of ``kind`` (a key of :data:`FILES`) in ``lang``.

    Parameters
    ----------
    kind : str
        ``html``, ``pdf``, ``pptx``, ``xlsx``, ``metrics``, ``findings``, ``notebook`` or ``notes``.
    lang : {"zh", "en"}
        The report's language.

    Returns
    -------
    str

    >>> file_name("pdf"), file_name("pdf", "en"), file_name("notes")
    ('报告.pdf', 'report.pdf', 'audit/叙述模板.md')
    """
    check_lang(lang)
    return FILES[kind][lang]


def deliverables(lang: str = "zh") -> set[str]:
    """The names of the client's files in a report folder (every kind outside ``audit/``)."""
    check_lang(lang)
    return {v[lang] for v in FILES.values() if not v[lang].startswith(AUDIT + "/")}
