"""Tilannekuva ETL: official sources → raw snapshot → validated frames → SQL.

Run ``python -m data_pipeline --help`` for the commands.
"""
