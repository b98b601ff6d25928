"""Tests of dealerlab/datasets (the generated demo group and its data dictionary)."""
