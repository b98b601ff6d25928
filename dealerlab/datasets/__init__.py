"""Synthetic dealer groups and the bundled demo group.

``generate(...)`` builds a seeded synthetic group (every table of docs/DATA.md, teaching cases planted);
``load_demo()`` returns the bundled demo (3 stores × 12 months, 2025-11..2026-10), read from ``datasets/demo``.
"""

from __future__ import annotations

from dealerlab.datasets.demo_io import load_demo
from dealerlab.datasets.generate import DEFAULT_SEED, GroupConfig, generate

__all__ = ["generate", "load_demo", "GroupConfig", "DEFAULT_SEED"]
