"""Tests of dealerlab/formula.py."""
