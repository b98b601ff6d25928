"""dealerlab's tests, one folder per package of dealerlab (tests/README.md says where a new test goes).

Every folder is a package (an ``__init__.py``), so that two folders may hold files of the same name
(``tests/funnel/test_properties.py`` and ``tests/data_contract/test_properties.py``) and a test imports another's
helpers by their full name (``from tests.funnel.test_funnel import tiny_dataset``). tests/data/ is the bad-input
corpus, not a package.
"""
