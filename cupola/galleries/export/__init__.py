"""Gallery exports: JSON (the public contract), Markdown for a CMS, a self-contained static HTML site."""

from cupola.galleries.export.html import write_html
from cupola.galleries.export.text import date_label, to_json, to_markdown

FORMATS = ("json", "md", "html")

__all__ = ["FORMATS", "date_label", "to_json", "to_markdown", "write_html"]
