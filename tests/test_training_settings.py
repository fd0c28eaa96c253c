"""Settings saved in training mode survive a restart of training (the language, issue 14.6)."""

from __future__ import annotations

from pathlib import Path

from app.config import load_settings
from app.context import StationContext
from app.lead_actions import save_station_settings
from app.paths import Paths
from refserver.training import demo_backend


def test_a_language_saved_in_training_survives_a_restart(tmp_path: Path) -> None:
    paths = Paths(data_dir=tmp_path / "data", config_file=tmp_path / "config.toml",
                  log_dir=tmp_path / "logs")
    paths.ensure()
    ctx = StationContext.open(paths, load_settings(paths.config_file), demo=demo_backend())
    try:
        lead = ctx.operators.login_pin("E2001", "9876")
        ctx.settings = save_station_settings(ctx, {"language": "zh_CN"}, lead)
    finally:
        ctx.close()
    again = StationContext.open(paths, load_settings(paths.config_file), demo=demo_backend())
    try:
        assert again.settings.language == "zh_CN"
        assert again.demo is not None
        assert again.settings.api_base_url == again.demo.server.url
    finally:
        again.close()
    # The real station's own settings are not touched by training.
    assert load_settings(paths.config_file).language == "en"
