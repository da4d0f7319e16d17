#!/usr/bin/env python3
"""Builds the small ONNX models used by the end-to-end tests (tests/e2e).

Why this file exists: the e2e tests compile models with `halo`, build the emitted
C/C++ with the system compiler, run them and compare against onnxruntime.  The
models are generated here with onnx.helper (seeded weights, float32, static
shapes) instead of being committed, and each one comes with seeded input data and
onnxruntime's reference outputs:

  OUT/NAME.onnx                  the model
  OUT/NAME.input_K.bin           graph input K (raw little-endian float32)
  OUT/NAME.ref_output_K.bin      onnxruntime's graph output K (raw float32)
  OUT/manifest.json              names, shapes and file names of all of the above

Usage: make_models.py OUT_DIR [--only NAME ...]
Running it twice writes byte-identical files.
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT


class Builder:
    """Collects nodes and seeded float32 initializers for one graph."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes = []
        self.inits = []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, scale=0.3, low=None, high=None):
        if low is not None:
            data = self.rng.uniform(low, high, size=shape)
        else:
            data = self.rng.normal(0.0, scale, size=shape)
        return self.const(name, data.astype(np.float32))

    def node(self, op, inputs, outputs, **attrs):
        name = f"{op.lower()}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def model(self, name, inputs, outputs, opset=13):
        graph = helper.make_graph(
            self.nodes, name,
            [helper.make_tensor_value_info(n, FLOAT, s) for n, s in inputs],
            [helper.make_tensor_value_info(n, FLOAT, s) for n, s in outputs],
            initializer=self.inits)
        model = helper.make_model(graph, producer_name="halo-tests-e2e",
                                  opset_imports=[helper.make_opsetid("", opset)])
        model.ir_version = 7
        onnx.checker.check_model(model, full_check=True)
        return model


def make_mlp():
    """x[2,16] -> Gemm(transB) -> Relu -> MatMul -> Add -> Sigmoid -> MatMul
    -> Tanh -> Softmax -> y[2,10]."""
    b = Builder(seed=101)
    h = b.node("Gemm", ["x", b.weight("w1", [32, 16]), b.weight("b1", [32])],
               ["gemm"], transB=1)
    h = b.node("Relu", [h], ["relu"])
    h = b.node("MatMul", [h, b.weight("w2", [32, 24])], ["matmul"])
    h = b.node("Add", [h, b.weight("b2", [24])], ["add"])
    h = b.node("Sigmoid", [h], ["sigmoid"])
    h = b.node("MatMul", [h, b.weight("w3", [24, 10], scale=1.0)], ["matmul_1"])
    h = b.node("Tanh", [h], ["tanh"])
    b.node("Softmax", [h], ["y"], axis=-1)
    return b.model("mlp", [("x", [2, 16])], [("y", [2, 10])])


def make_cnn():
    """x[1,3,16,16] -> Conv -> BatchNormalization -> Relu -> MaxPool -> two
    branches (Conv 1x1 -> LeakyRelu, grouped Conv 3x3 -> Clip) -> Concat ->
    dilated Conv 3x3 -> AveragePool -> Flatten -> Gemm -> Softmax -> y[1,10]."""
    b = Builder(seed=202)
    h = b.node("Conv", ["x", b.weight("conv0_w", [8, 3, 3, 3]),
                        b.weight("conv0_b", [8])], ["conv0"],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1])
    h = b.node("BatchNormalization",
               [h, b.weight("bn_scale", [8], low=0.5, high=1.5),
                b.weight("bn_bias", [8], scale=0.1),
                b.weight("bn_mean", [8], scale=0.1),
                b.weight("bn_var", [8], low=0.5, high=2.0)],
               ["bn"], epsilon=1e-5)
    h = b.node("Relu", [h], ["relu"])
    h = b.node("MaxPool", [h], ["maxpool"], kernel_shape=[2, 2], strides=[2, 2])
    # Branch A: pointwise conv, LeakyRelu.
    a = b.node("Conv", [h, b.weight("conv1_w", [4, 8, 1, 1]),
                        b.weight("conv1_b", [4])], ["conv1"], kernel_shape=[1, 1])
    a = b.node("LeakyRelu", [a], ["leaky"], alpha=0.1)
    # Branch B: grouped 3x3 conv without bias, Clip with initializer bounds.
    c = b.node("Conv", [h, b.weight("conv2_w", [4, 4, 3, 3])], ["conv2"],
               kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=2)
    c = b.node("Clip", [c, b.const("clip_min", np.float32(-0.5)),
                        b.const("clip_max", np.float32(0.75))], ["clip"])
    h = b.node("Concat", [a, c], ["concat"], axis=1)  # [1,8,8,8]
    h = b.node("Conv", [h, b.weight("conv3_w", [8, 8, 3, 3]),
                        b.weight("conv3_b", [8])], ["conv3"],
               kernel_shape=[3, 3], pads=[2, 2, 2, 2], dilations=[2, 2])
    h = b.node("AveragePool", [h], ["avgpool"], kernel_shape=[2, 2], strides=[2, 2])
    h = b.node("Flatten", [h], ["flatten"], axis=1)  # [1,128]
    h = b.node("Gemm", [h, b.weight("fc_w", [128, 10], scale=0.1),
                        b.weight("fc_b", [10])], ["fc"])
    b.node("Softmax", [h], ["y"], axis=-1)
    return b.model("cnn", [("x", [1, 3, 16, 16])], [("y", [1, 10])])


def make_broadcast():
    """Two inputs a[2,3,4], b[3,1]; Add/Sub/Mul/Div against [4], [3,1],
    [1,3,1], [2,1,4] and scalars; two outputs y[2,3,4], z[3,4]."""
    bl = Builder(seed=303)
    h = bl.node("Add", ["a", bl.weight("c4", [4])], ["add_row"])           # [2,3,4]
    h = bl.node("Sub", [h, "b"], ["sub_col"])                              # [2,3,4]
    h = bl.node("Mul", [bl.weight("c131", [1, 3, 1]), h], ["mul_mid"])    # [2,3,4]
    h = bl.node("Div", [h, bl.weight("c214", [2, 1, 4], low=0.5, high=2.0)],
                ["div_outer"])                                             # [2,3,4]
    h = bl.node("Add", [h, bl.const("half", np.float32(0.5))], ["add_scalar"])
    bl.node("Sub", [bl.const("three", np.float32(3.0)), h], ["y"])         # [2,3,4]
    z = bl.node("Mul", ["b", bl.weight("d4", [4])], ["outer"])             # [3,4]
    z = bl.node("Div", [z, bl.const("two", np.float32(2.0))], ["div_scalar"])
    bl.node("Sub", [z, "b"], ["z"])                                        # [3,4]
    return bl.model("broadcast", [("a", [2, 3, 4]), ("b", [3, 1])],
                    [("y", [2, 3, 4]), ("z", [3, 4])])


def make_transpose_reshape():
    """x[2,3,4,5] -> Transpose(0,2,3,1) -> Reshape([0,-1,3]) -> Identity ->
    Dropout (inference) -> y[2,20,3]."""
    b = Builder(seed=404)
    h = b.node("Transpose", ["x"], ["transpose"], perm=[0, 2, 3, 1])     # [2,4,5,3]
    h = b.node("Reshape", [h, b.const("shape", np.array([0, -1, 3], np.int64))],
               ["reshape"])                                              # [2,20,3]
    h = b.node("Identity", [h], ["identity"])
    b.node("Dropout", [h, b.const("ratio", np.float32(0.25))], ["y"])
    return b.model("transpose_reshape", [("x", [2, 3, 4, 5])], [("y", [2, 20, 3])])


def make_softmax_opset11():
    """Opset 11 Softmax(axis=1) on [2,3,4]: coerced to [2,12], normalized over
    the last 12 elements of each batch, not over axis 1 alone."""
    b = Builder(seed=505)
    b.node("Softmax", ["x"], ["y"], axis=1)
    return b.model("softmax_opset11", [("x", [2, 3, 4])], [("y", [2, 3, 4])],
                   opset=11)


def make_clip_opset9():
    """Opset 9 Clip with min/max attributes (and one with only max)."""
    b = Builder(seed=606)
    b.node("Clip", ["x"], ["y"], min=-0.5, max=0.5)
    b.node("Clip", ["x"], ["z"], max=0.25)
    return b.model("clip_opset9", [("x", [2, 3, 4])],
                   [("y", [2, 3, 4]), ("z", [2, 3, 4])], opset=9)


MODELS = {
    "mlp": make_mlp,
    "cnn": make_cnn,
    "broadcast": make_broadcast,
    "transpose_reshape": make_transpose_reshape,
    "softmax_opset11": make_softmax_opset11,
    "clip_opset9": make_clip_opset9,
}


def static_shape(value_info):
    return [d.dim_value for d in value_info.type.tensor_type.shape.dim]


def run_reference(model_path, feeds):
    """Runs the model with onnxruntime, graph optimizations off so the reference
    is the plain op-by-op result."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    sess = ort.InferenceSession(model_path, opts, providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def write_model(name, model, out_dir, seed):
    """Saves the model, seeded inputs and onnxruntime outputs; returns the
    manifest entry."""
    model_path = os.path.join(out_dir, f"{name}.onnx")
    with open(model_path, "wb") as f:
        f.write(model.SerializeToString(deterministic=True))
    rng = np.random.default_rng(seed)
    entry = {"name": name, "model": f"{name}.onnx",
             "opset": model.opset_import[0].version, "inputs": [], "outputs": []}
    feeds = {}
    for k, vi in enumerate(model.graph.input):
        data = rng.normal(0.0, 1.0, size=static_shape(vi)).astype(np.float32)
        feeds[vi.name] = data
        fname = f"{name}.input_{k}.bin"
        data.astype("<f4").tofile(os.path.join(out_dir, fname))
        entry["inputs"].append({"name": vi.name, "shape": list(data.shape),
                                "dtype": "float32", "file": fname})
    results = run_reference(model_path, feeds)
    for k, (vi, data) in enumerate(zip(model.graph.output, results)):
        assert list(data.shape) == static_shape(vi), (name, vi.name, data.shape)
        fname = f"{name}.ref_output_{k}.bin"
        np.ascontiguousarray(data, dtype="<f4").tofile(os.path.join(out_dir, fname))
        entry["outputs"].append({"name": vi.name, "shape": list(data.shape),
                                 "dtype": "float32", "file": fname})
    return entry


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="directory to write the models into")
    parser.add_argument("--only", action="append", choices=sorted(MODELS),
                        help="build only this model (repeatable)")
    args = parser.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    names = args.only or list(MODELS)
    manifest = []
    for name in names:
        model = MODELS[name]()
        manifest.append(write_model(name, model, args.out_dir,
                                    seed=1000 + list(MODELS).index(name)))
        print(f"{name}: opset {manifest[-1]['opset']}, "
              f"{len(model.graph.node)} nodes -> {name}.onnx")
    with open(os.path.join(args.out_dir, "manifest.json"), "w") as f:
        json.dump({"models": manifest}, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
