"""The KPI library (dealerlab.kpi.library)."""

from __future__ import annotations

import datetime as dt

import pytest

from dealerlab.errors import ParameterError
from dealerlab.kpi import PERSPECTIVES, validate_cards
from dealerlab.kpi.card import formula_names, parse_sources
from dealerlab.kpi.formula import parse
from dealerlab.kpi.library import DEPARTMENT_SETS, ROLE_SETS, library, library_cards, library_sets
from dealerlab.metrics import METRICS


def test_at_least_30_cards_for_every_department_and_role():
    lib = library()
    assert len(lib) >= 30
    assert set(lib["set"]) == set(DEPARTMENT_SETS) | set(ROLE_SETS)
    assert lib["card_id"].is_unique


def test_weights_sum_to_100_percent_per_set():
    sets = library_sets()
    assert sets["weight"].tolist() == pytest.approx([1.0] * len(sets))


def test_every_formula_points_at_real_metrics():
    extras = formula_names()
    used = set()
    for formula in library()["formula"]:
        f = parse(formula, names=extras)
        assert f.metrics, formula
        used |= set(f.metrics)
    assert used - set(extras.values()) <= set(METRICS)
    # the library covers funnel, after-sales and satisfaction figures
    assert {"volume", "close_rate", "service_revenue", "comeback_rate", "csi_index"} <= used


def test_fields_are_valid():
    lib = library()
    assert set(lib["perspective"]) <= set(PERSPECTIVES)
    assert set(lib["direction"]) == {"higher", "lower"}
    for text in lib["data_source"]:
        tables, unknown = parse_sources(text)
        assert tables and not unknown, text


@pytest.mark.parametrize("name", DEPARTMENT_SETS + ROLE_SETS)
def test_every_set_validates(name):
    cards = library_cards(name, period="2026-10")
    assert validate_cards(cards).empty
    assert all(c.due_date == dt.date(2026, 10, 31) and c.set_date == dt.date(2026, 10, 1) for c in cards)


def test_owner_and_target_override():
    cards = library_cards("销售顾问", period="2026-10", owner="张伟", targets={"个人销量": (12, 15)})
    volume = next(c for c in cards if c.name == "个人销量")
    assert (volume.target, volume.stretch) == (12.0, 15.0)
    assert volume.owner == "张伟" and volume.card_id == "SC01-张伟"
    assert validate_cards(cards).empty


def test_unknown_set():
    with pytest.raises(ParameterError):
        library_cards("保安", period="2026-10")


def test_every_library_card_scores_on_the_demo_data():
    """Integration: each library formula evaluates to a number on the bundled demo (S01, last month)."""
    import math

    from dealerlab.datasets import load_demo
    from dealerlab.kpi import score_cards
    from dealerlab.kpi.scoring import metric_values

    ds = load_demo()
    period = ds.periods()[-1]
    cards = [c for s in DEPARTMENT_SETS + ROLE_SETS for c in library_cards(s, period=period)]
    extras = formula_names()
    needed = sorted({m for c in cards for m in parse(c.formula, names=extras).metrics})
    values, reasons = metric_values(ds, store_id="S01", period=period, metrics=needed)
    scored = score_cards(cards, values=values, reasons=reasons)
    missing = scored[scored["actual"].isna()]
    assert missing.empty, missing[["card_id", "reason"]].to_string()
    assert all(0 <= r <= c + 1e-9 for r, c in zip(scored["rate"], scored["cap"]))
    assert not math.isnan(scored["score"].sum())
