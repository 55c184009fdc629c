"""Questions about a document itself (signer, issue date, issuer), answered from its header
and signature block, not from a clause."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.chunks import Chunk
from index.search import Hit
from index.store import doc_record
from ingest.parse import parse_file
from tests.conftest import SAMPLE_CORPUS, SHARED, shared_file
from vanban.answer.meta import DocFacts, asked_field, meta_answer, pick_document
from vanban.answer.question import Question
from vanban.cli import main


@pytest.mark.parametrize(("question", "field"), [
    ("Ai ký Quyết định 2536/QĐ-UBND?", "signer"),
    ("QĐ cho phép hợp nhất ba Đoàn Luật sư do ai ký?", "signer"),
    ("Người ký công văn này là ai?", "signer"),
    ("NQ 105/NQ-CP được ban hành ngày nào?", "date"),
    ("Chỉ thị 13 ký khi nào?", "date"),
    ("Ngày ban hành của Kế hoạch 45 là ngày nào?", "date"),
    ("Cơ quan nào ban hành NQ 116 về phòng chống thiên tai?", "issuer"),
    ("Công văn này do cơ quan nào ban hành?", "issuer"),
    # tasks, not the document: a role question, a registration task, a regulation to issue
    ("Ai chủ trì đăng ký doanh nghiệp?", None),
    ("Ai phải ký kết hợp đồng với nhà thầu?", None),
    ("Cơ quan nào ban hành quy chế quản lý cụm công nghiệp?", None),
    ("Hạn trình dự thảo Nghị định là khi nào?", None),
])
def test_asked_field(question: str, field: str | None) -> None:
    assert asked_field(question) == field


NQ = DocFacts("50_NQ_105-NQ-CP.pdf", "Nghị quyết 105/NQ-CP", "Chương trình hành động thực hiện Kết luận 210",
              dt.date(2026, 4, 8), "Chính phủ", "Phạm Thị Thanh Trà", "Phó Thủ tướng")
QD = DocFacts("67_QD_2536-QD-UBND.pdf", "Quyết định /QĐ-UBND", "Cho phép hợp nhất ba Đoàn Luật sư",
              None, "Ủy ban nhân dân tỉnh Lâm Đồng", "Nguyễn Minh", "Phó Chủ tịch")
TB = DocFacts("70_TB.docx", "Thông báo /TB-UBND", "Kết luận của Chủ tịch tại hội nghị cải cách hành chính",
              None, "Ủy ban nhân dân tỉnh Lâm Đồng", "Trịnh Ngọc Duệ", "Phó Chánh văn phòng")


def _hit(doc: DocFacts) -> Hit:
    chunk = Chunk(id=f"{doc.file}:1", doc_id=doc.file, file=doc.file, document=doc.document, path="1",
                  label="1", heading=(), text="…")
    return Hit(chunk, 0.03, 1, 1, 0.8)


def _ask(question: str, docs: list[DocFacts], hits: list[Hit]) -> tuple[bool, str]:
    field = asked_field(question)
    assert field is not None
    answer = meta_answer(Question.parse(question), field, docs, hits)
    assert answer is not None
    return answer.found, answer.text


def test_the_cited_number_picks_the_document_over_the_top_hit() -> None:
    found, text = _ask("Ai ký NQ 105?", [NQ, QD, TB], [_hit(QD), _hit(TB)])
    assert found and "Phạm Thị Thanh Trà" in text and "Nghị quyết 105/NQ-CP" in text


def test_without_a_number_the_title_picks_among_the_hits() -> None:
    found, text = _ask("TB kết luận hội nghị cải cách hành chính do ai ký?", [NQ, QD, TB],
                       [_hit(QD), _hit(TB)])
    assert found and "Trịnh Ngọc Duệ" in text
    found, text = _ask("Quyết định hợp nhất Đoàn Luật sư do ai ký?", [NQ, QD, TB], [_hit(TB), _hit(QD)])
    assert found and "Nguyễn Minh" in text


def test_a_date_the_header_does_not_print_is_said_plainly() -> None:
    found, text = _ask("Quyết định hợp nhất Đoàn Luật sư ban hành ngày nào?", [QD], [_hit(QD)])
    assert not found and "Không thấy ngày ban hành" in text


def test_a_cited_document_that_is_not_loaded_is_not_answered_from_another() -> None:
    answer = meta_answer(Question.parse("Ai ký Chỉ thị 99/CT-TTg?"), "signer", [NQ], [_hit(NQ)])
    assert answer is not None and not answer.found and "Chỉ thị 99" in answer.text
    assert "Phạm Thị Thanh Trà" not in answer.text
    # a number that only describes the document ("theo CV 8151") does not make it "not loaded"
    assert pick_document(Question.parse("Ai ký NQ thực hiện theo CV 8151?"), [NQ], [_hit(NQ)]) == NQ
    # nor does it pick the described document, even when that one is loaded
    cv = DocFacts("61_CV_8151-BNV-CCHC.pdf", "Công văn 8151/BNV-CCHC", "Lấy ý kiến", None, "Bộ Nội vụ",
                  "Nguyễn Văn Hồi", "Thứ trưởng")
    assert pick_document(Question.parse("Ai ký NQ thực hiện theo CV 8151?"), [NQ, cv], [_hit(NQ)]) == NQ


def test_a_scan_without_a_readable_number_is_found_by_its_file_name() -> None:
    scan = DocFacts("65_CV_5689-BCA-C04_scan.pdf", "Văn bản", "", None, "", "Nguyễn Văn Long", "Thứ trưởng")
    found, text = _ask("Ai ký CV 5689/BCA-C04?", [NQ, scan], [_hit(NQ)])
    assert found and "Nguyễn Văn Long" in text


def test_signer_is_stored_with_the_registry_record() -> None:
    path = shared_file("50_", SHARED / "corpus-wide")
    record = doc_record(parse_file(path), clauses=1)
    assert (record.signer, record.signer_position) == ("Phạm Thị Thanh Trà", "Phó Thủ tướng")


def test_cli_answers_who_signed_from_a_real_index(tmp_path: Path) -> None:
    """The real path: the default embedder, a real Chroma index, ``vanban ask --json``."""
    db = str(tmp_path / "db")
    runner = CliRunner()
    got = runner.invoke(main, ["ingest", str(SAMPLE_CORPUS / "cong-van-612-SCT-QLCN.docx"), "--db", db])
    assert got.exit_code == 0, got.output
    for question, expected in [("Ai ký Công văn 612/SCT-QLCN?", "Hà Thị Lan Chi"),
                               ("Công văn 612 ban hành ngày nào?", "03/09/2026"),
                               ("Cơ quan nào ban hành CV 612?", "Sở Công Thương ban hành")]:
        got = runner.invoke(main, ["ask", question, "--db", db, "--json"])
        assert got.exit_code == 0, got.output
        answer = json.loads(got.output)
        assert answer["found"] and expected in answer["answer"], answer
        assert answer["citations"][0]["document"] == "Công văn 612/SCT-QLCN"
