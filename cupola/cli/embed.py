"""`cupola embed`: compute the vectors semantic search needs (after `ingest --no-vectors`, or to rebuild)."""

from __future__ import annotations

import click

from cupola.cli.common import Progress, State, print_json


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


def register(cli: click.Group) -> None:
    cli.add_command(embed)
