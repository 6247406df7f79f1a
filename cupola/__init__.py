"""Cupola: a self-hosted search engine and gallery builder for space-mission photography."""

__version__ = "0.1.0"
