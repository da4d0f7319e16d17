#!/usr/bin/env python3
"""Runs ONNX's own backend node tests through `halo run` and measures conformance.

Why this file exists: issue 3 asks HALO to pass the node tests shipped inside the
pinned `onnx` pip package (onnx/backend/test/data/node/*).  Each case there is a
directory with `model.onnx` and `test_data_set_N/{input,output}_K.pb` TensorProtos.
For every case and data set this runner writes the inputs as raw little-endian
files, runs `halo run MODEL --input=... --output-dir=...` (in-process executor on
the reference runtime), reads the outputs back using the dtype/shape halo prints,
and compares them with the expected outputs at ONNX's own tolerances (rtol 1e-3,
atol 1e-7, relative to the expected value, as onnx.backend.test.runner does;
integers and bools exactly; NaNs must be at the same positions).

Each case gets one status:
  pass      every output of every data set matches
  fail      halo ran but an output has the wrong values, dtype or shape
  error     halo exited non-zero (exit 4 = unsupported op/feature), or the runner
            cannot feed the case (non-tensor inputs); the exit code and the first
            line of stderr are recorded
  timeout   one halo invocation took longer than --timeout seconds
  crash     halo was killed by a signal
  excluded  string-typed inputs/outputs, or a training-only operator
            (ai.onnx.preview.training); listed in the report with the reason

Outputs:
  * the summary on stdout: progress every 100 cases, then `N passed, M failed`
    alone on a line (M counts every non-excluded case that did not pass, expected
    failures included) and the percentage;
  * the markdown report (--report, default docs/generated/onnx-conformance.md),
    deterministic for the same results (no dates, no timings);
  * with --update-manifest, the manifest of expected failures
    (--manifest, default tests/conformance/expected_failures.txt);
  * with --check, exit status 1 if a case outside the manifest does not pass or a
    case listed in the manifest passes;
  * with --emitted-sample, for every operator with a passing case, its first
    passing case is also compiled with `halo -target cxx`, built with
    g++ -std=c++11 -Wall -Werror against an installed prefix, linked with
    model.bin and -lodla_reference, run, and must give the same bits as `halo run`.

Environment: HALO_BUILD_DIR (default <repo>/build) locates bin/halo; CXX (default
g++) is the compiler of the emitted sample.

Run: /work/main/.venv/bin/python tests/conformance/run_conformance.py [--check]
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_BUILD = Path(os.environ.get("HALO_BUILD_DIR", REPO / "build"))
DEFAULT_REPORT = REPO / "docs" / "generated" / "onnx-conformance.md"
DEFAULT_MANIFEST = HERE / "expected_failures.txt"
NODE_DIR = Path(onnx.__file__).resolve().parent / "backend" / "test" / "data" / "node"

RTOL, ATOL = 1e-3, 1e-7  # onnx/backend/test/loader: the defaults of every node test
TRAINING_DOMAIN = "ai.onnx.preview.training"
TRAINING_OPS = {"Adagrad", "Adam", "Momentum", "Gradient"}

# Cases compared at a looser tolerance than ONNX's, each with the reason (the report
# lists them). name -> (rtol, atol, reason).
LOOSER_TOLERANCES = {
    "test_dft_inverse": (1e-3, 1e-5, "the expected values carry float32 FFT rounding noise "
                         "(up to 1.9e-6 where the exact result is 0); HALO computes in double"),
    "test_dft_inverse_opset19": (1e-3, 1e-5, "the expected values carry float32 FFT rounding "
                                 "noise (up to 1.9e-6 where the exact result is 0); HALO computes in double"),
}
EXPANDED_SUFFIX = re.compile(r"_expanded(_ver\d+)?$")
OUTPUT_LINE = re.compile(r"^output (\d+) '(.*)' (\w+)\[([0-9,]*)\] -> (.+)$")

TP = onnx.TensorProto
# ONNX element type -> the element type name halo prints ("f32[2,3]").
HALO_DTYPE = {
    TP.FLOAT: "f32", TP.UINT8: "u8", TP.INT8: "i8", TP.UINT16: "u16", TP.INT16: "i16",
    TP.INT32: "i32", TP.INT64: "i64", TP.BOOL: "bool", TP.FLOAT16: "f16",
    TP.DOUBLE: "f64", TP.UINT32: "u32", TP.UINT64: "u64", TP.BFLOAT16: "bf16",
    TP.FLOAT8E4M3FN: "f8e4m3fn", TP.FLOAT8E4M3FNUZ: "f8e4m3fnuz",
    TP.FLOAT8E5M2: "f8e5m2", TP.FLOAT8E5M2FNUZ: "f8e5m2fnuz", TP.UINT4: "u4",
    TP.INT4: "i4", TP.FLOAT4E2M1: "f4e2m1", TP.FLOAT8E8M0: "f8e8m0",
}
FLOAT_TYPES = {TP.FLOAT, TP.FLOAT16, TP.DOUBLE, TP.BFLOAT16, TP.FLOAT8E4M3FN,
               TP.FLOAT8E4M3FNUZ, TP.FLOAT8E5M2, TP.FLOAT8E5M2FNUZ, TP.FLOAT4E2M1,
               TP.FLOAT8E8M0}
PACKED_4BIT = {TP.UINT4, TP.INT4, TP.FLOAT4E2M1}

STATUSES = ["pass", "fail", "error", "timeout", "crash"]


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

class Result:
    """The outcome of one case (all its data sets)."""

    def __init__(self, name, main_op, ops):
        self.name = name
        self.main_op = main_op  # the operator the case tests (table row)
        self.ops = ops          # every op type of the model's top-level nodes
        self.status = None      # one of STATUSES, or "excluded"
        self.reason = ""        # one line: why it did not pass / why excluded
        self.exit_code = None
        self.seconds = 0.0

    @property
    def unsupported(self):
        return self.status == "error" and self.exit_code == 4


def op_name(node):
    return f"{node.domain}.{node.op_type}" if node.domain not in ("", "ai.onnx") \
        else node.op_type


def type_kind(type_proto):
    """'tensor', 'sequence', 'optional', 'map', ... of a TypeProto."""
    return type_proto.WhichOneof("value") or "undefined"


def has_string(type_proto):
    kind = type_kind(type_proto)
    if kind == "tensor_type":
        return type_proto.tensor_type.elem_type == TP.STRING
    if kind == "sparse_tensor_type":
        return type_proto.sparse_tensor_type.elem_type == TP.STRING
    if kind == "sequence_type":
        return has_string(type_proto.sequence_type.elem_type)
    if kind == "optional_type":
        return has_string(type_proto.optional_type.elem_type)
    if kind == "map_type":
        return (type_proto.map_type.key_type == TP.STRING or
                has_string(type_proto.map_type.value_type))
    return False


def main_op_of(case_dir, model):
    """The operator a case tests: its only node; for an expanded function test
    (test_x_expanded[_verN]) the node of test_x; else the only op other than
    Constant, else the last node's op."""
    base = EXPANDED_SUFFIX.sub("", case_dir.name)
    if base != case_dir.name and (case_dir.parent / base / "model.onnx").is_file():
        base_model = onnx.load(str(case_dir.parent / base / "model.onnx"))
        if len(base_model.graph.node) == 1:
            return op_name(base_model.graph.node[0])
    nodes = list(model.graph.node)
    if len(nodes) == 1:
        return op_name(nodes[0])
    distinct = sorted({op_name(n) for n in nodes if n.op_type != "Constant"})
    if len(distinct) == 1:
        return distinct[0]
    return op_name(nodes[-1]) if nodes else "(no node)"


def exclusion_reason(model):
    for node in model.graph.node:
        if node.domain == TRAINING_DOMAIN or node.op_type in TRAINING_OPS:
            return f"training-only operator {node.op_type} ({node.domain or 'ai.onnx'})"
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        for v in values:
            if has_string(v.type):
                return f"string-typed {kind} '{v.name}'"
    return None


def data_sets(case_dir):
    def index(p):
        m = re.search(r"(\d+)$", p.name)
        return int(m.group(1)) if m else 0
    return sorted((p for p in case_dir.glob("test_data_set_*") if p.is_dir()), key=index)


def numbered(ds_dir, prefix):
    files, k = [], 0
    while (ds_dir / f"{prefix}_{k}.pb").is_file():
        files.append(ds_dir / f"{prefix}_{k}.pb")
        k += 1
    return files


def raw_bytes(tensor_proto):
    """Little-endian packed bytes of a TensorProto (what `halo run` reads). HALO keeps
    the 4-bit types one byte per element (int4 sign-extended, uint4/float4 in the low
    nibble; see runtime/common/dtype.h), where ONNX packs two per byte."""
    a = numpy_helper.to_array(tensor_proto)
    if tensor_proto.data_type == TP.INT4:
        return a.astype(np.int8).tobytes()
    if tensor_proto.data_type in PACKED_4BIT:  # ml_dtypes keeps these in the low nibble
        return (a.view(np.uint8) & 0x0F).tobytes()
    return numpy_helper.from_array(a).raw_data


def decode_raw(data, elem_type, shape):
    """The numpy array for the bytes halo wrote (via onnx's decoder; the 4-bit types
    one byte per element, as raw_bytes writes them)."""
    if elem_type in PACKED_4BIT:
        b = np.frombuffer(data, dtype=np.uint8).reshape(shape)
        np_type = onnx.helper.tensor_dtype_to_np_dtype(elem_type)
        if elem_type == TP.INT4:
            return b.view(np.int8).astype(np_type)
        if elem_type == TP.UINT4:
            return (b & 0x0F).astype(np_type)
        return (b & 0x0F).view(np_type)
    t = TP()
    t.data_type = elem_type
    t.dims.extend(shape)
    t.raw_data = data
    return numpy_helper.to_array(t)


def raw_size(elem_type, shape):
    n = int(np.prod(shape, dtype=np.int64))
    if elem_type in PACKED_4BIT:
        return n  # one byte per element in HALO
    return n * np.dtype(onnx.helper.tensor_dtype_to_np_dtype(elem_type)).itemsize


# Operands that determine a result's shape or the axes an op works on. HALO compiles ahead
# of time with static shapes, so models carry these as constants (initializers, or values
# computed from shapes, which HALO folds). The node tests feed them as graph inputs; the
# runner compiles them into the model as initializers from the test's data, which is what
# an AOT compiler specializing on shape-determining inputs does. Operand indices per op.
SHAPE_OPERANDS = {
    "Reshape": [1], "Expand": [1], "Tile": [1], "Slice": [1, 2, 3, 4], "Squeeze": [1],
    "Unsqueeze": [1], "ReduceSum": [1], "ReduceMean": [1], "ReduceMax": [1], "ReduceMin": [1],
    "ReduceProd": [1], "ReduceL1": [1], "ReduceL2": [1], "ReduceLogSum": [1],
    "ReduceLogSumExp": [1], "ReduceSumSquare": [1], "Pad": [1, 2, 3], "Clip": [1, 2],
    "Dropout": [1, 2], "TopK": [1], "Range": [0, 1, 2], "ConstantOfShape": [0], "OneHot": [1],
    "Resize": [1, 2, 3], "Upsample": [1], "CumSum": [1], "Split": [1], "Trilu": [1],
    "Compress": [1], "CenterCropPad": [1], "Col2Im": [1, 2],
    # Loop is unrolled: the trip count and the initial condition decide the scan outputs' shapes.
    "Loop": [0, 1],
    "HannWindow": [0], "HammingWindow": [0], "BlackmanWindow": [0], "DFT": [1, 2], "STFT": [1, 3],
    "MelWeightMatrix": [0, 1],
    "Compress": [1], "CenterCropPad": [1], "Col2Im": [1, 2], "AffineGrid": [1],
    "MaxUnpool": [2],
}


def shape_inputs(model, case_dir=None):
    """Names of graph inputs used at a shape-determining operand position. An
    `_expanded` case is the same function as its plain case, written with simpler ops:
    the inputs that are shape-determining there are so here too."""
    inits = {t.name for t in model.graph.initializer}
    graph_inputs = {v.name for v in model.graph.input} - inits
    names = set()
    if case_dir is not None and case_dir.name.endswith("_expanded"):
        plain = case_dir.parent / case_dir.name[: -len("_expanded")] / "model.onnx"
        if plain.exists():
            names |= shape_inputs(onnx.load(str(plain))) & graph_inputs
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        for k in SHAPE_OPERANDS.get(node.op_type, []):
            if k < len(node.input) and node.input[k] in graph_inputs:
                names.add(node.input[k])
    return names


def specialize(model, ds_dir, names, path):
    """Writes a copy of `model` whose inputs `names` are initializers holding the data
    set's values; returns the indices (in graph-input order) of the inputs still fed."""
    inits = {t.name for t in model.graph.initializer}
    fed = [v.name for v in model.graph.input if v.name not in inits]
    pbs = numbered(ds_dir, "input")
    m = onnx.ModelProto()
    m.CopyFrom(model)
    keep = []
    for k, name in enumerate(fed):
        if name in names and k < len(pbs):
            t = onnx.load_tensor(str(pbs[k]))
            t.name = name
            m.graph.initializer.append(t)
        else:
            keep.append(k)
    kept_inputs = [v for v in m.graph.input if v.name not in names]
    del m.graph.input[:]
    m.graph.input.extend(kept_inputs)
    onnx.save(m, str(path))
    return keep


def first_stderr_line(stderr, replacements):
    """The first non-empty line of stderr (joined with the next one when it ends
    with ':'), with temporary paths replaced so that reasons are stable."""
    lines = [ln.strip() for ln in (stderr or "").splitlines() if ln.strip()]
    if not lines:
        return "(no message on stderr)"
    line = lines[0]
    if line.endswith(":") and len(lines) > 1:
        line = f"{line} {lines[1]}"
    for old, new in replacements:
        line = line.replace(old, new)
    line = re.sub(r"^halo: error: ", "", line)
    return line


def signal_name(code):
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


def run_halo(cmd, timeout):
    """Returns (returncode or 'timeout', stdout, stderr)."""
    try:
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                           errors="replace", timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return "timeout", out, err


def record_failed_run(result, rc, stderr, timeout, replacements):
    """Fills result for a halo invocation that did not exit 0."""
    if rc == "timeout":
        result.status, result.reason = "timeout", f"timeout after {timeout:g} s"
    elif rc < 0:
        result.status, result.exit_code = "crash", rc
        result.reason = (f"killed by {signal_name(rc)}: "
                         f"{first_stderr_line(stderr, replacements)}")
    else:
        result.status, result.exit_code = "error", rc
        result.reason = f"exit {rc}: {first_stderr_line(stderr, replacements)}"


def compare(expected, actual, elem_type, rtol, atol):
    """None if actual matches expected, else a one-line description."""
    if elem_type in FLOAT_TYPES:
        e = expected.astype(np.float64)
        a = actual.astype(np.float64)
        nan_e, nan_a = np.isnan(e), np.isnan(a)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(a - e)
            close = (diff <= atol + rtol * np.abs(e)) & np.isfinite(e) & np.isfinite(a)
        # Infinities must be equal, NaNs at the same positions (as assert_allclose).
        ok = (a == e) | (nan_e & nan_a) | close
        if ok.all():
            return None
        bad = np.flatnonzero(~ok.reshape(-1))
        first = int(bad[0])
        msg = f"{bad.size} of {e.size} elements differ"
        finite = np.isfinite(e) & np.isfinite(a)
        if (~ok & finite).any():
            with np.errstate(invalid="ignore", divide="ignore"):
                max_abs = float(diff[finite].max())
                nz = finite & (e != 0)
                max_rel = float((diff[nz] / np.abs(e[nz])).max()) if nz.any() else float("nan")
            msg += f", max abs err {max_abs:.3g}, max rel err {max_rel:.3g}"
        msg += (f"; first at flat index {first}: got {float(a.reshape(-1)[first]):.9g} "
                f"expected {float(e.reshape(-1)[first]):.9g}")
        if (nan_e != nan_a).any():
            msg += f"; NaN positions differ at {int((nan_e != nan_a).sum())} elements"
        return msg
    e = expected.astype(np.int64) if elem_type != TP.UINT64 else expected
    a = actual.astype(np.int64) if elem_type != TP.UINT64 else actual
    ok = e == a
    if ok.all():
        return None
    bad = np.flatnonzero(~ok.reshape(-1))
    max_abs = int(np.abs(a.astype(np.float64) - e.astype(np.float64)).max())
    first = int(bad[0])
    return (f"{bad.size} of {e.size} elements differ (exact compare), max abs err "
            f"{max_abs}; first at flat index {first}: got {a.reshape(-1)[first]} "
            f"expected {e.reshape(-1)[first]}")


def run_data_set(halo, model_path, ds_dir, work, timeout, rtol, atol, result,
                 replacements, model=None):
    """Runs one data set; returns True if it passed (else fills result).
    On success also returns the outputs halo printed (for the emitted sample).
    Shape-determining inputs are compiled into a specialized copy of the model."""
    work.mkdir(parents=True, exist_ok=True)
    in_files = []
    keep = None
    frozen = shape_inputs(model, Path(model_path).parent) if model is not None else set()
    if frozen:
        special = work / "model.onnx"
        keep = specialize(model, ds_dir, frozen, special)
        replacements = replacements + [(f"{special}: ", ""), (str(special), "model.onnx")]
        model_path = special
    for k, pb in enumerate(numbered(ds_dir, "input")):
        if keep is not None and k not in keep:
            continue
        path = work / f"input_{k}.bin"
        path.write_bytes(raw_bytes(onnx.load_tensor(str(pb))))
        in_files.append(path)
    expected = [onnx.load_tensor(str(pb)) for pb in numbered(ds_dir, "output")]
    out_dir = work / "out"
    rc, stdout, stderr = run_halo(
        [halo, "run", model_path, *[f"--input={p}" for p in in_files],
         f"--output-dir={out_dir}"], timeout)
    if rc != 0:
        record_failed_run(result, rc, stderr, timeout, replacements)
        return False, None
    printed = {}
    for line in stdout.splitlines():
        m = OUTPUT_LINE.match(line.strip())
        if m:
            shape = [int(d) for d in m.group(4).split(",") if d != ""]
            printed[int(m.group(1))] = (m.group(3), shape, Path(m.group(5)))
    result.status = "fail"
    if sorted(printed) != list(range(len(expected))):
        result.reason = (f"halo run printed outputs {sorted(printed)}, expected "
                         f"{len(expected)} outputs")
        return False, None
    for i, exp_proto in enumerate(expected):
        dtype, shape, _ = printed[i]
        path = out_dir / f"output_{i}.bin"
        want_dtype = HALO_DTYPE.get(exp_proto.data_type)
        want_shape = list(exp_proto.dims)
        if dtype != want_dtype:
            result.reason = (f"output {i}: dtype {dtype}, expected {want_dtype} "
                             f"(onnx elem type {exp_proto.data_type})")
            return False, None
        if shape != want_shape:
            result.reason = f"output {i}: shape {shape}, expected {want_shape}"
            return False, None
        data = path.read_bytes() if path.is_file() else None
        if data is None:
            result.reason = f"output {i}: halo did not write {path.name}"
            return False, None
        if len(data) != raw_size(exp_proto.data_type, shape):
            result.reason = (f"output {i}: {len(data)} bytes, expected "
                             f"{raw_size(exp_proto.data_type, shape)}")
            return False, None
        actual = decode_raw(data, exp_proto.data_type, shape)
        problem = compare(numpy_helper.to_array(exp_proto), actual,
                          exp_proto.data_type, rtol, atol)
        if problem:
            result.reason = f"wrong values: output {i}: {problem}"
            return False, None
    result.status = "pass"
    return True, [printed[i] for i in range(len(expected))]


def run_case(case_dir, halo, timeout):
    start = time.monotonic()
    model_path = case_dir / "model.onnx"
    try:
        model = onnx.load(str(model_path))
    except Exception as e:  # noqa: BLE001 - any load problem is the case's error
        r = Result(case_dir.name, "(unreadable)", [])
        r.status, r.reason = "error", f"runner: onnx.load failed: {e}"
        return r
    result = Result(case_dir.name, main_op_of(case_dir, model),
                    sorted({op_name(n) for n in model.graph.node}))
    excluded = exclusion_reason(model)
    if excluded:
        result.status, result.reason = "excluded", excluded
        return result
    # Only the inputs that are not initializers are fed (as halo run expects).
    inits = {t.name for t in model.graph.initializer}
    io = [v for v in model.graph.input if v.name not in inits] + list(model.graph.output)
    non_tensor = [v for v in io if type_kind(v.type) != "tensor_type"]
    rtol, atol = RTOL, ATOL
    data_json = case_dir / "data.json"
    if data_json.is_file():  # onnx's loader honours per-case tolerances
        import json
        spec = json.loads(data_json.read_text())
        rtol, atol = spec.get("rtol", rtol), spec.get("atol", atol)
    if case_dir.name in LOOSER_TOLERANCES:
        rtol, atol, _ = LOOSER_TOLERANCES[case_dir.name]
    with tempfile.TemporaryDirectory(prefix=f"conf_{case_dir.name}_") as tmp:
        tmp = Path(tmp)
        replacements = [(f"{model_path}: ", ""), (str(model_path), "model.onnx"),
                        (str(tmp), "<tmp>")]
        if non_tensor:
            # Raw files cannot carry sequences/optionals: ask halo to compile it only,
            # so an unsupported case still reports halo's own verdict.
            rc, _, stderr = run_halo([halo, "-target", "cxx", model_path, "-o",
                                      tmp / "model.cc"], timeout)
            if rc != 0:
                record_failed_run(result, rc, stderr, timeout, replacements)
            else:
                v = non_tensor[0]
                result.status = "error"
                result.reason = (f"runner: '{v.name}' has {type_kind(v.type)}; raw "
                                 f"input/output files cannot carry it (halo compiles it)")
        else:
            sets = data_sets(case_dir)
            if not sets:
                result.status, result.reason = "error", "runner: no test_data_set_*"
            for ds in sets:
                ok, _ = run_data_set(halo, model_path, ds, tmp / ds.name, timeout,
                                     rtol, atol, result, replacements, model)
                if not ok:
                    if len(sets) > 1:
                        result.reason = f"{ds.name}: {result.reason}"
                    break
    result.seconds = time.monotonic() - start
    return result


# ---------------------------------------------------------------------------
# manifest
# ---------------------------------------------------------------------------

MANIFEST_HEADER = """\
# Expected failures of tests/conformance/run_conformance.py (ONNX backend node tests).
#
# Format: one case per line, `test_name  # reason`, sorted by name.  Every entry needs
# a reason: why the case fails today (unsupported operator or dtype, a known bug, ...).
# Lines starting with '#' and blank lines are ignored.
#
# `run_conformance.py --check` fails when a case outside this list does not pass, and
# when a case in this list passes (remove it).  `--update-manifest` rewrites the file
# from a run: it keeps the reasons written here for cases still failing, drops cases
# that pass, and uses the first line of the error for new entries (edit those into a
# real reason when you know it).
"""


def read_manifest(path):
    """{name: reason}; raises ValueError on malformed lines."""
    entries = {}
    if not path.is_file():
        return entries
    for lineno, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, reason = line.partition("#")
        name, reason = name.strip(), reason.strip()
        if not sep or not reason:
            raise ValueError(f"{path}:{lineno}: entry without a reason: {raw!r}")
        if not re.fullmatch(r"test_\w+", name):
            raise ValueError(f"{path}:{lineno}: not a test name: {name!r}")
        if name in entries:
            raise ValueError(f"{path}:{lineno}: duplicate entry {name}")
        entries[name] = reason
    return entries


def write_manifest(path, entries):
    width = max((len(n) for n in entries), default=0)
    lines = [MANIFEST_HEADER]
    lines += [f"{n.ljust(width)}  # {entries[n]}" for n in sorted(entries)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------

def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def percent(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def write_report(path, results, args, node_dir, sample):
    counted = [r for r in results if r.status != "excluded"]
    excluded = [r for r in results if r.status == "excluded"]
    passed = sum(r.status == "pass" for r in counted)
    by_op = collections.defaultdict(list)
    for r in counted:
        by_op[r.main_op].append(r)

    def tally(rs):
        return {
            "pass": sum(r.status == "pass" for r in rs),
            "wrong": sum(r.status == "fail" for r in rs),
            "unsupported": sum(r.unsupported for r in rs),
            "error": sum(r.status == "error" and not r.unsupported for r in rs),
            "timeout": sum(r.status == "timeout" for r in rs),
            "crash": sum(r.status == "crash" for r in rs),
        }

    t = tally(counted)
    out = ["# ONNX backend node tests: HALO conformance", "",
           "Generated by `tests/conformance/run_conformance.py`; do not edit by hand.",
           "Each case of the node tests shipped in the installed `onnx` package "
           f"(onnx {onnx.__version__}, `onnx/backend/test/data/node`) is run with "
           "`halo run` on the reference runtime and compared with the expected outputs "
           f"(rtol {RTOL:g}, atol {ATOL:g}; integers and bools exactly; NaNs at the same "
           "positions).", "",
           "Graph inputs that determine shapes or axes (the shape of Reshape, the axes of the "
           "reductions, the pads of Pad, Clip's bounds, ...: `SHAPE_OPERANDS` in the runner) "
           "are compiled into the model as constants from the test's data: HALO compiles "
           "ahead of time with static shapes and specializes on such inputs.", ""]
    out.append("Cases compared at a looser tolerance, with the reason: " + "; ".join(
        f"`{name}` (rtol {r:g}, atol {a:g}): {why}" for name, (r, a, why) in sorted(LOOSER_TOLERANCES.items())) + ".")
    out.append("")
    if node_dir != NODE_DIR:
        out += [f"Node test directory: `{node_dir.name}` (given with --node-dir).", ""]
    if args.filter:
        out += [f"Only the cases matching `--filter {args.filter}`.", ""]
    out += [f"**Overall: {passed} / {len(counted)} cases pass ({percent(passed, len(counted))})**, "
            f"excluding the {len(excluded)} cases listed at the end (string-only and "
            "training-only).", "",
            f"Not passing: {t['wrong']} wrong values, {t['unsupported']} unsupported "
            f"(exit 4), {t['error']} other errors, {t['timeout']} timeouts, "
            f"{t['crash']} crashes.", "",
            "A case counts under the operator it tests: the op of its single node, or "
            "for an expanded function test (`*_expanded`) the op of the unexpanded test.",
            "", "## Per operator", "",
            "| operator | passed | total | % | wrong values | unsupported | other error "
            "| timeout | crash |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for op in sorted(by_op, key=lambda s: (s.lower(), s)):
        rs = by_op[op]
        c = tally(rs)
        out.append(f"| {op} | {c['pass']} | {len(rs)} | {percent(c['pass'], len(rs))} | "
                   f"{c['wrong']} | {c['unsupported']} | {c['error']} | {c['timeout']} | "
                   f"{c['crash']} |")
    bad = [r for r in counted if r.status in ("fail", "timeout", "crash")]
    out += ["", "## Wrong values, timeouts and crashes", ""]
    if bad:
        out += ["| case | operator | status | detail |", "|---|---|---|---|"]
        for r in sorted(bad, key=lambda r: r.name):
            out.append(f"| {r.name} | {r.main_op} | {r.status} | {md_escape(r.reason)} |")
    else:
        out.append("None.")
    if sample is not None:
        out += ["", "## Emitted C++ sample", "",
                "The first passing case of each operator is also compiled with "
                "`halo -target cxx`, built with `g++ -std=c++11 -Wall -Werror`, linked "
                "with `model.bin` and `-lodla_reference`, run, and compared bit for bit "
                "with `halo run`.", "",
                f"{sum(ok for _, _, ok, _ in sample)} / {len(sample)} agree.", "",
                "| operator | case | result |", "|---|---|---|"]
        for op, name, ok, detail in sorted(sample, key=lambda s: (s[0].lower(), s[0])):
            out.append(f"| {op} | {name} | {'same bits' if ok else md_escape(detail)} |")
    out += ["", "## Excluded cases", ""]
    if excluded:
        out += ["| case | reason |", "|---|---|"]
        for r in sorted(excluded, key=lambda r: r.name):
            out.append(f"| {r.name} | {md_escape(r.reason)} |")
    else:
        out.append("None.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n")


# ---------------------------------------------------------------------------
# emitted C++ sample
# ---------------------------------------------------------------------------

DRIVER = r"""// Generated by tests/conformance/run_conformance.py: drives model_entry() from model.h.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "model.h"

namespace {{

[[maybe_unused]] bool ReadExact(const char* path, std::vector<unsigned char>* buf, size_t bytes) {{
  std::ifstream in(path, std::ios::binary);
  if (!in) {{
    std::fprintf(stderr, "driver: cannot open %s\n", path);
    return false;
  }}
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  if (data.size() != bytes) {{
    std::fprintf(stderr, "driver: %s has %lu bytes, expected %lu\n", path,
                 static_cast<unsigned long>(data.size()), static_cast<unsigned long>(bytes));
    return false;
  }}
  if (bytes > 0) std::memcpy(buf->data(), data.data(), bytes);
  return true;
}}

bool WriteAll(const char* path, const std::vector<unsigned char>& buf, size_t bytes) {{
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(bytes));
  out.close();
  if (!out) {{
    std::fprintf(stderr, "driver: cannot write %s\n", path);
    return false;
  }}
  return true;
}}

}}  // namespace

int main(int argc, char** argv) {{
  if (argc != {argc}) {{
    std::fprintf(stderr, "usage: %s {usage}\n", argv[0]);
    return 2;
  }}
  // Buffers hold at least one byte so that data() is never null; outputs start with
  // all bits set so that an output the model never writes is caught.
{buffers}
{reads}
  model_entry_init();
  model_entry({call});
  model_entry({call_again});
  model_entry_fini();
{checks}
{writes}
  return 0;
}}
"""

DECL = re.compile(r"void\s+model_entry\s*\((.*?)\)\s*;", re.S)
PARAM = re.compile(r"^(const\s+)?(.+?)\s*\b(\w+)\s*\[(.*)\]$", re.S)


def parse_entry_params(header_text):
    """[(c_type, is_const)] of model_entry's parameters, from model.h."""
    m = DECL.search(header_text)
    if not m:
        raise ValueError("model.h does not declare void model_entry(...)")
    params = []
    inner = m.group(1).strip()
    if inner in ("", "void"):
        return params
    for p in inner.split(","):
        pm = PARAM.match(p.strip())
        if not pm:
            raise ValueError(f"cannot parse parameter {p.strip()!r} of model_entry")
        params.append((pm.group(2).strip(), bool(pm.group(1))))
    return params


def write_driver(path, params, in_bytes, out_bytes):
    n_in, n_out = len(in_bytes), len(out_bytes)
    usage = " ".join([f"input_{i}.bin" for i in range(n_in)] +
                     [f"output_{i}.bin" for i in range(n_out)])
    buffers = [f"  std::vector<unsigned char> in_{i}({max(n, 1)});"
               for i, n in enumerate(in_bytes)]
    buffers += [f"  std::vector<unsigned char> out_{i}({max(n, 1)}, 0xff);\n"
                f"  std::vector<unsigned char> again_{i}({max(n, 1)}, 0xff);"
                for i, n in enumerate(out_bytes)]
    reads = [f"  if (!ReadExact(argv[{1 + i}], &in_{i}, {n})) return 1;"
             for i, n in enumerate(in_bytes)]
    checks = [f"  if (std::memcmp(out_{i}.data(), again_{i}.data(), {max(n, 1)}) != 0) {{\n"
              f"    std::fprintf(stderr, \"driver: the second call changed output {i}\\n\");\n"
              f"    return 1;\n  }}" for i, n in enumerate(out_bytes)]
    writes = [f"  if (!WriteAll(argv[{1 + n_in + i}], out_{i}, {n})) return 1;"
              for i, n in enumerate(out_bytes)]

    def args(out_prefix):
        a = []
        for i in range(n_in):
            ctype, _ = params[i]
            a.append(f"reinterpret_cast<const {ctype}*>(in_{i}.data())")
        for i in range(n_out):
            ctype, _ = params[n_in + i]
            a.append(f"reinterpret_cast<{ctype}*>({out_prefix}_{i}.data())")
        return ", ".join(a)

    path.write_text(DRIVER.format(
        argc=1 + n_in + n_out, usage=usage, buffers="\n".join(buffers),
        reads="\n".join(reads), call=args("out"), call_again=args("again"),
        checks="\n".join(checks), writes="\n".join(writes)))


def cmd_ok(cmd, what, timeout=300):
    """Runs cmd; returns None on success, else a one-line description."""
    try:
        p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"{what}: timeout after {timeout} s"
    if p.returncode != 0:
        msg = (p.stderr.strip() or p.stdout.strip()).splitlines()
        rc = signal_name(p.returncode) if p.returncode < 0 else f"exit {p.returncode}"
        return f"{what} failed ({rc}): {msg[0] if msg else '(no output)'}"
    return None


def emitted_case(prefix, case_dir, work, timeout):
    """halo run vs the emitted C++ program on data set 0; None if same bits."""
    halo = prefix / "bin" / "halo"
    model_path = case_dir / "model.onnx"
    ds = data_sets(case_dir)[0]
    work.mkdir(parents=True)
    in_files = []
    model = onnx.load(str(model_path))
    keep = None
    frozen = shape_inputs(model, case_dir)
    if frozen:  # the same specialization as the numeric run
        model_path = work / "model.onnx"
        keep = specialize(model, ds, frozen, model_path)
    for k, pb in enumerate(numbered(ds, "input")):
        if keep is not None and k not in keep:
            continue
        p = work / f"input_{k}.bin"
        p.write_bytes(raw_bytes(onnx.load_tensor(str(pb))))
        in_files.append(p)
    run_dir = work / "run"
    rc, stdout, stderr = run_halo([halo, "run", model_path, *[f"--input={p}" for p in in_files],
                                   f"--output-dir={run_dir}"], timeout)
    if rc != 0:
        return f"halo run: {rc}: {first_stderr_line(stderr, [(str(work), '<tmp>')])}"
    printed = {}
    for line in stdout.splitlines():
        m = OUTPUT_LINE.match(line.strip())
        if m:
            printed[int(m.group(1))] = Path(m.group(5))
    ran = [run_dir / f"output_{i}.bin" for i in range(len(printed))]
    out = work / "emit"
    err = cmd_ok([halo, "-target", "cxx", model_path, "-o", out / "model.cc",
                  "--entry-func-name=model_entry"], "halo -target cxx", timeout)
    if err:
        return err
    try:
        params = parse_entry_params((out / "model.h").read_text())
    except ValueError as e:
        return str(e)
    if len(params) != len(in_files) + len(ran):
        return (f"model_entry has {len(params)} parameters, expected "
                f"{len(in_files)} inputs + {len(ran)} outputs")
    write_driver(out / "driver.cc", params, [p.stat().st_size for p in in_files],
                 [p.stat().st_size for p in ran])
    cxx = os.environ.get("CXX", "g++")
    flags = ["-std=c++11", "-Wall", "-Werror"]
    libdir = prefix / "lib" / "ODLA"
    for cmd, what in [
        ([cxx, *flags, "-c", out / "model.cc", "-o", out / "model.o", f"-I{prefix / 'include'}"],
         "compiling model.cc"),
        ([cxx, *flags, "-c", out / "driver.cc", "-o", out / "driver.o", f"-I{out}"],
         "compiling driver.cc"),
        ([cxx, "-o", out / "driver", out / "driver.o", out / "model.o", out / "model.bin",
          f"-L{libdir}", "-lodla_reference", f"-Wl,-rpath={libdir}"], "linking"),
    ]:
        err = cmd_ok(cmd, what)
        if err:
            return err
    compiled = [out / f"compiled_{i}.bin" for i in range(len(ran))]
    try:
        p = subprocess.run([str(out / "driver"), *map(str, in_files), *map(str, compiled)],
                           capture_output=True, text=True, errors="replace",
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"the compiled program timed out after {timeout} s"
    if p.returncode != 0 or p.stderr.strip():
        rc = signal_name(p.returncode) if p.returncode < 0 else f"exit {p.returncode}"
        first = (p.stderr.strip().splitlines() or ["(no stderr)"])[0]
        return f"the compiled program failed ({rc}): {first}"
    for i, (a, b) in enumerate(zip(ran, compiled)):
        da, db = a.read_bytes(), b.read_bytes()
        if da != db:
            diff = next((k for k in range(min(len(da), len(db))) if da[k] != db[k]),
                        min(len(da), len(db)))
            return (f"output {i}: compiled program and halo run differ "
                    f"({len(db)} vs {len(da)} bytes, first differing byte {diff})")
    return None


def find_prefix(halo, tmp):
    """An installed prefix for headers and libodla_reference: halo's own prefix if
    it is one, else `cmake --install` of halo's build directory into tmp."""
    root = halo.resolve().parent.parent
    if (root / "include" / "ODLA" / "odla.h").is_file() and \
            (root / "lib" / "ODLA" / "libodla_reference.so").is_file():
        return root
    if not (root / "CMakeCache.txt").is_file():
        raise RuntimeError(f"{halo} is neither in an installed prefix nor in a CMake "
                           "build directory")
    dest = tmp / "prefix"
    err = cmd_ok(["cmake", "--install", root, "--prefix", dest], "cmake --install")
    if err:
        raise RuntimeError(err)
    return dest


def emitted_sample(results, halo, node_dir, jobs, timeout):
    """[(op, case, ok, detail)] for the first passing case of each operator."""
    first = {}
    for r in sorted(results, key=lambda r: r.name):
        if r.status == "pass" and r.main_op not in first:
            first[r.main_op] = r.name
    sample = []
    with tempfile.TemporaryDirectory(prefix="conf_emitted_") as tmp:
        tmp = Path(tmp)
        prefix = find_prefix(halo, tmp)
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(emitted_case, prefix, node_dir / name, tmp / name,
                                   timeout): (op, name) for op, name in first.items()}
            for f in concurrent.futures.as_completed(futures):
                op, name = futures[f]
                try:
                    detail = f.result()
                except Exception as e:  # noqa: BLE001 - report, do not abort the run
                    detail = f"runner: {type(e).__name__}: {e}"
                sample.append((op, name, detail is None, detail or ""))
    return sample


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--halo", type=Path, default=DEFAULT_BUILD / "bin" / "halo",
                    help="the halo binary (default: $HALO_BUILD_DIR/bin/halo or "
                         "<repo>/build/bin/halo)")
    ap.add_argument("--node-dir", type=Path, default=NODE_DIR,
                    help="directory of node test cases (default: the installed onnx's)")
    ap.add_argument("--filter", help="only cases whose name matches this regex (re.search)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel cases (default 2)")
    ap.add_argument("--timeout", type=float, default=60.0,
                    help="seconds per halo invocation (default 60)")
    ap.add_argument("--report", default=str(DEFAULT_REPORT),
                    help="markdown report to write ('' to skip; default %(default)s)")
    ap.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST,
                    help="expected failures (default %(default)s)")
    ap.add_argument("--update-manifest", action="store_true",
                    help="rewrite the manifest from this run's failures")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 on a failure outside the manifest or a pass inside it")
    ap.add_argument("--emitted-sample", action="store_true",
                    help="also build the first passing case of each operator from the "
                         "emitted C++ and require the same bits as halo run")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args(argv)

    halo = args.halo.resolve()
    if not halo.is_file():
        print(f"run_conformance: {halo} not found; build it (ninja -C build halo "
              "odla_reference) or pass --halo / set HALO_BUILD_DIR", file=sys.stderr)
        return 2
    node_dir = args.node_dir.resolve()
    cases = sorted(p for p in node_dir.iterdir() if (p / "model.onnx").is_file()) \
        if node_dir.is_dir() else []
    if args.filter:
        try:
            pattern = re.compile(args.filter)
        except re.error as e:
            print(f"run_conformance: bad --filter: {e}", file=sys.stderr)
            return 2
        cases = [c for c in cases if pattern.search(c.name)]
    if not cases:
        print(f"run_conformance: no cases in {node_dir}"
              f"{' matching ' + args.filter if args.filter else ''}", file=sys.stderr)
        return 2
    try:
        manifest = read_manifest(args.manifest)
    except ValueError as e:
        print(f"run_conformance: {e}", file=sys.stderr)
        return 2

    print(f"run_conformance: {len(cases)} cases from {node_dir} (onnx {onnx.__version__}), "
          f"halo {halo}, {args.jobs} jobs", flush=True)
    start = time.monotonic()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_case, c, halo, args.timeout) for c in cases]
        for done, f in enumerate(concurrent.futures.as_completed(futures), 1):
            r = f.result()
            results.append(r)
            if args.verbose:
                print(f"  {r.name}: {r.status}{' (' + r.reason + ')' if r.reason else ''}",
                      flush=True)
            if done % 100 == 0 or done == len(cases):
                print(f"[{done}/{len(cases)}] {time.monotonic() - start:.1f} s", flush=True)
    results.sort(key=lambda r: r.name)
    elapsed = time.monotonic() - start

    counted = [r for r in results if r.status != "excluded"]
    passed = [r for r in counted if r.status == "pass"]
    failed = [r for r in counted if r.status != "pass"]
    excluded = [r for r in results if r.status == "excluded"]

    sample = None
    exit_code = 0
    if args.emitted_sample:
        sample = emitted_sample(results, halo, node_dir, max(1, args.jobs), args.timeout)
        bad = [s for s in sample if not s[2]]
        print(f"emitted sample: {len(sample) - len(bad)} / {len(sample)} operators agree "
              "bit for bit with halo run")
        for op, name, _, detail in sorted(bad):
            print(f"  EMITTED MISMATCH {name} ({op}): {detail}")
        if bad:
            exit_code = 1

    if args.report:
        write_report(Path(args.report), results, args, node_dir, sample)
        print(f"report: {args.report}")

    if args.update_manifest:
        run_names = {r.name for r in results}
        updated = {n: why for n, why in manifest.items() if n not in run_names}
        for r in failed:
            updated[r.name] = manifest.get(r.name) or r.reason
        write_manifest(args.manifest, updated)
        print(f"manifest: {args.manifest} ({len(updated)} entries)")

    if args.check:
        problems = []
        for r in failed:
            if r.name not in manifest:
                problems.append(f"unexpected failure: {r.name} ({r.main_op}): {r.reason}")
        for r in passed:
            if r.name in manifest:
                problems.append(f"unexpected pass: {r.name} ({r.main_op}): remove it "
                                "from the manifest")
        for r in excluded:
            if r.name in manifest:
                problems.append(f"excluded case in the manifest: {r.name}: remove it")
        stale = sorted(set(manifest) - {r.name for r in results})
        if stale and not args.filter:
            print(f"note: {len(stale)} manifest entries name no case here: "
                  f"{', '.join(stale[:10])}{' ...' if len(stale) > 10 else ''}")
        if problems:
            print(f"check FAILED ({len(problems)} problems, manifest {args.manifest}):")
            for p in problems:
                print(f"  {p}")
            exit_code = 1
        else:
            print(f"check ok: every failure is in {args.manifest}, no listed case passes")

    print(f"{len(excluded)} excluded (string-only / training-only), "
          f"{sum(r.unsupported for r in failed)} unsupported (exit 4), "
          f"{sum(r.status == 'fail' for r in failed)} wrong values, "
          f"{sum(r.status == 'error' and not r.unsupported for r in failed)} other errors, "
          f"{sum(r.status == 'timeout' for r in failed)} timeouts, "
          f"{sum(r.status == 'crash' for r in failed)} crashes; {elapsed:.1f} s")
    print(f"{len(passed)} passed, {len(failed)} failed")
    print(f"conformance: {percent(len(passed), len(counted))} of {len(counted)} cases")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
