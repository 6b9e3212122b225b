"""Reading the data: bound-parameter queries, the data model of an indicator, the app context, boundaries and tiles, the explorer store."""
