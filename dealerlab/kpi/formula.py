"""The safe formula language of KPI cards (计算公式, docs/DOMAIN.md §4).

A formula is arithmetic over metric ids: ``+ - * /`` (also ``＋ − － × ＊ ÷ ／``), round or full-width brackets,
decimal numbers, a postfix ``%`` (``×100%`` as in the seeds means "× 1") and metric names. A metric is named by its id
(``close_rate``, ``volume.展厅``) or its Chinese name (``成交率``, ``销量（展厅）``) from
:data:`dealerlab.metrics.METRICS`, plus any extra names registered by the caller (``names=``), e.g. the store-level
figures of :mod:`dealerlab.kpi`.

dealerlab reads the text with its own tokenizer and recursive-descent parser into a small tree and evaluates the tree
itself: nothing is ever handed to ``eval``, ``exec``, ``compile`` or ``ast``. Input is bounded before any work is done
(:data:`MAX_LENGTH` characters, :data:`MAX_DEPTH` nested brackets or signs, :data:`MAX_NODES` tree nodes), so hostile
text such as ``__import__('os')``, ``a.__class__``, ``9**9**9`` or ten thousand nested brackets fails at once with a
:class:`~dealerlab.errors.FormulaError` naming the bad token (or the unknown metric) and its position.

Evaluation never raises on data: a zero denominator, a missing metric value or an overflow gives ``NaN`` with a reason,
as every rate in dealerlab does.

Grammar::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('+' | '-')* postfix
    postfix := atom '%'*
    atom    := NUMBER | NAME | '(' expr ')'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dealerlab._options import check_lang
from dealerlab.errors import FormulaError
from dealerlab.i18n import Catalogue
from dealerlab.metrics import METRICS

__all__ = [
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_NODES",
    "Formula",
    "Num",
    "Ref",
    "Neg",
    "BinOp",
    "Evaluation",
    "known_names",
    "parse",
    "evaluate",
    "tokenize",
]

#: longest formula accepted, in characters
MAX_LENGTH = 500
#: deepest nesting of brackets (and of unary signs) accepted
MAX_DEPTH = 20
#: most tree nodes (numbers, names, operators) accepted
MAX_NODES = 200
#: longest number literal accepted, in characters
MAX_NUMBER = 20

_MSG = Catalogue.load("kpi/formula")


# Operators and brackets: every accepted spelling → canonical symbol.
_SYMBOLS = {
    "+": "+",
    "＋": "+",
    "-": "-",
    "−": "-",
    "－": "-",
    "–": "-",
    "*": "*",
    "×": "*",
    "＊": "*",
    "·": "*",
    "/": "/",
    "÷": "/",
    "／": "/",
    "(": "(",
    "（": "(",
    ")": ")",
    "）": ")",
    "%": "%",
    "％": "%",
}
_DIGITS = "0123456789０１２３４５６７８９"
_SPACE = " \t\r\n\u3000"


# ---------------------------------------------------------------------------------------------------------- tree
@dataclass(frozen=True)
class Num:
    """A number literal."""

    value: float
    pos: int = 0


@dataclass(frozen=True)
class Ref:
    """A metric reference: canonical ``metric`` id, as written in ``text`` at character ``pos`` (1-based)."""

    metric: str
    text: str = ""
    pos: int = 0


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node
    pos: int = 0


@dataclass(frozen=True)
class BinOp:
    """A binary operation, ``op`` one of ``+ - * /``."""

    op: str
    left: Node
    right: Node
    pos: int = 0


Node = Num | Ref | Neg | BinOp


@dataclass(frozen=True)
class Token:
    kind: str  # "num" | "name" | "op"
    text: str  # canonical symbol / metric id / number text
    raw: str  # as written
    pos: int  # 1-based character position


@dataclass(frozen=True)
class Evaluation:
    """The value of a formula and, when it is NaN, the reason (in the language asked for)."""

    value: float
    reason: str = ""


# ------------------------------------------------------------------------------------------------------- names
def known_names(extra: Mapping[str, str] | Iterable[str] | None = None) -> dict[str, str]:
    """Every name a formula may use → its canonical metric id.

    Parameters
    ----------
    extra : mapping or iterable of str, optional
        More names: a mapping ``alias → id`` (ids map to themselves too), or bare ids.

    Returns
    -------
    dict
        ``name → metric id``: the ids and Chinese names of :data:`dealerlab.metrics.METRICS`, then ``extra``.
    """
    names: dict[str, str] = {}
    for mid, m in METRICS.items():
        names[mid] = mid
        names.setdefault(m.zh, mid)
    if extra is not None:
        if isinstance(extra, Mapping):
            for alias, mid in extra.items():
                names[str(mid)] = str(mid)
                names[str(alias)] = str(mid)
        else:
            for mid in extra:
                names[str(mid)] = str(mid)
    return names


def _is_name_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_."


# --------------------------------------------------------------------------------------------------- tokenizer
def _fail(key: str, lang: str, **values) -> FormulaError:
    zh, en = _MSG.both(key, **values)
    err = FormulaError(zh, en, lang=lang)
    err.key = key
    err.position = values.get("pos")
    err.token = values.get("token")
    return err


def _expect(kind: str) -> dict[str, str]:
    zh, en = _MSG.both(f"expect.{kind}")
    return {"expect": zh, "expect_en": en}


def _check_text(text, lang: str) -> str:
    if not isinstance(text, str):
        raise _fail("not_text", lang, kind=type(text).__name__)
    if len(text) > MAX_LENGTH:
        raise _fail("too_long", lang, n=len(text), limit=MAX_LENGTH)
    if not text.strip(_SPACE):
        raise _fail("empty", lang)
    return text


def tokenize(text: str, *, names: Mapping[str, str] | None = None, lang: str = "zh") -> list[Token]:
    """Split ``text`` into tokens: numbers, metric names (canonical ids) and operators.

    Names are matched longest first against ``names`` (default :func:`known_names`), so a Chinese name holding
    full-width brackets such as ``销量（展厅）`` is one name. Any other run of letters is an unknown name and raises
    :class:`~dealerlab.errors.FormulaError` naming it and its position (1-based).
    """
    check_lang(lang)
    text = _check_text(text, lang)
    names = known_names() if names is None else names
    by_first: dict[str, list[str]] = {}
    for alias in sorted(names, key=len, reverse=True):
        if alias:
            by_first.setdefault(alias[0], []).append(alias)

    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        pos = i + 1
        if ch in _SPACE:
            i += 1
            continue
        # a known name first (longest match), as Chinese names may contain brackets or digits
        match = None
        for alias in by_first.get(ch, ()):
            if text.startswith(alias, i):
                end = i + len(alias)
                # an ASCII id must not run on into more name characters (``volume2`` is not ``volume``)
                if (
                    end < n
                    and alias[-1].isascii()
                    and alias[-1].isalnum()
                    and _is_name_char(text[end])
                    and text[end].isascii()
                ):
                    continue
                match = alias
                break
        if match is not None:
            tokens.append(Token("name", names[match], match, pos))
            i += len(match)
            continue
        if ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            j = i
            while j < n and (text[j] in _DIGITS or text[j] == "."):
                j += 1
            raw = text[i:j]
            digits = "".join(str(_DIGITS.index(c) % 10) if c in _DIGITS else c for c in raw)
            if raw.count(".") > 1 or raw.endswith(".") or len(raw) > MAX_NUMBER:
                raise _fail("bad_number", lang, token=raw, pos=pos, limit=MAX_NUMBER)
            if j < n and _is_name_char(text[j]) and text[j] not in _DIGITS:
                # "9e9", "12abc": a number glued to letters
                k = j
                while k < n and _is_name_char(text[k]):
                    k += 1
                raise _fail("bad_number", lang, token=text[i:k], pos=pos, limit=MAX_NUMBER)
            tokens.append(Token("num", digits, raw, pos))
            i = j
            continue
        if ch in _SYMBOLS:
            sym = _SYMBOLS[ch]
            if sym == "*" and i + 1 < n and _SYMBOLS.get(text[i + 1]) == "*":
                raise _fail("power", lang, token=text[i : i + 2], pos=pos)
            tokens.append(Token("op", sym, ch, pos))
            i += 1
            continue
        if ch == "^":
            raise _fail("power", lang, token=ch, pos=pos)
        if _is_name_char(ch):
            j = i
            while j < n and _is_name_char(text[j]):
                j += 1
            raw = text[i:j]
            if "." in raw or raw.startswith("_") or (j < n and text[j] in "([{"):
                raise _fail("attribute", lang, token=raw, pos=pos)
            hits = _similar(raw, names)
            err = _fail("unknown_name", lang, token=raw, pos=pos, hint="")
            if hits:
                hint_zh = _MSG.get("similar", "zh", names=_MSG.text("list_sep", "zh").join(hits))
                hint_en = _MSG.get("similar", "en", names=_MSG.text("list_sep", "en").join(hits))
                zh = _MSG.get("unknown_name", "zh", token=raw, pos=pos, hint=hint_zh)
                en = _MSG.get("unknown_name", "en", token=raw, pos=pos, hint=hint_en)
                err = FormulaError(zh, en, lang=lang)
                err.key, err.position, err.token = "unknown_name", pos, raw
            raise err
        raise _fail("bad_char", lang, token=ch, pos=pos)
    return tokens


def _similar(raw: str, names: Mapping[str, str]) -> list[str]:
    """Known names that contain the unknown one (at most three), for the error's hint."""
    return [a for a in names if len(raw) >= 2 and raw in a][:3]


# ------------------------------------------------------------------------------------------------------ parser
class _Parser:
    def __init__(self, tokens: list[Token], lang: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.lang = lang
        self.nodes = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def count(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _fail("too_many_nodes", self.lang, limit=MAX_NODES)
        return node

    def error_at(self, tok: Token | None, kind: str) -> FormulaError:
        if tok is None:
            return _fail("unexpected_end", self.lang, **_expect(kind))
        return _fail("unexpected", self.lang, token=tok.raw, pos=tok.pos, **_expect(kind))

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            node = self.count(BinOp(tok.text, node, self.term(), tok.pos))
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "*/":
            self.take()
            node = self.count(BinOp(tok.text, node, self.unary(), tok.pos))
        return node

    def unary(self) -> Node:
        signs: list[Token] = []
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in "+-":
            signs.append(self.take())
            if len(signs) > MAX_DEPTH:
                raise _fail("too_deep", self.lang, pos=tok.pos, limit=MAX_DEPTH)
        node = self.postfix()
        for tok in reversed(signs):
            if tok.text == "-":
                node = self.count(Neg(node, tok.pos))
        return node

    def postfix(self) -> Node:
        node = self.atom()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "%":
            self.take()
            node = self.count(BinOp("/", node, self.count(Num(100.0, tok.pos)), tok.pos))
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error_at(None, "operand")
        if tok.kind == "num":
            self.take()
            return self.count(Num(float(tok.text), tok.pos))
        if tok.kind == "name":
            self.take()
            return self.count(Ref(tok.text, tok.raw, tok.pos))
        if tok.text == "(":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _fail("too_deep", self.lang, pos=tok.pos, limit=MAX_DEPTH)
            node = self.expr()
            close = self.peek()
            if close is None:
                raise _fail("unclosed", self.lang, pos=tok.pos)
            if close.text != ")":
                raise self.error_at(close, "operator")
            self.take()
            self.depth -= 1
            return node
        raise self.error_at(tok, "operand")


def _check_brackets(tokens: list[Token], lang: str) -> None:
    """Bracket balance and depth checked on the flat token list, before any recursion."""
    depth, opened = 0, []
    for tok in tokens:
        if tok.kind != "op":
            continue
        if tok.text == "(":
            depth += 1
            opened.append(tok.pos)
            if depth > MAX_DEPTH:
                raise _fail("too_deep", lang, pos=tok.pos, limit=MAX_DEPTH)
        elif tok.text == ")":
            if depth == 0:
                raise _fail("unopened", lang, pos=tok.pos)
            depth -= 1
            opened.pop()
    if opened:
        raise _fail("unclosed", lang, pos=opened[-1])


@dataclass(frozen=True)
class Formula:
    """A parsed formula: the source ``text``, its ``tree`` and the metric ids it uses (in order of appearance)."""

    text: str
    tree: Node
    metrics: tuple[str, ...]

    def evaluate(
        self, values: Mapping[str, float], *, reasons: Mapping[str, str] | None = None, lang: str = "zh"
    ) -> Evaluation:
        """Evaluate with ``values`` (metric id → number); see :func:`evaluate`."""
        return evaluate(self, values, reasons=reasons, lang=lang)

    def __str__(self) -> str:
        return self.text


def parse(text: str, *, names: Mapping[str, str] | Iterable[str] | None = None, lang: str = "zh") -> Formula:
    """Parse a KPI formula into a tree.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"S_room / (L + N)"`` or ``"展厅零售销量 ÷ （上月末留存潜客 + 当月新增潜客）"``.
    names : mapping or iterable of str, optional
        Names allowed besides the registry: passed to :func:`known_names` as ``extra``.
    lang : {"zh", "en"}
        Language of the error message.

    Returns
    -------
    Formula
        ``text``, ``tree`` (nodes :class:`Num`, :class:`Ref`, :class:`Neg`, :class:`BinOp`) and ``metrics``
        (distinct metric ids used).

    Raises
    ------
    FormulaError
        Empty, too long, too deep, too many nodes, a character or token that is not allowed, or an unknown metric —
        the message names the token and its (1-based) character position.
    """
    check_lang(lang)
    text = _check_text(text, lang)
    allowed = known_names(names)
    tokens = tokenize(text, names=allowed, lang=lang)
    if len(tokens) > 2 * MAX_NODES:
        raise _fail("too_many_nodes", lang, limit=MAX_NODES)
    _check_brackets(tokens, lang)
    parser = _Parser(tokens, lang)
    tree = parser.expr()
    rest = parser.peek()
    if rest is not None:
        if rest.text == ")":
            raise _fail("unopened", lang, pos=rest.pos)
        raise parser.error_at(rest, "operator")
    used = tuple(dict.fromkeys(t.text for t in tokens if t.kind == "name"))
    return Formula(text, tree, used)


# --------------------------------------------------------------------------------------------------- evaluator
class _NaN(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _render(node: Node) -> str:
    """Text of a (sub)tree, for reasons."""
    if isinstance(node, Num):
        return f"{node.value:g}"
    if isinstance(node, Ref):
        return node.text or node.metric
    if isinstance(node, Neg):
        return f"-{_render(node.operand)}"
    left, right = _render(node.left), _render(node.right)
    if isinstance(node.right, BinOp):
        right = f"({right})"
    return f"{left} {node.op} {right}"


def evaluate(
    formula: str | Formula,
    values: Mapping[str, float],
    *,
    reasons: Mapping[str, str] | None = None,
    names: Mapping[str, str] | Iterable[str] | None = None,
    lang: str = "zh",
) -> Evaluation:
    """Evaluate a formula with metric values.

    Parameters
    ----------
    formula : str or Formula
        Text (parsed with ``names``) or an already parsed :class:`Formula`.
    values : mapping
        Metric id → number. A missing id or a NaN value makes the result NaN with a reason.
    reasons : mapping, optional
        Metric id → why its value is NaN (e.g. the ``reason`` column of the long metrics), quoted in the result.
    names : mapping or iterable of str, optional
        Extra names allowed when ``formula`` is text.
    lang : {"zh", "en"}
        Language of the reason.

    Returns
    -------
    Evaluation
        ``value`` (float, NaN when not available) and ``reason`` ("" when available).
    """
    check_lang(lang)
    if not isinstance(formula, Formula):
        formula = parse(formula, names=names, lang=lang)
    reasons = reasons or {}

    def run(node: Node) -> float:
        # recursion depth is bounded by MAX_DEPTH and MAX_NODES checked at parse time
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Ref):
            if node.metric not in values:
                raise _NaN(_MSG.get("missing_value", lang, metric=node.text or node.metric))
            try:
                v = float(values[node.metric])
            except (TypeError, ValueError):
                v = math.nan
            if math.isnan(v):
                why = reasons.get(node.metric, "")
                why = _MSG.get("why_suffix", lang, why=why) if why else ""
                raise _NaN(_MSG.get("nan_value", lang, metric=node.text or node.metric, why=why))
            return v
        if isinstance(node, Neg):
            return -run(node.operand)
        a, b = run(node.left), run(node.right)
        if node.op == "+":
            r = a + b
        elif node.op == "-":
            r = a - b
        elif node.op == "*":
            r = a * b
        else:
            if b == 0:
                raise _NaN(_MSG.get("zero_div", lang, expr=_render(node.right)))
            r = a / b
        if math.isinf(r) or math.isnan(r):
            raise _NaN(_MSG.get("overflow", lang))
        return r

    try:
        return Evaluation(float(run(formula.tree)), "")
    except _NaN as nan:
        return Evaluation(math.nan, nan.reason)
