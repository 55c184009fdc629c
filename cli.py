"""The ``vanban`` command: thin wrappers over ``ingest`` and ``index``.

Each subcommand parses options, calls one library function and prints the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ingest.errors import VanbanError


def _echo_json(obj: object) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """vanban — hỏi đáp, trách nhiệm và thời hạn trong văn bản hành chính.

    Example:

        vanban parse ../shared/corpus/29_*.txt --json
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Đọc văn bản và in cấu trúc (đầu văn bản, điều khoản, bảng).

    Example:

        vanban parse corpus/ke-hoach-mau.docx --json
    """
    from ingest.parse import document_to_dict, parse_file

    docs = [parse_file(f) for f in files]
    if as_json:
        out = [document_to_dict(d) for d in docs]
        _echo_json(out[0] if len(out) == 1 else out)
    else:
        for d in docs:
            h = d.header
            click.echo(f"{Path(d.file).name}: {d.status} — {h.name} — {len(d.clauses)} điều khoản")
            if d.message:
                click.echo(f"  {d.message}")
    if any(d.status == "error" for d in docs):
        sys.exit(1)


def run() -> None:
    """Entry point that turns a VanbanError into a clean message and exit code 2."""
    try:
        main(standalone_mode=True)
    except VanbanError as err:
        click.echo(f"Lỗi: {err}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    run()
