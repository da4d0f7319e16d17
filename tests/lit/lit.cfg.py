# lit.cfg.py - configuration of HALO's IR-text test tier (lit + FileCheck).
#
# Run:  .venv/bin/lit -v tests/lit
# The tools come from $HALO_BUILD_DIR/bin (default: build/ at the top of the repository);
# FileCheck, `not` and `count` from LLVM 14. Substitutions: %halo, %halo-opt (full
# paths), %python (the repository's .venv Python, which has the onnx package, else
# python3) and two helpers under Inputs/: %onnx-from-text, %check-emitted-names.
# Features: `readelf`, and `onnx-python` when %python can import onnx.
# Outputs (%t) go under $HALO_BUILD_DIR/tests/lit, not into the source tree.
import os
import shutil
import subprocess

import lit.formats

config.name = "HALO"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".hir", ".onnxtxt", ".test"]
config.excludes = ["lit.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))

repo_root = os.path.dirname(os.path.dirname(config.test_source_root))
build_dir = os.environ.get("HALO_BUILD_DIR", os.path.join(repo_root, "build"))
build_dir = os.path.abspath(build_dir)
config.test_exec_root = os.path.join(build_dir, "tests", "lit")

tools_dir = os.path.join(build_dir, "bin")
halo = os.path.join(tools_dir, "halo")
halo_opt = os.path.join(tools_dir, "halo-opt")
for tool in (halo, halo_opt):
    if not os.path.isfile(tool) or not os.access(tool, os.X_OK):
        lit_config.fatal(
            "HALO tool not found: %s (build it with `ninja -C %s halo halo-opt`, "
            "or point HALO_BUILD_DIR at a build directory)" % (tool, build_dir))

llvm_bin = "/usr/lib/llvm-14/bin"
for tool in ("FileCheck", "not", "count"):
    if not os.path.isfile(os.path.join(llvm_bin, tool)):
        lit_config.fatal("%s not found in %s (apt-get install llvm-14-tools)" % (tool, llvm_bin))

# Tools some tests need. `make test` installs them, so a missing one is an error, never
# a silently skipped test.
if not shutil.which("readelf"):
    lit_config.fatal("readelf not found (apt-get install binutils)")
config.available_features.add("readelf")

venv_python = os.path.join(repo_root, ".venv", "bin", "python")
python = venv_python if os.path.isfile(venv_python) else (shutil.which("python3") or "python3")

if subprocess.run([python, "-c", "import onnx"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
    lit_config.fatal("%s cannot import onnx (run scripts/setup.sh)" % python)
config.available_features.add("onnx-python")

path = os.pathsep.join([llvm_bin, tools_dir, os.environ.get("PATH", "")])
config.environment["PATH"] = path
# Deterministic, locale-independent output from the tools and the shell.
config.environment["LC_ALL"] = "C"

# Longest first, so that %halo does not eat the start of %halo-opt.
config.substitutions.append(("%halo-opt", halo_opt))
config.substitutions.append(("%halo", halo))
# Include flags for the ODLA headers as built (hand-written plus generated odla_ops.h).
config.substitutions.append(("%odla-includes", "-I%s -I%s" % (os.path.join(repo_root, "include"),
                                                               os.path.join(build_dir, "generated"))))
config.substitutions.append(("%python", python))
# Binary .onnx files for tests, from ONNX text (see Inputs/onnx_from_text.py).
config.substitutions.append(
    ("%onnx-from-text", "%s %s" % (python, os.path.join(config.test_source_root, "Inputs", "onnx_from_text.py"))))
# Name-clash checks on generated sources (see Inputs/check_emitted_names.py).
config.substitutions.append(
    ("%check-emitted-names", "%s %s" % (python, os.path.join(config.test_source_root, "Inputs", "check_emitted_names.py"))))
