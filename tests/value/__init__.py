"""Tests of dealerlab/value.py."""
