"""Station settings: every setting declared once, as one field of `Settings`.

Each field carries its default, the words for its type, its help text, its parser and
what a change restarts (the camera, the sync client, or nothing); `SETTINGS`, the TOML
file, the environment overrides, the validation messages, `doctor`'s list and the
settings dialog all read that one declaration.

The TOML file lives in the platform config folder (see app.paths); any key can be
overridden from the environment as INSPECTION_STATION_<KEY> (upper case). An
invalid file is refused with a message naming the key and what was expected:
the station never guesses what a site meant.

Plain dataclasses rather than pydantic-settings: the settings are read before the first
window paints, and pydantic's import alone costs about as much as that window.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from app.atomic import atomic_write
from app.loopback import is_loopback
from app.patterns import problem as pattern_problem
from app.tomlfile import TomlFileError, read_toml

ENV_PREFIX = "INSPECTION_STATION_"


class ConfigError(ValueError):
    """The config file or an override is invalid; the message names the key."""


@dataclass(frozen=True, slots=True)
class ShiftDefinition:
    name: str
    start: time
    end: time  # an end before the start means the shift runs past midnight

    def to_toml(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.strftime("%H:%M"),
                "end": self.end.strftime("%H:%M")}


DEFAULT_SHIFTS: tuple[ShiftDefinition, ...] = (
    ShiftDefinition("early", time(6, 0), time(14, 0)),
    ShiftDefinition("late", time(14, 0), time(22, 0)),
    ShiftDefinition("night", time(22, 0), time(6, 0)),
)


class Restart(StrEnum):
    """What must start again when a setting changes in a running station."""

    NOTHING = "nothing"
    CAMERA = "camera"
    SYNC = "sync"


class Input(StrEnum):
    """How a form offers a setting, derived from its parser (the settings dialog reads it)."""

    TEXT = "text"
    FLAG = "flag"  # true/false
    WHOLE = "whole"  # a whole number in `bounds`
    NUMBER = "number"  # a number in `bounds`
    CHOICE = "choice"  # one of `options`
    FILE = "file"  # an existing file, or empty


@dataclass(frozen=True, slots=True)
class Parser:
    """A setting's parser with what a form needs to offer its values (range, options)."""

    parse: Callable[[str, Any], Any]
    input: Input = Input.TEXT
    bounds: tuple[float, float] | None = None
    options: tuple[str, ...] = ()

    def __call__(self, key: str, raw: Any) -> Any:
        return self.parse(key, raw)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    kind: str  # human words for the expected type, used in messages
    default: Any
    help: str
    parse: Parser
    restarts: Restart = Restart.NOTHING
    # Shown in the settings dialog when it has a label: (English, Chinese) label and help.
    label: tuple[str, str] | None = None
    help_zh: str = ""

    @property
    def bounds(self) -> tuple[float, float] | None:
        """A number's range, for the dialog's boxes."""
        return self.parse.bounds

    def text(self, language: str) -> tuple[str, str]:
        """(label, help) in the language; the English help where no Chinese is declared."""
        english, chinese = self.label or (self.key, self.key)
        if language == "zh_CN":
            return chinese, self.help_zh or self.help
        return english, self.help


def _declare(default: Any, kind: str, help: str, parse: Callable[[str, Any], Any], *,
             restarts: Restart = Restart.NOTHING, label: tuple[str, str] | None = None,
             help_zh: str = "") -> Any:
    """One setting's whole declaration, as the metadata of its `Settings` field.

    A `label` (English, Chinese) puts the setting in the shift lead's settings dialog,
    with `help` / `help_zh` as its tooltip.
    """
    if not isinstance(parse, Parser):
        parse = Parser(parse, _INPUTS.get(parse, Input.TEXT))
    meta = {"kind": kind, "help": help, "parse": parse, "restarts": restarts,
            "label": label, "help_zh": help_zh}
    return field(default=default, metadata=meta)


# --- parsers: each takes (key, raw value) and returns the typed value or raises ConfigError ---


def _str(key: str, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ConfigError(f"{key}: expected a string, got {raw!r}")
    return raw


def _bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in {"true", "1", "yes", "false", "0", "no"}:
        return raw.lower() in {"true", "1", "yes"}
    raise ConfigError(f"{key}: expected true or false, got {raw!r}")


def _int_range(lo: int, hi: int) -> Parser:
    def parse(key: str, raw: Any) -> int:
        if isinstance(raw, str) and re.fullmatch(r"-?\d{1,18}", raw.strip()):
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise ConfigError(f"{key}: expected a whole number, got {raw!r}")
        if not lo <= raw <= hi:
            raise ConfigError(f"{key}: expected a number from {lo} to {hi}, got {raw}")
        return raw

    return Parser(parse, Input.WHOLE, (lo, hi))


def _float_range(lo: float, hi: float) -> Parser:
    def parse(key: str, raw: Any) -> float:
        if isinstance(raw, str):
            try:
                raw = float(raw)
            except ValueError:
                raise ConfigError(f"{key}: expected a number, got {raw!r}") from None
        if not isinstance(raw, int | float) or isinstance(raw, bool):
            raise ConfigError(f"{key}: expected a number, got {raw!r}")
        if not lo <= float(raw) <= hi:
            raise ConfigError(f"{key}: expected a number from {lo} to {hi}, got {raw}")
        return float(raw)

    return Parser(parse, Input.NUMBER, (lo, hi))


def _choice(*options: str) -> Parser:
    def parse(key: str, raw: Any) -> str:
        if raw not in options:
            raise ConfigError(f"{key}: expected one of {', '.join(options)}, got {raw!r}")
        return str(raw)

    return Parser(parse, Input.CHOICE, options=options)


def _url(key: str, raw: Any) -> str:
    text = _str(key, raw).strip()
    if not text:
        return ""
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises ValueError for a port that is not a number in 0-65535
    except ValueError:  # e.g. an unclosed "[" of an IPv6 address
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"{key}: expected an http(s) URL like https://cases.example/api/v1, "
                          f"got {raw!r}")
    return text.rstrip("/")


def _gs_text(key: str, raw: Any) -> str:
    text = _str(key, raw)
    if len(text) > 8 or not text.isprintable() or (text and not text.strip()):
        raise ConfigError(f"{key}: expected up to 8 visible characters, got {raw!r}")
    return text


def _station_id(key: str, raw: Any) -> str:
    text = _str(key, raw)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", text):
        raise ConfigError(f"{key}: expected letters, digits, '.', '_' or '-' (up to 64), "
                          f"got {raw!r}")
    return text


def _optional_file(key: str, raw: Any) -> str:
    text = _str(key, raw).strip()
    if not text:
        return text
    try:
        exists = Path(text).expanduser().is_file()
    except RuntimeError:  # "~someone/..." for a user this computer does not know
        exists = False
    if not exists:
        raise ConfigError(f"{key}: expected an existing file, {text!r} does not exist")
    return text


def _patterns(key: str, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [p for p in raw.split(",") if p.strip()]
    if not isinstance(raw, list | tuple) or not raw or not all(isinstance(p, str) for p in raw):
        raise ConfigError(f"{key}: expected a non-empty list of regular expressions")
    for pattern in raw:
        why = pattern_problem(pattern)  # invalid, or catastrophic backtracking
        if why:
            raise ConfigError(f"{key}: {pattern!r} {why}")
    return tuple(raw)


def _host(key: str, raw: Any) -> str:
    text = _str(key, raw).strip()
    if text and not re.fullmatch(r"[A-Za-z0-9._:-]{1,253}", text):
        raise ConfigError(f"{key}: expected a host name or IP address, got {raw!r}")
    return text


def _categories(key: str, raw: Any) -> tuple[str, ...]:
    """Category words (as the case items name them), or "*" for every category."""
    if isinstance(raw, str):
        raw = [p for p in raw.split(",") if p.strip()]
    if not isinstance(raw, list | tuple) or not all(isinstance(c, str) for c in raw):
        raise ConfigError(f"{key}: expected a list of categories, e.g. [\"phones_tablets\"] "
                          "or [\"*\"]")
    out = tuple(dict.fromkeys(c.strip().lower() for c in raw))
    for word in out:
        if word != "*" and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", word):
            raise ConfigError(f"{key}: {word!r} is not a category word (letters, digits, _ "
                              "or -; \"*\" for every category)")
    return out


def _hhmm(key: str, raw: Any) -> time:
    if not isinstance(raw, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", raw):
        raise ConfigError(f"{key}: expected a time as HH:MM, got {raw!r}")
    return time(int(raw[:2]), int(raw[3:]))


def _shifts(key: str, raw: Any) -> tuple[ShiftDefinition, ...]:
    if not isinstance(raw, list | tuple) or not raw:
        raise ConfigError(f"{key}: expected a list of tables with name, start and end")
    out: list[ShiftDefinition] = []
    for i, entry in enumerate(raw, 1):
        if isinstance(entry, ShiftDefinition):
            out.append(entry)
            continue
        where = f"{key}[{i}]"
        if not isinstance(entry, Mapping) or set(entry) != {"name", "start", "end"}:
            raise ConfigError(f"{where}: expected exactly name, start and end")
        name = _str(f"{where}.name", entry["name"]).strip()
        if not name:
            raise ConfigError(f"{where}.name: expected a non-empty name")
        out.append(ShiftDefinition(name, _hhmm(f"{where}.start", entry["start"]),
                                   _hhmm(f"{where}.end", entry["end"])))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise ConfigError(f"{key}: shift names must be unique, got {names}")
    return tuple(out)


# The form input of the parsers that are plain functions (the others build a `Parser`).
_INPUTS: dict[Callable[[str, Any], Any], Input] = {_bool: Input.FLAG, _optional_file: Input.FILE}


@dataclass(frozen=True, slots=True)
class Settings:
    station_id: str = _declare(
        "BENCH-01", "an id",
        "This bench's id, sent as X-Station-Id.",
        _station_id, restarts=Restart.SYNC)
    api_base_url: str = _declare(
        "", "a URL",
        "Base URL of the central case API; empty means demo mode.",
        _url, restarts=Restart.SYNC,
        label=("Case API URL", "退货接口 URL"),
        help_zh="中央退货接口的基础 URL；留空为演示模式。")
    allow_plain_http: bool = _declare(
        False, "true/false",
        "Allow http:// to a host other than loopback (never in production).",
        _bool, restarts=Restart.SYNC)
    token_source: str = _declare(
        "keyring", "keyring or file",
        "Where the station token is kept; 'keyring' falls back to the token file.",
        _choice("keyring", "file"), restarts=Restart.SYNC)
    ca_bundle: str = _declare(
        "", "a file path",
        "PEM bundle of the site's private CA (empty: the system store).",
        _optional_file, restarts=Restart.SYNC,
        label=("CA bundle (PEM)", "CA 证书包 (PEM)"),
        help_zh="本站点私有 CA 的 PEM 证书包（留空：使用系统证书）。")
    camera_source: str = _declare(
        "0", "a device index, file or URL",
        "Camera: device index (0), a video file, or a stream URL.",
        _str, restarts=Restart.CAMERA,
        label=("Camera (index, file or URL)", "摄像头（编号、文件或 URL）"),
        help_zh="摄像头：设备编号 (0)、视频文件或视频流 URL。")
    camera_backend: str = _declare(
        "auto", "a backend",
        "OpenCV capture backend.",
        _choice("auto", "dshow", "msmf", "v4l2", "gstreamer", "ffmpeg"), restarts=Restart.CAMERA)
    camera_width: int = _declare(
        1920, "a whole number",
        "Requested capture width.",
        _int_range(160, 7680), restarts=Restart.CAMERA,
        label=("Camera resolution", "摄像头分辨率"),
        help_zh="请求的采集宽度（对话框中与高度一起选择）。")
    camera_height: int = _declare(
        1080, "a whole number",
        "Requested capture height.",
        _int_range(120, 4320), restarts=Restart.CAMERA)
    camera_autofocus: bool = _declare(
        True, "true/false",
        "Ask the camera for autofocus.",
        _bool, restarts=Restart.CAMERA)
    photo_max_px: int = _declare(
        1600, "a whole number",
        "Evidence photos are downscaled so the long edge is at most this.",
        _int_range(320, 8000),
        label=("Photo size (long edge, px)", "照片尺寸（长边，像素）"),
        help_zh="证据照片缩小到长边不超过此像素数。")
    photo_jpeg_quality: int = _declare(
        88, "a whole number",
        "JPEG quality of evidence photos.",
        _int_range(40, 100),
        label=("Photo JPEG quality", "照片 JPEG 质量"),
        help_zh="证据照片的 JPEG 质量。")
    image_max_megapixels: float = _declare(
        50.0, "a number",
        "Images (photo import, `decode`) with more pixels are refused before decoding.",
        _float_range(1, 1000))
    language: str = _declare(
        "en", "en or zh_CN",
        "User interface language.",
        _choice("en", "zh_CN"),
        label=("Language", "语言"),
        help_zh="用户界面语言。")
    shifts: tuple[ShiftDefinition, ...] = _declare(
        DEFAULT_SHIFTS, "a list of shifts",
        "Shift definitions used by shift reports.",
        _shifts)
    retention_days: int = _declare(
        30, "a whole number",
        "Days a confirmed (synced) inspection stays on the station.",
        _int_range(1, 3650))
    idle_logout_minutes: int = _declare(
        10, "a whole number",
        "Log out after this idle time.",
        _int_range(1, 480))
    inspector_pin_required: bool = _declare(
        False, "true/false",
        "Inspectors also enter their PIN after the badge (shift leads always do).",
        _bool)
    pin_min_length_lead: int = _declare(
        6, "a whole number",
        "Shortest PIN a shift lead may be given.",
        _int_range(4, 12))
    pin_min_length_inspector: int = _declare(
        4, "a whole number",
        "Shortest PIN an inspector may be given.",
        _int_range(4, 12))
    identity_gate_categories: tuple[str, ...] = _declare(
        (), "a list of categories",
        "Categories whose inspection starts by scanning the product's own barcode "
        "(EAN/UPC/GTIN, GS1 DataMatrix) against the case line's GTIN; \"*\": every "
        "category; empty: no identity gate.",
        _categories, label=("Scan the product barcode first for", "先扫描商品条码的品类"),
        help_zh="这些品类的检验先扫描商品本身的条码（EAN/UPC/GTIN、GS1 DataMatrix），与售后单的"
                "GTIN 比对；逗号分隔，* 表示全部品类，留空则关闭。")
    rma_patterns: tuple[str, ...] = _declare(
        (r"RMA-\d{4}-\d{7}",), "a list of regular expressions",
        "What an RMA number looks like at this site.",
        _patterns, restarts=Restart.CAMERA)
    order_patterns: tuple[str, ...] = _declare(
        (r"SO-\d{3,}",), "a list of regular expressions",
        "What an order number looks like at this site.",
        _patterns)
    badge_patterns: tuple[str, ...] = _declare(
        (r"E\d{4,6}",), "a list of regular expressions",
        "What an employee badge looks like (badges are refused as return labels).",
        _patterns)
    scanner_gs_text: str = _declare(
        "", "text",
        "What the handheld scanner types for the GS1 separator (FNC1) besides Ctrl+], "
        "e.g. {GS}; empty: Ctrl+] only.",
        _gs_text)
    accept_reads: int = _declare(
        2, "a whole number",
        "Matching camera reads needed before a code counts.",
        _int_range(1, 10), restarts=Restart.CAMERA)
    scan_cooldown_s: float = _declare(
        4.0, "a number",
        "Seconds the same code is ignored after it was accepted.",
        _float_range(0, 120), restarts=Restart.CAMERA)
    sound: bool = _declare(
        True, "true/false",
        "Beep on a good read.",
        _bool)
    auto_advance: bool = _declare(
        True, "true/false",
        "Move to the next step after P / F / N on a pass/fail step when nothing else "
        "(a photo, a note) is required there.",
        _bool)
    # bench scale and weight check (16.2)
    scale_port: str = _declare(
        "", "a serial port name",
        "The bench scale's serial port (COM3, /dev/ttyUSB0); empty: no scale, no weight step.",
        _str, label=("Scale port", "电子秤端口"),
        help_zh="电子秤的串口（COM3、/dev/ttyUSB0）；留空：无电子秤，不称重。")
    scale_baud: int = _declare(
        9600, "a whole number",
        "The bench scale's serial speed (8 data bits, no parity, 1 stop bit).",
        _int_range(1200, 115200))
    scale_protocol: str = _declare(
        "continuous", "continuous or request",
        "continuous: the scale sends frames by itself; request: it answers scale_request.",
        _choice("continuous", "request"), label=("Scale sends", "电子秤输出方式"),
        help_zh="continuous：电子秤连续发送；request：收到 scale_request 后应答。")
    scale_request: str = _declare(
        "W\\r", "text",
        "What a request-response scale is sent for one frame (\\r and \\n for CR and LF).",
        _str)
    scale_timeout_s: float = _declare(
        3.0, "a number",
        "Seconds to wait for a stable weight before the inspector is told why not.",
        _float_range(0.5, 30))
    weight_tolerance_g: float = _declare(
        10.0, "a number",
        "A weight passes within this many grams of the expected weight (or the percent below, "
        "whichever allows more); a checklist template may set its own.",
        _float_range(0, 100000))
    weight_tolerance_pct: float = _declare(
        3.0, "a number",
        "A weight passes within this percent of the expected weight (or the grams above).",
        _float_range(0, 100))
    # photo guardrails (16.3): see app/photo_check.py for the measures
    photo_check: bool = _declare(
        True, "true/false",
        "Refuse blurred, too dark or burnt-out photos (the inspector may keep one with a note).",
        _bool)
    photo_blur_min: float = _declare(
        100.0, "a number",
        "A photo is blurred below this variance of the Laplacian (`photo-check` shows it).",
        _float_range(0, 100000))
    photo_dark_mean: float = _declare(
        45.0, "a number",
        "A photo is too dark when its mean brightness (0-255) is below this.",
        _float_range(0, 255))
    photo_bright_mean: float = _declare(
        230.0, "a number",
        "A photo is burnt out when its mean brightness (0-255) is above this.",
        _float_range(0, 255))
    photo_clipped_pct: float = _declare(
        40.0, "a number",
        "A photo is burnt out when more than this percent of its pixels are pure white.",
        _float_range(0, 100))

    # next-location label (16.5): one label per confirmed inspection
    label_printer: str = _declare(
        "none", "none, zpl or page",
        "Label printer on confirm: none; zpl (Zebra-type, raw TCP); page (the OS print queue).",
        _choice("none", "zpl", "page"), label=("Label printer", "标签打印机"),
        help_zh="确认后打印标签：none 不打印；zpl（斑马类打印机，原始 TCP）；"
                "page（系统打印队列）。")
    label_printer_host: str = _declare(
        "", "a host name or address",
        "A zpl label printer's host name or IP address.",
        _host, label=("Label printer host (zpl)", "标签打印机主机（zpl）"),
        help_zh="zpl 标签打印机的主机名或 IP 地址。")
    label_printer_port: int = _declare(
        9100, "a whole number",
        "A zpl label printer's raw TCP port.",
        _int_range(1, 65535), label=("Label printer port (zpl)", "标签打印机端口（zpl）"),
        help_zh="zpl 标签打印机的原始 TCP 端口（通常为 9100）。")
    label_printer_queue: str = _declare(
        "", "a printer name",
        "A page label printer's name in the OS print queue (empty: the default printer).",
        _str, label=("Label print queue (page)", "标签打印队列（page）"),
        help_zh="page 标签打印机在系统打印队列中的名称（留空：默认打印机）。")
    label_size: str = _declare(
        "4x6in", "4x6in or 100x150mm",
        "Label size: 4 x 6 inches or 100 x 150 mm.",
        _choice("4x6in", "100x150mm"), label=("Label size", "标签尺寸"),
        help_zh="标签尺寸：4 × 6 英寸或 100 × 150 毫米。")

    @property
    def demo_mode(self) -> bool:
        return not self.api_base_url

    def shift(self, name: str) -> ShiftDefinition:
        for s in self.shifts:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.shifts)
        raise ConfigError(f"unknown shift {name!r}; configured shifts: {known}")

    def replace(self, **changes: Any) -> Settings:
        """A validated copy with some values changed (what the settings screen saves)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, raw in changes.items():
            if key not in _BY_KEY:
                raise ConfigError(f"{key}: not a setting")
            values[key] = _BY_KEY[key].parse(key, raw)
        _check_consistency(values)
        return Settings(**values)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for s in SETTINGS:
            value = getattr(self, s.key)
            if s.key == "shifts":
                value = [sh.to_toml() for sh in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[s.key] = value
        return out


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(f.name, f.metadata["kind"], f.default, f.metadata["help"], f.metadata["parse"],
            f.metadata["restarts"], f.metadata["label"], f.metadata["help_zh"])
    for f in fields(Settings))
_BY_KEY = {s.key: s for s in SETTINGS}


def restarts(old: Settings, new: Settings) -> set[Restart]:
    """What a running station must restart to put `new` into effect (camera, sync)."""
    return {s.restarts for s in SETTINGS
            if s.restarts is not Restart.NOTHING and getattr(old, s.key) != getattr(new, s.key)}


def _check_consistency(values: dict[str, Any]) -> None:
    url = values["api_base_url"]
    parts = urlsplit(url) if url else None
    if (parts and parts.scheme == "http" and not values["allow_plain_http"]
            and not is_loopback(parts.hostname or "")):
        raise ConfigError(
            "api_base_url: plain http is only allowed to this computer (loopback); "
            "use https, or set allow_plain_http = true if the site insists"
        )
    if values["label_printer"] == "zpl" and not values["label_printer_host"]:
        raise ConfigError("label_printer_host: a zpl label printer needs its host name or "
                          "IP address")


def load_settings(path: Path | None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the TOML file (absent means defaults), then environment overrides."""
    raw: dict[str, Any] = {}
    where = str(path) if path else "defaults"
    if path is not None and path.exists():
        try:
            raw = read_toml(path)
        except TomlFileError as exc:
            raise ConfigError(f"config file {path}: {exc}") from None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _BY_KEY:
            known = ", ".join(sorted(_BY_KEY))
            raise ConfigError(f"config file {where}: unknown key {key!r} (known keys: {known})")
        try:
            values[key] = _BY_KEY[key].parse(key, value)
        except ConfigError as exc:
            raise ConfigError(f"config file {where}: {exc}") from None
    environ = os.environ if env is None else env
    for setting in SETTINGS:
        name = ENV_PREFIX + setting.key.upper()
        if name in environ:
            try:
                values[setting.key] = setting.parse(setting.key, environ[name])
            except ConfigError as exc:
                raise ConfigError(f"environment {name}: {exc}") from None
    merged = {s.key: values.get(s.key, s.default) for s in SETTINGS}
    try:
        _check_consistency(merged)
    except ConfigError as exc:
        raise ConfigError(f"config file {where}: {exc}") from None
    return Settings(**merged)


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically so a crash mid-save never leaves half a config."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, tomli_w.dumps(settings.to_toml()).encode("utf-8"), durable=True)


def describe() -> list[tuple[str, str, str]]:
    """(key, expected type, help) for every setting: used by docs and `doctor`."""
    return [(s.key, s.kind, s.help) for s in SETTINGS]
