"""``python -m dealerlab …``: the ``dealerlab`` command without an installed script (a clone with ``PYTHONPATH=.``)."""

if __name__ == "__main__":
    from dealerlab.cli import main

    raise SystemExit(main())
