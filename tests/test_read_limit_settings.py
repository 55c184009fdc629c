"""The bounded reader's limits come from the settings, through the service, for CLI and web alike."""

from __future__ import annotations

from pathlib import Path

from index.embedders import FakeEmbedder
from vanban.service import Vanban
from vanban.settings import load_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_a_clause_limit_from_the_environment_refuses_the_file_and_keeps_the_batch(tmp_path: Path) -> None:
    config = load_config(environ={"VANBAN_MAX_CLAUSES": "10"}, db=str(tmp_path / "db"))
    assert config.read_limits().max_clauses == 10
    results = Vanban(config, FakeEmbedder()).ingest(
        [CORPUS / "ke-hoach-45-KH-UBND.docx", CORPUS / "cong-van-612-SCT-QLCN.docx"])
    by_file = {r.file: r for r in results}
    big, small = by_file["ke-hoach-45-KH-UBND.docx"], by_file["cong-van-612-SCT-QLCN.docx"]
    assert big.status == "error" and "quá lớn hoặc có cấu trúc bất thường" in big.message
    assert small.status == "ingested" and small.clauses == 8
