"""Tests of dealerlab/i18n.py and the message files dealerlab/messages/*.toml it loads."""
