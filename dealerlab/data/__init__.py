"""The client data contract (docs/DATA.md): schema, reading, coercion, validation, the Dataset.

``load(path)`` reads an .xlsx workbook or a folder of CSV / Parquet files, checks it and returns a :class:`Dataset`;
``write_template(path)`` writes the empty client workbook.
"""

from dealerlab.data.dataset import Dataset
from dealerlab.data.load import load
from dealerlab.data.schema import TABLES, Column, Table
from dealerlab.data.template import write_template

__all__ = ["Dataset", "TABLES", "Column", "Table", "load", "write_template"]
