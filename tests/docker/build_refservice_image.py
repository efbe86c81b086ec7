"""Build ``conformance-refservice:test``, an image of the reference agency service, with no registry.

No base image can be pulled here (or in CI), so the image is ``FROM scratch`` over a root filesystem
made from this machine: the running Python's interpreter, the shared libraries it and its extension
modules link (``ldd``), its standard library (without tests, Tk, IDLE and the static libpython), the
``conformance`` source tree, and the installed distributions the reference service imports.

    python tests/docker/build_refservice_image.py [--tag conformance-refservice:test]

The service listens on 0.0.0.0:8080 inside the container (reached through a port published on
127.0.0.1); arguments after the image name are appended, e.g. ``--fault no_auth_check``.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

TAG = "conformance-refservice:test"
PORT = 8080
PY = f"python{sys.version_info.major}.{sys.version_info.minor}"
ROOT = Path(__file__).resolve().parents[2]
# Parts of the standard library a headless HTTP service never imports; the static libpython
# (config-*) alone is ~60 MB.
STDLIB_SKIP = {"site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3",
               "pydoc_data", "__phello__", "unittest", "venv", "distutils"}
DOCKERFILE = f"""\
FROM scratch
COPY rootfs/ /
ENV LD_LIBRARY_PATH=/usr/local/lib PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8
USER 65534:65534
EXPOSE {PORT}/tcp
LABEL org.opencontainers.image.title="conformance reference agency service (test image)"
ENTRYPOINT ["/usr/local/bin/python3", "-m", "conformance.refservice", "--host", "0.0.0.0", "--port", "{PORT}"]
"""
_LDD_LINE = re.compile(r"(?:=>\s*)?(/\S+)\s+\(0x")


def _ldd(paths: list[Path]) -> set[str]:
    """Absolute paths of every shared library the given ELF files load (ldd resolves transitively)."""
    libs: set[str] = set()
    for chunk in range(0, len(paths), 50):
        out = subprocess.run(["ldd", *map(str, paths[chunk:chunk + 50])], capture_output=True, text=True,
                             timeout=60).stdout
        libs.update(m.group(1) for m in map(_LDD_LINE.search, out.splitlines()) if m)
    return libs


def _service_modules() -> set[str]:
    """Top-level names of the installed distributions the reference service imports, found by
    importing it in a child interpreter (so this process's imports don't count)."""
    probe = ("import sys, conformance, conformance.refservice.__main__, conformance.refservice.service;"
             "print('\\n'.join(sorted({n.split('.')[0] for n, m in list(sys.modules.items())"
             " if 'site-packages' in (getattr(m, '__file__', None) or '')})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    # conformance is copied from the source tree; setuptools' distutils shim is not needed.
    return {name for name in out.split()
            if name not in ("conformance", "_distutils_hack") and not name.startswith("__editable__")}


def _copy_stdlib(dest: Path) -> None:
    src = Path(sysconfig.get_paths()["stdlib"])

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in STDLIB_SKIP or n.startswith("config-")}
        # Keep the plain bytecode (fast start), not the -O/-OO copies.
        skipped |= {n for n in names if ".opt-" in n or n.endswith((".a", ".exe"))}
        skipped |= {n for n in names
                    if n.startswith(("_test", "_tkinter", "xxlimited")) and n.endswith(".so")}
        return skipped

    shutil.copytree(src, dest, ignore=ignore, symlinks=True)


def _copy_distributions(names: set[str], site: Path) -> None:
    by_top = md.packages_distributions()
    dists = {d for n in names for d in by_top.get(n, [])}
    for dist_name in sorted(dists):
        dist: Any = md.distribution(dist_name)
        for f in dist.files or []:
            src = Path(dist.locate_file(f)).resolve()
            rel = Path(str(f))
            if rel.is_absolute() or ".." in rel.parts or not src.is_file() or "__pycache__" in rel.parts:
                continue  # scripts in bin/ and the like
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def make_rootfs(rootfs: Path) -> None:
    local = rootfs / "usr" / "local"
    exe = Path(os.path.realpath(sys.executable))  # the venv's python is a symlink to the base one
    (local / "bin").mkdir(parents=True)
    shutil.copy2(exe, local / "bin" / PY)
    os.symlink(PY, local / "bin" / "python3")
    stdlib = local / "lib" / PY
    _copy_stdlib(stdlib)
    site = stdlib / "site-packages"
    site.mkdir()
    shutil.copytree(ROOT / "conformance", site / "conformance",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _copy_distributions(_service_modules(), site)
    elves = [exe, *stdlib.rglob("*.so"), *site.rglob("*.so*")]
    for lib in sorted(_ldd(elves)):
        real = Path(os.path.realpath(lib))
        # The interpreter's own libpython goes under /usr/local/lib (LD_LIBRARY_PATH); system
        # libraries keep the path the loader asked for (/lib64/ld-linux-x86-64.so.2 included).
        own = lib.startswith(sys.base_prefix)
        target = local / "lib" / Path(lib).name if own else rootfs / lib.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(real, target)
    (rootfs / "tmp").mkdir(mode=0o1777)
    os.chmod(rootfs / "tmp", 0o1777)


def build(tag: str = TAG, *, client: Any = None, quiet: bool = True) -> dict[str, Any]:
    """Build the image; returns ``{"tag", "id", "size", "seconds"}``. ``client`` is a docker SDK client."""
    if client is None:
        from conformance.launchers import docker_client

        client = docker_client()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="refservice-image-") as ctx:
        make_rootfs(Path(ctx) / "rootfs")
        (Path(ctx) / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
        image, logs = client.images.build(path=ctx, tag=tag, rm=True, forcerm=True, pull=False, timeout=300)
        if not quiet:
            for entry in logs:
                if "stream" in entry:
                    sys.stdout.write(entry["stream"])
    return {"tag": tag, "id": image.id, "size": int(image.attrs.get("Size", 0)),
            "seconds": round(time.monotonic() - started, 1)}


def tag_with_args(base: str, tag: str, args: list[str], *, client: Any) -> None:
    """A derived tag whose default arguments are ``args`` (a planted fault, a bad option): an image
    the harness is given, as an agency's CI would give it one."""
    import io
    import json
    import tarfile

    dockerfile = f"FROM {base}\nCMD {json.dumps(args)}\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(dockerfile)
        tar.addfile(info, io.BytesIO(dockerfile))
    buf.seek(0)
    client.images.build(fileobj=buf, custom_context=True, tag=tag, rm=True, forcerm=True, pull=False,
                        timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", default=TAG)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    info = build(args.tag, quiet=False)
    print(f"built {info['tag']} ({info['id'][:19]}): {info['size'] / 1e6:.1f} MB in {info['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
