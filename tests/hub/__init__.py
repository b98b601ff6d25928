"""Tests of dealerlab/hub."""
