"""Shared test fixtures: real NASA records (tests/fixtures/nasa, see its PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cupola.archive import Archive
from cupola.ingest import ingest

FIXTURES = Path(__file__).parent / "fixtures"
NASA = FIXTURES / "nasa"
SAMPLE = NASA / "records_sample.jsonl"
RAW_APOLLO = NASA / "Rekjal__nasaImageLookUpProject__sampleJSON.json"
RAW_PLUTO = NASA / "Arts7__Angular12__src_assets_nasa.json"
RAW_ANDROMEDA = NASA / "marianopezzutto__buscador-nasa__nasa.json"
RAW_CRAWL_1969 = NASA / "rmluck__NASA-Media-Explorer__data_nasa_full_corpus_nasa_data_1969.json"


def sample_items() -> list[dict]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").split("\n") if line.strip()]


def write_halves(source: Path, directory: Path) -> tuple[list[str], Path, Path]:
    """A JSON Lines fixture's lines, and two files holding its even and its odd lines (two ingests)."""
    lines = source.read_text().splitlines()
    first, second = directory / "first.jsonl", directory / "second.jsonl"
    first.write_text("\n".join(lines[::2]) + "\n")
    second.write_text("\n".join(lines[1::2]) + "\n")
    return lines, first, second


@pytest.fixture(scope="session")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """The sample records plus the 1969 crawl file, ingested once: no enrichment, clusters or vectors,
    so counts can be checked against the raw files (other stages have their own tests)."""
    path = tmp_path_factory.mktemp("sample") / "archive"
    archive = Archive.open(path)
    ingest(archive, [SAMPLE, RAW_CRAWL_1969],
           options={"raw_only": True, "no_vectors": True, "skip_steps": ["dedupe", "embed"]})
    return archive
