"""Core commands: ingest, show, stats, reindex."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from cupola.cli.common import Progress, State, print_json
from cupola.errors import NotFound, UsageError

if TYPE_CHECKING:
    from cupola.ingest import IngestReport

MAX_LISTED = 50


def demo_paths() -> list[Path]:
    from importlib.resources import files

    folder = Path(str(files("cupola") / "data" / "demo"))
    return sorted(p for p in folder.iterdir() if not p.name.startswith(("README", ".")))


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--demo", is_flag=True, help="Ingest the real sample bundled with Cupola.")
@click.option("--source", "kind", help="Read every input as this source kind (default: detect).")
@click.option("--no-vectors", is_flag=True, help="Skip embeddings now (add them later with `cupola embed`).")
@click.option("--no-thumbnails", is_flag=True, help="Do not generate thumbnails for local photos.")
@click.option("--map", "mapping", help="Column mapping for CSV/JSONL, e.g. title=Title,caption=Description.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(state: State, paths: tuple[str, ...], demo: bool, kind: str | None, no_vectors: bool,
           no_thumbnails: bool, mapping: str | None, as_json: bool) -> None:
    """Read PATHS (files or directories) into the archive.

    Exit 0 when all input was accepted, 1 when some was rejected (the rest is still stored).
    """
    from cupola.ingest import ingest as run_ingest

    inputs: list[str | Path] = list(paths)
    if demo:
        inputs.extend(demo_paths())
    if not inputs:
        raise UsageError("nothing to ingest", hint="give one or more paths, or --demo")
    archive = state.archive(create=True)
    progress = Progress()
    options = {"no_vectors": no_vectors, "no_thumbnails": no_thumbnails, "mapping": mapping}
    try:
        report = run_ingest(archive, inputs, kind=kind, options=options, progress=progress)
    finally:
        progress.close()
    finish_ingest(report, as_json)


def finish_ingest(report: IngestReport, as_json: bool) -> None:
    """Print an ingest report (summary, notes, rejections with file:line) and exit 1 if anything was
    rejected: the contract of every command that ingests."""
    if as_json:
        print_json(report.to_dict())
    else:
        click.echo(f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
                   f"rejected {len(report.rejected)}  ({report.seconds:.1f} s)")
        for notice in report.notices[:MAX_LISTED]:
            click.echo(f"note: {notice}", err=True)
        for rejection in report.rejected[:MAX_LISTED]:
            click.echo(f"rejected: {rejection}", err=True)
        if len(report.rejected) > MAX_LISTED:
            click.echo(f"rejected: ... and {len(report.rejected) - MAX_LISTED} more (use --json for all)",
                       err=True)
    if report.rejected:
        raise SystemExit(1)


@click.command()
@click.argument("record_id")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical record as JSON.")
@click.pass_obj
def show(state: State, record_id: str, as_json: bool) -> None:
    """Show one record with its provenance."""
    archive = state.archive(readonly=True)
    record = archive.get(record_id)
    if record is None:
        raise NotFound(f"no record {record_id!r}", hint="ids are as published, e.g. as11-40-5903; "
                       "try `cupola search` to find one")
    data = record.to_dict()
    data["versions"] = len(archive.versions_of(record_id))
    if as_json:
        print_json(data)
        return
    click.echo(click.style(record.title or record.id, bold=True))
    click.echo(f"id: {record.id}   source: {record.source}   media: {record.media_type}")
    if record.taken_at:
        click.echo(f"taken: {record.taken_at} ({record.taken_precision}, from {record.taken_source})")
    for label, value in (("center", record.center), ("credit", record.credit),
                         ("photographer", record.photographer), ("location", record.location_text)):
        if value:
            click.echo(f"{label}: {value}")
    if record.keywords:
        click.echo("keywords: " + ", ".join(record.keywords))
    click.echo("")
    click.echo(record.caption)
    click.echo("")
    for prov in record.provenance:
        where = f"{prov.file}:{prov.line}" if prov.line is not None else f"{prov.file} item {prov.extra.get('item')}"
        click.echo(f"from {prov.kind}: {where} ({prov.fetched_at})")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_obj
def stats(state: State, as_json: bool) -> None:
    """Counts of what the archive holds."""
    from cupola.index.keyword import is_behind

    archive = state.archive()
    data = archive.stats()
    data["index_behind"] = is_behind(archive)
    if as_json:
        print_json(data)
        return
    click.echo(f"{data['records']} records, {data['provenance']} copies seen, "
               f"{data['multi_version_records']} with several versions")
    click.echo("media: " + ", ".join(f"{k} {v}" for k, v in data["media_types"].items()))
    click.echo("centers: " + ", ".join(f"{k} {v}" for k, v in list(data["centers"].items())[:12]))
    click.echo(f"size on disk: {data['archive_bytes'] / 1e6:.1f} MB  ({data['path']})")
    if data["index_behind"]:
        click.echo("the keyword index is behind the archive: run `cupola reindex`")


@click.command()
@click.pass_obj
def reindex(state: State) -> None:
    """Rebuild the keyword index from the archive."""
    from cupola.index.keyword import rebuild

    archive = state.archive()
    with archive.writing():
        count = rebuild(archive)
    click.echo(f"indexed {count} records")


def register(cli: click.Group) -> None:
    for command in (ingest, show, stats, reindex):
        cli.add_command(command)
