"""The analyst's report: one self-contained HTML file of charts and tables drawn from the warehouse."""
