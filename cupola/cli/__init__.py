"""The ``cupola`` command: a thin layer over the Python API.

Each module in this package adds its commands with ``register(cli)``; modules are discovered, so a
new command group is one new file. Errors become one clear line and an exit code (0 ok, 1 error,
2 usage); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

from cupola.cli.common import CupolaGroup, State


@click.group(cls=CupolaGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--archive", "archive_path", envvar="CUPOLA_ARCHIVE", type=click.Path(file_okay=False),
              help="Archive directory (or set CUPOLA_ARCHIVE).")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="cupola")
@click.pass_context
def cli(ctx: click.Context, archive_path: str | None, debug: bool) -> None:
    """Cupola: search and gallery builder for space-mission photography."""
    ctx.obj = State(archive_path, debug)


def _register_commands() -> None:
    import cupola.cli as package

    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if module.name in ("common",) or module.name.startswith("_"):
            continue
        loaded = importlib.import_module(f"cupola.cli.{module.name}")
        register = getattr(loaded, "register", None)
        if register is not None:
            register(cli)


_register_commands()


def main() -> None:
    cli(prog_name="cupola")

