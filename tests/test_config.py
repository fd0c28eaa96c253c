"""Settings: declared once, read from TOML, overridden by the environment, never guessed."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from app.config import SETTINGS, ConfigError, Settings, load_settings, save_settings
from app.paths import resolve_paths


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "absent.toml", env={})
    assert settings == Settings()
    assert settings.demo_mode
    assert [s.name for s in settings.shifts] == ["early", "late", "night"]


def test_every_setting_is_declared_once_with_a_default() -> None:
    keys = [s.key for s in SETTINGS]
    assert len(keys) == len(set(keys))
    for s in SETTINGS:
        assert getattr(Settings(), s.key) == s.default


def test_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('station_id = "WH1-BENCH-04"\ncamera_width = 1280\nlanguage = "zh_CN"\n'
                    '[[shifts]]\nname = "day"\nstart = "08:00"\nend = "20:00"\n',
                    encoding="utf-8")
    settings = load_settings(path, env={"INSPECTION_STATION_CAMERA_WIDTH": "640",
                                        "INSPECTION_STATION_SOUND": "false"})
    assert settings.station_id == "WH1-BENCH-04"
    assert settings.camera_width == 640  # the environment wins
    assert settings.sound is False
    assert settings.language == "zh_CN"
    assert settings.shift("day").start == time(8)


@pytest.mark.parametrize(("content", "message"), [
    ('camera_width = "wide"', "camera_width: expected a whole number"),
    ("camera_width = 5", "camera_width: expected a number from 160 to 7680"),
    ('language = "fr"', "language: expected one of en, zh_CN"),
    ('colour = "blue"', "unknown key 'colour'"),
    ('api_base_url = "ftp://x"', "api_base_url: expected an http(s) URL"),
    ('api_base_url = "http://cases.example.com/api/v1"', "plain http is only allowed"),
    ('ca_bundle = "/nonexistent/ca.pem"', "ca_bundle: expected an existing file"),
    # Malformed values raise inside urllib/pathlib; they must still name the key.
    ('api_base_url = "https://[cases.example/api"', "api_base_url: expected an http(s) URL"),
    ('api_base_url = "https://cases.example:99999/api"', "api_base_url: expected an http(s) URL"),
    ('ca_bundle = "~no-such-user-q7x/ca.pem"', "ca_bundle: expected an existing file"),
    ('rma_patterns = ["RMA-(["]', "not a valid regular expression"),
    ('[[shifts]]\nname = "x"\nstart = "25:00"\nend = "06:00"', "shifts[1].start"),
    ('station_id = "bench 4; rm -rf"', "station_id: expected letters"),
    ("station_id = ", "not valid TOML"),
])
def test_invalid_files_are_refused_naming_the_key(tmp_path: Path, content: str,
                                                  message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(path, env={})


def test_bad_environment_override_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="INSPECTION_STATION_RETENTION_DAYS"):
        load_settings(None, env={"INSPECTION_STATION_RETENTION_DAYS": "forever"})


def test_absurd_number_in_the_environment_is_named() -> None:
    # int() refuses strings over 4300 digits with its own ValueError.
    with pytest.raises(ConfigError, match="INSPECTION_STATION_RETENTION_DAYS"):
        load_settings(None, env={"INSPECTION_STATION_RETENTION_DAYS": "9" * 5000})


def test_loopback_http_is_allowed_and_save_round_trips(tmp_path: Path) -> None:
    settings = Settings().replace(api_base_url="http://127.0.0.1:8765/api/v1/",
                                  camera_source="rtsp://10.0.0.5/stream")
    assert settings.api_base_url == "http://127.0.0.1:8765/api/v1"
    path = tmp_path / "sub" / "config.toml"
    save_settings(settings, path)
    assert load_settings(path, env={}) == settings


def test_replace_validates() -> None:
    with pytest.raises(ConfigError, match="photo_max_px"):
        Settings().replace(photo_max_px=10)


def test_paths_isolation(tmp_path: Path) -> None:
    paths = resolve_paths(tmp_path / "d", None, env={})
    assert paths.config_file == (tmp_path / "d" / "config.toml").resolve()
    assert paths.log_dir == (tmp_path / "d" / "logs").resolve()
    env = {"INSPECTION_STATION_DATA": str(tmp_path / "e"),
           "INSPECTION_STATION_CONFIG": str(tmp_path / "c.toml")}
    from_env = resolve_paths(None, None, env=env)
    assert from_env.data_dir == (tmp_path / "e").resolve()
    assert from_env.config_file == (tmp_path / "c.toml").resolve()
    platform = resolve_paths(None, None, env={})
    assert "InspectionStation" in str(platform.data_dir)


def test_each_setting_is_declared_once_with_what_it_restarts() -> None:
    from dataclasses import fields

    from app.config import Restart, restarts
    from app.scanning.labels import Patterns

    assert [s.key for s in SETTINGS] == [f.name for f in fields(Settings)]
    defaults = Settings()
    assert all(getattr(defaults, s.key) == s.default for s in SETTINGS)
    assert Patterns().rma == defaults.rma_patterns  # no second copy of the defaults
    by_key = {s.key: s for s in SETTINGS}
    assert by_key["camera_width"].bounds == (160, 7680)
    assert restarts(defaults, defaults.replace(camera_source="demo.avi")) == {Restart.CAMERA}
    assert restarts(defaults, defaults.replace(station_id="B-2")) == {Restart.SYNC}
    assert restarts(defaults, defaults.replace(language="zh_CN")) == set()
    assert restarts(defaults, defaults.replace(camera_width=1280, ca_bundle="")) == {
        Restart.CAMERA}
