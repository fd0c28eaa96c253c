"""PyInstaller runtime hook: make pyzbar load the zbar library bundled with the station.

pyzbar looks for zbar with ctypes.util.find_library (Linux, macOS), which never
looks inside the bundle, so a station without the system package failed with
"Unable to find zbar shared library" although build.spec had bundled it. This hook
replaces pyzbar.zbar_library.load before anything imports pyzbar.wrapper: the
bundled copy is tried first, then pyzbar's own search (a system libzbar) as before.
"""

from __future__ import annotations


def _install() -> None:
    import os
    import sys
    from ctypes import CDLL, cdll
    from pathlib import Path

    base = Path(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)))
    names: list[str] = ["libzbar.so.0", "libzbar.so"]
    deps: list[str] = []  # loaded first (Windows: zbar's iconv)
    if sys.platform == "win32":
        bits = "64" if sys.maxsize > 2**32 else "32"
        names = [f"libzbar-{bits}.dll"]
        deps = ["libiconv.dll"] if bits == "64" else ["libiconv-2.dll"]
    elif sys.platform == "darwin":
        names = ["libzbar.0.dylib", "libzbar.dylib"]
    folders = [base, base / "pyzbar"]

    try:
        import pyzbar.zbar_library as zbar_library
    except ImportError:  # pyzbar not in this bundle: nothing to fix
        return
    original = zbar_library.load

    def load() -> tuple[CDLL, list[CDLL]]:
        """The bundled zbar (and its DLL dependencies on Windows), else pyzbar's search."""
        for folder in folders:
            for name in names:
                lib = folder / name
                if lib.is_file():
                    loaded = [cdll.LoadLibrary(str(folder / dep)) for dep in deps
                              if (folder / dep).is_file()]
                    return cdll.LoadLibrary(str(lib)), loaded
        return original()

    zbar_library.load = load


_install()
