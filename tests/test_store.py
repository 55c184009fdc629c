"""The Chroma store: round trips, visibility, crash safety, embedder checks."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.chunks import Chunk, SearchFilters, chunks_from_document, embedding_text
from index.embedders import FakeEmbedder
from index.errors import EmbedderMismatchError
from index.search import matrix_dense_fn
from index.store import Store, chunk_from_record, chunk_metadata, date_int
from ingest.model import Clause, Document, Header
from vanban.settings import Config


def make_doc(
    file: str,
    clauses: list[tuple[str, str]],
    doc_type: str = "Chỉ thị",
    number: str = "13/CT-TTg",
    date: dt.date | None = dt.date(2024, 5, 2),
    issuer: str = "Thủ tướng Chính phủ",
) -> Document:
    """A parsed document built by hand: ``clauses`` are (path, text) pairs."""
    body = "\n".join(t for _, t in clauses)
    doc_id = hashlib.sha256(f"{file}\n{body}".encode()).hexdigest()[:16]
    header = Header(
        doc_type=doc_type,
        number=number,
        issuer=issuer,
        date=date,
        title="Về quản lý tín chỉ các-bon",
    )
    return Document(
        file=f"/somewhere/{file}",
        doc_id=doc_id,
        status="ok",
        header=header,
        clauses=tuple(
            Clause(
                path=p,
                label=f"Mục {p}",
                heading=("2. Bộ Tài nguyên và Môi trường:",),
                text=t,
                page=1 + i,
            )
            for i, (p, t) in enumerate(clauses)
        ),
    )


CT13 = [
    ("2.a", "Chủ trì xây dựng quy chế quản lý tín chỉ các-bon."),
    ("2.b", "Phối hợp với Bộ Tài chính hướng dẫn đấu giá hạn ngạch phát thải."),
    ("3", "Bộ Công Thương kiểm kê khí nhà kính ngành công thương."),
]


def vectors_for(chunks: list[Chunk], embedder: FakeEmbedder) -> np.ndarray:
    return embedder.embed_passages([embedding_text(c) for c in chunks])


def put(store: Store, doc: Document, embedder: FakeEmbedder) -> list[Chunk]:
    chunks = chunks_from_document(doc)
    store.put_document(doc, chunks, vectors_for(chunks, embedder))
    return chunks


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(db=str(tmp_path / "db"))


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


def test_put_document_round_trips_chunks_and_registers_the_document(
    config: Config, fake: FakeEmbedder
) -> None:
    store = Store.open(config, fake)
    chunks = put(store, make_doc("ct13.txt", CT13), fake)
    assert sorted(store.chunks(), key=lambda c: c.id) == sorted(chunks, key=lambda c: c.id)
    [rec] = store.documents()
    assert (rec.file, rec.name, rec.type, rec.number, rec.date, rec.clauses, rec.status) == (
        "ct13.txt",
        "Chỉ thị 13/CT-TTg",
        "Chỉ thị",
        "13/CT-TTg",
        "2024-05-02",
        3,
        "ok",
    )
    assert store.find("ct13.txt") == rec
    assert store.find("/other/dir/ct13.txt") == rec
    assert store.find(rec.doc_id[:8]) == rec
    assert store.find("khac.txt") is None


def test_stored_vectors_give_cosine_similarities_best_first(
    config: Config, fake: FakeEmbedder
) -> None:
    store = Store.open(config, fake)
    chunks = put(store, make_doc("ct13.txt", CT13), fake)
    query = vectors_for([chunks[1]], fake)[0]
    hits = matrix_dense_fn(*store.chunk_vectors())(query, 2, None)
    assert [c.path for c, _ in hits][0] == "2.b"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert hits[0][1] >= hits[1][1]
    assert hits[0][0] == chunks[1]


def test_filters_apply_to_dense_and_chunks(config: Config, fake: FakeEmbedder) -> None:
    store = Store.open(config, fake)
    put(store, make_doc("ct13.txt", CT13), fake)
    kh = make_doc(
        "kh09.txt",
        [("I.1", "Bộ Tài nguyên và Môi trường chủ trì kiểm kê khí nhà kính.")],
        doc_type="Kế hoạch",
        number="09/KH-BTNMT",
        date=dt.date(2024, 8, 6),
        issuer="Bộ Tài nguyên và Môi trường",
    )
    put(store, kh, fake)
    query = fake.embed_query("kiểm kê khí nhà kính")
    dense = matrix_dense_fn(*store.chunk_vectors())
    only_kh = SearchFilters(doc_types=("Kế hoạch",))
    assert {c.file for c, _ in dense(query, 5, only_kh)} == {"kh09.txt"}
    after_june = SearchFilters(date_from=dt.date(2024, 6, 1))
    assert {c.file for c in store.chunks(after_june)} == {"kh09.txt"}
    by_issuer = SearchFilters(issuers=("thủ tướng",))
    assert {c.file for c, _ in dense(query, 5, by_issuer)} == {"ct13.txt"}
    assert len(dense(query, 10, None)) == 4


def test_remove_deletes_chunks_and_record(config: Config, fake: FakeEmbedder) -> None:
    store = Store.open(config, fake)
    put(store, make_doc("ct13.txt", CT13), fake)
    assert store.remove("ct13.txt") == 3
    assert store.documents() == []
    assert store.count() == 0
    assert store.remove("ct13.txt") == 0


def test_replacing_a_file_leaves_no_duplicates(config: Config, fake: FakeEmbedder) -> None:
    store = Store.open(config, fake)
    put(store, make_doc("ct13.txt", CT13), fake)
    new = put(store, make_doc("ct13.txt", CT13[:2] + [("4", "Điều khoản mới thêm vào.")]), fake)
    assert sorted(c.id for c in store.chunks()) == sorted(c.id for c in new)
    assert store.count() == 3
    assert [r.doc_id for r in store.documents()] == [new[0].doc_id]


def test_crash_before_registry_flip_hides_document_and_next_open_cleans_up(
    config: Config, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(config, fake)
    put(store, make_doc("old.txt", CT13[:1]), fake)

    def crash(self: Store, record: object, assignments: object = ()) -> None:
        raise KeyboardInterrupt("killed between chunk write and registry flip")

    monkeypatch.setattr(Store, "_flip", crash)
    with pytest.raises(KeyboardInterrupt):
        put(store, make_doc("ct13.txt", CT13), fake)
    assert store.count() == 4  # the three clauses were written…
    assert [r.file for r in store.documents()] == ["old.txt"]  # …but are not visible
    assert {c.file for c in store.chunks()} == {"old.txt"}
    hidden, vectors = store.chunk_vectors()
    assert {c.file for c in hidden} == {"old.txt"} and vectors.shape == (1, fake.dim)
    monkeypatch.undo()
    reopened = Store.open(config, fake)
    assert reopened.count() == 1


def test_crash_while_replacing_keeps_the_old_version_visible(
    config: Config, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(config, fake)
    old = put(store, make_doc("ct13.txt", CT13), fake)

    def crash(self: Store, record: object, assignments: object = ()) -> None:
        raise RuntimeError("server went away")

    monkeypatch.setattr(Store, "_flip", crash)
    with pytest.raises(RuntimeError):
        put(store, make_doc("ct13.txt", [("1", "Phiên bản mới hoàn toàn khác.")]), fake)
    assert sorted(c.id for c in store.chunks()) == sorted(c.id for c in old)
    monkeypatch.undo()
    assert Store.open(config, fake).count() == 3


def test_other_embedder_is_refused_with_rebuild_hint(config: Config, fake: FakeEmbedder) -> None:
    store = Store.open(config, fake)
    put(store, make_doc("ct13.txt", CT13), fake)
    with pytest.raises(EmbedderMismatchError) as err:
        Store.open(config, FakeEmbedder(dim=32))
    message = str(err.value)
    assert "fake/hashed-syllables-64" in message and "fake/hashed-syllables-32" in message
    assert "vanban ingest --rebuild" in message
    assert config.db in message


def test_rebuild_empties_the_index_and_keeps_vectors_for_reuse(
    config: Config, fake: FakeEmbedder
) -> None:
    store = Store.open(config, fake)
    chunks = put(store, make_doc("ct13.txt", CT13), fake)
    rebuilt = Store.open(config, fake, rebuild=True)
    assert rebuilt.documents() == [] and rebuilt.count() == 0
    cached = rebuilt.cached_vectors([c.text_hash for c in chunks])
    assert set(cached) == {c.text_hash for c in chunks}
    other = Store.open(config, FakeEmbedder(dim=32), rebuild=True)  # other model: nothing kept
    assert other.cached_vectors([c.text_hash for c in chunks]) == {}
    assert other.embedder_name == "fake/hashed-syllables-32"


def test_cached_vectors_returns_the_stored_vector(config: Config, fake: FakeEmbedder) -> None:
    store = Store.open(config, fake)
    chunks = put(store, make_doc("ct13.txt", CT13), fake)
    cached = store.cached_vectors([chunks[0].text_hash, "missing"])
    assert list(cached) == [chunks[0].text_hash]
    np.testing.assert_allclose(
        cached[chunks[0].text_hash], vectors_for(chunks[:1], fake)[0], atol=1e-6
    )


def test_opening_without_a_model_does_not_claim_the_index(
    config: Config, fake: FakeEmbedder
) -> None:
    assert Store.open(config).documents() == []
    store = Store.open(config, FakeEmbedder(dim=32))  # first model to bind claims it
    assert store.embedder_name == "fake/hashed-syllables-32"


def test_date_int() -> None:
    assert date_int("2024-05-02") == 20240502
    assert date_int("") == 0


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@given(heading=st.lists(text, max_size=4).map(tuple), body=text, path=text, date=st.dates(),
       page=st.none() | st.integers(1, 2000), paragraph=st.integers(0, 10**5))
def test_chunk_metadata_round_trips(
    heading: tuple[str, ...], body: str, path: str, date: dt.date, page: int | None,
    paragraph: int,
) -> None:
    chunk = Chunk(
        id=f"d:{path}",
        doc_id="d",
        file="29_CT.txt",
        document="Chỉ thị 13/CT-TTg",
        path=path,
        label=f"Mục {path}",
        heading=heading,
        text=body,
        page=page,  # None (no known pages) is stored as 0 and read back as None
        kind="table_row",
        doc_type="Chỉ thị",
        issuer="Thủ tướng",
        number="13/CT-TTg",
        date=date.isoformat(),
        title="Về tín chỉ các-bon",
        cells=(path, body, *heading),
        paragraph=paragraph,
    )
    meta = chunk_metadata(chunk)
    assert all(v is not None for v in meta.values())
    assert set(meta) == {"doc_id", "text_hash", "chunk"}  # every key costs Chroma an index row
    assert chunk_from_record(chunk.id, chunk.text, meta) == chunk


class _Flaky:
    """A server collection whose first reads fail as a Chroma server's do while another
    client's write is still creating the collection's vector segment."""

    def __init__(self, failures: int) -> None:
        self.failures, self.calls = failures, 0

    def _maybe_fail(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("Error executing plan: Internal error: Error creating hnsw "
                               "segment reader: Nothing found on disk")

    def get(self, **_: object) -> dict[str, list[str]]:
        self._maybe_fail()
        return {"ids": ["a"]}

    def add(self, **_: object) -> None:
        self._maybe_fail()


def test_a_server_read_of_a_segment_being_created_is_tried_again() -> None:
    from types import SimpleNamespace

    from index.store import _Remote

    config = SimpleNamespace(chroma_url="http://127.0.0.1:1", db_path=Path("."))
    flaky = _Flaky(failures=2)
    assert _Remote(flaky, config).get(ids=["a"]) == {"ids": ["a"]} and flaky.calls == 3
    writes = _Flaky(failures=1)  # a write is never sent twice
    with pytest.raises(RuntimeError, match="Nothing found on disk"):
        _Remote(writes, config).add(ids=["a"])
    assert writes.calls == 1
    stuck = _Flaky(failures=100)  # a read that keeps failing still fails, after a few tries
    with pytest.raises(RuntimeError, match="Nothing found on disk"):
        _Remote(stuck, config).get(ids=["a"])
    assert 1 < stuck.calls < 100
