"""Photo folders: embedded metadata, ids, thumbnails and hashes, merging with library records, bad files."""

from __future__ import annotations

import hashlib
import platform
import resource
import shutil
from pathlib import Path

import pytest
from PIL import Image

from cupola.archive import Archive
from cupola.assets import image as image_module
from cupola.ingest import ingest
from cupola.model import Notice, RawItem, Rejection
from cupola.normalise import to_record
from cupola.sources import detect
from cupola.sources.photos import read

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
PHOTOS = FIXTURES / "photos"
FAST = {"no_vectors": True}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "photos"
    shutil.copytree(PHOTOS, target)
    return target


def test_folder_is_detected_as_photos_and_single_files_too(folder: Path) -> None:
    assert detect(folder).kind == "photo"
    assert detect(folder / "mercury.jpg").kind == "photo"


def test_nasa_xmp_gives_id_caption_credit_and_keywords(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    report = ingest(archive, [folder], options=FAST)
    assert not report.rejected
    record = archive.get("PIA03850")
    assert record is not None and record.source == "photo"
    assert record.title.startswith("Pacific Ocean in Holding Pattern")
    assert record.caption.startswith("The Pacific Ocean doesn't show signs")
    assert record.credit == "NASA/JPL"
    assert record.keywords == ["Earth", "TOPEX/Poseidon"]
    assert (record.taken_at, record.taken_precision) == ("2002-07-03", "day")
    # the EXIF description is Windows-1252: read, kept, and said so
    assert "Niño" in record.raw["exif"]["Exif.Image.ImageDescription"]
    assert any("Windows-1252" in n.message for n in report.notices)


def test_camera_exif_date_wins_over_editing_dates(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [folder / "ISS042-E-104433.jpg"], options=FAST)
    (record,) = [r for _, r in archive.iter_records()]
    assert record.id.startswith("photo-")
    assert (record.taken_at, record.taken_source) == ("2015-01-07", "exif")
    assert record.raw["camera"] == "NIKON CORPORATION NIKON D4"


def test_local_asset_has_hashes_and_thumbnails_live_in_the_archive(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [folder / "ISS042-E-104433.jpg"], options=FAST)
    (record,) = [r for _, r in archive.iter_records()]
    orig = next(a for a in record.assets if a["role"] == "orig")
    assert orig["path"] == str((folder / "ISS042-E-104433.jpg").resolve())
    assert len(orig["sha256"]) == 64 and len(orig["phash"]) == 16
    assert (orig["width"], orig["height"], orig["bytes"]) == (1725, 2592, 312724)
    by_role = {a["role"]: a for a in record.assets}
    for role, edge in (("thumb", 320), ("medium", 648)):
        rel = by_role[role]["path"]
        assert not Path(rel).is_absolute() and rel.startswith("thumbs/" if role == "thumb" else "medium/")
        with Image.open(archive.path / rel) as rendition:
            assert max(rendition.size) == edge
    original = (folder / "ISS042-E-104433.jpg").read_bytes()
    assert original == (PHOTOS / "ISS042-E-104433.jpg").read_bytes()  # never modified
    assert hashlib.sha256(original).hexdigest() == orig["sha256"]


def test_no_thumbnails_option_keeps_hashes_and_writes_nothing(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [folder / "art002e000190~large.jpg"], options={**FAST, "no_thumbnails": True})
    (record,) = [r for _, r in archive.iter_records()]
    assert [a["role"] for a in record.assets] == ["orig"]
    assert record.assets[0]["phash"]
    assert not (archive.path / "thumbs").exists()


def test_byte_identical_copies_are_one_record_with_two_provenances(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [folder / "PIA12262~orig.jpg", folder / "mercury.jpg"], options=FAST)
    record = archive.get("PIA12262")
    assert sorted(Path(p.file).name for p in record.provenance) == ["PIA12262~orig.jpg", "mercury.jpg"]
    assert archive.count() == 1


def test_photo_of_a_library_record_joins_it(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [FIXTURES / "nasa_PIA01142.jsonl"], options=FAST)
    library_caption = archive.get("PIA01142").caption
    ingest(archive, [folder / "PIA01142~orig.jpg"], options=FAST)
    record = archive.get("PIA01142")
    assert record.source == "nasa" and record.caption == library_caption
    assert any(a.get("path", "").endswith("PIA01142~orig.jpg") and a.get("sha256") for a in record.assets)
    assert any(a["role"] == "thumb" for a in record.assets)
    assert {p.kind for p in record.provenance} == {"nasa_json", "photo"}


def test_reingest_is_unchanged(tmp_path: Path, folder: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    first = ingest(archive, [folder], options=FAST)
    again = ingest(archive, [folder], options=FAST)
    assert first.added == archive.count()
    assert again.added == again.updated == 0


def test_truncated_jpeg_is_kept_with_its_metadata_and_a_notice(tmp_path: Path) -> None:
    data = (PHOTOS / "PIA03850_orig.jpg").read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    events = list(read(cut))
    items = [e for e in events if isinstance(e, RawItem)]
    notices = [str(e) for e in events if isinstance(e, Notice)]
    assert len(items) == 1 and "phash" not in items[0].data["file"]
    assert any("truncated" in n and "cut.jpg" in n for n in notices)


def test_not_an_image_and_empty_file_are_rejected_with_the_file_named(tmp_path: Path) -> None:
    fake = tmp_path / "notes.jpg"
    fake.write_text("this is not a photo")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    (fake_rejection,) = list(read(fake))
    (empty_rejection,) = list(read(empty))
    assert isinstance(fake_rejection, Rejection) and "not an image" in str(fake_rejection)
    assert str(fake_rejection).startswith(str(fake))
    assert "empty file" in str(empty_rejection)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12_000, 12_000)).save(bomb, optimize=True)  # 144 Mpx, a few kB on disk
    monkeypatch.setattr(image_module, "MAX_PIXELS", 100_000_000)
    (rejection,) = list(read(bomb))
    assert isinstance(rejection, Rejection)
    assert "12000x12000" in rejection.reason and "decompression bomb" in rejection.reason


def test_bad_file_in_a_folder_does_not_stop_the_rest(tmp_path: Path, folder: Path) -> None:
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    archive = Archive.open(tmp_path / "a")
    report = ingest(archive, [folder], options=FAST)
    assert [Path(r.file).name for r in report.rejected] == ["broken.jpg"]
    assert archive.count() == len(list(PHOTOS.iterdir())) - 1  # the two identical files are one record


def test_256_bit_phash_matches_the_dedupe_stage_own_hash(folder: Path) -> None:
    from cupola.dedupe.images import PHASH_MAX_BITS, hash_bytes, phash_distance

    for path in sorted(folder.glob("*.jpg")):
        (item,) = [e for e in read(path) if isinstance(e, RawItem)]
        ours = item.data["file"]["phash256"]
        assert phash_distance(ours, hash_bytes(path.read_bytes()).phash) <= min(2, PHASH_MAX_BITS), path.name


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="tunes glibc's allocator")
def test_progressive_photos_reuse_the_decoder_memory() -> None:
    data = (PHOTOS / "ISS042-E-104433.jpg").read_bytes()  # progressive: a 17 MB coefficient buffer per decode
    image_module.keep_decode_memory()
    image_module.analyse(data)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        image_module.analyse(data)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 3 < 500  # untuned: 4,300 per decode


def test_renditions_outliving_the_memory_cache_are_not_decoded_twice(
        tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cupola.assets import pipeline
    from cupola.assets.renditions import CACHE

    monkeypatch.setattr(CACHE, "budget", 1)  # everything spills to disk, as in a folder of thousands

    def no_second_decode(data: bytes) -> None:
        raise AssertionError("the assets step decoded a photo the reader had already rendered")

    monkeypatch.setattr(pipeline, "analyse", no_second_decode)
    archive = Archive.open(tmp_path / "a")
    ingest(archive, [folder], options=FAST)
    thumbs = [a for _, r in archive.iter_records() for a in r.assets if a["role"] == "thumb"]
    assert len(thumbs) == archive.count() and all((archive.path / t["path"]).is_file() for t in thumbs)
    assert not CACHE.spilled


def test_iptc_caption_in_latin1_and_exif_gps_are_read(tmp_path: Path) -> None:
    import pyexiv2

    photo = tmp_path / "tagged.jpg"
    shutil.copy(PHOTOS / "art002e000190~large.jpg", photo)  # a real photo that carries no metadata
    with pyexiv2.Image(str(photo)) as image:  # as an archivist's older tool writes IPTC: in Latin-1
        image.modify_iptc({"Iptc.Application2.Caption": "La Terre vue depuis Orion, côté équipage",
                           "Iptc.Application2.Headline": "Terre vue d'Orion, équipage",
                           "Iptc.Application2.Keywords": ["Artemis II", "Orion", "Terre"],
                           "Iptc.Application2.Byline": "Équipe NASA", "Iptc.Application2.Credit": "NASA",
                           "Iptc.Application2.DateCreated": "2026-04-03", "Iptc.Application2.City": "Houston",
                           "Iptc.Application2.CountryName": "États-Unis"}, encoding="latin-1")
    with pyexiv2.Image(str(photo)) as image:
        image.modify_exif({"Exif.GPSInfo.GPSLatitudeRef": "N", "Exif.GPSInfo.GPSLatitude": "29/1 33/1 3000/100",
                           "Exif.GPSInfo.GPSLongitudeRef": "W", "Exif.GPSInfo.GPSLongitude": "95/1 5/1 0/1"})
    events = list(read(photo))
    (item,) = [e for e in events if isinstance(e, RawItem)]
    record = to_record(item)
    assert record.title == "Terre vue d'Orion, équipage"
    assert record.caption == "La Terre vue depuis Orion, côté équipage"
    assert record.photographer == "Équipe NASA" and record.credit == "NASA"
    assert record.keywords == ["Artemis II", "Orion", "Terre"]
    assert (record.taken_at, record.taken_source) == ("2026-04-03", "iptc")
    assert record.location_text == "Houston, États-Unis"
    assert (record.lat, record.lon) == (29.558333, -95.083333)
    assert any("not UTF-8" in str(e) for e in events if isinstance(e, Notice))


def test_cli_no_thumbnails_skips_rendering_in_the_reader(tmp_path: Path, folder: Path) -> None:
    from click.testing import CliRunner

    from cupola.assets.renditions import CACHE
    from cupola.cli import cli

    CACHE.clear()
    result = CliRunner().invoke(cli, ["--archive", str(tmp_path / "a"), "ingest", str(folder), "--no-vectors",
                                      "--no-thumbnails", "--json"])
    assert result.exit_code == 0, result.output
    assert not CACHE.items and not CACHE.spilled  # nothing was rendered for nobody
    archive = Archive.open(tmp_path / "a")
    assets = [a for _, r in archive.iter_records() for a in r.assets]
    assert assets and all(a["role"] == "orig" and a["phash"] and a["phash256"] for a in assets)
    assert not (archive.path / "thumbs").exists()


def test_mixed_folder_reads_photos_and_hands_other_files_to_their_readers(tmp_path: Path, folder: Path) -> None:
    shutil.copy(FIXTURES / "nasa_PIA01142.jsonl", folder / "library.jsonl")
    shutil.copy(FIXTURES / "apod_sample.jsonl", folder / "apod.jsonl")
    (folder / "notes.txt").write_text("shot list, not data")
    (folder / "IMG_0001.xmp").write_text("<x:xmpmeta/>")  # a sidecar: no input of its own
    assert detect(folder).kind == "photo"
    archive = Archive.open(tmp_path / "a")
    report = ingest(archive, [folder], options=FAST)
    sources = {r.source for _, r in archive.iter_records()}
    assert sources == {"photo", "nasa", "apod"}
    assert archive.get("PIA01142").source == "nasa"  # the library record, joined by its photo
    assert [Path(n.file).name for n in report.notices if "skipped" in n.message] == ["notes.txt"]
    assert not report.rejected
