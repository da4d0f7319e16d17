"""onnx_from_text.py - writes a binary ONNX model from ONNX's textual syntax.

Used by lit tests that need a binary .onnx file (halo reads .onnxtxt itself, but with the
system's older ONNX parser; the venv's onnx package also accepts node names `[name] y = Op(x)`).

  onnx_from_text.py IN.onnxtxt OUT.onnx [--truncate N] [--no-check]

--truncate N keeps only the first N bytes (a negative N drops the last -N bytes), to make
a damaged model. The model is checked with onnx.checker unless --no-check is given.
"""
import argparse
import sys

import onnx
import onnx.checker
import onnx.parser


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--truncate", type=int, default=None)
    ap.add_argument("--no-check", action="store_true")
    a = ap.parse_args()
    with open(a.input, encoding="utf-8") as f:
        model = onnx.parser.parse_model(f.read())
    if not a.no_check:
        onnx.checker.check_model(model)
    data = model.SerializeToString()
    if a.truncate is not None:
        data = data[: a.truncate]
    with open(a.output, "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
