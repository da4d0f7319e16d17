// kernels_rnn_test.cc - LSTM, GRU and RNN against the ONNX equations written out here
// for a hidden size of 1 (so every matrix product is a scalar product), step by step.
#include <functional>

#include "kernel_harness.h"

namespace halo_test {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

TEST(KernelsRnn, ForwardTanhWithBiasAndInitialState) {
  // input_size 2, hidden 1, seq 3, batch 1: h_t = tanh(w.x_t + r h_{t-1} + wb + rb).
  std::vector<float> x = {0.5f, -1.0f, 2.0f, 0.25f, -0.5f, 1.5f};
  const double w0 = 0.3, w1 = -0.7, r = 0.9, wb = 0.1, rb = -0.2, h0 = 0.4;
  Result res = run(OpKind::RNN,
                   {f32({3, 1, 2}, x), f32({1, 1, 2}, {0.3f, -0.7f}), f32({1, 1, 1}, {0.9f}),
                    f32({1, 2}, {0.1f, -0.2f}), absent(), f32({1, 1, 1}, {0.4f})});
  ASSERT_EQ(res.error, "");
  EXPECT_EQ(res.dims(0), (Dims{3, 1, 1, 1}));
  EXPECT_EQ(res.dims(1), (Dims{1, 1, 1}));
  std::vector<double> want;
  double h = h0;
  for (int t = 0; t < 3; ++t) {
    h = std::tanh(w0 * x[2 * t] + w1 * x[2 * t + 1] + r * h + wb + rb);
    want.push_back(h);
  }
  expect_close(res.f(0), want);
  expect_close(res.f(1), {want.back()});
}

TEST(KernelsRnn, LstmWithPeepholesAndCellState) {
  // hidden 1, input 1, seq 2: gates i, o, f, c in W/R/B order, peepholes i, o, f.
  const double W[4] = {0.5, -0.3, 0.8, 0.2}, R[4] = {0.1, 0.4, -0.6, 0.7};
  const double Wb[4] = {0.05, -0.1, 0.2, 0.0}, Rb[4] = {0.1, 0.0, -0.05, 0.3};
  const double P[3] = {0.25, -0.5, 0.75};  // p_i, p_o, p_f
  const double xs[2] = {1.0, -2.0};
  double h = -0.2, c = 0.6;
  std::vector<double> ys;
  for (double x : xs) {
    double i = sigmoid(W[0] * x + R[0] * h + Wb[0] + Rb[0] + P[0] * c);
    double f = sigmoid(W[2] * x + R[2] * h + Wb[2] + Rb[2] + P[2] * c);
    double g = std::tanh(W[3] * x + R[3] * h + Wb[3] + Rb[3]);
    c = f * c + i * g;
    double o = sigmoid(W[1] * x + R[1] * h + Wb[1] + Rb[1] + P[1] * c);
    h = o * std::tanh(c);
    ys.push_back(h);
  }
  auto fl = [](const double* p, int n) { return std::vector<float>(p, p + n); };
  std::vector<float> b = fl(Wb, 4), rb = fl(Rb, 4);
  b.insert(b.end(), rb.begin(), rb.end());
  Result res = run(OpKind::LSTM, {f32({2, 1, 1}, {1.0f, -2.0f}), f32({1, 4, 1}, fl(W, 4)), f32({1, 4, 1}, fl(R, 4)),
                                  f32({1, 8}, b), i32({1}, {2}), f32({1, 1, 1}, {-0.2f}), f32({1, 1, 1}, {0.6f}),
                                  f32({1, 3}, fl(P, 3))});
  ASSERT_EQ(res.error, "");
  ASSERT_EQ(res.outs.size(), 3u);
  expect_close(res.f(0), ys);
  expect_close(res.f(1), {h});
  expect_close(res.f(2), {c});
}

TEST(KernelsRnn, LstmInputForgetCouplesTheGates) {
  // With input_forget the forget gate is 1 - i; W_f is then irrelevant.
  const double x = 0.7, wi = 0.4, wc = -0.9, c0 = 0.5;
  double i = sigmoid(wi * x + 0.5 * 0.0), g = std::tanh(wc * x);
  double c = (1 - i) * c0 + i * g, o = sigmoid(0.0), h = o * std::tanh(c);
  Result res = run(OpKind::LSTM, {f32({1, 1, 1}, {0.7f}), f32({1, 4, 1}, {0.4f, 0.0f, 123.0f, -0.9f}),
                                  f32({1, 4, 1}, {0, 0, 0, 0}), absent(), absent(), absent(), f32({1, 1, 1}, {0.5f})},
                   attrs({{"input_forget", int64_t{1}}}));
  ASSERT_EQ(res.error, "");
  expect_close(res.f(1), {h});
  expect_close(res.f(2), {c});
}

TEST(KernelsRnn, GruLinearBeforeResetMovesTheResetGate) {
  // hidden 1, input 1, one step from h0; gates z, r, h. The recurrent bias of the h gate
  // is inside the reset product only with linear_before_reset.
  const double W[3] = {0.6, -0.4, 1.1}, R[3] = {0.3, 0.8, -0.5}, Wb[3] = {0.1, 0.2, -0.3}, Rb[3] = {0.0, 0.15, 0.4};
  const double x = 1.5, h0 = 0.35;
  double z = sigmoid(W[0] * x + R[0] * h0 + Wb[0] + Rb[0]);
  double r = sigmoid(W[1] * x + R[1] * h0 + Wb[1] + Rb[1]);
  double cand0 = std::tanh(W[2] * x + R[2] * (r * h0) + Rb[2] + Wb[2]);
  double cand1 = std::tanh(W[2] * x + r * (R[2] * h0 + Rb[2]) + Wb[2]);
  std::vector<float> b = {0.1f, 0.2f, -0.3f, 0.0f, 0.15f, 0.4f};
  for (int64_t lbr : {0, 1}) {
    Result res = run(OpKind::GRU, {f32({1, 1, 1}, {1.5f}), f32({1, 3, 1}, {0.6f, -0.4f, 1.1f}),
                                   f32({1, 3, 1}, {0.3f, 0.8f, -0.5f}), f32({1, 6}, b), absent(), f32({1, 1, 1}, {0.35f})},
                     attrs({{"linear_before_reset", lbr}}));
    ASSERT_EQ(res.error, "");
    double cand = lbr ? cand1 : cand0;
    expect_close(res.f(1), {(1 - z) * cand + z * h0});
  }
}

TEST(KernelsRnn, BidirectionalWithSequenceLensAndActivations) {
  // batch 2 (lengths 3 and 1), hidden 1, input 1, no recurrence weight in the reverse
  // direction. Forward uses Affine(alpha 2, beta 0.5), reverse LeakyRelu(alpha 0.25).
  std::vector<double> x = {1, -1, 2, 5, -3, 7};  // [seq 3, batch 2, input 1]
  const double wf = 0.5, rf = 0.25, wr = 1.0;
  auto affine = [](double v) { return 2 * v + 0.5; };
  auto leaky = [](double v) { return v >= 0 ? v : 0.25 * v; };
  Result res = run(OpKind::RNN, {f64({3, 2, 1}, x), f64({2, 1, 1}, {wf, wr}), f64({2, 1, 1}, {rf, 0.0}), absent(),
                                 i64({2}, {3, 1})},
                   attrs({{"direction", std::string("bidirectional")},
                          {"activations", std::string("Affine, leakyrelu")},
                          {"activation_alpha", std::string("2,0.25")},
                          {"activation_beta", std::string("0.5")}}));
  ASSERT_EQ(res.error, "");
  EXPECT_EQ(res.dims(0), (Dims{3, 2, 2, 1}));
  std::vector<double> y(12, 0.0), yh(4, 0.0);  // y[t][d][b]
  auto at = [](int t, int d, int b) { return static_cast<size_t>((t * 2 + d) * 2 + b); };
  const int lens[2] = {3, 1};
  for (int b = 0; b < 2; ++b) {
    double h = 0;
    for (int t = 0; t < lens[b]; ++t) y[at(t, 0, b)] = h = affine(wf * x[static_cast<size_t>(t * 2 + b)] + rf * h);
    yh[static_cast<size_t>(b)] = h;
    h = 0;
    for (int t = lens[b] - 1; t >= 0; --t) y[at(t, 1, b)] = h = leaky(wr * x[static_cast<size_t>(t * 2 + b)]);
    yh[static_cast<size_t>(2 + b)] = h;
  }
  EXPECT_EQ(res.d(0), y);
  EXPECT_EQ(res.d(1), yh);
}

TEST(KernelsRnn, OneDirectionsActivationsServeBothDirections) {
  // Bidirectional RNN given one function (Affine, alpha 3, beta 1): both directions use it.
  Result res = run(OpKind::RNN, {f32({1, 1, 1}, {2.0f}), f32({2, 1, 1}, {1.0f, -1.0f}), f32({2, 1, 1}, {0.0f, 0.0f})},
                   attrs({{"direction", std::string("bidirectional")},
                          {"activations", std::string("Affine")},
                          {"activation_alpha", std::string("3")},
                          {"activation_beta", std::string("1")}}));
  ASSERT_EQ(res.error, "");
  EXPECT_EQ(res.f(1), (std::vector<float>{3 * 2.0f + 1, 3 * -2.0f + 1}));
}

TEST(KernelsRnn, BatchwiseLayoutIsTheTransposedSequenceLayout) {
  // layout 1 gives X [batch, seq, input], Y [batch, seq, dirs, hidden], Y_h [batch, dirs, hidden].
  std::vector<float> w = {0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f, 0.7f, 0.8f, -0.9f, 1.0f, 0.2f, 0.1f};  // [1, 3*2, 2]
  std::vector<float> r = {0.3f, 0.1f, -0.2f, 0.4f, 0.5f, 0.0f, 0.1f, 0.2f, -0.3f, 0.6f, 0.2f, -0.1f};  // [1, 3*2, 2]
  std::vector<float> xs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // layout 0: [seq 2, batch 3, input 2]
  std::vector<float> xb(12);
  for (int t = 0; t < 2; ++t)
    for (int b = 0; b < 3; ++b)
      for (int k = 0; k < 2; ++k) xb[static_cast<size_t>((b * 2 + t) * 2 + k)] = xs[static_cast<size_t>((t * 3 + b) * 2 + k)] / 10;
  for (float& v : xs) v /= 10;
  Result seq = run(OpKind::GRU, {f32({2, 3, 2}, xs), f32({1, 6, 2}, w), f32({1, 6, 2}, r)});
  Result bat = run(OpKind::GRU, {f32({3, 2, 2}, xb), f32({1, 6, 2}, w), f32({1, 6, 2}, r)}, attrs({{"layout", int64_t{1}}}));
  ASSERT_EQ(seq.error, "");
  ASSERT_EQ(bat.error, "");
  EXPECT_EQ(bat.dims(0), (Dims{3, 2, 1, 2}));
  EXPECT_EQ(bat.dims(1), (Dims{3, 1, 2}));
  auto ys = seq.f(0), yb = bat.f(0);
  for (int t = 0; t < 2; ++t)
    for (int b = 0; b < 3; ++b)
      for (int j = 0; j < 2; ++j)
        EXPECT_EQ(yb[static_cast<size_t>((b * 2 + t) * 2 + j)], ys[static_cast<size_t>((t * 3 + b) * 2 + j)]);
  EXPECT_EQ(seq.f(1), bat.f(1));  // one direction: [1,3,2] and [3,1,2] hold the same order
}

TEST(KernelsRnn, ClipBoundsTheGateInputs) {
  // Relu with clip 0.5: h = min(relu(w x), 0.5) for a large input.
  Result res = run(OpKind::RNN, {f32({1, 1, 1}, {3.0f}), f32({1, 1, 1}, {1.0f}), f32({1, 1, 1}, {0.0f})},
                   attrs({{"activations", std::string("Relu")}, {"clip", 0.5}}));
  ASSERT_EQ(res.error, "");
  expect_close(res.f(1), {0.5});
  // LSTM: the i gate's input 10 is clipped to 0.5; the cell state 1.5 reaches h unclipped.
  Result lstm = run(OpKind::LSTM, {f32({1, 1, 1}, {1.0f}), f32({1, 4, 1}, {10.0f, 0, 0, 0}), f32({1, 4, 1}, {0, 0, 0, 0}),
                                   absent(), absent(), absent(), f32({1, 1, 1}, {3.0f})},
                    attrs({{"clip", 0.5}}));
  ASSERT_EQ(lstm.error, "");
  double c = 0.5 * 3.0 + sigmoid(0.5) * 0.0;
  expect_close(lstm.f(1), {0.5 * std::tanh(c)});
  expect_close(lstm.f(2), {c});
}

TEST(KernelsRnn, BadShapesAndAttributesAreErrors) {
  std::vector<TensorType> outs;
  TensorType x{DType::f32, {2, 1, 3}}, w{DType::f32, {1, 4, 3}}, r{DType::f32, {1, 4, 1}};
  expect_error(infer(OpKind::LSTM, {x, TensorType{DType::f32, {1, 3, 3}}, r}, {}, outs), "LSTM", "W has shape [1,3,3]");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"direction", std::string("sideways")}}), outs), "LSTM", "direction");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"direction", std::string("bidirectional")}}), outs), "LSTM", "W has shape");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"activations", std::string("Sigmoid,Tanh")}}), outs), "LSTM",
               "activations lists 2");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"activations", std::string("Sigmoid,Tanh,Cosh")}}), outs), "LSTM",
               "unknown activation function 'Cosh'");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"hidden_size", int64_t{2}}}), outs), "LSTM", "hidden_size 2");
  expect_error(infer(OpKind::LSTM, {x, w, r}, attrs({{"activation_alpha", std::string("0.1")}}), outs), "LSTM",
               "more values");
  expect_error(infer(OpKind::LSTM, {x, w, r, TensorType{}, TensorType{DType::f32, {1}}}, {}, outs), "LSTM",
               "sequence_lens has element type");
  expect_error(infer(OpKind::GRU, {x, TensorType{DType::f32, {1, 3, 3}}, TensorType{DType::f64, {1, 3, 1}}}, {}, outs),
               "GRU", "operand R has element type f64");
  expect_error(infer(OpKind::RNN, {x, TensorType{DType::f32, {1, 1, 3}}, TensorType{DType::f32, {1, 1, 1}}},
                     attrs({{"clip", -1.0}}), outs),
               "RNN", "clip");
  // A sequence length past the sequence is caught when the kernel runs.
  Result res = run(OpKind::RNN, {f32({1, 1, 1}, {1.0f}), f32({1, 1, 1}, {1.0f}), f32({1, 1, 1}, {1.0f}), absent(),
                                 i32({1}, {2})});
  expect_error(res.error, "RNN", "sequence_lens[0] = 2");
}

}  // namespace
}  // namespace halo_test
