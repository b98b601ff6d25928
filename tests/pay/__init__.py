"""Tests of dealerlab/pay (pay schemes, and value.py: EVA and the value tree)."""
