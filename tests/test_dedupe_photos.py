"""Same photo across files: exact copies, another size of one frame, and burst frames kept apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from cupola.archive import Archive
from cupola.ingest import ingest

PHOTOS = Path(__file__).parent / "fixtures" / "dedupe" / "photos"
OPTIONS = {"no_vectors": True, "no_thumbnails": True}


def _by_file(archive: Archive) -> dict[str, object]:
    out = {}
    for record in archive.get_many(archive.ids(), with_provenance=True).values():
        for prov in record.provenance:
            out[Path(prov.file).name] = record
    return out


def test_photo_folder_copies_cluster_and_bursts_do_not(tmp_path):
    folder = tmp_path / "photos"
    shutil.copytree(PHOTOS, folder)
    other = tmp_path / "elsewhere"
    other.mkdir()
    with Image.open(PHOTOS / "art002e009013~large.jpg") as image:
        image.convert("RGB").resize((800, 600)).save(other / "downloaded-small.jpg", "JPEG", quality=70)
    archive = Archive.open(tmp_path / "a")
    report = ingest(archive, [folder, other], options=OPTIONS)
    assert not report.rejected
    files = _by_file(archive)
    # byte-identical files are one record (or, if read as two, one photo cluster)
    exact_a, exact_b = files["PIA12262~orig.jpg"], files["mercury.jpg"]
    assert exact_a.id == exact_b.id or (exact_a.cluster and exact_a.cluster == exact_b.cluster)
    small, original = files["downloaded-small.jpg"], files["art002e009013~large.jpg"]
    assert small.cluster and original.cluster and small.cluster["id"] == original.cluster["id"]
    assert small.cluster["kind"] == "photo"
    rep = small.cluster["representative"]
    assert rep == original.id  # the bigger image stands for the photo
    burst = files["art002e009014~large.jpg"]
    assert burst.cluster is None or burst.cluster["id"] != original.cluster["id"]
    iss_a, iss_b = files["ISS042-E-104437.jpg"], files["ISS042-E-104441.jpg"]
    assert iss_a.caption == iss_b.caption == "NASA 2071129 83.3F"  # a camera string, not a caption
    assert iss_a.cluster is None and iss_b.cluster is None
