"""Rendering results: text formats (table, CSV, JSON, markdown) and chart specifications."""
