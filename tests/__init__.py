"""Test suite of Tilannekuva (a package so that tests/dashboard does not shadow the dashboard package)."""
