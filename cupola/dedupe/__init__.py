"""Duplicates, in DESIGN.md's three kinds: same record, same photo, series.

    keys.py            match keys (normalised id, asset URL, sha256, pHash pieces) and their check
    images.py          hash_image(path): sha256 + 256-bit pHash, refusing broken files and bombs
    progressive.py     progressive JPEGs cut to the first scans a 1/4 or 1/8 scale decode reads
    text.py            series text of a caption, boilerplate rules, near-duplicate similarity
    minhash.py         MinHash LSH band keys (rensa)
    series.py          leader clustering of captions into stacks (in memory and shared rules)
    feed.py            records prepared for placing (series text, keys, rank), a chunk at a time
    reader.py          the process that prepares a large backlog's next chunks (python -m ...)
    engine.py          incremental placement of changed records into clusters
    bulk.py            the end of a bulk run (empty tables): tables written from memory, then records
    refresh.py         recomputing changed clusters and writing record.cluster
    representative.py  which member stands for a cluster
    versions.py        which published version of one record wins (majority / trusted / complete)
    review.py          listing clusters, manual split / merge
    pipeline.py        the ingest after-step and a full recluster
"""
