"""`cupola analyze` (what Cupola understands of a caption) and `cupola reenrich` (after a KB update)."""

from __future__ import annotations

import json
import sys

import click

from cupola.cli.common import Progress, State, print_json


def _human(result: dict) -> None:
    for label in ("photo_ids", "people", "missions", "vehicles", "places", "organizations"):
        if result[label]:
            click.echo(f"{label.replace('_', ' ')}: {', '.join(result[label])}")
    if result["dates"]:
        click.echo("dates: " + ", ".join(f"{d['text']} = {d['value']}" for d in result["dates"]))
    if result["credit"]:
        click.echo(f"credit: {result['credit']}")
    click.echo(f"event: {result['event']} ({result['event_confidence']:.2f})")


@click.command()
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def analyze(text: str, as_json: bool) -> None:
    """Show what Cupola understands of a caption.

    TEXT is the caption (title, newline, description). With "-", read JSON lines {"text": ...} from
    stdin and write one JSON result per line, in order.
    """
    from cupola.enrich import analyze as run

    if text == "-":
        out = sys.stdout
        for number, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                caption = item.get("text", "") if isinstance(item, dict) else str(item)
            except ValueError:
                click.echo(f"warning: stdin line {number} is not JSON; analysed as plain text", err=True)
                caption = line.rstrip("\n")
            out.write(json.dumps(run(caption), ensure_ascii=False) + "\n")
        out.flush()
        return
    result = run(text)
    if as_json:
        print_json(result)
    else:
        _human(result)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def reenrich(state: State, as_json: bool) -> None:
    """Re-run caption understanding over the whole archive (after a KB update)."""
    from cupola.enrich.reenrich import reenrich as run

    archive = state.archive(create=False)
    progress = Progress()
    try:
        summary = run(archive, progress=progress)
    finally:
        progress.close()
    if as_json:
        print_json(summary)
    else:
        click.echo(f"re-enriched {summary['records']} records ({summary['changed']} changed, "
                   f"{summary['indexed']} reindexed) in {summary['seconds']:.1f}s")


def register(cli: click.Group) -> None:
    cli.add_command(analyze)
    cli.add_command(reenrich)
