"""Tests of dealerlab/report."""
