"""Outputs: results rendered for people and other tools — the terminal table, JSON documents, DataFrames and
CSV, Parquet, an Excel workbook, a FOCUS dataset, plotly charts and an HTML report. Each reads the data types
of `vpccost.results`; none computes a cost. `vpccost.outputs.formats` registers each format once, with the
results it fits."""
