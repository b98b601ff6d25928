"""Tests of dealerlab/people.py."""
