"""`cupola embed` (vectors for semantic search, after `ingest --no-vectors` or to rebuild) and
`cupola similar ID` (more like this)."""

from __future__ import annotations

import click

from cupola.cli.common import Progress, State, print_json
from cupola.errors import UsageError


@click.command()
@click.option("--rebuild", is_flag=True, help="Re-embed every record (default: only new or changed text).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def embed(state: State, rebuild: bool, as_json: bool) -> None:
    """Add or refresh the archive's embeddings (vectors for semantic search)."""
    from cupola.embed.update import update

    archive = state.archive()
    progress = Progress()
    try:
        with archive.writing():
            result = update(archive, rebuild=rebuild, progress=lambda done, total: progress("embed", done, total))
    finally:
        progress.close()
    if as_json:
        print_json(result)
        return
    click.echo(f"embedded {result['embedded']}, removed {result['removed']}, {result['vectors']} vectors "
               f"({result['seconds']:.1f} s)")


@click.command()
@click.argument("record_id")
@click.option("--limit", default=12, show_default=True, type=click.IntRange(1, 500), help="How many to show.")
@click.option("--all", "show_all", is_flag=True, help="Keep duplicates (same cluster) in the list.")
@click.option("--json", "as_json", is_flag=True, help="Print ids and scores as JSON.")
@click.pass_obj
def similar(state: State, record_id: str, limit: int, show_all: bool, as_json: bool) -> None:
    """More like this: records nearest in meaning to RECORD_ID."""
    from cupola.embed.search import has_vectors, similar_to

    archive = state.archive(readonly=True)
    if not has_vectors(archive):
        raise UsageError("this archive has no vectors", where=str(archive.path), hint="run `cupola embed` first")
    hits = similar_to(archive, record_id, k=limit, distinct=not show_all)
    if as_json:
        print_json([{"id": i, "score": round(s, 4)} for i, s in hits])
        return
    records = archive.get_many([i for i, _ in hits])
    for other, score in hits:
        title = records[other].title if other in records else ""
        click.echo(f"{score:.3f}  {other}  {title}")


def register(cli: click.Group) -> None:
    cli.add_command(embed)
    cli.add_command(similar)
