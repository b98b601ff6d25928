"""Tests of dealerlab/exercises."""
