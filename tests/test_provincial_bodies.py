"""Provincial bodies carry their province in the key, and questions still find them by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedders import FakeEmbedder
from vanban.service import Vanban
from vanban.settings import load_config

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Vanban:
    vb = Vanban(load_config(environ={}, db=str(tmp_path_factory.mktemp("db"))), FakeEmbedder())
    vb.ingest([CORPUS])
    return vb


def test_a_what_question_names_a_provincial_body_by_its_printed_name(service: Vanban) -> None:
    resp = service.responsibilities()
    assert any(a.body == "Công an tỉnh" and "@" in a.body_key for a in resp.all())
    assert "Công an tỉnh (tỉnh Hòa Bình Xanh)" in resp.bodies()  # the picker shows the province
    assert "Công an tỉnh" in resp.names()  # the answer layer looks for the printed name
    answer = service.ask("Công an tỉnh phải làm những việc gì?")
    assert answer.found and answer.text.startswith("Công an tỉnh có ")


def test_the_labelled_name_from_the_picker_opens_the_same_tasks(service: Vanban) -> None:
    assert service.tasks("Công an tỉnh (tỉnh Hòa Bình Xanh)") == service.tasks("Công an tỉnh")
    assert service.tasks("Công an tỉnh tỉnh Lào Cai") == []  # another province's body
