"""Tests of dealerlab/execution.py."""
