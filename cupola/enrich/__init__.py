"""Caption understanding: photo IDs, dates, people, missions, vehicles, places, organisations,
credit and event type, backed by the knowledge base in ``cupola.enrich.kb``.

``analyze(text) -> dict`` is the public contract of ``cupola analyze --json``;
``cupola.enrich.pipeline.enrich_record`` applies it to records at ingest.
"""

from cupola.enrich.analyze import analyze

__all__ = ["analyze"]
