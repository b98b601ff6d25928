"""Tests of dealerlab/funnel."""
