"""Tests of dealerlab/accounts.py."""
