"""Render: pure functions from results and models to SVG, Plotly figures and HTML."""
