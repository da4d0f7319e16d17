#!/usr/bin/env python3
"""opgen - derives every per-operator table of HALO from ops/ops.toml.

Run by CMake at build time (standard library only). The table is every ops/*.toml
(ops.toml first, then the others sorted: one file per op family) and every
ops/frontends/onnx*.toml. It refuses an inconsistent table:
an ODLA parameter naming no operand or attribute, a default of the wrong type, a frontend
mapping onto an unknown IR operator, and so on.

Outputs (all into --out):
  op_kind.inc              X-macro list HALO_OP(Name), in table order
  op_schema_table.cc       halo::sem::all_op_schemas()
  ODLA/odla_ops.h          one documented C prototype per operator
  odla_reference_ops.inc   libodla_reference entry points (pack arguments, record the op)
  odla_invoke.inc          the executor's thunks calling an ODLA function by pointer
  onnx_op_map.inc          ONNX op name -> IR op, ignored attributes, handler name
  ops.md                   the operator reference (copied to docs/generated/)
  kernel_decls.inc, kernel_dispatch.inc, shape_dispatch.inc
                           declarations and switch bodies for the reference kernels
  onnx_handlers.inc        declarations and the name table of the ONNX handlers
"""

import argparse
import os
import re
import sys
import tomllib

ATTR_TYPES = {"int", "float", "bool", "ints", "floats", "string"}
ODLA_ATTR_CTYPE = {
    "int": "odla_int64",
    "float": "odla_float32",
    "bool": "odla_bool",
    "ints": "odla_value_shape",
    "string": "const char*",
}
DTYPE_NAMES = {"f32", "f16", "bf16", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32",
               "u64", "bool", "f8e4m3fn", "f8e4m3fnuz", "f8e5m2", "f8e5m2fnuz", "f8e8m0",
               "i4", "u4", "f4e2m1"}


class TableError(Exception):
    pass


def parse_attr(op, name, spec):
    m = re.fullmatch(r"\s*(\w+)\s*(?:=\s*(.+?))?\s*", spec)
    if not m or m.group(1) not in ATTR_TYPES:
        raise TableError(f"{op}.{name}: bad attribute spec '{spec}'")
    typ, default = m.group(1), m.group(2)
    if default is not None:
        ok = {
            "int": r"-?\d+",
            "bool": r"[01]",
            "float": r"-?\d+(\.\d*)?([eE][-+]?\d+)?",
            "ints": r"\[\s*(-?\d+\s*(,\s*-?\d+\s*)*)?\]",
            "floats": r"\[[-+0-9.eE,\s]*\]",
            "string": r'".*"',
        }[typ]
        if not re.fullmatch(ok, default):
            raise TableError(f"{op}.{name}: default '{default}' is not a valid {typ}")
    return {"name": name, "type": typ, "default": default}


def table_files(directory, pattern):
    """The table's files in a fixed order: the main file first, then the others sorted."""
    names = sorted(n for n in os.listdir(directory) if re.fullmatch(pattern, n))
    return [os.path.join(directory, n) for n in names]


def load_ops(paths):
    entries = []
    for path in paths:
        with open(path, "rb") as f:
            data = tomllib.load(f)
        for name, e in data.get("op", {}).items():
            entries.append((name, e, os.path.basename(path)))
    ops = []
    seen_names = set()
    for name, e, origin in entries:
        if name in seen_names:
            raise TableError(f"{origin}: operator '{name}' is declared twice")
        seen_names.add(name)
        for key in ("summary", "family", "inputs", "shape", "odla", "dtypes"):
            if key not in e:
                raise TableError(f"{name}: missing field '{key}'")
        operands = []
        for i in e["inputs"]:
            variadic = i.endswith("...")
            optional = i.endswith("?")
            base = i.rstrip("?.")
            operands.append({"name": base, "optional": optional, "variadic": variadic})
        if any(o["variadic"] for o in operands) and len(operands) != 1:
            raise TableError(f"{name}: a variadic operand must be the only operand")
        attrs = [parse_attr(name, k, v) for k, v in e.get("attrs", {}).items()]
        outputs = []
        for o in e.get("outputs", ["Y"]):
            outputs.append({"name": o.rstrip("."), "variadic": o.endswith("...")})
        if any(o["variadic"] for o in outputs) and len(outputs) != 1:
            raise TableError(f"{name}: a variadic result must be the only result")
        multi = len(outputs) > 1 or outputs[0]["variadic"]
        for d in e["dtypes"]:
            if d not in DTYPE_NAMES:
                raise TableError(f"{name}: unknown dtype '{d}'")
        params = []
        seen = set()
        for p in e["odla"]:
            if p in seen:
                raise TableError(f"{name}: ODLA parameter '{p}' listed twice")
            seen.add(p)
            if p in ("output_dims", "id", "ids"):
                if multi and p != "ids" or not multi and p == "ids":
                    raise TableError(f"{name}: ODLA parameter '{p}' does not fit an op with "
                                     f"{'several results' if multi else 'one result'}")
                kind = {"output_dims": "OutputDims", "id": "Id", "ids": "Ids"}[p]
                params.append({"kind": kind, "index": 0, "name": p})
                continue
            oi = [k for k, o in enumerate(operands) if o["name"] == p]
            ai = [k for k, a in enumerate(attrs) if a["name"] == p]
            if oi:
                params.append({"kind": "Operand", "index": oi[0], "name": p})
            elif ai:
                if attrs[ai[0]]["type"] not in ODLA_ATTR_CTYPE:
                    raise TableError(f"{name}: attribute '{p}' of type "
                                     f"{attrs[ai[0]]['type']} cannot be an ODLA parameter yet")
                params.append({"kind": "Attr", "index": ai[0], "name": p})
            else:
                raise TableError(f"{name}: ODLA parameter '{p}' names no operand or attribute")
        if not params or params[-1]["kind"] not in ("Id", "Ids"):
            raise TableError(f"{name}: the last ODLA parameter must be 'id' ('ids' for several results)")
        for k, o in enumerate(operands):
            if o["name"] not in seen:
                raise TableError(f"{name}: operand '{o['name']}' is not passed to ODLA")
        kernel = e.get("kernel", "run_" + e["family"])
        for ident in (kernel, e["shape"]):
            if not re.fullmatch(r"[A-Za-z_]\w*", ident):
                raise TableError(f"{name}: '{ident}' is not a C++ identifier")
        ops.append({"name": name, "summary": e["summary"], "family": e["family"],
                    "operands": operands, "attrs": attrs, "outputs": outputs, "multi": multi, "shape": e["shape"],
                    "params": params, "dtypes": e["dtypes"], "kernel": kernel,
                    "same_dtype": bool(e.get("same_dtype", True))})
    return ops


def load_onnx_map(paths, ops):
    names = {o["name"]: o for o in ops}
    rows = []
    entries = []
    for path in paths:
        with open(path, "rb") as f:
            entries += list(tomllib.load(f).get("onnx", {}).items())
    for onnx_name, e in entries:
        ir = e.get("ir", onnx_name)
        if ir not in names:
            raise TableError(f"onnx.toml: {onnx_name} maps onto unknown IR op '{ir}'")
        rows.append({"onnx": onnx_name, "ir": ir, "ignore": e.get("ignore", []),
                     "handler": e.get("handler", ""), "min": e.get("min_opset", 1),
                     "max": e.get("max_opset", 10000)})
    return rows


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def param_ctype(op, p):
    if p["kind"] == "Operand":
        return "odla_values" if op["operands"][p["index"]]["variadic"] else "odla_value"
    if p["kind"] == "Attr":
        return ODLA_ATTR_CTYPE[op["attrs"][p["index"]]["type"]]
    if p["kind"] == "OutputDims":
        return "odla_value_shape"
    if p["kind"] == "Ids":
        return "odla_value_ids"
    return "odla_value_id"


def result_ctype(op):
    return "odla_values" if op["multi"] else "odla_value"


def gen_op_kind(ops):
    return "".join(f"HALO_OP({o['name']})\n" for o in ops)


def gen_schema_table(ops):
    out = ["// Generated by tools/opgen/opgen.py from ops/ops.toml. Do not edit.",
           '#include "op_schema.h"', "", "namespace halo::sem {", "namespace {", ""]
    for o in ops:
        n = o["name"]
        out.append(f"constexpr OperandSchema k{n}Operands[] = {{")
        for x in o["operands"]:
            out.append(f"    {{{c_str(x['name'])}, {str(x['optional']).lower()}, "
                       f"{str(x['variadic']).lower()}}},")
        out.append("};")
        if o["attrs"]:
            out.append(f"constexpr AttrSchema k{n}Attrs[] = {{")
            for a in o["attrs"]:
                t = a["type"].capitalize()
                has = a["default"] is not None
                out.append(f"    {{{c_str(a['name'])}, AttrType::{t}, {str(has).lower()}, "
                           f"{c_str(a['default'] or '')}}},")
            out.append("};")
        out.append(f"constexpr ResultSchema k{n}Results[] = {{")
        for x in o["outputs"]:
            out.append(f"    {{{c_str(x['name'])}, {str(x['variadic']).lower()}}},")
        out.append("};")
        out.append(f"constexpr OdlaParam k{n}Params[] = {{")
        for p in o["params"]:
            out.append(f"    {{OdlaParamKind::{p['kind']}, {p['index']}}},")
        out.append("};")
        dts = ", ".join("DType::boolean" if d == "bool" else f"DType::{d}" for d in o["dtypes"])
        out.append(f"constexpr DType k{n}DTypes[] = {{{dts}}};")
        out.append("")
    out.append("constexpr OpSchema kSchemas[] = {")
    for o in ops:
        n = o["name"]
        attrs = f"k{n}Attrs" if o["attrs"] else "std::span<const AttrSchema>()"
        out.append(f"    {{OpKind::{n}, {c_str(n)}, {c_str(o['family'])}, {c_str(o['summary'])}, "
                   f"{c_str(o['shape'])}, \"odla_{n}\", k{n}Operands, {attrs}, k{n}Results, k{n}Params, "
                   f"k{n}DTypes, {str(o['same_dtype']).lower()}}},")
    out += ["};", "", "}  // namespace", "",
            "std::span<const OpSchema> all_op_schemas() { return kSchemas; }", "",
            "}  // namespace halo::sem", ""]
    return "\n".join(out)


def prototype(o):
    params = ", ".join(f"{param_ctype(o, p)} {p['name']}" for p in o["params"])
    return f"{result_ctype(o)} odla_{o['name']}({params})"


def gen_odla_header(ops):
    out = ["/* odla_ops.h - one ODLA function per operator.",
           " *",
           " * Generated by tools/opgen/opgen.py from ops/ops.toml. Do not edit.",
           " * In compile mode each call adds a node to the current computation and returns",
           " * the value it defines; in interpret mode it computes at once. Integer lists",
           " * (strides, pads, perm, ...) are passed as odla_value_shape; an optional operand",
           " * that is absent is NULL. On invalid arguments the functions return NULL and",
           " * odla_GetLastError() says why.",
           " */",
           "#ifndef ODLA_OPS_H_", "#define ODLA_OPS_H_", "", '#include <ODLA/odla_types.h>', "",
           "#ifdef __cplusplus", 'extern "C" {', "#endif", ""]
    for o in ops:
        out.append(f"/** {o['summary']}")
        for p in o["params"]:
            if p["kind"] == "Operand":
                x = o["operands"][p["index"]]
                what = "operand list" if x["variadic"] else (
                    "optional operand (NULL when absent)" if x["optional"] else "operand")
                out.append(f" *  @param {p['name']} {what}")
            elif p["kind"] == "Attr":
                a = o["attrs"][p["index"]]
                d = f" (ONNX default {a['default']})" if a["default"] is not None else ""
                out.append(f" *  @param {p['name']} attribute of type {a['type']}{d}")
            elif p["kind"] == "OutputDims":
                out.append(" *  @param output_dims the result shape inferred by the compiler")
            elif p["kind"] == "Ids":
                out.append(" *  @param ids one value id per result, in order")
            else:
                out.append(" *  @param id the result's value id")
        if o["multi"]:
            names = ", ".join(x["name"] + ("..." if x["variadic"] else "") for x in o["outputs"])
            out.append(f" *  @return the results ({names}), or size 0 on error */")
        else:
            out.append(" *  @return the result value, or NULL on error */")
        out.append(f"extern ODLA_API_EXPORT {prototype(o)};")
        out.append("")
    out += ["#ifdef __cplusplus", "}", "#endif", "", "#endif /* ODLA_OPS_H_ */", ""]
    return "\n".join(out)


def gen_reference_ops(ops):
    """Entry points of libodla_reference: pack the arguments back into the IR's operand
    list and attribute map and hand them to odla_ref::record_op (runtime/reference)."""
    out = ["// Generated by tools/opgen/opgen.py from ops/ops.toml. Do not edit.", ""]
    for o in ops:
        rt = result_ctype(o)
        on_error = "odla_values{}" if o["multi"] else "nullptr"
        out.append(f"extern \"C\" ODLA_API_EXPORT {prototype(o)} {{")
        out.append("  // Packing the arguments allocates: keep it inside api_call, no exception")
        out.append("  // may cross the C boundary.")
        out.append(f"  return odla_ref::api_call<{rt}>({on_error}, [&]() -> {rt} {{")
        out.append("  halo::sem::AttrMap attrs;")
        for p in o["params"]:
            if p["kind"] != "Attr":
                continue
            a = o["attrs"][p["index"]]
            conv = {"int": "static_cast<int64_t>({})", "bool": "static_cast<int64_t>({})",
                    "float": "static_cast<double>({})", "ints": "odla_ref::shape_to_ints({})",
                    "string": "std::string({})"}[a["type"]]
            out.append(f"  attrs.set({c_str(a['name'])}, {conv.format(p['name'])});")
        operands = [p for p in o["params"] if p["kind"] == "Operand"]
        operands.sort(key=lambda p: p["index"])
        if operands and o["operands"][0]["variadic"]:
            ops_expr = f"odla_ref::values_to_vector({operands[0]['name']})"
        else:
            ops_expr = "{" + ", ".join(p["name"] for p in operands) + "}"
        if o["multi"]:
            out.append(f"  return odla_ref::record_multi_op(halo::sem::OpKind::{o['name']}, {ops_expr}, "
                       f"std::move(attrs), ids);")
        else:
            has_dims = any(p["kind"] == "OutputDims" for p in o["params"])
            dims = "&output_dims" if has_dims else "nullptr"
            out.append(f"  return odla_ref::record_op(halo::sem::OpKind::{o['name']}, {ops_expr}, "
                       f"std::move(attrs), {dims}, id);")
        out.append("  });")
        out.append("}")
        out.append("")
    return "\n".join(out)


def gen_invoke(ops):
    """Executor thunks: `args` is an ArgReader over one lowered call (lib/codegen); each
    puts the call's results (one, or the odla_values of a multi-result op) in `results`."""
    out = ["// Generated by tools/opgen/opgen.py from ops/ops.toml. Do not edit.",
           "// Used inside: void invoke_op(OpKind kind, void* fn, const ArgReader& args,",
           "//                            std::vector<odla_value>& results)",
           "switch (kind) {"]
    for o in ops:
        ctypes = ", ".join(param_ctype(o, p) for p in o["params"])
        out.append(f"  case OpKind::{o['name']}: {{")
        out.append(f"    using Fn = {result_ctype(o)} (*)({ctypes});")
        exprs = []
        for pos, p in enumerate(o["params"]):
            t = param_ctype(o, p)
            reader = {"odla_value": "value", "odla_values": "values", "odla_int64": "int64",
                      "odla_float32": "float32", "odla_bool": "boolean",
                      "odla_value_shape": "shape", "const char*": "string",
                      "odla_value_id": "id", "odla_value_ids": "ids"}[t]
            exprs.append(f"args.{reader}({pos})")
        call = f"reinterpret_cast<Fn>(fn)({', '.join(exprs)})"
        if o["multi"]:
            out.append(f"    return unpack_results({call}, results);")
        else:
            out.append(f"    results.assign(1, {call});")
            out.append("    return;")
        out.append("  }")
    out += ["}", ""]
    return "\n".join(out)


def gen_onnx_map(rows):
    out = ["// Generated by tools/opgen/opgen.py from ops/frontends/onnx.toml. Do not edit.",
           "// ONNX_OP(onnx_name, IrKind, \"ignored,attrs\", \"handler\", min_opset, max_opset)"]
    for r in rows:
        out.append(f"ONNX_OP({c_str(r['onnx'])}, {r['ir']}, {c_str(','.join(r['ignore']))}, "
                   f"{c_str(r['handler'])}, {r['min']}, {r['max']})")
    return "\n".join(out) + "\n"


def gen_kernel_tables(ops):
    """Declarations of every shape rule and kernel the table names, and the two switch
    bodies dispatch.cc includes, so a new op family needs no edit of shared files."""
    rules = sorted({o["shape"] for o in ops})
    kernels = sorted({o["kernel"] for o in ops})
    head = "// Generated by tools/opgen/opgen.py from ops/*.toml. Do not edit.\n"
    decls = head
    for r in rules:
        decls += (f"std::string shape_{r}(const OpSchema& s, std::span<const TensorType> in, "
                  f"const AttrMap& attrs, std::vector<TensorType>& out);\n")
    for k in kernels:
        decls += f"std::string {k}(const KernelArgs& args);\n"
    kd = head + "".join(f"  case OpKind::{o['name']}: return {o['kernel']}(args);\n" for o in ops)
    sd = head + "".join(f"  case OpKind::{o['name']}: return shape_{o['shape']}(schema, in, attrs, out);\n"
                        for o in ops)
    return decls, kd, sd


def gen_onnx_handlers(rows):
    names = sorted({r["handler"] for r in rows if r["handler"]})
    out = "// Generated by tools/opgen/opgen.py from ops/frontends/onnx*.toml. Do not edit.\n"
    out += "// Each handler is defined (outside any anonymous namespace) in lib/frontends/onnx/.\n"
    out += "#ifdef ONNX_HANDLER_DECLS\n"
    out += "".join(f"Expected<std::vector<ir::Value*>> handle_{n}(NodeContext& ctx);\n" for n in names)
    out += "#else\n"
    out += "".join(f"    {{{c_str(n)}, handle_{n}}},\n" for n in names)
    out += "#endif\n"
    return out


def gen_docs(ops, rows):
    out = ["# HALO operators", "",
           "Generated from `ops/ops.toml` and `ops/frontends/*.toml` by `tools/opgen/opgen.py`;",
           "do not edit by hand (`make docs` refreshes it).", "",
           f"{len(ops)} IR operators.", "",
           "| IR op | ODLA function | reference dtypes | ONNX ops | summary |",
           "|---|---|---|---|---|"]
    for o in ops:
        onnx = ", ".join(r["onnx"] for r in rows if r["ir"] == o["name"])
        out.append(f"| {o['name']} | `odla_{o['name']}` | {' '.join(o['dtypes'])} | {onnx} | "
                   f"{o['summary']} |")
    out.append("")
    out.append("## Attributes")
    out.append("")
    for o in ops:
        if not o["attrs"]:
            continue
        attrs = ", ".join(f"`{a['name']}`: {a['type']}" +
                          (f" = {a['default']}" if a["default"] is not None else " (required)")
                          for a in o["attrs"])
        out.append(f"- **{o['name']}**: {attrs}")
    out.append("")
    return "\n".join(out)


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path) as f:
            if f.read() == text:
                return
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", required=True, help="the ops/ directory (ops.toml first, then *.toml)")
    ap.add_argument("--onnx", required=True, help="the ops/frontends/ directory (onnx*.toml)")
    ap.add_argument("--out", required=True, help="output directory")
    a = ap.parse_args()
    try:
        op_files = table_files(a.ops, r"ops\.toml") + [
            f for f in table_files(a.ops, r"[\w-]+\.toml") if not f.endswith(os.sep + "ops.toml")]
        ops = load_ops(op_files)
        rows = load_onnx_map(table_files(a.onnx, r"onnx([\w-]*)\.toml"), ops)
    except (TableError, tomllib.TOMLDecodeError) as e:
        print(f"opgen: error: {e}", file=sys.stderr)
        return 1
    write_if_changed(os.path.join(a.out, "op_kind.inc"), gen_op_kind(ops))
    write_if_changed(os.path.join(a.out, "op_schema_table.cc"), gen_schema_table(ops))
    write_if_changed(os.path.join(a.out, "ODLA", "odla_ops.h"), gen_odla_header(ops))
    write_if_changed(os.path.join(a.out, "odla_reference_ops.inc"), gen_reference_ops(ops))
    write_if_changed(os.path.join(a.out, "odla_invoke.inc"), gen_invoke(ops))
    write_if_changed(os.path.join(a.out, "onnx_op_map.inc"), gen_onnx_map(rows))
    write_if_changed(os.path.join(a.out, "ops.md"), gen_docs(ops, rows))
    decls, kd, sd = gen_kernel_tables(ops)
    write_if_changed(os.path.join(a.out, "kernel_decls.inc"), decls)
    write_if_changed(os.path.join(a.out, "kernel_dispatch.inc"), kd)
    write_if_changed(os.path.join(a.out, "shape_dispatch.inc"), sd)
    write_if_changed(os.path.join(a.out, "onnx_handlers.inc"), gen_onnx_handlers(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
