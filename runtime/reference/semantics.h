// semantics.h - the meaning of every IR operator: shape rules and reference kernels.
//
// This is the one place where operator semantics live. The compiler calls infer_types
// for shape inference and run_kernel for constant folding; libodla_reference calls both
// to build and execute computations; fast runtimes use run_kernel for the ops they do not
// cover natively and tests use it as the oracle. It depends only on runtime/common.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "attrs.h"
#include "op_schema.h"
#include "tensor.h"

namespace halo::sem {

/// Computes the result types of `kind` applied to operands of the given types (absent
/// optional operands have DType::undefined). `attrs` holds every schema attribute.
/// Returns an empty string on success, otherwise a one-line reason ("Gemm: inner
/// dimensions 3 and 4 differ").
std::string infer_types(OpKind kind, std::span<const TensorType> inputs, const AttrMap& attrs,
                        std::vector<TensorType>& outputs);

/// Runs the reference kernel. `outputs` carry their (inferred) types and preallocated,
/// densely packed buffers. Returns an empty string on success, otherwise the reason
/// (e.g. an element type the kernel does not implement).
std::string run_kernel(OpKind kind, std::span<const TensorView> inputs, const AttrMap& attrs,
                       std::span<TensorView> outputs);

}  // namespace halo::sem
