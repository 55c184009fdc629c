"""Header fields corrected by hand, kept beside the index and laid over what was parsed.

An official who sees a wrong số, ngày or cơ quan ban hành corrects it once
(``vanban correct`` or the Văn bản tab). The correction is stored in
``<db>/corrections.json``, keyed by the document's identity (``doc_id``, the hash
of the file's bytes), not by anything parsed from it. The store lays it over the
registry record, every clause (``Chunk``) and every assignment it reads, so the
list, the search filters, the answers and the citations all use the corrected
fields — and re-ingesting the same file, even into a rebuilt index, keeps them.

    fixes = load(db)                     # {doc_id: Correction}
    save(db, {**fixes, doc_id: Correction(number="15/KH-UBND")})
    fix_record(record, fixes[doc_id])    # DocRecord with the corrected fields and name
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.model import Header

if TYPE_CHECKING:
    from index.chunks import Chunk
    from index.store import DocRecord
    from ingest.assignments import Assignment

FILE = "corrections.json"
FIELD_LABELS = {"number": "số", "date": "ngày", "issuer": "cơ quan ban hành"}


@dataclass(frozen=True)
class Correction:
    """The corrected fields of one document; None leaves the parsed value."""

    number: str | None = None
    date: str | None = None  # ISO, "2026-03-10"
    issuer: str | None = None

    def fields(self) -> dict[str, str]:
        """The corrected fields only."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def over(self, older: Correction | None) -> Correction:
        """This correction on top of an older one: fields not given now are kept."""
        if older is None:
            return self
        return Correction(**{**older.fields(), **self.fields()})

    def labels(self) -> str:
        """The corrected fields in Vietnamese: ``số, ngày``."""
        return ", ".join(FIELD_LABELS[k] for k in self.fields())


def load(folder: Path) -> dict[str, Correction]:
    """The corrections stored in ``folder`` (none when the file is absent or unreadable)."""
    try:
        raw = json.loads((Path(folder) / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    names = {f.name for f in fields(Correction)}
    return {str(doc_id): Correction(**{k: str(v) for k, v in row.items() if k in names})
            for doc_id, row in raw.items() if isinstance(row, dict)}


def save(folder: Path, fixes: Mapping[str, Correction]) -> Path:
    """Write all corrections at once (a temporary file renamed over the old one)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = {doc_id: c.fields() for doc_id, c in sorted(fixes.items()) if c.fields()}
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".corrections-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(rows, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, folder / FILE)
    return folder / FILE


def cited_name(doc_type: str, number: str) -> str:
    """How a document is cited once its number is corrected: ``Kế hoạch 15/KH-UBND``."""
    return Header(doc_type=doc_type or None, number=number or None).name


def fix_record(record: DocRecord, fix: Correction | None) -> DocRecord:
    """The registry record with the corrected fields, its cited name and what was corrected."""
    if fix is None:
        return record
    got = fix.fields()
    number = got.get("number", record.number)
    return replace(record, number=number, date=got.get("date", record.date),
                   issuer=got.get("issuer", record.issuer),
                   name=cited_name(record.type, number) if "number" in got else record.name,
                   corrected=fix.labels())


def fix_chunk(chunk: Chunk, record: DocRecord | None) -> Chunk:
    """A clause carrying its document's (corrected) header fields."""
    if record is None or not record.corrected:
        return chunk
    return replace(chunk, document=record.name, number=record.number, date=record.date,
                   issuer=record.issuer)


def fix_assignment(assignment: Assignment, record: DocRecord | None) -> Assignment:
    """An assignment cited by its document's (corrected) name."""
    if record is None or not record.corrected or assignment.document == record.name:
        return assignment
    return replace(assignment, document=record.name)
