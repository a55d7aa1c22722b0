"""Run ``sidos serve`` as ``python -m sync.service``, with the same options."""

from __future__ import annotations

import typer

from sync.commands.serve import serve

if __name__ == "__main__":
    typer.run(serve)
