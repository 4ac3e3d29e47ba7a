"""The curated data's schema: field dictionary, tables, validation, rules and ledger files.

The lowest layer: it reads and checks files and knows nothing of the catalog or analyses.
"""
