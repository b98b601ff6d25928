"""Tests of dealerlab/pay.py."""
