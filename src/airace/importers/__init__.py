"""Importers: real upstream files (Epoch AI, LMArena, OpenRouter) into the catalog.

Each importer is a declarative spec of the upstream layout (encoding, columns, date formats,
score scale) checked against the file's header, so an upstream change fails loudly.
"""
