"""``--notes 叙述.md``: the consultant's own words in the report before delivery.

Every report folder holds a starter file, ``audit/叙述模板.md`` (``audit/notes-template.md`` in English), listing each section and
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
* The same notes as YAML (``叙述.yaml``; keys 章节/发现, 方式/隐藏/文字 or sections/findings, mode/hide/text — see
  :func:`load_notes`), read with the safe loader; a bad file is refused naming its line.

Text is the consultant's: it is escaped like any client string (no markup), and never evaluated.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from dealerlab.errors import ParameterError
from dealerlab.i18n import Catalogue

__all__ = ["Notes", "SectionNote", "FindingNote", "load_notes", "finding_id", "template", "TEMPLATE_NAME"]

#: the template's own texts (the headings' keywords are the ones :func:`load_notes` reads)
_TEMPLATE = Catalogue.load("report/notes")

#: the starter file written with every report (in its ``audit/`` folder: :mod:`dealerlab.report.layout`)
TEMPLATE_NAME = {"zh": "叙述模板.md", "en": "notes-template.md"}

_HEAD = re.compile(r"^##\s+(章节|section|发现|finding)\s+(\S+)", re.IGNORECASE)
_MODE = re.compile(r"^(方式|mode)\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_HIDE = re.compile(r"^(隐藏|hide)\s*[:：]\s*(\S+)\s*$", re.IGNORECASE)
_ADD = {"补充", "add", "append"}
_REPLACE = {"替换", "replace"}
_YES = {"是", "yes", "y", "true", "1"}
_NO = {"否", "no", "n", "false", "0"}
_SECTION = {"章节", "section"}


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
                    f = replace(f, detail_zh=_TEMPLATE.get("note_added", "zh", detail=f.detail_zh, note=note.text),
                                detail_en=_TEMPLATE.get("note_added", "en", detail=f.detail_en, note=note.text))
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
    raise _line_error(path, n, "flag_unknown", key=key, value=repr(value))


def _line_error(path, line: int, message: str, /, **values) -> ParameterError:
    """The error ``message`` of the catalogue, after the file and the line it is about."""
    return ParameterError(*(_TEMPLATE.get("where_line", lang, path=path, line=line) + _TEMPLATE.get(message, lang, **values)
                            for lang in ("zh", "en")))


def load_notes(path, *, sections=None) -> Notes:
    """Read a notes file: Markdown (the format of the starter template) or YAML (``.yaml``/``.yml``, same meaning).

    Parameters
    ----------
    path : str or Path
        The ``叙述.md`` file, or a ``叙述.yaml`` (read with ``yaml.safe_load`` rules: no tags, nothing evaluated)::

            章节:                       # or sections:
              summary:
                方式: 补充              # or mode: add | replace
                文字: 本月重点：先解决试驾率。   # or text:
            发现:                       # or findings:
              funnel.test_drive_rate.S01.1a2b:
                隐藏: 否                # or hide: yes | no
                方式: 替换
                文字: 试驾车整备不及时，已约定每日 9 点前整备完毕。
    sections : iterable of str, optional
        The known section keys (an unknown one is an error naming the line; default: not checked).

    Returns
    -------
    Notes

    Raises
    ------
    ParameterError
        Missing file, not UTF-8, not valid YAML, an unknown section or key, an unreadable ``方式``/``隐藏`` value
        (the message names the line).
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(*_TEMPLATE.both("file_missing", path=path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ParameterError(*_TEMPLATE.both("not_utf8", path=path)) from None
    if path.suffix.lower() in {".yaml", ".yml"}:
        return _load_yaml(path, text, sections)
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
            kind = "section" if head.group(1).lower() in _SECTION else "finding"
            key = head.group(2)
            if kind == "section" and known is not None and key not in known:
                raise _no_section(path, n, key, known)
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


_YAML_KINDS = {"章节": "section", "sections": "section", "section": "section",
               "发现": "finding", "findings": "finding", "finding": "finding"}
_YAML_KEYS = {"方式": "mode", "mode": "mode", "隐藏": "hide", "hide": "hide", "文字": "text", "text": "text"}


def _no_section(path, line: int, key: str, known) -> ParameterError:
    sep_zh, sep_en = _TEMPLATE.both("list_sep")
    return ParameterError(*(_TEMPLATE.get("where_line", lang, path=path, line=line)
                            + _TEMPLATE.get("no_section", lang, key=repr(key), known=sep.join(sorted(known)))
                            for lang, sep in (("zh", sep_zh), ("en", sep_en))))


def _what_error(path, line: int, key: str, what: str) -> ParameterError:
    """The error ``key`` about ``what``: ``label.<name>`` of the catalogue, or the user's own word (the same in both
    languages)."""
    label = what.startswith("label.") and what in _TEMPLATE
    return ParameterError(*(_TEMPLATE.get("where_line", lang, path=path, line=line)
                            + _TEMPLATE.get(key, lang, what=_TEMPLATE.get(what, lang) if label else what)
                            for lang in ("zh", "en")))


def _load_yaml(path: Path, text: str, sections) -> Notes:
    """The YAML form of a notes file (:func:`load_notes`): parsed with the safe loader's node tree, so every error
    names its line."""
    import yaml

    def err(line: int, message: str, /, **values) -> ParameterError:
        return _line_error(path, line, message, **values)

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        what = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise err(line, "yaml_invalid", what=what) from None
    notes = Notes()
    if root is None:
        return notes
    known = set(sections) if sections is not None else None

    def line(node) -> int:
        return node.start_mark.line + 1

    def plain(node):
        tag = str(node.tag or "")
        if not tag.startswith("tag:yaml.org,2002:") or "python" in tag:  # !!python/…, !custom: never constructed
            raise err(line(node), "yaml_tag", tag=tag)
        return node

    def mapping(node, what: str):
        """The pairs of a mapping node; ``what`` names it in the error: the user's own key, or a ``label.*``."""
        plain(node)
        if not isinstance(node, yaml.MappingNode):
            raise _what_error(path, line(node), "yaml_not_mapping", what)
        return node.value

    def scalar(node, what: str) -> str:
        plain(node)
        if not isinstance(node, yaml.ScalarNode):
            raise _what_error(path, line(node), "yaml_not_text", what)
        return str(node.value)

    for kind_node, block in mapping(root, "label.file"):
        kind = _YAML_KINDS.get(scalar(kind_node, "label.key").strip().lower())
        if kind is None:
            raise err(line(kind_node), "yaml_unknown_top_key", key=repr(kind_node.value))
        if isinstance(block, yaml.ScalarNode) and block.value in ("", "~", "null"):
            continue
        for key_node, body in mapping(block, kind_node.value):
            key = scalar(key_node, "label.id").strip()
            if kind == "section" and known is not None and key not in known:
                raise _no_section(path, line(key_node), key, known)
            opts: dict = {}
            words = ""
            if isinstance(body, yaml.ScalarNode):  # "summary: 文字" — the text alone
                words = str(plain(body).value).strip()
            else:
                for opt_node, value_node in mapping(body, key):
                    opt = _YAML_KEYS.get(scalar(opt_node, "label.key").strip().lower())
                    if opt is None:
                        raise err(line(opt_node), "yaml_unknown_key", key=repr(opt_node.value))
                    value = scalar(value_node, opt_node.value)
                    if opt == "text":
                        words = value.strip()
                    elif opt == "mode":
                        opts["replace"] = _flag(value, _REPLACE, _ADD, path, line(value_node), opt_node.value)
                    else:
                        opts["hide"] = _flag(value, _YES, _NO, path, line(value_node), opt_node.value)
            if kind == "section":
                if opts.get("hide"):
                    raise err(line(key_node), "section_hidden")
                if words:
                    notes.sections[key] = SectionNote(words, replace=opts.get("replace", False))
            elif words or opts.get("hide"):
                notes.findings[key] = FindingNote(words, hide=opts.get("hide", False), replace=opts.get("replace", True))
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
