"""Printed output: station inspection reports and summaries as PDF (ReportLab) and .xlsx.

A client of `services` like the UI and the CLI: it lays out the plain data of
`services.report_types` and never reads the database itself.
"""
