"""Settings are declared once; the environment and CLI overrides reach ``Config``,
and the CLI shows the declared help."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from index.errors import ConfigError
from vanban.cli import main
from vanban.settings import SETTINGS, Config, load_config, shared_dir


def test_settings_are_the_config_fields_with_their_types() -> None:
    types = {s.name: (s.type, s.default) for s in SETTINGS}
    assert (types["auth"], types["max_upload_mb"], types["chroma_read_timeout_s"],
            types["follow_symlinks"]) == ((str, None), (int, 50), (float, 30.0), (bool, False))
    assert all(s.help and s.env.startswith("VANBAN_") for s in SETTINGS)
    assert len({s.env for s in SETTINGS}) == len(SETTINGS)
    assert load_config({}) == Config()


def test_environment_values_are_typed_and_overrides_win() -> None:
    env = {"VANBAN_MIN_SCORE": "0.8", "VANBAN_PORT": "8000", "VANBAN_DB": "/tmp/x", "VANBAN_AUTH": ""}
    config = load_config(env, db="/data/vanban", top_k=None)
    assert (config.min_score, config.port, config.db, config.auth) == (0.8, 8000, "/data/vanban", None)
    assert config.top_k == 5 and load_config({}).min_score is None


@pytest.mark.parametrize(("text", "value"), [("1", True), ("có", True), ("ON", True),
                                             ("0", False), ("không", False), ("false", False)])
def test_follow_symlinks_reads_on_and_off_words(text: str, value: bool) -> None:
    assert load_config({"VANBAN_FOLLOW_SYMLINKS": text}).follow_symlinks is value


@pytest.mark.parametrize(("env", "says"), [
    ({"VANBAN_FOLLOW_SYMLINKS": "maybe"}, "VANBAN_FOLLOW_SYMLINKS='maybe': cần 1 \\(bật\\) hoặc 0"),
    ({"VANBAN_PORT": "80a"}, "VANBAN_PORT='80a': cần một số nguyên"),
    ({"VANBAN_MIN_SCORE": "0,85"}, "VANBAN_MIN_SCORE='0,85': cần một số thập phân"),
])
def test_a_value_of_the_wrong_type_is_a_config_error_naming_the_variable(
        env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_config(env)


def test_main_help_lists_every_setting_with_its_declared_help() -> None:
    out = CliRunner().invoke(main, ["--help"], terminal_width=1000).output
    for s in SETTINGS:
        line = next(x for x in out.splitlines() if x.strip().startswith(s.env + " "))
        assert s.help in line


@pytest.mark.parametrize(("command", "names"), [
    ("ingest", ["db", "chroma_url", "embedder", "follow_symlinks"]),
    ("ask", ["db", "chroma_url", "embedder", "top_k"]),
    ("serve", ["host", "port", "db", "auth", "max_upload_mb"]),
])
def test_command_options_show_the_declared_help(command: str, names: list[str]) -> None:
    out = " ".join(CliRunner().invoke(main, [command, "--help"], terminal_width=1000)
                   .output.split())
    for s in (s for s in SETTINGS if s.name in names):
        assert f"{s.help} [mặc định:" in out and s.env in out


def test_shared_dir_is_the_variable_else_beside_the_checkout(tmp_path: Path) -> None:
    assert shared_dir(tmp_path / "repo", {}) == tmp_path / "shared"
    assert shared_dir(tmp_path / "repo", {"VANBAN_SHARED": "/data/s"}) == Path("/data/s")
