"""Source commands: ``mirror`` (any images-api compatible server) and ``ingest-page`` (a gallery URL)."""

from __future__ import annotations

import click

from cupola.cli.common import Progress, State, print_json
from cupola.errors import UsageError

MAX_LISTED = 20


@click.command()
@click.argument("url")
@click.option("--query", "-q", help="Search text (images-api q=), e.g. 'apollo 11'.")
@click.option("--center", help="NASA center code, e.g. JSC (comma-separated for several).")
@click.option("--media-type", type=click.Choice(["image", "video", "audio"]), help="Only this media type.")
@click.option("--year-start", type=int, help="First year to mirror (default 1900).")
@click.option("--year-end", type=int, help="Last year to mirror (default this year).")
@click.option("--page-size", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--concurrency", type=click.IntRange(1, 8), default=2, show_default=True,
              help="Pages requested at once.")
@click.option("--rate", type=click.FloatRange(0.1, 100), default=5.0, show_default=True,
              help="Requests per second, at most.")
@click.option("--timeout", type=click.FloatRange(1, 300), default=15.0, show_default=True,
              help="Seconds to wait for an answer before retrying.")
@click.option("--window", type=click.IntRange(100), default=10_000, show_default=True,
              help="Deepest result the server pages to; larger year ranges are split below it.")
@click.option("--no-vectors", is_flag=True, help="Skip embeddings now.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def mirror(state: State, url: str, query: str | None, center: str | None, media_type: str | None,
           year_start: int | None, year_end: int | None, page_size: int, concurrency: int, rate: float,
           timeout: float, window: int, no_vectors: bool, as_json: bool) -> None:
    """Mirror an images-api compatible server (NASA's, or another Cupola's `serve`) into the archive.

    Resumable: run it again after an interruption and it goes on from the last stored page. Run it
    again later and it fetches only what changed. Exit 1 when some pages could not be fetched.
    """
    import httpx

    from cupola.mirror import mirror as run_mirror
    from cupola.sources.mirror import MirrorSettings

    try:
        host = httpx.URL(url).host if url.startswith(("http://", "https://")) else ""
    except httpx.InvalidURL:
        host = ""
    if not host:
        raise UsageError(f"not an http(s) URL: {url!r}", hint="e.g. https://images-api.nasa.gov")
    if year_start and year_end and year_start > year_end:
        raise UsageError("--year-start is after --year-end")
    settings = MirrorSettings(page_size=page_size, concurrency=concurrency, rate=rate, timeout=timeout,
                              window=window)
    archive = state.archive(create=True)
    progress = Progress()
    try:
        report = run_mirror(archive, url, query=query, center=center, media_type=media_type,
                            year_start=year_start, year_end=year_end, settings=settings,
                            options={"no_vectors": no_vectors}, progress=progress)
    finally:
        progress.close()
    if as_json:
        print_json(report.to_dict())
    else:
        ingest = report.ingest
        click.echo(f"{report.server}: {report.pages} pages, added {ingest.added}, updated {ingest.updated}, "
                   f"unchanged {ingest.unchanged}, rejected {len(ingest.rejected)}; {report.slices_done} year "
                   f"slices paged, {report.slices_skipped} unchanged  ({report.seconds:.1f} s)")
        for warning in report.warnings[:MAX_LISTED]:
            click.echo(f"warning: {warning}", err=True)
        for rejection in ingest.rejected[:MAX_LISTED]:
            click.echo(f"rejected: {rejection}", err=True)
        for error in report.errors[:MAX_LISTED]:
            click.echo(f"error: {error}", err=True)
    if report.errors:
        raise SystemExit(1)


@click.command("ingest-page")
@click.argument("urls", nargs=-1, required=True)
@click.option("--timeout", type=click.FloatRange(1, 120), default=20.0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest_page(state: State, urls: tuple[str, ...], timeout: float, as_json: bool) -> None:
    """Fetch gallery pages by URL (timeout, 64 MB limit) and ingest their photo items."""
    from cupola.cli.core import finish_ingest
    from cupola.ingest import ingest_events
    from cupola.sources.pages import fetch_page

    archive = state.archive(create=True)
    events = (event for url in urls for event in fetch_page(url, timeout=timeout))
    finish_ingest(ingest_events(archive, events, options={}), as_json)


def register(cli: click.Group) -> None:
    cli.add_command(mirror)
    cli.add_command(ingest_page)
