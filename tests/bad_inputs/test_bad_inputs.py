"""Hostile and malformed models must make `halo` fail cleanly (issue 6, item 3).

Why this file exists: model files come from untrusted sources. For every file in
files/ (written by make_bad_inputs.py; the few cases too large to commit are written to
a temporary folder) it runs `halo -target cxx FILE -o OUT/model.cc`
under an address-space limit and a timeout and checks what expected.toml says: the exit
code (3: cannot be parsed / inconsistent, 4: unsupported), a stderr of exactly one line
that names the file and matches the expected pattern, no crash or sanitizer report, and
no file left in OUT. Cases marked `run = true` also go through `halo run`.

Environment: HALO_BUILD_DIR (default <repo>/build).
Run: HALO_BUILD_DIR=$PWD/build .venv/bin/python -m pytest -q tests/bad_inputs
"""

import os
import re
import resource
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BUILD_DIR = Path(os.environ.get("HALO_BUILD_DIR", REPO / "build")).resolve()
HALO = BUILD_DIR / "bin" / "halo"
FILES = HERE / "files"
EXPECTED = tomllib.loads((HERE / "expected.toml").read_text())["case"]
sys.path.insert(0, str(HERE))
import make_bad_inputs  # noqa: E402  (the cases too large to commit)

BIG = make_bad_inputs.big_cases()

# A 10 KB model must not make the compiler allocate gigabytes: 2 GiB of address space
# is far more than any of these needs, and far less than what the hostile sizes declare.
MEMORY_LIMIT = 2 << 30
TIMEOUT = 60
# Output that means a crash or a report instead of a clean error.
CRASH_MARKERS = ("Traceback", "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                 "terminate called", "Segmentation fault", "Aborted", "core dumped", "internal:", "std::bad_alloc",
                 "libprotobuf")


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_halo(args, what):
    if not HALO.is_file():
        pytest.fail(f"{HALO} not found: build first (ninja -C {BUILD_DIR})", pytrace=False)
    try:
        return subprocess.run([str(HALO)] + [str(a) for a in args], capture_output=True, text=True, errors="replace",
                              timeout=TIMEOUT, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: halo did not finish within {TIMEOUT}s: {args}", pytrace=False)


def check_failure(proc, path, case, out_dir, what):
    report = f"{what}: exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    assert proc.returncode >= 0, f"killed by signal {-proc.returncode}\n{report}"
    for marker in CRASH_MARKERS:
        assert marker not in proc.stderr + proc.stdout, f"'{marker}' in the output\n{report}"
    assert proc.returncode == case["exit"], f"expected exit {case['exit']}\n{report}"
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line on stderr\n{report}"
    line = lines[0]
    assert line.startswith("halo: error: "), report
    assert str(path) in line, f"the message does not name the file {path}\n{report}"
    assert re.search(case["message"], line), f"the message does not match /{case['message']}/\n{report}"
    left = sorted(p.name for p in out_dir.rglob("*")) if out_dir.exists() else []
    assert not left, f"files left in {out_dir}: {left}\n{report}"


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    for name, data in BIG.items():
        (d / name).write_bytes(data)
    return d


def case_path(name, big_dir):
    return big_dir / name if name in BIG else FILES / name


def test_manifest_matches_files():
    on_disk = sorted(p.name for p in FILES.iterdir())
    assert sorted(on_disk + list(BIG)) == sorted(EXPECTED), "files/, big_cases() and expected.toml list different cases"
    for name, case in EXPECTED.items():
        assert case["exit"] in (3, 4), f"{name}: exit codes of malformed models are 3 or 4"
        re.compile(case["message"])


def test_files_are_up_to_date():
    proc = subprocess.run([sys.executable, str(HERE / "make_bad_inputs.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_compile_fails_cleanly(name, tmp_path, big_dir):
    path = case_path(name, big_dir)
    out_dir = tmp_path / "out"
    proc = run_halo(["-target", "cxx", path, "-o", out_dir / "model.cc"], "halo -target cxx")
    check_failure(proc, path, EXPECTED[name], out_dir, "halo -target cxx")


@pytest.mark.parametrize("name", sorted(n for n, c in EXPECTED.items() if c.get("run")))
def test_run_fails_cleanly(name, tmp_path, big_dir):
    path = case_path(name, big_dir)
    out_dir = tmp_path / "out"
    proc = run_halo(["run", path, "--output-dir", out_dir], "halo run")
    check_failure(proc, path, EXPECTED[name], out_dir, "halo run")
