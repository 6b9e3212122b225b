"""Figure builders: pure functions from shaped data (:mod:`dashboard.data.model`) to plotly figure dicts.

Plain dicts, not ``go.Figure``: no validation cost in hot callbacks, and tests assert on the JSON
that the browser receives. Only the trace types of the custom plotly.js bundle are used: bar,
scatter, choropleth and scattergeo.
"""
