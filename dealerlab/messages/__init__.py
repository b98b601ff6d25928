"""The texts dealerlab shows, one TOML file per module (zh required, en optional): read by :class:`dealerlab.i18n.Catalogue`."""
