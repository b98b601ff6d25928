"""No user-facing text written inline in the code: every Chinese (or English-with-Chinese) text lives in a
``dealerlab/messages/*.toml`` catalogue and is read through :class:`dealerlab.i18n.Catalogue` (issue #22, "the three
idioms are one").

The scan parses every ``dealerlab/**/*.py`` with :mod:`ast` and reports each string literal or f-string that holds a
CJK character (U+4E00–U+9FFF) or CJK punctuation (``，。：、「」（）“”`` …), outside docstrings and comments (a bare
string statement is documentation). What may stay is listed below, each with its reason: data rather than messages
(the schema's Chinese names, enum values, input grammars). A name after a file (``path: names``) allows only the
literals inside those module-level assignments; the rest of the file is still scanned.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from pathlib import Path

import pytest

import dealerlab

PACKAGE = Path(dealerlab.__file__).parent
ROOT = PACKAGE.parent

#: CJK ideographs, CJK symbols and punctuation (、。「」), full-width forms (，：（）！？；), and “ ”
CJK = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d]")

ALL = "*"

#: what may hold Chinese literals: path (a file, or a folder ending in "/") → (module-level names or ALL, reason)
ALLOWED: dict[str, tuple[tuple[str, ...] | str, str]] = {
    "dealerlab/errors.py": (ALL, "below i18n (i18n imports it): a catalogue here would be an import circle"),
    "dealerlab/data/schema.py": (ALL, "the data contract: Chinese table and column names, enum values"),
    "dealerlab/datasets/_names.py": (ALL, "name pools and car models of the synthetic data"),
    "dealerlab/datasets/generate.py": (ALL, "the synthetic data generator: the Chinese values it writes into the tables "
                                            "(enum values, departments and roles, company name parts, survey design)"),
    "dealerlab/_dates.py": (ALL, "the grammar of dates typed in Chinese (2026年11月15日, 月底前): words and regexes"),
    "dealerlab/_docstrings.py": (ALL, "docstring fragments shared by several functions (documentation)"),
    "dealerlab/exercises/course/": (ALL, "teaching cases: case tables (names, enum values) and the parsers of typed "
                                         "answers; their texts are in course/*.toml, locked by test_content_golden"),
    "dealerlab/metrics.py": (("_DEFS",), "the metric registry: each id's Chinese and English name"),
    "dealerlab/course.py": (("MODULES",), "the course map: modules, topics and seed references"),
    "dealerlab/report/sections/__init__.py": (("SECTIONS", "SETUP_TITLE"), "the section registry: key, zh, en titles"),
    "dealerlab/execution.py": (("SIX_S",), "the six S's Chinese names are the values of the checklist's s column"),
    "dealerlab/_output.py": (("_LEGACY_REPORT_FILES",), "file names an older dealerlab wrote (recognised, not shown)"),
    "dealerlab/report/notes.py": (("TEMPLATE_NAME", "_HEAD", "_MODE", "_HIDE", "_ADD", "_REPLACE", "_YES", "_NO",
                                   "_SECTION", "_YAML_KINDS", "_YAML_KEYS"),
                                  "the Chinese keywords a notes file may use (章节, 方式: 补充 …) and its file name"),
    "dealerlab/exercises/feedback.py": (("_MULTIPLIERS", "_CURRENCY", "_POINTS"),
                                        "what a typed number may hold (万, ￥, 元, a full-width point)"),
    "dealerlab/exercises/handouts.py": (("_SCREEN_ONLY", "_SENTENCE_END", "_MARKS"),
                                        "the words and marks that find the screen-only sentences of the course text"),
    "dealerlab/exercises/mydata.py": (("_FULL_WIDTH_BAR",), "the full-width bar that replaces | in a Markdown cell"),
    # --- m1: allowed data found while converting (edit only your block) ---
    "dealerlab/report/layout.py": (("FILES",), "the report folder's file names, by language (files the product writes)"),
    "dealerlab/report/deck.py": (("DECK_NAME", "_ZH_OPEN"), "the deck's file name (written); the full-width bracket "
                                                            "where an action's why is cut (matched, not shown)"),
    "dealerlab/report/export.py": (("_GROUP_TITLE_START",), "how the group notebook's title begins (matched)"),
    "dealerlab/report/finding.py": (("_WAN_FORMS",), "the ways a detail may already write an amount in 万 (matched in "
                                                     "the text, never shown from here)"),
    "dealerlab/report/context.py": (("_WARM_UP_TITLE", "_PREFIX_TRIM"),
                                    "a warm-up chart's title (drawn off-screen to load the CJK font, never shown); the "
                                    "separators trimmed off the stores' common name prefix"),
    "dealerlab/report/labels.py": (("TERMS_EN", "_OTHER_VALUES_EN"),
                                   "English names keyed by the Chinese data values they translate (places, tools, "
                                   "roles of area_actions.csv, frequencies, tiers, benchmark rows)"),
    "dealerlab/report/sections/quality.py": (("_REASONS_EN",), "patterns matching the metric functions' Chinese reasons"),
    "dealerlab/report/sections/funnel.py": (("_CHOICE", "_PROMISE_NOT_KEPT", "_DEFAULT_OWNER", "_CONSULTANT"),
                                            "values matched in the data: root causes of funnel_actions.csv, a "
                                            "complaints category, owner roles of the action tables"),
    "dealerlab/report/sections/policy.py": (("_SALES_MANAGER", "_STOCK_WHERE", "_STOCK_HOW", "_REBATE_WHERE",
                                             "_REBATE_HOW"),
                                            "action-plan values: an owner role (matched to the staff) and places and "
                                            "tools that labels.term translates (keys of TERMS_EN)"),
    "dealerlab/report/sections/aftersales.py": (("_NEEDS_24_MONTHS",), "words matched in a retention figure's reason"),
    # --- m2: allowed data found while converting (edit only your block) ---
    "dealerlab/_options.py": (ALL, "below i18n (i18n imports check_lang from it): a catalogue here would be an import "
                                   "circle, like errors.py; its one text is the option error every module shares"),
    "dealerlab/datasets/demo_io.py": (("_TRUE",), "the values a demo CSV's bool column may hold (是)"),
    "dealerlab/datasets/docs.py": (("_VALUES",), "the enum values the README's cases select rows by (钣喷, 销售顾问 …)"),
    # --- m3: allowed data found while converting (edit only your block) ---
    "dealerlab/data/read.py": (("NOTES_MARKER", "IGNORED_SHEETS", "_BRACKETS", "_SQUEEZE", "_LEADING_NUMBER",
                                "_TABLE_SUFFIX", "_NAME_SUFFIXES"),
                               "the names the reader matches: the notes-row marker 说明, the template's own sheets, the "
                               "brackets and separators of a header, the suffixes of a sheet name (表, 数据, 明细)"),
    "dealerlab/data/coerce.py": (("_TRUE", "_FALSE", "YES_NO_ZH", "_DATE_RE", "_NUM_JUNK", "_PERIOD_RE"),
                                 "what a typed cell may hold: yes/no words (是/否, 对/错), dates and months with "
                                 "年/月/日, a number's 元/人民币"),
    "dealerlab/data/validate.py": (("RATE_METRIC", "_CLOSED_STATUSES"),
                                   "the words that make a metric name a rate (率, 占比); the leads.status enum values "
                                   "of a closed lead (成交, 战败)"),
    "dealerlab/data/defaults.py": (("OVERALL_ITEM",), "the surveys.item value every response carries (总体满意度)"),
    # --- m4: allowed data found while converting (edit only your block) ---
    "dealerlab/accounts.py": (("TIERS", "IMPORTANT_INDUSTRIES", "CONTACT_LEVELS"),
                              "values the code matches: the tier column's values (TIERS_EN gives their English, "
                              "report/labels their labels) and accounts.industry / contact_level enumeration values"),
    "dealerlab/csi.py": (("RATER", "KANO", "QUADRANTS", "QSCV_OF_ITEM"),
                         "values the code matches: survey_items.rater / kano_class enumeration values, the quadrant "
                         "column's values (labelled through csi.labels), the item names of data/survey_items.csv"),
    "dealerlab/retention.py": (("MAINTENANCE", "_LEAD_VALUES", "_DEMO_VALUES", "POINT_KINDS"),
                               "values the code matches or writes: ro_type / lead channel and status enumeration "
                               "values, the synthetic demo base's values, the kind words a points ledger's input holds"),
    # --- m5: allowed data found while converting (edit only your block) ---
    "dealerlab/funnel/benchmarks.py": (("BUSINESS_TYPES", "DEFAULT_BUSINESS", "_FULL_WIDTH_PERCENT"),
                                       "the business types of stores.business (enum values, the keys of a benchmarks "
                                       "file) and the full-width % a typed benchmark may hold"),
    "dealerlab/funnel/diagnosis.py": (("STEPS", "STEP_OF"), "the sales process steps: the values of the step column of "
                                                            "funnel_actions.csv and of the step= argument"),
    "dealerlab/funnel/paths.py": (("_CLOSED_STATUSES", "_SOLD", "_REVISIT", "_CALL"),
                                  "enum values of leads.status, visits.visit_type, leads.first_contact"),
    "dealerlab/funnel/sources.py": (("_FIRST_VISIT", "_CLOSED_STATUSES", "_SOLD"),
                                    "enum values of visits.visit_type and leads.status"),
    "dealerlab/funnel/counts.py": (("_FIRST", "_AGAIN", "_CALL", "_WALK_IN", "_SHOWROOM", "_PROSPECT_FOLLOWUP",
                                    "_AFTERSALE_FOLLOWUP", "_CONSULTANT", "_OPEN"),
                                   "enum values the counts select on (visit_type, call_type, first_contact, channel, "
                                   "followups.kind, staff.role, leads.status)"),
    "dealerlab/kpi/excel.py": (("SHEET_HELP", "SHEET_HISTORY", "_HISTORY", "_HEADER_MARKS"),
                               "sheet names and headers the workbook reader matches (written and read back)"),
    "dealerlab/kpi/card.py": (("PERSPECTIVES", "DIRECTIONS", "STATUSES", "EXTRA_METRICS", "_DEFAULT_PERSPECTIVE",
                               "_FIRST_STATUS", "_FULL_WIDTH_COMMA", "_PERCENT_SIGNS", "_QUOTES", "_SPLIT"),
                              "the values a card holds and the reader accepts (perspectives, direction words, workflow "
                              "steps, metric names in formulas) and what a typed number or source list may hold"),
    "dealerlab/kpi/formula.py": (("_SYMBOLS", "_DIGITS", "_SPACE"),
                                 "the input grammar: full-width operators, brackets, digits and the ideographic space"),
    "dealerlab/kpi/library.py": (("DEPARTMENT_SETS", "ROLE_SETS"),
                                 "the names of the card sets: values of the set column and of the set= argument"),
    # --- m6: allowed data found while converting (edit only your block) ---
    "dealerlab/pay/__init__.py": (("STATUS_ELIMINATED", "STATUS_SUSPENDED", "STATUS_KEPT", "STATUS_REVIVED", "CONSULTANT",
                                   "_METRICS", "_DEPARTMENTS", "_SELF", "_KINDS", "FEEDBACK_WEIGHTS", "PAY_PARTS",
                                   "POINT_RULES"),
                                  "data-contract values it selects on (staff role and department, targets metric), the "
                                  "bottom-out statuses it writes, and the keys the rules match their input against "
                                  "(rater groups, pay parts and their kinds, points reasons)"),
    "dealerlab/pdca/aftersales.py": (("_CUSTOMER_PAY", "_BODY_PAINT", "_DAMAGE_ORDER"),
                                     "service_orders values it selects on (pay_type, ro_type, damage_class)"),
    "dealerlab/pdca/cadence.py": (("FREQUENCIES", "_TARGET_METRIC", "_SERIOUS"),
                                  "the tick grid's column names; targets.metric and complaint severity values"),
    "dealerlab/pdca/cycle.py": (("_VAGUE_WHO", "_SHEETS"), "the words that make a typed who vague (input grammar); the "
                                                           "sheet names of the workbook it writes and reads back"),
    "dealerlab/pdca/tools.py": (("_BONE_NAMES",), "the six bones (人机料法环测): the values fishbone accepts and writes"),
    # --- m7: allowed data found while converting (edit only your block) ---
    "dealerlab/plots/accounts.py": (("TIER_COLORS",), "the tiers' colours, keyed by the values of the tier column"),
    "dealerlab/plots/kpi.py": (("PERSPECTIVE_COLORS",), "the perspectives' colours, keyed by a KPI card's perspective "
                                                        "values (财务, 客户 …)"),
    "dealerlab/targets/achievement.py": (("METRICS", "_SHOWROOM"), "the target metrics the input accepts (销量, 毛利 …) "
                                                                   "and the sales.channel value 展厅"),
    "dealerlab/targets/smart.py": (("VAGUE_WORDS", "_DIGIT", "_FULL_COMMA", "_FULL_WIDTH", "_WAN", "_YEAR_MONTH"),
                                   "what the SMART check looks for in a typed goal: vague verbs, numbers with their "
                                   "units, full-width digits, 万, dates like 2026年12月"),
    "dealerlab/targets/split.py": (("_CONSULTANT_ROLE",), "the staff.role value of a sales consultant (销售顾问)"),
    "dealerlab/policy/__init__.py": (("VP_ITEM", "_PRIZE"), "the oem_policy item VP达成奖, and the 奖 an item's name "
                                                            "drops in oem_scores"),
    # --- end of ALLOWED ---
}

#: files that still write messages inline, being converted (a file leaves this list when it is clean: the test fails
#: on a pending file without inline texts, so the list only shrinks)
PENDING: dict[str, str] = {
    # --- m1 converting (one block per engineer: edit only your block) ---
    # --- m2 converting (one block per engineer: edit only your block) ---
    # --- m3 converting (one block per engineer: edit only your block) ---
    # --- m4 converting (one block per engineer: edit only your block) ---
    # --- m5 converting (one block per engineer: edit only your block) ---
    # --- m6 converting (one block per engineer: edit only your block) ---
    # --- m7 converting (one block per engineer: edit only your block) ---
    # --- end of PENDING ---
}


def inline_texts(source: str) -> list[tuple[int, str, str | None]]:
    """The literals with CJK text in ``source``, outside docstrings: ``(line, text, name)``, ``name`` being the
    module-level assignment the literal is in (None elsewhere). An f-string is one literal (its fixed parts)."""
    tree = ast.parse(source)
    found = []
    for statement in tree.body:
        name = None
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                name = targets[0].id
        skip: set[int] = set()
        for node in ast.walk(statement):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                skip.add(id(node.value))  # a docstring, or a bare string statement: documentation
            elif isinstance(node, ast.JoinedStr):
                skip.update(id(n) for n in ast.walk(node) if n is not node)
        for node in ast.walk(statement):
            if id(node) in skip:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            else:
                continue
            if CJK.search(text):
                found.append((node.lineno, text, name))
    return sorted(found, key=lambda f: f[0])


def _rule(path: str, table: dict):
    """The entry of ``table`` for ``path`` (its own, or its folder's)."""
    for key, value in table.items():
        if path == key or (key.endswith("/") and path.startswith(key)):
            return key, value
    return None, None


def scan() -> dict[str, list[tuple[int, str, str | None]]]:
    """Every module of the package with its CJK literals that no ALLOWED entry covers."""
    return _scan(PACKAGE, ROOT)


@functools.lru_cache(maxsize=4)
def _scan(package: Path, root: Path) -> dict[str, list[tuple[int, str, str | None]]]:
    out = {}
    for file in sorted(package.rglob("*.py")):
        path = file.relative_to(root).as_posix()
        _key, allowed = _rule(path, ALLOWED)
        names = allowed[0] if allowed else ()
        if names == ALL:
            continue
        texts = [t for t in inline_texts(file.read_text(encoding="utf-8")) if t[2] not in names]
        if texts:
            out[path] = texts
    return out


def test_no_inline_message_outside_the_catalogues():
    found = scan()
    bad = [f"{path}:{line}: {text[:70]!r}" for path, texts in found.items() if _rule(path, PENDING)[0] is None
           for line, text, _name in texts]
    assert not bad, ("texts written inline: put them in the module's dealerlab/messages/<module>.toml and read them "
                     "with Catalogue.load(...) (or, for data, add the name to ALLOWED with its reason):\n" + "\n".join(bad))


def test_pending_files_still_hold_inline_texts():
    found = scan()
    done = [key for key in PENDING if not any(path == key or (key.endswith("/") and path.startswith(key)) for path in found)]
    assert not done, f"no inline texts left: remove these from PENDING in {Path(__file__).name}: {done}"


def test_every_allowed_entry_exists_and_is_needed():
    for key, (names, _reason) in ALLOWED.items():
        files = [ROOT / key] if not key.endswith("/") else sorted((ROOT / key).rglob("*.py"))
        assert files and all(f.is_file() for f in files), f"ALLOWED names a missing file: {key}"
        texts = [t for f in files for t in inline_texts(f.read_text(encoding="utf-8"))]
        if names == ALL:
            assert texts, f"{key} holds no Chinese literal any more: remove it from ALLOWED"
        else:
            used = {t[2] for t in texts}
            assert set(names) <= used, f"{key}: {sorted(set(names) - used)} hold no Chinese literal: remove them"


@pytest.mark.parametrize("code, lines", [
    ('raise ParameterError("参数无效。", "Invalid parameter.")\n', [1]),
    ('x = 1\ny = f"共 {x} 行"\n', [2]),
    ('msg = "a" if lang == "en" else "乙"\n', [1]),
    ('def f():\n    """中文说明。"""\n    # 注释\n    return "ok"\n', []),
    ('"""模块说明。"""\nX = "English only, with a dash – and an arrow →"\n', []),
    ('s = "a，b"\n', [1]),
    ('s = f"{x:,.0f} 元"\n', [1]),
])
def test_the_scan_finds_inline_texts(code, lines):
    assert [t[0] for t in inline_texts(code)] == lines


def test_the_scan_names_the_module_level_assignment():
    code = 'TABLE = {"a": "甲"}\n\ndef f():\n    return "乙"\n'
    assert [(t[0], t[2]) for t in inline_texts(code)] == [(1, "TABLE"), (4, None)]


def test_a_new_inline_message_fails(tmp_path, monkeypatch):
    module = tmp_path / "dealerlab" / "new.py"
    module.parent.mkdir()
    module.write_text('from dealerlab.errors import ParameterError\n\n\ndef f():\n'
                      '    raise ParameterError("新的错误。", "A new error.")\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", module.parent)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    with pytest.raises(AssertionError, match=r"dealerlab/new.py:5"):
        test_no_inline_message_outside_the_catalogues()
