"""Reference tables shipped with dealerlab (read on demand, never at import)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["default_survey_items", "OVERALL_ITEM"]

#: the item every response carries once: overall satisfaction (docs/DATA.md, surveys)
OVERALL_ITEM = "总体满意度"


def default_survey_items() -> pd.DataFrame:
    """The standard SSI and CSI items: ``item, survey, factor, rater, kano_class, item_en``.

    SSI covers reception, needs analysis, test drive, deal, delivery, facility and salesperson; CSI covers
    service initiation, advisor, facility, vehicle pick-up and service quality, with seed 001's workshop items.
    Note the item 按时交车 exists in both surveys (sales delivery and service pick-up): key on (survey, item).
    """
    with resources.files("dealerlab.data").joinpath("survey_items.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype="string")
