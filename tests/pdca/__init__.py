"""Tests of dealerlab/pdca."""
