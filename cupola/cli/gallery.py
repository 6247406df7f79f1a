"""`cupola gallery`: mission stories, theme / timeline / mission-list galleries, saved galleries, exports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cupola.cli.common import State, print_json
from cupola.errors import UsageError

FORMATS = ("md", "json", "html")


def _theme(value: str) -> tuple[str, str]:
    kind, sep, rest = value.partition("=")
    if not sep:
        kind, sep, rest = value.partition(":")
    if not sep or not rest.strip():
        raise UsageError(f"--theme takes KIND=VALUE, got {value!r}", hint="e.g. --theme event=spacewalk")
    return kind.strip().lower(), rest.strip()


def _emit(gallery, fmt: str, out: str | None) -> None:  # noqa: ANN001 - a Gallery
    from cupola.galleries.export import to_json, to_markdown, write_html
    from cupola.galleries.saved import slugify

    for note in gallery.notes:
        click.echo(f"note: {note}", err=True)
    if fmt == "html":
        folder = Path(out) if out else Path(slugify(gallery.title))
        index = write_html(gallery, folder)
        click.echo(f"wrote {index} ({len(gallery.items)} photos in {len(gallery.phases)} phases)", err=True)
        return
    text = to_json(gallery) + "\n" if fmt == "json" else to_markdown(gallery)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out} ({len(gallery.items)} photos in {len(gallery.phases)} phases)", err=True)
    else:
        sys.stdout.write(text)


@click.command()
@click.argument("name", required=False)
@click.option("--max", "max_items", default=30, show_default=True, type=click.IntRange(1, 500),
              help="How many photos the gallery holds at most.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="md (default; paste into a CMS), json (the public contract) or html (a static site folder).")
@click.option("--out", help="Write here instead of stdout (for html: the folder; default: a folder named after the title).")
@click.option("--theme", help="A theme gallery: KIND=VALUE with KIND one of event, place, vehicle, person, "
                              "mission, organization, keyword (e.g. event=spacewalk, person=Aldrin).")
@click.option("--timeline", help="A timeline gallery: a year (one phase per month) or YYYY-MM (one per day).")
@click.option("--missions", help="One phase per mission, comma-separated (e.g. 'Expedition 57,Expedition 58').")
@click.option("--saved", help="A saved gallery, by its slug.")
@click.option("--list", "list_them", is_flag=True, help="List the missions with photos, and the saved galleries.")
@click.option("--save-as", help="Also keep this gallery in the archive as a saved gallery with this title.")
@click.pass_obj
def gallery(state: State, name: str | None, max_items: int, fmt: str | None, out: str | None, theme: str | None,
            timeline: str | None, missions: str | None, saved: str | None, list_them: bool,
            save_as: str | None) -> None:
    """Build a gallery. NAME is a mission, expedition or crewed flight the knowledge base knows (also by
    alias: "Gemini IV", "Crew-1"): its story in phases, from crew and training to homecoming, the best
    photos of each, never two from one duplicate cluster, each with heading, caption, credit and date.

    \b
      cupola gallery "Apollo 11" --max 30 --format html --out apollo11/
      cupola gallery --theme event=spacewalk --format json
      cupola gallery --timeline 1969
      cupola gallery --missions "Apollo 11,Apollo 12"
    An unknown mission exits 1 with suggestions; a mission without photos gives an empty story."""
    from cupola import galleries

    chosen = [x for x in (name, theme, timeline, missions, saved) if x] + ([True] if list_them else [])
    if len(chosen) != 1:
        raise UsageError("give exactly one of NAME, --theme, --timeline, --missions, --saved or --list",
                         hint='e.g. cupola gallery "Apollo 11"')
    archive = state.archive()
    if list_them:
        found = galleries.list_galleries(archive)
        if fmt == "json":
            print_json([g.to_dict() for g in found])
            return
        for info in found:
            dates = f"  {info.start} – {info.end}" if info.start else ""
            click.echo(f"{info.photos:>6}  {info.name}  ({info.kind}){dates}")
        return
    if name:
        built = galleries.mission_gallery(archive, name, max_items=max_items)
    elif theme:
        kind, value = _theme(theme)
        built = galleries.theme_gallery(archive, kind, value, max_items=max_items)
    elif timeline:
        built = galleries.timeline_gallery(archive, timeline, max_items=max_items)
    elif missions:
        built = galleries.missions_gallery(archive, missions.split(","), max_items=max_items)
    else:
        built = galleries.load_gallery(archive, str(saved))
    if save_as:
        slug = galleries.save_from(archive, built, title=save_as)
        click.echo(f"saved as {slug!r} (open it with --saved {slug})", err=True)
    _emit(built, fmt or "md", out)


@click.command("gallery-save")
@click.argument("title")
@click.argument("ids", nargs=-1)
@click.option("--entries", type=click.Path(exists=True, dir_okay=False),
              help='A JSON file: a list of {"id", "phase"?, "heading"?, "caption"?} in gallery order.')
@click.option("--slug", help="The saved gallery's name in URLs and --saved (default: from the title).")
@click.pass_obj
def gallery_save(state: State, title: str, ids: tuple[str, ...], entries: str | None, slug: str | None) -> None:
    """Save a custom gallery: TITLE and record IDS in order (or --entries with retitled headings and
    captions). Saving under an existing slug replaces that gallery."""
    from cupola.galleries import save_gallery

    items: list = list(ids)
    if entries:
        try:
            loaded = json.loads(Path(entries).read_text(encoding="utf-8"))
        except ValueError as err:
            raise UsageError(f"--entries is not JSON ({err})", where=entries) from None
        if not isinstance(loaded, list):
            raise UsageError("--entries must hold a JSON list of entries", where=entries)
        items += loaded
    if not items:
        raise UsageError("name at least one record id (or give --entries)")
    saved = save_gallery(state.archive(), title, items, slug=slug)
    click.echo(saved)


@click.command("gallery-delete")
@click.argument("slug")
@click.pass_obj
def gallery_delete(state: State, slug: str) -> None:
    """Delete a saved gallery."""
    from cupola.errors import NotFound
    from cupola.galleries import delete_gallery

    if not delete_gallery(state.archive(), slug):
        raise NotFound(f"no saved gallery {slug!r}", hint="`cupola gallery --list` shows them")
    click.echo(f"deleted {slug}")


def register(cli: click.Group) -> None:
    cli.add_command(gallery)
    cli.add_command(gallery_save)
    cli.add_command(gallery_delete)
