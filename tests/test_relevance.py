"""'Not found' with the real default model: off-topic questions are refused, real ones answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from vanban.service import Vanban
from vanban.settings import load_config

from .conftest import SAMPLE_CORPUS


@pytest.mark.slow
def test_off_topic_question_is_not_found_and_a_real_one_is(tmp_path: Path) -> None:
    service = Vanban(load_config(environ={}, db=str(tmp_path / "db")))
    service.ingest([SAMPLE_CORPUS])
    assert service.min_score == 0.85
    off = service.ask("Công thức nấu phở bò ngon nhất là gì?")
    assert off.found is False and off.citations == ()
    assert off.text.startswith("Không tìm thấy")
    real = service.ask("Ai chủ trì kiểm tra an toàn phòng cháy ở các cụm công nghiệp?")
    assert real.found is True and real.owners
    assert real.owners[0].body == "Công an tỉnh"
