#!/usr/bin/env python3
"""Builds mnist_simple.onnx: a softmax regression (784 -> 10) on handwritten digits.

Why this file exists: the seed's MNIST demo compiles a tiny "x -> MatMul -> Add ->
Softmax -> y" model with HALO and measures its accuracy from a C++ app.  We cannot
download MNIST, so this script trains the same architecture on scikit-learn's
bundled 8x8 digits (upscaled to 28x28) with plain NumPy and exports it with
onnx.helper.  Running it twice produces byte-identical files.

Outputs (next to this script unless --out-dir is given):
  mnist_simple.onnx   the model: input "x" float[1,784], output "y" float[1,10]
  test_images.bin     held-out images, uint8 0..255, N*784 row-major
  test_labels.bin     held-out labels, uint8, N
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

SEED = 1234
NUM_TEST = 500
SIDE = 28
EPOCHS = 300
LEARNING_RATE = 0.5
WEIGHT_DECAY = 1e-4


def upscale_bilinear(images, side):
    """Resizes [N, h, w] images to [N, side, side] with bilinear interpolation
    (pixel centres aligned, edge values clamped)."""
    n, h, w = images.shape

    def coords(src, dst):
        pos = (np.arange(dst, dtype=np.float64) + 0.5) * src / dst - 0.5
        pos = np.clip(pos, 0.0, src - 1.0)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, src - 1)
        return lo, hi, pos - lo

    y0, y1, fy = coords(h, side)
    x0, x1, fx = coords(w, side)
    top = images[:, y0, :][:, :, x0] * (1 - fx) + images[:, y0, :][:, :, x1] * fx
    bot = images[:, y1, :][:, :, x0] * (1 - fx) + images[:, y1, :][:, :, x1] * fx
    return top * (1 - fy)[None, :, None] + bot * fy[None, :, None]


def load_data():
    """Returns (train_u8, train_labels, test_u8, test_labels); images are
    uint8 [N, 784]."""
    digits = load_digits()
    images = digits.images.astype(np.float64) / 16.0  # [N, 8, 8] in [0, 1]
    big = upscale_bilinear(images, SIDE).reshape(len(images), SIDE * SIDE)
    pixels = np.clip(np.rint(big * 255.0), 0, 255).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    order = np.random.default_rng(SEED).permutation(len(pixels))
    test_idx, train_idx = order[:NUM_TEST], order[NUM_TEST:]
    return pixels[train_idx], labels[train_idx], pixels[test_idx], labels[test_idx]


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def train(x, labels):
    """Full-batch gradient descent on the cross-entropy of softmax(x W + b)."""
    rng = np.random.default_rng(SEED)
    w = rng.normal(0.0, 0.01, size=(x.shape[1], 10))
    b = np.zeros((1, 10))
    onehot = np.eye(10)[labels]
    for _ in range(EPOCHS):
        p = softmax(x @ w + b)
        grad = (p - onehot) / len(x)
        w -= LEARNING_RATE * (x.T @ grad + WEIGHT_DECAY * w)
        b -= LEARNING_RATE * grad.sum(axis=0, keepdims=True)
    return w.astype(np.float32), b.astype(np.float32)


def build_model(w, b):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, SIDE * SIDE])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])
    nodes = [
        helper.make_node("MatMul", ["x", "V"], ["MatMul"], name="MatMul"),
        helper.make_node("Add", ["MatMul", "V1"], ["add"], name="add"),
        helper.make_node("Softmax", ["add"], ["y"], name="y", axis=-1),
    ]
    graph = helper.make_graph(
        nodes, "mnist_simple", [x], [y],
        initializer=[numpy_helper.from_array(w, "V"),
                     numpy_helper.from_array(b, "V1")])
    model = helper.make_model(
        graph, producer_name="halo-models-mnist_simple",
        opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    return model


def ort_accuracy(model_path, pixels, labels):
    import onnxruntime as ort
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    x = pixels.astype(np.float32) / 255.0
    correct = 0
    for i in range(len(x)):
        (y,) = sess.run(None, {"x": x[i:i + 1]})
        correct += int(np.argmax(y) == labels[i])
    return correct / len(x)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)

    train_px, train_lab, test_px, test_lab = load_data()
    # Train on exactly what the demo feeds the model: uint8 pixels / 255.
    w, b = train(train_px.astype(np.float64) / 255.0, train_lab)

    model_path = os.path.join(args.out_dir, "mnist_simple.onnx")
    with open(model_path, "wb") as f:
        f.write(build_model(w, b).SerializeToString(deterministic=True))
    test_px.tofile(os.path.join(args.out_dir, "test_images.bin"))
    test_lab.tofile(os.path.join(args.out_dir, "test_labels.bin"))

    train_acc = ort_accuracy(model_path, train_px, train_lab)
    test_acc = ort_accuracy(model_path, test_px, test_lab)
    print(f"train: {len(train_px)} images, accuracy {train_acc:.4f} (onnxruntime)")
    print(f"test:  {len(test_px)} images, accuracy {test_acc:.4f} (onnxruntime)")
    if test_acc < 0.90:
        print("error: held-out accuracy below 0.90", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
