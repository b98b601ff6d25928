"""``--notes 叙述.md``: the consultant's own words in the report before delivery.

Every report folder holds a starter file, ``叙述模板.md`` (``notes-template.md`` in English), listing each section and
each finding by id with the text the report generated. Copy it, write under the headings you want to change, and run
the report again with ``--notes``::

    ## 章节 summary 执行摘要：最重要的发现
    方式：补充
    本月重点：先解决试驾率，再谈成交率。

    ## 发现 funnel.test_drive_rate.S01.1a2b S01 试乘试驾率低于标杆
    隐藏：否
    方式：替换
    试驾率低主要因为试驾车整备不及时，已与售后约定每日 9 点前整备完毕。

* A section block adds a consultant's note under the section heading (``方式：补充``, the default) or replaces the
  section's generated reading text with it (``方式：替换``).
* A finding block replaces (default) or extends the finding's text, or hides the finding (``隐藏：是``) from the
  summary, the ranked findings, the action plan and the deck.
* English keys work too: ``## section KEY``, ``## finding ID``, ``mode: add|replace``, ``hide: yes|no``.
* Lines in ``<!-- … -->`` (the generated text shown for reference) are ignored; a block with no text changes nothing.

Text is the consultant's: it is escaped like any client string (no markup), and never evaluated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["Notes", "SectionNote", "FindingNote", "load_notes", "finding_id", "template", "TEMPLATE_NAME"]

#: the template's own texts (the headings' keywords are the ones :func:`load_notes` reads)
_TEMPLATE = Catalogue({
    "title": {"zh": "# 叙述模板 · {client} · {store} · {period}", "en": "# Notes template · {client} · {store} · {period}"},
    "howto": {
        "zh": "在想修改的标题下写文字，然后用 `dealerlab report … --notes 本文件` 重新生成报告。"
              "章节：「方式：补充」在标题下加一段顾问说明，「方式：替换」替换生成的说明文字。"
              "发现：写的文字替换该发现的说明（「方式：补充」则接在后面）；「隐藏：是」从摘要、行动计划和 PPT 中去掉该发现。"
              "<!-- … --> 中是报告生成的文字，仅供参考，不会被读取。没有写文字的标题不改变报告。",
        "en": "Write under the headings you want to change, then run `dealerlab report … --notes this-file`. Sections: "
              "'mode: add' adds a consultant's note under the heading, 'mode: replace' replaces the generated reading. "
              "Findings: your text replaces the finding's text ('mode: add' appends it); 'hide: yes' removes the "
              "finding. Text in <!-- … --> is the generated text, for reference only.",
    },
    "section": {"zh": "## 章节 {key} {title}", "en": "## section {key} {title}"},
    "finding": {"zh": "## 发现 {id} {title}", "en": "## finding {id} {title}"},
    "mode_add": {"zh": "方式：补充", "en": "mode: add"},
    "mode_replace": {"zh": "方式：替换", "en": "mode: replace"},
    "hide_no": {"zh": "隐藏：否", "en": "hide: no"},
})

#: the starter file written with every report
TEMPLATE_NAME = {"zh": "叙述模板.md", "en": "notes-template.md"}

_HEAD = re.compile(r"^##\s+(章节|section|发现|finding)\s+(\S+)", re.IGNORECASE)
_MODE = re.compile(r"^(方式|mode)\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_HIDE = re.compile(r"^(隐藏|hide)\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_ADD = {"补充", "add", "append"}
_REPLACE = {"替换", "replace"}
_YES = {"是", "yes", "y", "true", "1"}
_NO = {"否", "no", "n", "false", "0"}


@dataclass(frozen=True)
class SectionNote:
    text: str
    replace: bool = False


@dataclass(frozen=True)
class FindingNote:
    text: str = ""
    hide: bool = False
    replace: bool = True


@dataclass
class Notes:
    """The consultant's notes by section key and by finding id."""

    sections: dict[str, SectionNote] = field(default_factory=dict)
    findings: dict[str, FindingNote] = field(default_factory=dict)

    def apply(self, findings: list) -> list:
        """``findings`` without the hidden ones, each with its consultant text."""
        from dataclasses import replace

        out = []
        for f in findings:
            note = self.findings.get(finding_id(f))
            if note is None:
                out.append(f)
                continue
            if note.hide:
                continue
            if note.text:
                if note.replace:
                    f = replace(f, detail_zh=note.text, detail_en=note.text)
                else:
                    f = replace(f, detail_zh=f"{f.detail_zh}。{note.text}", detail_en=f"{f.detail_en}. {note.text}")
            out.append(f)
        return out


def finding_id(f) -> str:
    """A finding's id in the notes: its own ``id`` when it has one, else section.metric.store.<4 hex of its title>."""
    own = getattr(f, "id", None)
    if own:
        return str(own)
    digest = hashlib.sha1(f.title_zh.encode("utf-8")).hexdigest()[:4]
    store = getattr(f, "store_id", "") or ""
    return ".".join(x for x in (f.section, f.metric or "general", store, digest) if x)


def _flag(value: str, yes: set, no: set, path, n, key):
    v = value.strip().lower()
    if v in yes:
        return True
    if v in no:
        return False
    raise ParameterError(f"叙述文件 {path} 第 {n} 行：{key} 的值 {value!r} 无法识别。",
                         f"Notes file {path}, line {n}: value {value!r} of {key} not understood.")


def load_notes(path, *, sections=None) -> Notes:
    """Read a notes file (Markdown, the format of the starter template).

    Parameters
    ----------
    path : str or Path
        The ``叙述.md`` file.
    sections : iterable of str, optional
        The known section keys (an unknown one is an error naming the line; default: not checked).

    Returns
    -------
    Notes

    Raises
    ------
    ParameterError
        Missing file, not UTF-8, an unknown section, an unreadable ``方式``/``隐藏`` value.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"找不到叙述文件：{path}。", f"Notes file not found: {path}.")
    if path.suffix.lower() in {".yaml", ".yml"}:
        raise ParameterError(f"叙述文件 {path.name}：请使用报告文件夹中 叙述模板.md 的 Markdown 格式。",
                             f"Notes file {path.name}: use the Markdown format of the report's notes template.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(f"叙述文件 {path} 不是 UTF-8 文本，请另存为 UTF-8。", f"Notes file {path} is not UTF-8 text.") from None
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    notes = Notes()
    known = set(sections) if sections is not None else None
    current = None  # (kind, key, line)
    body: list[str] = []
    opts: dict = {}

    def flush():
        if current is None:
            return
        kind, key, _ = current
        words = "\n".join(body).strip()
        if kind == "section":
            if words:
                notes.sections[key] = SectionNote(words, replace=opts.get("replace", False))
        elif words or opts.get("hide"):
            notes.findings[key] = FindingNote(words, hide=opts.get("hide", False), replace=opts.get("replace", True))

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        head = _HEAD.match(line.strip())
        if head:
            flush()
            kind = "section" if head.group(1).lower() in {"章节", "section"} else "finding"
            key = head.group(2)
            if kind == "section" and known is not None and key not in known:
                raise ParameterError(f"叙述文件 {path} 第 {n} 行：没有章节 {key!r}。可用的章节：{'、'.join(sorted(known))}。",
                                     f"Notes file {path}, line {n}: no section {key!r}. Sections: {', '.join(sorted(known))}.")
            current, body, opts = (kind, key, n), [], {}
            continue
        if current is None or line.strip().startswith("# "):
            continue
        mode, hide = _MODE.match(line.strip()), _HIDE.match(line.strip())
        if mode and not body:
            opts["replace"] = _flag(mode.group(2), _REPLACE, _ADD, path, n, mode.group(1))
        elif hide and not body:
            opts["hide"] = _flag(hide.group(2), _YES, _NO, path, n, hide.group(1))
        else:
            body.append(line)
    flush()
    return notes


def template(ctx, section_texts: dict[str, tuple[str, str]]) -> str:
    """The starter notes file of a report: every section (key, title, generated reading text) and every finding (id,
    title, generated text), ready to be edited.

    Parameters
    ----------
    ctx : ReportContext
        The report.
    section_texts : dict
        Section key → (title, generated reading text).

    Returns
    -------
    str
    """
    lang = ctx.lang
    out = [
        _TEMPLATE.get("title", lang, client=ctx.client_name, store=ctx.store_label, period=ctx.params.period),
        "",
        _TEMPLATE.get("howto", lang),
        "",
    ]
    for key, (title, generated) in section_texts.items():
        out += [_TEMPLATE.get("section", lang, key=key, title=title), _TEMPLATE.get("mode_add", lang)]
        if generated:
            out.append(f"<!-- {generated.replace('--', '—')} -->")
        out.append("")
    for f in ctx.findings(raw=True):
        out += [_TEMPLATE.get("finding", lang, id=finding_id(f), title=f.title(lang)),
                _TEMPLATE.get("hide_no", lang), _TEMPLATE.get("mode_replace", lang),
                f"<!-- {f.detail(ctx.lang).replace('--', '—')} -->", ""]
    return "\n".join(out)
