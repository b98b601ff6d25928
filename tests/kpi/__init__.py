"""Tests of dealerlab/kpi."""
