"""Tests of dealerlab/data: the client data contract (read, load, coerce, validate, write, template).

Not tests/data, which is the bad-input corpus (tests/_paths.CORPUS)."""
