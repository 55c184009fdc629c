"""Settings are declared once; the environment and CLI overrides reach ``Config``."""

from __future__ import annotations

from dataclasses import fields

from vanban.settings import SETTINGS, Config, load_config


def test_every_setting_is_a_config_field_with_the_same_default() -> None:
    declared = {s.name: s.default for s in SETTINGS}
    assert declared == {f.name: f.default for f in fields(Config)}
    assert all(s.help and s.env.startswith("VANBAN_") for s in SETTINGS)


def test_environment_values_are_typed_and_overrides_win() -> None:
    env = {"VANBAN_MIN_SCORE": "0.8", "VANBAN_PORT": "8000", "VANBAN_DB": "/tmp/x", "VANBAN_AUTH": ""}
    config = load_config(env, db="/data/vanban", top_k=None)
    assert (config.min_score, config.port, config.db, config.auth) == (0.8, 8000, "/data/vanban", None)
    assert config.top_k == 5 and load_config({}).min_score is None
