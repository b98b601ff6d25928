"""Tests of dealerlab/pay/__init__.py."""
