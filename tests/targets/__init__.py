"""Tests of dealerlab/targets."""
