"""Tests of dealerlab/calendar.py."""
