"""Tests of dealerlab/csi.py."""
