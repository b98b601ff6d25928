"""dealerlab — dealership management workbooks: figures, charts, exercises and consultant reports.

Importing dealerlab has no side effects (no rcParams, no warning filters, no file reads).
"""

from dealerlab.data.dataset import Dataset
from dealerlab.errors import DataValidationError, DealerlabError

__version__ = "0.1.0"

__all__ = ["Dataset", "DealerlabError", "DataValidationError", "__version__"]
