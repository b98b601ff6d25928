"""The enumerations of the data contract live in dealerlab/data/enums.toml, read on first use: every enumerated column
names a table of the file, every table of the file is used, and the metric ids made from an enumeration (a volume per
sales channel, a penetration per add-on product, a rebate per policy item) are exactly its values, in its order."""

from __future__ import annotations

import pickle
from importlib.resources import files

import tomllib

from dealerlab import metrics
from dealerlab.data.schema import TABLES, Enumeration, enum_values
from dealerlab.funnel import CHANNELS, PRODUCTS
from dealerlab.policy import REBATE_ITEMS


def _file() -> dict:
    return tomllib.loads(files("dealerlab.data").joinpath("enums.toml").read_text(encoding="utf-8"))


def test_every_enumerated_column_names_a_table_of_the_file_and_every_table_is_used():
    tables = _file()
    used = set()
    for t in TABLES.values():
        for c in t.columns:
            assert (c.kind == "enum") == (c.enum is not None), f"{t.name}.{c.name}"
            if c.enum is not None:
                assert isinstance(c.enum, Enumeration) and c.enum.name in tables, f"{t.name}.{c.name}"
                assert dict(c.enum) == tables[c.enum.name] and list(c.enum) == list(tables[c.enum.name])
                used.add(c.enum.name)
    assert used == set(tables)
    for name, values in tables.items():
        assert values and all(isinstance(k, str) and isinstance(v, str) and v for k, v in values.items()), name


def test_an_enumeration_is_a_read_only_mapping_in_the_file_order():
    status = Enumeration("lead_status")
    assert list(status.items()) == [("跟进中", "open"), ("成交", "won"), ("战败", "lost")]
    assert "成交" in status and "won" not in status and status.get("xx") is None and len(status) == 3
    assert status == {"跟进中": "open", "成交": "won", "战败": "lost"}
    assert pickle.loads(pickle.dumps(status)) == status
    assert enum_values("leads", "status") == ["跟进中", "成交", "战败"]


def test_metric_ids_made_from_an_enumeration_are_its_values():
    for base, table, column, used in [("volume", "sales", "channel", CHANNELS),
                                      ("addon_penetration", "addons", "product", PRODUCTS),
                                      ("rebate", "oem_policy", "item", REBATE_ITEMS)]:
        values = tuple(enum_values(table, column))
        assert metrics.variants(base) == values == tuple(used), base
        for v in values:
            assert f"{base}.{v}" in metrics.METRICS
