"""Tests of dealerlab/exercises/course (each course module's exercise check functions, through the widgets)."""
