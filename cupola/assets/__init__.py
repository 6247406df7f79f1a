"""Local image files: decoding, hashes (sha256 + pHash), thumbnail/medium renditions in the archive."""
