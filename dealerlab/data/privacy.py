"""Masking of personal data (docs/DATA.md PII columns) in consultant outputs.

Reports, metrics files and Excel appendices mask personal data by default (``--show-pii`` turns it off):
names keep their first character (张三 → 张*), phones keep the first 3 and last 4 digits (13812341234 → 138****1234),
VINs keep the last 6 characters, company names keep their first two characters.
"""

from __future__ import annotations

import re

import pandas as pd

from dealerlab.data.schema import TABLES

__all__ = ["mask_name", "mask_phone", "mask_vin", "mask_company", "mask_frame", "mask_value"]

_DIGITS = re.compile(r"\d")


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def mask_name(value):
    """张三 → 张*, 欧阳小明 → 欧***; Latin names keep the first letter (Li Lei → L*****)."""
    if _blank(value):
        return value
    s = str(value).strip()
    return s[0] + "*" * max(1, len(s) - 1)


def mask_phone(value):
    """13812341234 → 138****1234; other numbers keep their last 4 digits."""
    if _blank(value):
        return value
    digits = "".join(_DIGITS.findall(str(value)))
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) >= 5:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "****"


def mask_vin(value):
    """A VIN keeps its last 6 characters: LSVAB2BM5KN123456 → ***********123456."""
    if _blank(value):
        return value
    s = str(value).strip()
    return "*" * max(0, len(s) - 6) + s[-6:]


def mask_company(value):
    """A company name keeps its first two characters: 华东物流有限公司 → 华东******."""
    if _blank(value):
        return value
    s = str(value).strip()
    return s[:2] + "*" * max(1, len(s) - 2)


_MASKERS = {"name": mask_name, "phone": mask_phone, "vin": mask_vin, "account_name": mask_company}


def mask_value(column: str, value):
    """Mask ``value`` as the PII column ``column`` requires."""
    return _MASKERS.get(column, mask_name)(value)


def mask_frame(frame: pd.DataFrame, table: str | None = None, *, columns=None) -> pd.DataFrame:
    """A copy of ``frame`` with its PII columns masked.

    The PII columns are those the schema marks for ``table`` (or every column named like one: name, phone, vin,
    account_name) or the explicit ``columns``.
    """
    if columns is None:
        if table is not None and table in TABLES:
            columns = TABLES[table].pii
        else:
            columns = [c for c in frame.columns if c in _MASKERS]
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(lambda v, c=col: mask_value(c, v)).astype(out[col].dtype if out[col].dtype == "string" else object)
    return out
