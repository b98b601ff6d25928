"""Tests of dealerlab/policy."""
