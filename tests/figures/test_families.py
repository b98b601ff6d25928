"""The registry and the families agree: a family for every family name of the registry, and each family returns
exactly its registry ids (a new id without its computation, or a computation without its registry line, fails here)."""

from __future__ import annotations

import pytest

from dealerlab import figures, metrics


def test_every_registry_family_has_its_function():
    assert list(figures.FAMILIES) == metrics.FAMILIES


@pytest.fixture(scope="module")
def demo():
    from dealerlab.datasets import load_demo

    return load_demo()


@pytest.mark.parametrize("family", metrics.FAMILIES)
def test_a_family_returns_its_registry_ids_for_every_store_and_month(demo, family):
    periods = demo.periods()[-2:]
    stores = demo["stores"]["store_id"].astype(str).tolist()[:2]
    out = figures.FAMILIES[family](demo, periods=periods, stores=stores)
    want = metrics.ids(family)
    assert list(dict.fromkeys(out["metric"])) == want
    assert len(out) == len(want) * len(periods) * len(stores)
