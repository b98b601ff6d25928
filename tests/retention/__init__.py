"""Tests of dealerlab/retention.py."""
