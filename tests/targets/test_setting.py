"""policy_target: the year target from the factory VP and the group appraisal (hand-computed answers)."""

import pytest

from dealerlab.errors import ParameterError
from dealerlab.targets import policy_target


def test_group_binds():
    # VP 1150 × 100 % = 1150; 1120 × 1.08 = 1209.6 → 1210 (rounded up); max = 1210; 1210 × 1.05 = 1270.5 → 1271
    t = policy_target(volume_plan=1150, last_year=1120, vp_tier=1.0, group_growth=0.08, safety=0.05).set_index("step")
    assert t["units"].to_dict() == {"vp": 1150, "group": 1210, "store": 1210, "team": 1271}
    assert t.loc["group", "binding"] and not t.loc["vp", "binding"]


def test_vp_binds_and_float_noise():
    # 1100 × 1.08 = 1188 exactly (binary floating point gives 1188.0000000000002: must not round up to 1189)
    # VP 1200 × 105 % = 1260 > 1188 → the VP tier binds; margin 0 → team = store
    t = policy_target(volume_plan=1200, last_year=1100, vp_tier=1.05, group_growth=0.08).set_index("step")
    assert t["units"].to_dict() == {"vp": 1260, "group": 1188, "store": 1260, "team": 1260}
    assert t.loc["vp", "binding"] and not t.loc["group", "binding"]
    assert t.loc["store", "name"].startswith("门店年度目标")


def test_english_and_bad_input():
    t = policy_target(volume_plan=100, last_year=100, lang="en")
    assert t["binding"].tolist() == [True, True, False, False] and "VP" in t["name"].iloc[0]
    with pytest.raises(ParameterError, match="volume_plan"):
        policy_target(volume_plan=-1, last_year=100)
    with pytest.raises(ParameterError, match="safety"):
        policy_target(volume_plan=100, last_year=100, safety="五")
