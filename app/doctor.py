"""`doctor`: checks a site's IT person runs first: decoders, templates and disposition rules,
camera, data folder, database, API.

One line per check, exit 1 when any fails. Each check is a small function returning
(ok, detail) so the self-test and the GUI's about box can reuse them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from app.config import ConfigError, Settings, load_settings
from app.paths import Paths, resolve_paths

Check = tuple[str, Callable[[], tuple[bool, str]]]


def check_zbar() -> tuple[bool, str]:
    try:
        import numpy as np
        from pyzbar import pyzbar

        pyzbar.decode(np.zeros((8, 8), dtype=np.uint8))
    except Exception as exc:  # ImportError or the ctypes loader's own errors
        return False, f"zbar cannot be loaded ({exc}); on Linux install libzbar0"
    return True, "zbar loads"


def check_zxing() -> tuple[bool, str]:
    try:
        import zxingcpp

        return True, f"zxing-cpp {getattr(zxingcpp, '__version__', '')}".strip()
    except Exception as exc:
        return False, f"zxing-cpp cannot be loaded ({exc})"


def check_opencv() -> tuple[bool, str]:
    """OpenCV loads; which capture backends it has (the bundle's build has no FFmpeg)."""
    try:
        import cv2

        from app.scanning.camera import has_ffmpeg, video_backends
    except Exception as exc:
        return False, f"OpenCV cannot be loaded ({exc})"
    detail = f"OpenCV {cv2.__version__}, capture: {', '.join(video_backends())}"
    if not has_ffmpeg():
        detail += " (no FFmpeg: USB cameras and MJPEG video files only, no network cameras)"
    return True, detail


def check_camera(settings: Settings) -> tuple[bool, str]:
    import cv2

    from app.scanning.camera import unsupported_source

    source: int | str = settings.camera_source
    if isinstance(source, str) and source.isdigit():
        source = int(source)
    reason = unsupported_source(source)
    if reason is not None:
        return False, reason
    cap = cv2.VideoCapture(source)
    try:
        if not cap.isOpened():
            return False, f"camera {settings.camera_source!r} cannot be opened"
        ok, frame = cap.read()
        if not ok or frame is None:
            return False, f"camera {settings.camera_source!r} opened but gave no picture"
        return True, f"camera {settings.camera_source!r} gives {frame.shape[1]}x{frame.shape[0]}"
    finally:
        cap.release()


def check_templates() -> tuple[bool, str]:
    """The checklist templates shipped with the program load (a wheel without them fails)."""
    from app.checklists import load_templates
    from app.resources import resource_path

    folder = resource_path("checklists")
    try:
        templates = load_templates(folder)
    except Exception as exc:  # TemplateError, a missing folder, a bad file
        return False, f"checklist templates in {folder} do not load ({exc})"
    if not templates:
        return False, f"no checklist templates in {folder}"
    return True, f"{len(templates)} checklist templates load from {folder}"


def check_rules() -> tuple[bool, str]:
    from app.resources import resource_path
    from app.rules import DispositionRules

    path = resource_path("dispositions.toml")
    try:
        DispositionRules.load(path)
    except Exception as exc:
        return False, f"disposition rules {path} do not load ({exc})"
    return True, f"disposition rules load from {path}"


def check_writable(folder: Path) -> tuple[bool, str]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-") as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return False, f"{folder} is not writable ({exc.strerror})"
    return True, f"{folder} is writable"


def check_database(paths: Paths, settings: Settings | None = None) -> tuple[bool, str]:
    """Integrity, schema and the keyed audit chain (verified, and the result logged)."""
    from app.station_store import open_station_store
    from app.store import StoreError

    try:
        store, chain = open_station_store(paths, settings or Settings())
    except StoreError as exc:
        return False, str(exc)
    try:
        ok, detail = store.integrity()
        version = store.schema_version()
        if not chain.ok:
            return False, (f"database integrity {detail}, schema {version}; the audit log was "
                           f"edited outside the station (entry {chain.first_bad_seq} of "
                           f"{chain.entries} does not verify)")
        return ok, (f"database integrity {detail}, schema {version}, audit chain of "
                    f"{chain.entries} entries verified")
    finally:
        store.close()


def check_private_files(paths: Paths) -> tuple[bool, str]:
    """Tighten what the station would tighten at start, then report what others can still
    read (a file of another user, a folder chmod cannot change)."""
    from app.station_store import check_private, make_private, not_private

    loose = len(not_private(paths))
    make_private(paths)
    ok, detail = check_private(paths)
    return ok, f"{detail} (made {loose} private now)" if ok and loose else detail


def check_api(settings: Settings, paths: Paths) -> tuple[bool, str]:
    if settings.demo_mode:
        return True, "no case API configured: the GUI offers setup or runs training mode"
    try:
        from app.sync.client import CaseApiClient
        from app.sync.token import load_token
    except ImportError as exc:
        return False, f"sync module unavailable ({exc})"
    try:
        client = CaseApiClient(settings, lambda: load_token(settings, paths.token_file))
        try:
            client.health()
        finally:
            client.close()
    except Exception as exc:  # every failure is reported as a line, never a traceback
        return False, f"case API at {settings.api_base_url} does not answer /health ({exc})"
    return True, f"case API at {settings.api_base_url} answers /health"


def run_checks(checks: list[Check]) -> int:
    failed = 0
    for name, check in checks:
        try:
            ok, detail = check()
        except Exception as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        print(f"{'OK  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        failed += not ok
    return 1 if failed else 0


def run_doctor(args: argparse.Namespace) -> int:
    paths = resolve_paths(args.data_dir, args.config)
    try:
        settings = load_settings(paths.config_file)
    except ConfigError as exc:
        print(f"FAIL config: {exc}")
        return 1
    print(f"OK   config: {paths.config_file if paths.config_file.exists() else 'defaults'}")
    return run_checks([
        ("zbar", check_zbar),
        ("zxing", check_zxing),
        ("opencv", check_opencv),
        ("templates", check_templates),
        ("disposition rules", check_rules),
        ("camera", lambda: check_camera(settings)),
        ("data folder", lambda: check_writable(paths.data_dir)),
        ("private files", lambda: check_private_files(paths)),
        ("database", lambda: check_database(paths, settings)),
        ("case API", lambda: check_api(settings, paths)),
    ])


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("doctor", help="check decoders, camera, data folder, database and API")
    p.set_defaults(func=run_doctor)
