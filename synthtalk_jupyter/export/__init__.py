"""Exports of a stored dataset: CSV per table, Parquet per table, a ZIP, an INSERT script per dialect."""

from .csv import to_csv
from .inserts import dataset_to_sql, insert_script, result_to_sql, write_inserts
from .parquet import to_parquet
from .zip import to_zip

__all__ = ["to_csv", "to_parquet", "to_zip", "dataset_to_sql", "result_to_sql", "write_inserts", "insert_script"]
