// main.cc - the `halo` command: compile a model into ODLA C/C++ (default) or run it
// in-process (`halo run`).
//
// Options follow the seed's LLVM style: long options take one dash or two, with '=' or
// a space (`-target cxx`, `-entry-func-name=x`, `--input-shape=data:1x3x227x227`).
// Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot parse the model, 4 unsupported op or
// feature, 5 missing dependency or runtime.
#include <CLI/CLI.hpp>
#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "halo/codegen/emitter.h"
#include "halo/codegen/executor.h"
#include "halo/codegen/lowering.h"
#include "halo/codegen/memory_stats.h"
#include "halo/frontends/frontend.h"
#include "halo/ir/text.h"
#include "halo/ir/verifier.h"
#include "halo/ops/builder.h"
#include "halo/support/file_io.h"
#include "halo/transforms/pass.h"

namespace fs = std::filesystem;
using namespace halo;

namespace {

struct Options {
  std::vector<std::string> models;
  std::string output;
  std::string target = "cxx";
  std::string format;  // -x
  std::string exec_mode = "compile";
  std::string entry;
  int64_t batch_size = 0;
  std::vector<std::string> input_shapes, inputs, outputs;
  bool fuse_conv_bias = false, fuse_matmul_bias = false;
  bool emit_data_as_c = false, emit_value_id_as_int = false, emit_value_reset = false;
  bool disable_broadcasting = false;
  std::string reorder_data_layout;
  bool remove_input_transpose = false, remove_output_transpose = false;
  bool print_mem_stats = false, print_ir = false;
  bool print_ir_after_all = false, verify_each = false, time_passes = false;
  std::vector<std::string> print_ir_after;
  // halo run
  std::vector<std::string> run_inputs;
  std::string run_output_dir;
  std::string runtime = "reference";
};

// Errors after the import (passes, verifier, lowering) do not know the model file; the
// one-line message must still name it.
Status in_model(Status s, const std::string& model) {
  if (!s.failed() || s.kind() == ErrorKind::Usage || s.message().rfind(model + ":", 0) == 0) return s;
  return make_error(s.kind(), model + ": " + s.message());
}

// Names in a hostile model may hold newlines and other control characters; printed raw
// they would split the one-line error (or drive the terminal). They are escaped, except
// the line breaks of the lists of several unsupported nodes ("\n  node '...", "\n  ... and").
std::string printable(const std::string& m) {
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) {
    auto c = static_cast<unsigned char>(m[i]);
    auto at = [&](std::string_view p) { return m.compare(i, p.size(), p) == 0; };
    if (at("\n  node '") || at("\n  ... and ")) {
      out += '\n';
    } else if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += m[i];
    }
  }
  return out;
}

int fail(const Status& s) {
  std::fprintf(stderr, "halo: error: %s\n", printable(s.message()).c_str());
  return static_cast<int>(s.kind());
}

std::vector<std::string> split_commas(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in) {
    size_t start = 0;
    while (start <= s.size()) {
      size_t end = s.find(',', start);
      if (end == std::string::npos) end = s.size();
      if (end > start) out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

Expected<std::pair<std::string, std::vector<int64_t>>> parse_input_shape(const std::string& spec) {
  auto colon = spec.rfind(':');
  auto bad = make_error(ErrorKind::Usage, "--input-shape '" + spec + "': expected NAME:DIMS such as data:1x3x224x224");
  if (colon == std::string::npos || colon == 0 || colon + 1 >= spec.size()) return bad;
  std::vector<int64_t> dims;
  std::string d = spec.substr(colon + 1);
  size_t start = 0;
  while (start <= d.size()) {
    size_t end = d.find('x', start);
    if (end == std::string::npos) end = d.size();
    std::string part = d.substr(start, end - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 12) return bad;
    dims.push_back(std::stoll(part));
    start = end + 1;
  }
  return std::make_pair(spec.substr(0, colon), dims);
}

void add_compile_options(CLI::App& app, Options& o) {
  app.add_option("-x,--format", o.format, "Model format: onnx (default: from the file name)")
      ->check(CLI::IsMember({"onnx"}));
  app.add_option("--batch-size", o.batch_size, "Override dimension 0 (the batch) of every input")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--input-shape", o.input_shapes, "Override an input's shape, e.g. data:1x3x224x224 (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--inputs", o.inputs, "Compile from these values on: they become the inputs (repeatable, or comma-separated)")
      ->allow_extra_args(false);
  app.add_option("--outputs", o.outputs, "Compile up to these values: they become the outputs (repeatable, or comma-separated)")
      ->allow_extra_args(false);
  app.add_option("--entry-func-name", o.entry, "Name of the generated functions (default: the model file's stem)");
  app.add_flag("--fuse-conv-bias", o.fuse_conv_bias, "Fold a per-channel Add after Conv into its bias");
  app.add_flag("--fuse-matmul-bias", o.fuse_matmul_bias, "Turn MatMul + Add of a constant into one Gemm");
  app.add_flag("--disable-broadcasting", o.disable_broadcasting,
               "Do not broadcast weights offline (HALO never does; the runtimes broadcast). Accepted for compatibility");
  app.add_option("--exec-mode", o.exec_mode, "Generated code's mode: compile (build once, run per call) or interpret")
      ->check(CLI::IsMember({"compile", "interpret"}));
  app.add_option("--reorder-data-layout", o.reorder_data_layout, "channel-first or channel-last (not implemented yet)");
  app.add_flag("--remove-input-transpose", o.remove_input_transpose, "With --reorder-data-layout (not implemented yet)");
  app.add_flag("--remove-output-transpose", o.remove_output_transpose, "With --reorder-data-layout (not implemented yet)");
  app.add_flag("--print-mem-stats", o.print_mem_stats, "Print weights, input/output and peak activation memory");
  app.add_flag("--print-ir", o.print_ir, "Print the final IR to stdout");
  app.add_flag("--print-ir-after-all", o.print_ir_after_all, "Print the IR to stderr after every pass");
  app.add_option("--print-ir-after", o.print_ir_after, "Print the IR to stderr after the named pass (repeatable)")
      ->allow_extra_args(false);
  app.add_flag("--verify-each", o.verify_each, "Verify the IR after every pass");
  app.add_flag("--time-passes", o.time_passes, "Print the time each pass took to stderr");
}

// Rewrites LLVM-style single-dash long options (-target, -entry-func-name=x) into the
// double-dash form CLI11 expects; -o and -x stay short options.
std::vector<std::string> normalize_args(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 2 && a[0] == '-' && a[1] != '-' && !std::isdigit(static_cast<unsigned char>(a[1])))
      a = "-" + a;
    out.push_back(a);
  }
  return out;
}

Expected<std::unique_ptr<ir::Module>> load_and_optimize(const Options& o) {
  if (o.models.empty()) return make_error(ErrorKind::Usage, "no model file given (see --help)");
  if (o.exec_mode == "interpret")
    return make_error(ErrorKind::Unsupported, "--exec-mode=interpret is not implemented yet; use compile");
  if (!o.reorder_data_layout.empty() || o.remove_input_transpose || o.remove_output_transpose)
    return make_error(ErrorKind::Unsupported, "--reorder-data-layout and --remove-*-transpose are not implemented yet");
  if (o.emit_value_reset) return make_error(ErrorKind::Unsupported, "--emit-value-reset needs interpret mode, not implemented yet");
  const std::string& model = o.models[0];
  std::string ext = fs::path(model).extension().string();
  std::string format = o.format;
  if (format.empty()) {
    if (ext == ".onnx" || ext == ".onnxtxt" || ext == ".txt") format = "onnx";
    else if (ext == ".pb" || ext == ".pbtxt" || ext == ".tflite" || ext == ".prototxt" || ext == ".caffemodel")
      return make_error(ErrorKind::Unsupported, model + ": the " + ext + " frontend is not implemented yet (only ONNX today)");
    else
      format = "onnx";
  }
  if (o.models.size() > 1)
    return make_error(ErrorKind::Usage, "ONNX models are one file; got " + std::to_string(o.models.size()) + " model files");
  ImportOptions io;
  io.batch_size = o.batch_size;
  PassOptions po;
  po.batch_size = o.batch_size;
  for (const auto& s : o.input_shapes) {
    auto p = parse_input_shape(s);
    if (!p) return p.status();
    io.input_shapes.push_back(*p);
    po.input_shapes.push_back(*p);
  }
  po.inputs = split_commas(o.inputs);
  po.outputs = split_commas(o.outputs);
  auto m = import_onnx_file(model, io);
  if (!m) return m;
  if (!o.entry.empty()) (*m)->main()->set_name(o.entry);
  PipelineOptions pl;
  pl.verify_each = o.verify_each;
  pl.print_ir_after_all = o.print_ir_after_all;
  pl.print_ir_after = o.print_ir_after;
  pl.time_passes = o.time_passes;
  HALO_TRY(in_model(run_pipeline(**m, default_pipeline(o.fuse_conv_bias, o.fuse_matmul_bias), po, pl), model));
  HALO_TRY(in_model(ir::verify(**m), model));
  HALO_TRY(ir::check_supported_dtypes(*(*m)->main(), model, (*m)->opset));
  return m;
}

int compile(const Options& o) {
  if (o.output.empty() && !o.print_ir && !o.print_mem_stats)
    return fail(make_error(ErrorKind::Usage, "no output file given: use -o out/model.cc (see --help)"));
  auto m = load_and_optimize(o);
  if (!m) return fail(m.status());
  ir::Function& f = *(*m)->main();
  if (o.print_ir) std::cout << ir::print_module(**m);
  if (o.print_mem_stats) std::cout << codegen::format_memory_stats(f, codegen::compute_memory_stats(f));
  if (o.output.empty()) return 0;

  std::string entry = codegen::to_c_identifier(f.name());
  auto program = codegen::lower(f, entry);
  if (!program) return fail(in_model(program.status(), o.models[0]));
  fs::path out(o.output);
  codegen::EmitOptions eo;
  eo.c99 = o.target == "cc";
  eo.data_as_c = o.emit_data_as_c;
  eo.value_id_as_int = o.emit_value_id_as_int;
  eo.model_source = fs::path(o.models[0]).filename().string();
  fs::path header = fs::path(out).replace_extension(".h");
  eo.header_name = header.filename().string();
  auto files = codegen::emit(*program, eo);
  // All outputs are written to temporaries and renamed together at the end, so a
  // failure leaves neither partial files nor clobbered earlier outputs.
  OutputSet set;
  Status s = set.add(out.string(), files.source);
  if (!s.failed()) s = set.add(header.string(), files.header);
  if (!s.failed()) {
    if (o.emit_data_as_c)
      s = set.add(fs::path(out).replace_extension(eo.c99 ? ".data.c" : ".data.cc").string(), files.data_source);
    else
      s = set.add(fs::path(out).replace_extension(".bin").string(), files.data_object.data(), files.data_object.size());
  }
  if (!s.failed()) s = set.commit();
  if (s.failed()) return fail(s);
  return 0;
}

int run(const Options& o) {
  auto m = load_and_optimize(o);
  if (!m) return fail(m.status());
  ir::Function& f = *(*m)->main();
  auto program = codegen::lower(f, codegen::to_c_identifier(f.name()));
  if (!program) return fail(in_model(program.status(), o.models[0]));
  if (o.run_inputs.size() != program->inputs.size())
    return fail(make_error(ErrorKind::Usage, "the model has " + std::to_string(program->inputs.size()) +
                                                 " inputs; give one --input=FILE for each, in order"));
  std::vector<std::vector<uint8_t>> in_data;
  std::vector<const void*> in_ptrs;
  for (size_t i = 0; i < o.run_inputs.size(); ++i) {
    auto bytes = read_file(o.run_inputs[i]);
    if (!bytes) return fail(bytes.status());
    const auto& slot = program->slots[program->inputs[i]];
    if (static_cast<int64_t>(bytes->size()) != slot.type.num_bytes())
      return fail(make_error(ErrorKind::Usage, o.run_inputs[i] + ": holds " + std::to_string(bytes->size()) +
                                                   " bytes but input '" + slot.id + "' (" + sem::to_string(slot.type) +
                                                   ") needs " + std::to_string(slot.type.num_bytes())));
    in_data.push_back(bytes.take());
  }
  // ODLA rejects NULL buffers, and an empty vector's data() may be NULL: give empty
  // tensors a valid (never read or written) address.
  static uint8_t empty_tensor;
  for (auto& d : in_data) in_ptrs.push_back(d.empty() ? &empty_tensor : d.data());
  std::vector<std::vector<uint8_t>> out_data;
  std::vector<void*> out_ptrs;
  for (int s : program->outputs) out_data.emplace_back(static_cast<size_t>(program->slots[s].type.num_bytes()));
  for (auto& d : out_data) out_ptrs.push_back(d.empty() ? &empty_tensor : d.data());
  auto rt = codegen::RuntimeLibrary::open(o.runtime);
  if (!rt) return fail(rt.status());
  Status s = codegen::execute(*program, **rt, in_ptrs, out_ptrs);
  if (s.failed()) return fail(in_model(s, o.models[0]));
  OutputSet set;
  for (size_t i = 0; i < out_data.size(); ++i) {
    std::string path = (fs::path(o.run_output_dir) / ("output_" + std::to_string(i) + ".bin")).string();
    Status added = set.add(path, out_data[i].data(), out_data[i].size());
    if (added.failed()) return fail(added);
    const auto& slot = program->slots[program->outputs[i]];
    std::printf("output %zu '%s' %s -> %s\n", i, slot.id.c_str(), sem::to_string(slot.type).c_str(), path.c_str());
  }
  s = set.commit();
  if (s.failed()) return fail(s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // protobuf logs CHECK failures and parse warnings to stderr on its own; halo reports
  // every error itself, in one line (a malformed model must not add protobuf's lines).
  google::protobuf::SetLogHandler(nullptr);
  Options o;
  CLI::App app{
      "halo: compiles a deep-learning model (ONNX today) into portable C or C++ that calls the ODLA API,\n"
      "plus a header with the entry function and the weights (an ELF object, or C arrays).\n\n"
      "  halo -target cxx mnist.onnx -o out/model.cc     -> out/model.h, out/model.cc, out/model.bin\n"
      "  halo run mnist.onnx --input=x.bin --output-dir=out   (run in-process on a runtime library)\n\n"
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 cannot parse the model, 4 unsupported op or feature,\n"
      "5 missing runtime.",
      "halo"};
  app.set_version_flag("--version", "halo 0.1.0");
  app.add_option("model", o.models, "Model file(s)");
  app.add_option("-o,--output", o.output, "Output source file; the header (.h) and weights (.bin) go next to it");
  app.add_option("--target", o.target, "Generated language: cxx (C++, default) or cc (C99)")
      ->check(CLI::IsMember({"cxx", "cc"}));
  app.add_flag("--emit-data-as-c", o.emit_data_as_c, "Write the weights as C arrays (model.data.cc / .c) instead of an ELF object");
  app.add_flag("--emit-value-id-as-int", o.emit_value_id_as_int, "Use integers, not strings, as ODLA value ids");
  app.add_flag("--emit-value-reset", o.emit_value_reset, "Interpret mode: release values after last use (not implemented yet)");
  add_compile_options(app, o);

  auto* run_cmd = app.add_subcommand("run", "Run the model in-process on an ODLA runtime library");
  run_cmd->add_option("model", o.models, "Model file")->required();
  run_cmd->add_option("--input", o.run_inputs, "Raw little-endian data of one input, in input order (repeatable)")
      ->allow_extra_args(false);
  run_cmd->add_option("--output-dir", o.run_output_dir, "Where output_<i>.bin files are written")->required();
  run_cmd->add_option("--runtime", o.runtime, "Runtime name (reference -> libodla_reference.so) or library path");
  add_compile_options(*run_cmd, o);

  auto args = normalize_args(argc, argv);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "halo: error: %s (see --help)\n", e.what());
    return 2;
  }
  try {
    return run_cmd->parsed() ? run(o) : compile(o);
  } catch (const std::bad_alloc&) {
    // halo run allocates what the model declares (a 10 KB model can declare terabytes):
    // say so rather than "internal: std::bad_alloc".
    std::string model = o.models.empty() ? std::string("halo") : o.models[0];
    std::fprintf(stderr, "halo: error: %s: out of memory (the model's tensors need more than is available)\n",
                 printable(model).c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "halo: error: internal: %s\n", e.what());
    return 1;
  }
}
