"""Compiled models called from many threads at once must give, for every call, exactly
the single-threaded result: through the entry function (contexts from its pool) and
through the re-entrant _run variant with one explicit context per thread.

Uses the MNIST demo model (models/vision/classification/mnist_simple); inputs are the
held-out digits. Build dir from HALO_BUILD_DIR (default <repo>/build).
"""
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("HALO_BUILD_DIR", REPO / "build"))
MNIST = REPO / "models" / "vision" / "classification" / "mnist_simple"

DRIVER = r"""
#include <cstdio>
#include <cstring>
#include <fstream>
#include <thread>
#include <vector>

#include <ODLA/odla.h>
#include "model.h"

int main(int argc, char** argv) {
  std::ifstream f(argv[1], std::ios::binary);
  std::vector<unsigned char> pixels((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const int n = static_cast<int>(pixels.size() / 784);
  if (n == 0) return 2;
  std::vector<float> images(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) images[i] = pixels[i] / 255.0f;
  // Single-threaded reference results.
  std::vector<float> want(static_cast<size_t>(n) * 10);
  for (int i = 0; i < n; ++i) mnist_simple(&images[i * 784], &want[i * 10]);
  const int kThreads = 8, kIters = 1500;
  std::vector<int> bad(kThreads, 0);
  auto check = [&](int t, bool explicit_context) {
    odla_context ctx = explicit_context ? mnist_simple_create_context() : nullptr;
    if (explicit_context && !ctx) { bad[t] = -1; return; }
    float out[10];
    for (int k = 0; k < kIters; ++k) {
      int i = (k * 7919 + t * 104729) % n;
      if (explicit_context) {
        if (mnist_simple_run(ctx, &images[i * 784], out) != 0) { ++bad[t]; continue; }
      } else {
        mnist_simple(&images[i * 784], out);
      }
      if (std::memcmp(out, &want[i * 10], sizeof out) != 0) ++bad[t];
    }
    if (ctx) mnist_simple_destroy_context(ctx);
  };
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) threads.emplace_back(check, t, pass == 1);
    for (auto& th : threads) th.join();
    for (int t = 0; t < kThreads; ++t)
      if (bad[t]) { std::printf("pass %d thread %d: %d mismatches\n", pass, t, bad[t]); return 1; }
  }
  mnist_simple_fini();
  std::printf("ok %d threads x %d calls x 2 ways\n", kThreads, kIters);
  return 0;
}
"""


def run(cmd, **kw):
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert p.returncode == 0, f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}"
    return p


@pytest.mark.parametrize("target", ["cxx", "cc"])
def test_concurrent_calls_match_single_thread(tmp_path, target):
    halo = BUILD / "bin" / "halo"
    assert halo.is_file(), f"{halo} not built (make build)"
    prefix = tmp_path / "prefix"
    run(["cmake", "--install", BUILD, "--prefix", prefix])
    out = tmp_path / "out"
    src = out / ("model.c" if target == "cc" else "model.cc")
    run([prefix / "bin" / "halo", "-target", target, MNIST / "mnist_simple.onnx", "-o", src])
    compiler = ["gcc", "-std=c99"] if target == "cc" else ["g++", "-std=c++11"]
    run([*compiler, "-Wall", "-Werror", "-c", src, f"-I{prefix / 'include'}", "-o", out / "model.o"])
    (tmp_path / "driver.cc").write_text(DRIVER)
    run(["g++", "-std=c++11", "-Wall", "-Werror", "-pthread", "-c", tmp_path / "driver.cc",
         f"-I{out}", f"-I{prefix / 'include'}", "-o", tmp_path / "driver.o"])
    exe = tmp_path / "driver"
    run(["g++", "-pthread", "-o", exe, tmp_path / "driver.o", out / "model.o", out / "model.bin",
         f"-L{prefix / 'lib' / 'ODLA'}", "-lodla_reference", f"-Wl,-rpath={prefix / 'lib' / 'ODLA'}"])
    p = run([exe, MNIST / "test_images.bin"], timeout=600)
    assert p.stdout.startswith("ok 8 threads"), p.stdout
