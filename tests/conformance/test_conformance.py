"""ONNX backend node test conformance, as pytest tests.

Why this file exists: issue 3 wants the node tests of the pinned onnx package to run
in CI.  These tests call run_conformance.py as a user would (a subprocess, so that
its exit status and summary are what is checked):

  * test_node_tests_match_manifest: every case, `--check` against
    expected_failures.txt: a case outside the manifest that does not pass, or a
    listed case that passes, fails the test;
  * test_emitted_cxx_sample: the first passing case of every operator is also built
    from the emitted C++ (g++ -std=c++11 -Wall -Werror, model.bin, -lodla_reference)
    and must give the same bits as `halo run`.

The report goes to a temporary file here; refresh docs/generated/onnx-conformance.md
by running the runner itself (see its --help).

Environment: HALO_BUILD_DIR (default <repo>/build), CXX (default g++).
Run: /work/main/.venv/bin/python -m pytest tests/conformance -v -s
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
RUNNER = HERE / "run_conformance.py"
BUILD_DIR = Path(os.environ.get("HALO_BUILD_DIR", REPO / "build")).resolve()
TIMEOUT = 900  # the full run takes seconds today; this only bounds a hang


def run_runner(*args):
    halo = BUILD_DIR / "bin" / "halo"
    if not halo.is_file():
        pytest.fail(f"{halo} not found; build it (ninja -C {BUILD_DIR} halo "
                    "odla_reference) or set HALO_BUILD_DIR", pytrace=False)
    cmd = [sys.executable, str(RUNNER), f"--halo={halo}", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"run_conformance.py timed out after {TIMEOUT} s:\n"
                    f"{e.stdout or ''}", pytrace=False)
    return proc


def summary_lines(stdout):
    return [ln for ln in stdout.splitlines()
            if re.fullmatch(r"\d+ passed, \d+ failed", ln) or ln.startswith("conformance:")
            or ln.startswith("emitted sample:") or "excluded (" in ln]


def test_node_tests_match_manifest(tmp_path):
    proc = run_runner("--check", f"--report={tmp_path / 'onnx-conformance.md'}")
    print("\n".join(summary_lines(proc.stdout)))
    assert proc.returncode == 0, (
        f"run_conformance.py --check failed (exit {proc.returncode}); fix the cases or "
        "update tests/conformance/expected_failures.txt (--update-manifest, then write "
        f"the reasons):\n{proc.stdout}\n{proc.stderr}")
    assert any(re.fullmatch(r"\d+ passed, \d+ failed", ln)
               for ln in proc.stdout.splitlines()), proc.stdout


def test_emitted_cxx_sample(tmp_path):
    proc = run_runner("--emitted-sample", f"--report={tmp_path / 'onnx-conformance.md'}")
    print("\n".join(summary_lines(proc.stdout)))
    assert proc.returncode == 0, (
        f"emitted C++ sample failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    m = re.search(r"^emitted sample: (\d+) / (\d+) operators agree", proc.stdout, re.M)
    assert m, f"no emitted sample summary in:\n{proc.stdout}"
    assert m.group(1) == m.group(2) and int(m.group(2)) > 0, m.group(0)
