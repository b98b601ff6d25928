"""Tests of dealerlab/figures.py."""
