"""The safe formula language of KPI cards (dealerlab.kpi.formula)."""

from __future__ import annotations

import math
import threading

import pytest

from dealerlab.errors import FormulaError
from dealerlab.kpi.formula import MAX_DEPTH, MAX_LENGTH, BinOp, Neg, Num, Ref, evaluate, parse, tokenize

# docs/DOMAIN.md known answer: close_rate = 60 / (250 + 150) = 0.15
VALUES = {"S_room": 60.0, "L": 250.0, "N": 150.0, "TD": 90.0, "TDi": 45.0, "volume.展厅": 3.0, "volume.大客户": 2.0}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("S_room / (L + N)", 0.15),
        ("展厅零售销量 ÷ （上月末留存潜客 + 当月新增潜客）", 0.15),  # Chinese names, full-width brackets
        ("S_room÷(L＋N)", 0.15),
        ("TDi / TD × 100%", 0.5),  # the seeds' "×100%" = × 1: 45 / 90 = 0.5
        ("邀约试乘试驾客户÷试乘试驾客户", 0.5),
        ("volume.展厅 + 销量（大客户）", 5.0),  # names with dots and full-width brackets: 3 + 2
        ("2 + 3 * 4", 14.0),  # precedence
        ("(2 + 3) * 4", 20.0),
        ("10 - 4 - 3", 3.0),  # left associative
        ("12 / 3 / 2", 2.0),
        ("-(-3) + -2", 1.0),
        ("1.5 − 0.5", 1.0),
        ("１２ / ４", 3.0),  # full-width digits
    ],
)
def test_valid_formulas(text, expected):
    assert evaluate(text, VALUES).value == pytest.approx(expected)


def test_tree_shape_and_metrics():
    f = parse("S_room / (L + N) - 2")
    assert f.metrics == ("S_room", "L", "N")
    assert f.tree == BinOp(
        "-",
        BinOp("/", Ref("S_room", "S_room", 1), BinOp("+", Ref("L", "L", 11), Ref("N", "N", 15), 13), 8),
        Num(2.0, 20),
        18,
    )
    assert parse("-L").tree == Neg(Ref("L", "L", 2), 1)


def test_chinese_alias_maps_to_id():
    assert parse("成交率 * 100").metrics == ("close_rate",)
    assert [t.text for t in tokenize("销量（展厅）")] == ["volume.展厅"]


def test_extra_names():
    assert parse(
        "营业收入 - finance.operating_cost",
        names={"营业收入": "finance.revenue", "finance.operating_cost": "finance.operating_cost"},
    ).metrics == (
        "finance.revenue",
        "finance.operating_cost",
    )
    with pytest.raises(FormulaError):
        parse("营业收入")  # not registered without names=


def test_division_by_zero_is_nan_with_reason():
    ev = evaluate("S_room / (L - 250)", VALUES)
    assert math.isnan(ev.value)
    assert "分母为 0" in ev.reason
    assert "denominator" in evaluate("1/0", {}, lang="en").reason


def test_missing_and_nan_values_give_reasons():
    ev = evaluate("close_rate * 2", {"close_rate": math.nan}, reasons={"close_rate": "分母为 0"})
    assert math.isnan(ev.value) and "close_rate" in ev.reason and "分母为 0" in ev.reason
    ev = evaluate("close_rate", {})
    assert math.isnan(ev.value) and "close_rate" in ev.reason


@pytest.mark.parametrize(
    "text, token, position",
    [
        ("close_rate + foo", "foo", 14),
        ("成交 + 1", "成交", 1),
        ("L + N) ", ")", 6),
        ("L N", "N", 3),
        ("2L", "2L", 1),
        ("L # 2", "#", 3),
    ],
)
def test_errors_name_the_token_and_position(text, token, position):
    with pytest.raises(FormulaError) as info:
        parse(text)
    err = info.value
    assert err.position == position
    if err.token is not None:
        assert err.token == token
    assert f"第 {position} 个字符" in err.message("zh")
    assert f"character {position}" in err.message("en")


def test_unknown_metric_message_names_it_in_both_languages():
    with pytest.raises(FormulaError) as info:
        parse("成交 / 2")
    assert "「成交」不是已知指标" in info.value.message("zh")
    assert "成交率" in info.value.message("zh")  # suggestion
    assert "'成交' at character 1 is not a known metric" in info.value.message("en")


@pytest.mark.parametrize("text", ["", "   ", "(L", "L +", "()", "L * / N", "1..2", "3."])
def test_malformed(text):
    with pytest.raises(FormulaError):
        parse(text)


def _runs_quickly(text, bound=10.0):
    """Parse ``text`` in a thread; return the exception it raised (fails if the thread is still busy after ``bound`` s)."""
    box = {}

    def work():
        try:
            parse(text)
            box["result"] = "parsed"
        except BaseException as exc:  # noqa: BLE001 - we want whatever it raised
            box["result"] = exc

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(bound)
    assert not t.is_alive(), "parsing did not finish"
    return box["result"]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('ls')",
        "a.__class__",
        "close_rate.__class__.__mro__",
        "9**9**9",
        "9^9^9",
        "(" * 10_000 + "1" + ")" * 10_000,
        "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1),
        "-" * 10_000 + "1",
        "-" * (MAX_DEPTH + 1) + "1",
        "1+" * 300 + "1",
        "L" * 1_000_000,
        "lambda: 0",
        "open('x')",
        "[x for x in ()]",
        "'a' * 10",
        "1e308 * 1e308",
    ],
)
def test_injection_attempts_rejected_quickly(text):
    result = _runs_quickly(text)
    assert isinstance(result, FormulaError), result


def test_limits_are_exact():
    ok = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert evaluate(ok, {}).value == 1.0
    with pytest.raises(FormulaError, match="过长"):
        parse("1" + " " * MAX_LENGTH)


def test_overflow_is_nan():
    big = "99999999999999999999"
    ev = evaluate(" * ".join([big] * 20), {})
    assert math.isnan(ev.value) and ev.reason


def test_no_eval_in_module(repo_root):
    source = (repo_root / "dealerlab" / "kpi" / "formula.py").read_text(encoding="utf-8")
    for word in ("eval(", "exec(", "compile(", "literal_eval", "import ast"):
        assert word not in source


# ------------------------------------------------------------------------------------------- property tests
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_IDS = ["S_room", "L", "N", "TD", "TDi"]


def _trees(depth: int = 4):
    leaf = st.one_of(
        st.integers(min_value=0, max_value=999).map(lambda v: ("num", float(v))),
        st.sampled_from(_IDS).map(lambda m: ("ref", m)),
    )
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.tuples(st.sampled_from("+-*/"), kids, kids).map(lambda t: ("bin", *t)),
            kids.map(lambda k: ("neg", k)),
        ),
        max_leaves=12,
    )


def _text(tree) -> str:
    kind = tree[0]
    if kind == "num":
        return f"{tree[1]:g}"
    if kind == "ref":
        return tree[1]
    if kind == "neg":
        return f"-({_text(tree[1])})"
    return f"({_text(tree[2])} {tree[1]} {_text(tree[3])})"


def _value(tree) -> float:
    """Reference arithmetic straight from the generated tree (NaN on a zero denominator)."""
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "ref":
        return VALUES[tree[1]]
    if kind == "neg":
        return -_value(tree[1])
    a, b = _value(tree[2]), _value(tree[3])
    if math.isnan(a) or math.isnan(b):
        return math.nan
    if tree[1] == "/":
        return math.nan if b == 0 else a / b
    return a + b if tree[1] == "+" else a - b if tree[1] == "-" else a * b


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trees())
def test_generated_expressions_evaluate_like_arithmetic(tree):
    text = _text(tree)
    try:
        ev = evaluate(text, VALUES)
    except FormulaError as err:  # only the size limits may refuse a generated expression
        assert err.key in ("too_deep", "too_long", "too_many_nodes")
        return
    expected = _value(tree)
    if math.isnan(expected) or math.isinf(expected):
        assert math.isnan(ev.value) and ev.reason
    else:
        assert ev.value == pytest.approx(expected, rel=1e-9, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("()+-*/×÷%.0123456789 LN_a（）成交率^'\"[]{}:=,#@!\\")), max_size=60))
def test_any_text_parses_or_raises_formula_error(text):
    try:
        f = parse(text)
    except FormulaError as err:
        assert err.message("zh") and err.message("en")
    else:
        ev = f.evaluate(VALUES)
        assert isinstance(ev.value, float)
