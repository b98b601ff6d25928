"""Tests of dealerlab/plots."""
