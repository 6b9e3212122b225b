"""Drawing: Plotly figures, the one chart builder, goal gauges."""
