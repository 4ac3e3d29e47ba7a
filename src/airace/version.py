"""The package version (one place; the CLI and outputs read it here)."""

__version__ = "0.1.0"
