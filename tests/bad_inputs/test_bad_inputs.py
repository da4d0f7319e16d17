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


# `make sanitize` sets HALO_SANITIZED: AddressSanitizer reserves terabytes of address space
# for its shadow memory, so RLIMIT_AS cannot bound it; its allocator limit does instead
# (an allocation above it is reported, which CRASH_MARKERS turns into a failure).
SANITIZED = os.environ.get("HALO_SANITIZED") == "1"


def limit_memory():
    if not SANITIZED:
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
    want_lines = case.get("lines", 1)  # only lists of several unsupported nodes have more
    assert len(lines) == want_lines, f"expected {want_lines} line(s) on stderr\n{report}"
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


# External data: read from below the model's folder (the corpus has the missing-file,
# '..' and absolute-path cases; these need files and links made at test time).

def external_model(folder, location, offset, length):
    t = make_bad_inputs.external_tensor("w", location)
    for e in t.external_data:
        if e.key == "offset":
            e.value = str(offset)
        if e.key == "length":
            e.value = str(length)
    path = folder / "model.onnx"
    path.write_bytes(make_bad_inputs.add_with_init(t).SerializeToString())
    return path


def test_external_data_inside_the_folder_is_read(tmp_path):
    import struct
    folder = tmp_path / "m"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "w.bin").write_bytes(b"junk0123" + struct.pack("<4f", 1, 2, 3, 4))
    model = external_model(folder, "data/w.bin", 8, 16)
    x = tmp_path / "x.bin"
    x.write_bytes(struct.pack("<4f", 0.5, 0.5, 0.5, 0.5))
    proc = run_halo(["run", model, f"--input={x}", "--output-dir", tmp_path / "out"], "halo run")
    assert proc.returncode == 0, proc.stderr
    assert struct.unpack("<4f", (tmp_path / "out" / "output_0.bin").read_bytes()) == (1.5, 2.5, 3.5, 4.5)


@pytest.mark.parametrize("what", ["symlink-out", "too-short", "wrong-length"])
def test_external_data_refused(tmp_path, what):
    folder = tmp_path / "m"
    folder.mkdir()
    outside = tmp_path / "secret.bin"
    outside.write_bytes(b"\0" * 16)
    if what == "symlink-out":
        (folder / "w.bin").symlink_to(outside)
        model, message = external_model(folder, "w.bin", 0, 16), r"external data file '.*w\.bin' .* is outside the model's folder$"
    elif what == "too-short":
        (folder / "w.bin").write_bytes(b"\0" * 12)
        model, message = external_model(folder, "w.bin", 0, 16), r"holds 12 bytes; tensor 'w' needs 16 from offset 0$"
    else:
        (folder / "w.bin").write_bytes(b"\0" * 16)
        model, message = external_model(folder, "w.bin", 0, 12), r"needs 16 bytes but its external data length is 12$"
    out_dir = tmp_path / "out"
    proc = run_halo(["-target", "cxx", model, "-o", out_dir / "model.cc"], "halo -target cxx")
    check_failure(proc, model, {"exit": 3, "message": message}, out_dir, "halo -target cxx")


@pytest.mark.skipif(SANITIZED, reason="AddressSanitizer reports a failed allocation instead of throwing "
                    "std::bad_alloc; the plain build (make test) checks this")
def test_run_of_a_model_too_large_for_memory(tmp_path):
    """A valid 300-byte model whose output is 128 GiB: `halo run` cannot allocate it and
    must say so in one line naming the file (it said "internal: std::bad_alloc")."""
    from onnx import TensorProto, helper
    shape = helper.make_tensor("shape", TensorProto.INT64, [2], [1 << 30, 32])
    model = make_bad_inputs.model([helper.make_node("Expand", ["x", "shape"], ["y"], name="expand")],
                                  [make_bad_inputs.vi("x", [1, 32])], [make_bad_inputs.vi("y", [1 << 30, 32])], [shape])
    path = tmp_path / "expand-128g.onnx"
    path.write_bytes(model.SerializeToString())
    x = tmp_path / "x.bin"
    x.write_bytes(b"\0" * 128)
    out_dir = tmp_path / "out"
    proc = run_halo(["run", path, f"--input={x}", "--output-dir", out_dir], "halo run")
    check_failure(proc, path, {"exit": 1, "message": r": out of memory \(the model's tensors need more than is available\)$"},
                  out_dir, "halo run")
