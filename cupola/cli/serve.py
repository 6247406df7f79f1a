"""``cupola serve``: the HTTP API and the web UI in one process."""

from __future__ import annotations

import click

from cupola.cli.common import State


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--token", envvar="CUPOLA_TOKEN", help="Allow writes (ingest over HTTP) to clients sending "
              "'Authorization: Bearer TOKEN' (or set CUPOLA_TOKEN). Without it the server is read-only.")
@click.option("--query-timeout", type=float, default=5.0, show_default=True,
              help="Seconds one search or lookup may run before the request is answered 503.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (one CPU core each; each keeps its own response cache).")
@click.pass_obj
def serve(state: State, host: str, port: int, token: str | None, query_timeout: float, workers: int) -> None:
    """Serve the archive: images-api routes, /api/v1 (OpenAPI at /openapi.json, docs at /docs), web UI."""
    import os

    import uvicorn

    from cupola.api.app import create_app, prepare_archive

    archive = state.archive()  # fails early, with one clear line, when there is no archive
    archive.close()
    prepare_archive(archive.path)
    click.echo(f"Cupola is serving {state.archive_path} at http://{host}:{port}/  "
               f"({'writes allowed with the token' if token else 'read-only'}; Ctrl-C stops)")
    if workers == 1:
        app = create_app(state.archive_path, token=token, prepare=False, query_timeout_s=query_timeout)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
        return
    os.environ.update({"CUPOLA_SERVE_ARCHIVE": str(archive.path), "CUPOLA_SERVE_TOKEN": token or "",
                       "CUPOLA_SERVE_QUERY_TIMEOUT": str(query_timeout)})
    uvicorn.run("cupola.api.app:app_from_env", factory=True, workers=workers, host=host, port=port,
                log_level="warning", access_log=False)


def register(cli: click.Group) -> None:
    cli.add_command(serve)
