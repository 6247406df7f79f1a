"""What every command shares: the archive option, error handling, JSON output, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click

from cupola.archive import Archive
from cupola.errors import CupolaError, UsageError


@dataclass
class State:
    archive_path: str | None
    debug: bool

    def archive(self, *, create: bool = False, readonly: bool = False) -> Archive:
        if not self.archive_path:
            raise UsageError("no archive given", hint="pass --archive DIR or set CUPOLA_ARCHIVE")
        return Archive.open(self.archive_path, create=create, readonly=readonly)


class CupolaGroup(click.Group):
    """Turns CupolaError into one line on stderr and its exit code (unless --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CupolaError as err:
            if _debug(ctx):
                raise
            click.echo(f"error: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: committed work is kept; run the same command again to finish", err=True)
            ctx.exit(130)
        except (OSError, ValueError) as err:
            if _debug(ctx):
                raise
            click.echo(f"error: {err} (run with --debug for details)", err=True)
            ctx.exit(1)


def _debug(ctx: click.Context) -> bool:
    if "--debug" in sys.argv:
        return True
    obj = ctx.obj
    return bool(getattr(obj, "debug", False))


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


class Progress:
    """A tqdm bar per stage on a terminal; silent otherwise."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="rec", leave=False, file=sys.stderr)
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()


def progress_callback() -> Callable[[str, int, int | None], None] | None:
    return Progress() if sys.stderr.isatty() else None
