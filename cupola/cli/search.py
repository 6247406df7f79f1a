"""`cupola search`: the query language over the archive, human-readable or JSON."""

from __future__ import annotations

import textwrap

import click

from cupola.cli.common import State, print_json
from cupola.search.service import MODES


@click.command()
@click.argument("query", nargs=-1)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 500), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number, from 1.")
@click.option("--mode", type=click.Choice(MODES), default=None,
              help="Ranking: keyword, semantic or hybrid (default: hybrid when vectors exist, else keyword).")
@click.option("--expand", is_flag=True, help="List the members of each duplicate cluster.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (a stable contract).")
@click.pass_obj
def search(state: State, query: tuple[str, ...], limit: int, page: int, mode: str | None, expand: bool,
           as_json: bool) -> None:
    """Search the archive. QUERY uses the query language: words, "phrases", -exclusions, prefix*,
    field:value filters (center:, type:, keyword:, person:, mission:, vehicle:, place:, org:, event:,
    photographer:, location:, id:), year:1969 or year:1969..1972, date:1969-07-16..1969-07-24."""
    from cupola.search.service import default_mode
    from cupola.search.service import search as run_search

    archive = state.archive()
    text = " ".join(query)
    result = run_search(archive, text, limit=limit, page=page, mode=mode or default_mode(archive), expand=expand)
    if as_json:
        print_json(result.to_dict())
        return
    shown_from = (page - 1) * limit + 1 if result.hits else 0
    click.echo(f"{result.total} results ({result.mode}, {result.took_ms:.0f} ms); "
               f"showing {shown_from}-{shown_from + len(result.hits) - 1 if result.hits else 0}")
    for note in result.notes:
        click.echo(f"note: {note}")
    for number, hit in enumerate(result.hits, start=shown_from):
        record = hit.record
        stack = f"  [stack of {hit.cluster['size']}]" if hit.cluster else ""
        title = textwrap.shorten(record.title or record.id, 100, placeholder=" ...")
        click.echo(click.style(f"{number:>3}. {title}", bold=True) + stack)
        meta = "  ".join(v for v in (record.id, record.taken_at or "", record.center or "", record.media_type or "") if v)
        click.echo(f"     {meta}")
        if record.caption and record.caption != record.title:
            snippet = textwrap.shorten(record.caption, 160, placeholder=" ...")
            click.echo(textwrap.indent(textwrap.fill(snippet, 100), "     "))
        for member in hit.members[1:]:
            click.echo(f"       also: {member}")


def register(cli: click.Group) -> None:
    cli.add_command(search)
