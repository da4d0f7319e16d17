// main.cc - `halo-opt`: reads text IR, runs the passes named on the command line in
// that order, prints the resulting IR. The tool behind the pass tests:
//
//   halo-opt --constant-folding --dce input.hir | FileCheck input.hir
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "halo/ir/text.h"
#include "halo/ir/verifier.h"
#include "halo/transforms/pass.h"

using namespace halo;

namespace {

void usage() {
  std::printf(
      "halo-opt: runs HALO passes on text IR and prints the result.\n\n"
      "Usage: halo-opt [options] [--PASS]... INPUT.hir ('-' for stdin)\n\n"
      "Options:\n"
      "  -o FILE                 write the IR to FILE instead of stdout\n"
      "  --verify-each           verify the IR after every pass (the input is always verified)\n"
      "  --print-ir-after-all    print the IR to stderr after every pass\n"
      "  --time-passes           print pass timings to stderr\n"
      "  --batch-size=N          for set-input-shapes\n"
      "  --input-shape=NAME:DIMS for set-input-shapes, e.g. x:1x3x8x8\n"
      "  --inputs=A,B --outputs=C,D  for cut-graph\n\n"
      "Passes (run in the order given):\n");
  for (const auto& p : all_passes()) std::printf("  --%-22s %s\n", std::string(p.name).c_str(), std::string(p.summary).c_str());
}

int fail(const Status& s) {
  std::fprintf(stderr, "halo-opt: error: %s\n", s.message().c_str());
  return static_cast<int>(s.kind());
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> passes;
  PassOptions po;
  PipelineOptions pl;
  std::string input, output;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 && a.size() > 1 && a[0] == '-' && a != "-o") a = "-" + a;  // LLVM style
    auto value = [&](const std::string& flag) -> std::string {
      if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
      return {};
    };
    if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (a == "-o" && i + 1 < argc) {
      output = argv[++i];
    } else if (a == "--verify-each") {
      pl.verify_each = true;
    } else if (a == "--print-ir-after-all") {
      pl.print_ir_after_all = true;
    } else if (a == "--time-passes") {
      pl.time_passes = true;
    } else if (!value("--batch-size").empty()) {
      po.batch_size = std::atoll(value("--batch-size").c_str());
    } else if (!value("--input-shape").empty()) {
      std::string v = value("--input-shape");
      auto colon = v.rfind(':');
      if (colon == std::string::npos) return fail(make_error(ErrorKind::Usage, "--input-shape wants NAME:DIMS"));
      std::vector<int64_t> dims;
      for (const auto& d : split(v.substr(colon + 1), 'x')) dims.push_back(std::atoll(d.c_str()));
      po.input_shapes.emplace_back(v.substr(0, colon), dims);
    } else if (!value("--inputs").empty()) {
      po.inputs = split(value("--inputs"), ',');
    } else if (!value("--outputs").empty()) {
      po.outputs = split(value("--outputs"), ',');
    } else if (a.rfind("--", 0) == 0 && find_pass(a.substr(2))) {
      passes.push_back(a.substr(2));
    } else if (a.rfind("--", 0) == 0) {
      std::fprintf(stderr, "halo-opt: error: unknown option '%s' (see --help)\n", argv[i]);
      return 2;
    } else if (input.empty()) {
      input = a;
    } else {
      std::fprintf(stderr, "halo-opt: error: more than one input file\n");
      return 2;
    }
  }
  if (input.empty()) {
    std::fprintf(stderr, "halo-opt: error: no input file (see --help)\n");
    return 2;
  }
  std::stringstream buf;
  if (input == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(input);
    if (!in) return fail(make_error(ErrorKind::Failure, input + ": cannot open"));
    buf << in.rdbuf();
  }
  auto m = ir::parse_module(buf.str(), input == "-" ? "<stdin>" : input);
  if (!m) return fail(m.status());
  Status s = ir::verify(**m);
  if (s.failed()) return fail(s);
  s = run_pipeline(**m, passes, po, pl);
  if (s.failed()) return fail(s);
  s = ir::verify(**m);
  if (s.failed()) return fail(s);
  std::string text = ir::print_module(**m);
  if (output.empty()) {
    std::cout << text;
  } else {
    std::ofstream out(output);
    out << text;
    if (!out) return fail(make_error(ErrorKind::Failure, output + ": cannot write"));
  }
  return 0;
}
