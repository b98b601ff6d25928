"""The client data contract (DATA.md): schema, reading, coercion, validation, the Dataset."""

from dealerlab.data.dataset import Dataset
from dealerlab.data.schema import TABLES, Column, Table

__all__ = ["Dataset", "TABLES", "Column", "Table"]
