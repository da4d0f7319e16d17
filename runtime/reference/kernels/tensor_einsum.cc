// tensor_einsum.cc - Einsum (shape rule and kernel).
//
// The equation "ij,jk->ik" names each operand dimension with a letter; letters in the
// output are kept, the others are summed over, and a letter repeated within one operand
// takes its diagonal. "..." stands for the leading dimensions that are not named, which
// broadcast across operands as in NumPy. Without "->" the output is the "..."
// dimensions followed by the letters used exactly once, in ASCII order (as NumPy).
//
// The kernel is the definition: it visits every combination of label values (output
// labels outermost) and adds the product of the operands' elements to the output
// element. Floats accumulate in double, integers in 64 bits with wrap-around.
#include <algorithm>
#include <type_traits>

#include "kernels.h"

namespace halo::sem::kernels {
namespace {

using Types = std::span<const TensorType>;
using Outs = std::vector<TensorType>;

constexpr int kLetters = 52;  // a-z, A-Z; "..." dimensions get the ids after these

int letter_id(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
  return -1;
}

// A term of the equation: label ids per position, with `ellipsis` marking where "..."
// stood (-1 if absent).
struct Term {
  std::vector<int> letters;
  int ellipsis = -1;  // index into letters before which "..." stands
};

std::string parse_term(const OpSchema& s, const std::string& text, Term& t) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "...") == 0) {
      if (t.ellipsis >= 0) return fail(s.name, "'...' appears twice in term '", text, "'");
      t.ellipsis = static_cast<int>(t.letters.size());
      i += 2;
      continue;
    }
    int id = letter_id(text[i]);
    if (id < 0) return fail(s.name, "invalid character '", text[i], "' in the equation");
    t.letters.push_back(id);
  }
  return {};
}

// Everything the shape rule and the kernel need from the equation and operand shapes.
struct Plan {
  std::vector<int> labels;           // label ids: output labels first, then summed ones
  Dims extents;                      // per entry of `labels`
  size_t num_out = 0;                // how many of `labels` are output labels
  std::vector<std::vector<size_t>> operand_pos;  // per operand dim: index into `labels`
};

std::string make_plan(const OpSchema& s, Types in, const std::string& equation, Plan& plan) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq += c;
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms(1);
  std::string cur;
  for (size_t i = 0; i <= lhs.size(); ++i) {
    if (i == lhs.size() || lhs[i] == ',') {
      if (std::string err = parse_term(s, cur, terms.back()); !err.empty()) return err;
      cur.clear();
      if (i < lhs.size()) terms.emplace_back();
    } else {
      cur += lhs[i];
    }
  }
  if (terms.size() != in.size())
    return fail(s.name, "the equation has ", terms.size(), " operand terms but there are ", in.size(),
                " operands");
  // Ellipsis rank per operand and overall.
  size_t ell_rank = 0;
  std::vector<size_t> op_ell(in.size(), 0);
  for (size_t k = 0; k < in.size(); ++k) {
    size_t named = terms[k].letters.size(), rank = in[k].rank();
    if (terms[k].ellipsis < 0 ? rank != named : rank < named)
      return fail(s.name, "term ", k, " names ", named, " dimensions but operand ", k, " has rank ",
                  rank);
    op_ell[k] = rank - named;
    ell_rank = std::max(ell_rank, op_ell[k]);
  }
  const int max_id = kLetters + static_cast<int>(ell_rank);
  Dims extent(static_cast<size_t>(max_id), -2);  // -2: label not used
  std::vector<int> count(static_cast<size_t>(max_id), 0);
  std::vector<std::vector<int>> op_ids(in.size());
  for (size_t k = 0; k < in.size(); ++k) {
    const Term& t = terms[k];
    for (size_t p = 0; p <= t.letters.size(); ++p) {
      if (static_cast<int>(p) == t.ellipsis)
        for (size_t e = 0; e < op_ell[k]; ++e)
          op_ids[k].push_back(kLetters + static_cast<int>(ell_rank - op_ell[k] + e));
      if (p < t.letters.size()) op_ids[k].push_back(t.letters[p]);
    }
    for (size_t d = 0; d < op_ids[k].size(); ++d) {
      int id = op_ids[k][d];
      int64_t n = in[k].dims[d];
      int64_t& have = extent[static_cast<size_t>(id)];
      if (id < kLetters) ++count[static_cast<size_t>(id)];
      bool broadcast = id >= kLetters;  // only "..." dimensions broadcast
      if (have == -2 || (broadcast && have == 1)) {
        have = n;
      } else if (n != have && !(broadcast && n == 1) && n != kUnknownDim && have != kUnknownDim) {
        return fail(s.name, "label dimensions differ: ", have, " and ", n, " (operand ", k, ")");
      }
    }
  }
  // Output labels.
  std::vector<int> out;
  if (arrow != std::string::npos) {
    Term t;
    if (std::string err = parse_term(s, eq.substr(arrow + 2), t); !err.empty()) return err;
    if (t.ellipsis < 0 && ell_rank > 0)
      return fail(s.name, "the output needs '...' for the unnamed dimensions");
    for (size_t p = 0; p <= t.letters.size(); ++p) {
      if (static_cast<int>(p) == t.ellipsis)
        for (size_t e = 0; e < ell_rank; ++e) out.push_back(kLetters + static_cast<int>(e));
      if (p < t.letters.size()) {
        int id = t.letters[p];
        if (extent[static_cast<size_t>(id)] == -2)
          return fail(s.name, "an output label of '", eq, "' does not appear in the inputs");
        if (std::find(out.begin(), out.end(), id) != out.end())
          return fail(s.name, "an output label of '", eq, "' appears twice");
        out.push_back(id);
      }
    }
  } else {
    for (size_t e = 0; e < ell_rank; ++e) out.push_back(kLetters + static_cast<int>(e));
    // ASCII order: 'A'..'Z' (ids 26..51) before 'a'..'z' (ids 0..25).
    for (int id = 26; id < kLetters; ++id)
      if (count[static_cast<size_t>(id)] == 1) out.push_back(id);
    for (int id = 0; id < 26; ++id)
      if (count[static_cast<size_t>(id)] == 1) out.push_back(id);
  }
  plan = Plan{};
  plan.labels = out;
  plan.num_out = out.size();
  for (int id = 0; id < max_id; ++id)
    if (extent[static_cast<size_t>(id)] != -2 && std::find(out.begin(), out.end(), id) == out.end())
      plan.labels.push_back(id);
  for (int id : plan.labels) plan.extents.push_back(extent[static_cast<size_t>(id)]);
  for (size_t k = 0; k < in.size(); ++k) {
    std::vector<size_t> pos;
    for (int id : op_ids[k])
      pos.push_back(static_cast<size_t>(
          std::find(plan.labels.begin(), plan.labels.end(), id) - plan.labels.begin()));
    plan.operand_pos.push_back(pos);
  }
  return {};
}

std::string rule_einsum(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  Plan plan;
  if (std::string err = make_plan(s, in, a.get_string("equation"), plan); !err.empty()) return err;
  // Every label combination is visited once: its count must fit in int64.
  int64_t total = 1;
  for (int64_t n : plan.extents)
    if (n != kUnknownDim && __builtin_mul_overflow(total, n, &total))
      return fail(s.name, "the label space is too large");
  Dims y(plan.extents.begin(), plan.extents.begin() + static_cast<std::ptrdiff_t>(plan.num_out));
  out = {TensorType{in[0].dtype, y}};
  return {};
}

template <typename T>
std::string apply_einsum(const KernelArgs& args) {
  std::vector<TensorType> types;
  for (const TensorView& v : args.in) types.push_back(v.type);
  Plan plan;
  if (std::string err = make_plan(args.schema, types, args.attrs.get_string("equation"), plan);
      !err.empty())
    return err;
  // Per operand, the element stride for each label (0 where a "..." dimension of
  // extent 1 broadcasts; summed for a label repeated within the operand: a diagonal).
  std::vector<Dims> stride(args.in.size(), Dims(plan.labels.size(), 0));
  for (size_t k = 0; k < args.in.size(); ++k) {
    Dims own = row_major_strides(args.in[k].type.dims);
    for (size_t d = 0; d < own.size(); ++d)
      if (args.in[k].type.dims[d] != 1) stride[k][plan.operand_pos[k][d]] += own[d];
  }
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;
  int64_t n_out = args.out[0].type.num_elements();
  std::vector<Acc> acc(static_cast<size_t>(n_out), Acc{});
  Dims out_strides = row_major_strides(
      Dims(plan.extents.begin(), plan.extents.begin() + static_cast<std::ptrdiff_t>(plan.num_out)));
  for (int64_t n : plan.extents)
    if (n == 0) {
      std::fill(args.out[0].as<T>(), args.out[0].as<T>() + n_out, T{});
      return {};
    }
  Dims index(plan.labels.size(), 0);
  do {
    Acc product = 1;
    for (size_t k = 0; k < args.in.size(); ++k) {
      int64_t off = 0;
      for (size_t l = 0; l < index.size(); ++l) off += index[l] * stride[k][l];
      product = product * static_cast<Acc>(args.in[k].as<const T>()[off]);
    }
    int64_t o = 0;
    for (size_t l = 0; l < plan.num_out; ++l) o += index[l] * out_strides[l];
    acc[static_cast<size_t>(o)] += product;
  } while (next_index(index, plan.extents));
  T* y = args.out[0].as<T>();
  for (int64_t i = 0; i < n_out; ++i) y[i] = static_cast<T>(acc[static_cast<size_t>(i)]);
  return {};
}

}  // namespace

std::string shape_tensor_einsum(const OpSchema& s, Types in, const AttrMap& a, Outs& out) {
  return rule_einsum(s, in, a, out);
}

std::string run_tensor_einsum(const KernelArgs& args) {
  return with_dtype(args.schema, args.in[0].type.dtype,
                    [&]<typename T>() { return apply_einsum<T>(args); });
}

}  // namespace halo::sem::kernels
