"""`cupola dupes`: review duplicate clusters, largest first; split and merge by hand."""

from __future__ import annotations

import click

from cupola.cli.common import State, print_json

KINDS = ("record", "photo", "series")


@click.group(invoke_without_command=True)
@click.option("--kind", type=click.Choice(KINDS), help="Only clusters of this kind (record = one record "
              "published in several versions or under several ids; photo = one image; series = one caption).")
@click.option("--limit", default=20, show_default=True, help="How many clusters to list.")
@click.option("--offset", default=0, show_default=True, help="Skip this many clusters first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def dupes(ctx: click.Context, kind: str | None, limit: int, offset: int, as_json: bool) -> None:
    """List duplicate clusters, largest first (and, with --kind record, records with several versions)."""
    if ctx.invoked_subcommand is not None:
        return
    from cupola.dedupe.review import list_clusters, record_versions

    state: State = ctx.obj
    archive = state.archive(readonly=True)
    result = list_clusters(archive, kind=kind, limit=limit, offset=offset)
    if kind == "record":
        result["versions"] = record_versions(archive, limit=limit)
    if as_json:
        print_json(result)
        return
    click.echo(f"{result['clusters_total']} clusters holding {result['records_in_clusters']} records")
    for cluster in result["clusters"]:
        click.echo(f"{cluster['id']:>8}  {cluster['kind']:<6} {cluster['size']:>4}  {cluster['representative']}"
                   f"  {(cluster['title'] or '')[:70]}")
        for member in cluster["members"]:
            if member["id"] != cluster["representative"]:
                why = f"{member['link']}: {member['reason']}" if member["reason"] else member["link"]
                click.echo(f"{'':>22}{member['id']}  ({why})")
    if kind == "record":
        versions = result["versions"]
        click.echo(f"\n{versions['records_with_versions']} records published in several versions")
        for row in versions["records"]:
            click.echo(f"  {row['id']}: {row['versions']} versions, shown by {row['rule']} ({row['reason']})")


@dupes.command()
@click.argument("cluster_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def show(state: State, cluster_id: str, as_json: bool) -> None:
    """Show every member of one cluster (ids look like c123)."""
    from cupola.dedupe.review import show_cluster

    result = show_cluster(state.archive(readonly=True), cluster_id)
    if as_json:
        print_json(result)
        return
    click.echo(f"{result['id']}  {result['kind']}  {result['size']} records, shown as {result['representative']}")
    for member in result["members"]:
        click.echo(f"  {member['id']:<28} {member['taken_at'] or '':<10}  {member['link']:<7} "
                   f"{(member['title'] or '')[:60]}")


@dupes.command()
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def split(state: State, target: str, as_json: bool) -> None:
    """Take record TARGET out of its cluster, or dissolve cluster TARGET (c123). Remembered for good."""
    from cupola.dedupe.review import split as run_split

    archive = state.archive()
    with archive.writing():
        result = run_split(archive, target)
        _reindex(archive)
    if as_json:
        print_json(result)
    elif "dissolved" in result:
        click.echo(f"dissolved {result['dissolved']}: {len(result['records'])} records stand alone now")
    else:
        click.echo(f"{result['split']} taken out of {result['from']} ({result['left']} left there)")


@dupes.command()
@click.argument("first")
@click.argument("second")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def merge(state: State, first: str, second: str, as_json: bool) -> None:
    """Put records FIRST and SECOND (and their clusters) together. Remembered for good."""
    from cupola.dedupe.review import merge as run_merge

    archive = state.archive()
    with archive.writing():
        result = run_merge(archive, first, second)
        _reindex(archive)
    if as_json:
        print_json(result)
    else:
        click.echo(f"merged {first} and {second} into {result['cluster']}")


@dupes.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def recluster(state: State, as_json: bool) -> None:
    """Forget all clusters and build them again (manual splits and merges still apply)."""
    from cupola.dedupe.pipeline import recluster as run_recluster

    archive = state.archive()
    with archive.writing():
        stats = run_recluster(archive)
        _reindex(archive)
    if as_json:
        print_json(stats.__dict__)
    else:
        click.echo(f"placed {stats.placed} records; {stats.joined} joined a cluster")


def _reindex(archive) -> None:  # noqa: ANN001
    """Let the keyword index see the new cluster ids now (it syncs by seq)."""
    try:
        from cupola.index.keyword import sync
    except ImportError:
        return
    sync(archive)


def register(cli: click.Group) -> None:
    cli.add_command(dupes)
