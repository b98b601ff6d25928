"""Tests of dealerlab/aftersales.py."""
