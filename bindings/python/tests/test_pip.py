"""`pip install ./bindings/python` works offline, with no compiled parts,
and the installed package imports and works."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import PACKAGE_DIR

# Debian's names for what the offline install needs.
NEEDED = [("pip", "python3-pip"), ("setuptools", "python3-setuptools"),
          ("wheel", "python3-wheel")]


def test_pip_installs_the_package_offline(tmp_path):
    import importlib.util
    missing = [deb for mod, deb in NEEDED
               if importlib.util.find_spec(mod) is None]
    if missing:
        pytest.fail("%s lacks %s: install %s" % (
            sys.executable, ", ".join(m for m, d in NEEDED if d in missing),
            " ".join(missing)))
    # Built from a copy: setuptools writes build/ and *.egg-info next to
    # the sources, and the source tree may be read-only (make distcheck).
    src = tmp_path / "src"
    shutil.copytree(PACKAGE_DIR, src, ignore=shutil.ignore_patterns(
        "__pycache__", "build", "*.egg-info", ".pytest_cache"))
    target = tmp_path / "site"
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PIP_NO_CACHE_DIR="1")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-index",
         "--no-build-isolation", "--no-deps", "--target", str(target),
         str(src)], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    installed = sorted(p.name for p in (target / "libmatch").iterdir()
                       if p.suffix)
    assert installed == ["__init__.py", "_ffi.py", "errors.py"]
    # Imported in a fresh interpreter, from the target only.
    env = dict(os.environ, PYTHONPATH=str(target))
    code = ("import libmatch; print(libmatch.__file__); "
            "e = libmatch.Engine(); e.add_job(id='J1', name='x'); "
            "print(e.count('job'), libmatch.version())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, env=env, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    where, answer = out.stdout.splitlines()
    assert where.startswith(str(target))
    assert answer.startswith("1 ")


def test_a_missing_library_names_every_place_tried(tmp_path):
    """With no library anywhere, the import fails and says where it
    looked."""
    import ctypes.util
    if ctypes.util.find_library("match"):
        pytest.skip("a libmatch is installed on this system")
    pkg = tmp_path / "libmatch"
    shutil.copytree(os.path.join(PACKAGE_DIR, "libmatch"), pkg)
    env = dict(os.environ, PYTHONPATH=str(tmp_path),
               LIBMATCH_LIBRARY=str(tmp_path / "nowhere" / "libmatch.so.0"),
               LD_LIBRARY_PATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", "import libmatch"],
                         capture_output=True, text=True, env=env,
                         cwd=str(tmp_path))
    assert out.returncode != 0
    assert "ImportError" in out.stderr
    assert "LIBMATCH_LIBRARY: %s" % (tmp_path / "nowhere") in out.stderr
    assert "system: libmatch.so.0" in out.stderr


def test_the_build_tree_is_found_without_the_variable(tmp_path):
    """A package inside a build tree finds libmatch/.libs above it."""
    lib = os.environ.get("LIBMATCH_LIBRARY")
    if not lib or not os.path.exists(lib):
        pytest.skip("LIBMATCH_LIBRARY does not name a built library")
    libs = tmp_path / "libmatch" / ".libs"
    libs.mkdir(parents=True)
    shutil.copy(lib, libs / "libmatch.so.0")
    pkg = tmp_path / "bindings" / "python"
    shutil.copytree(os.path.join(PACKAGE_DIR, "libmatch"), pkg / "libmatch")
    env = {k: v for k, v in os.environ.items() if k != "LIBMATCH_LIBRARY"}
    env["PYTHONPATH"] = str(pkg)
    out = subprocess.run(
        [sys.executable, "-c", "import libmatch; print(libmatch.library_path)"],
        capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(libs / "libmatch.so.0")
