"""Judging the data: goal evaluation, comparisons with the county and the country, map classes. Pure functions over frames."""
