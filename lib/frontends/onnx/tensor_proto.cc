// tensor_proto.cc - ONNX TensorProto -> element type, dims and packed bytes.
//
// ONNX stores tensor data either as raw little-endian bytes or in typed repeated fields
// (several element types share int32_data). Every size is checked against the declared
// shape before anything is allocated, so a small hostile file cannot make us allocate
// gigabytes.
//
// The 4-bit types (int4, uint4, float4e2m1) are packed two per byte in ONNX, first
// element in the low nibble; HALO keeps one byte per element (see dtype.h), so they are
// unpacked here: int4 sign-extended, uint4/float4 in the low nibble.
#include "tensor_proto.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace halo::onnx_import {

std::optional<ir::DType> dtype_from_onnx(int32_t t) {
  using T = onnx::TensorProto;
  switch (t) {
    case T::FLOAT: return ir::DType::f32;
    case T::FLOAT16: return ir::DType::f16;
    case T::BFLOAT16: return ir::DType::bf16;
    case T::DOUBLE: return ir::DType::f64;
    case T::INT8: return ir::DType::i8;
    case T::INT16: return ir::DType::i16;
    case T::INT32: return ir::DType::i32;
    case T::INT64: return ir::DType::i64;
    case T::UINT8: return ir::DType::u8;
    case T::UINT16: return ir::DType::u16;
    case T::UINT32: return ir::DType::u32;
    case T::UINT64: return ir::DType::u64;
    case T::BOOL: return ir::DType::boolean;
    default: break;
  }
  // Newer than the protobuf definitions HALO may build against: by number (onnx.proto).
  switch (t) {
    case 17: return ir::DType::f8e4m3fn;
    case 18: return ir::DType::f8e4m3fnuz;
    case 19: return ir::DType::f8e5m2;
    case 20: return ir::DType::f8e5m2fnuz;
    case 21: return ir::DType::u4;
    case 22: return ir::DType::i4;
    case 23: return ir::DType::f4e2m1;
    case 24: return ir::DType::f8e8m0;
    default: return std::nullopt;
  }
}

namespace {

template <typename Src, typename Dst>
void pack(const Src& field, std::vector<uint8_t>& out) {
  out.resize(static_cast<size_t>(field.size()) * sizeof(Dst));
  for (int i = 0; i < field.size(); ++i) {
    Dst v = static_cast<Dst>(field.Get(i));
    std::memcpy(out.data() + static_cast<size_t>(i) * sizeof(Dst), &v, sizeof(Dst));
  }
}

bool is_4bit(ir::DType t) { return t == ir::DType::i4 || t == ir::DType::u4 || t == ir::DType::f4e2m1; }

// n 4-bit elements packed two per byte (low nibble first) -> one byte each.
std::vector<uint8_t> unpack_4bit(const uint8_t* packed, size_t n, bool sign_extend) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) {
    uint8_t nibble = (packed[i / 2] >> (4 * (i % 2))) & 0x0F;
    out[i] = sign_extend && (nibble & 0x08) ? static_cast<uint8_t>(nibble | 0xF0) : nibble;
  }
  return out;
}

// The bytes of a tensor stored in an external file (TensorProto.external_data: location,
// offset, length). The location must be a relative path inside the model's folder: model
// files come from untrusted sources and must not make the compiler read (and embed in
// its output) arbitrary files such as /etc/passwd or ../../secret. Sizes are checked
// against the file before anything is read.
Status read_external(const onnx::TensorProto& t, const std::string& where, const std::string& model_dir,
                     int64_t need, std::string& out) {
  namespace fs = std::filesystem;
  auto fail = [&](const std::string& m) { return make_error(ErrorKind::Parse, where + ": " + m); };
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : t.external_data()) {
    int64_t* num = kv.key() == "offset" ? &offset : kv.key() == "length" ? &length : nullptr;
    if (kv.key() == "location") location = kv.value();
    if (!num) continue;
    const char* b = kv.value().data();
    const char* e = b + kv.value().size();
    auto r = std::from_chars(b, e, *num);
    if (r.ec != std::errc() || r.ptr != e || *num < 0)
      return fail("external data " + kv.key() + " '" + kv.value() + "' is not a non-negative integer");
  }
  if (location.empty()) return fail("tensor '" + t.name() + "' has external data without a location");
  fs::path rel(location);
  bool escapes = rel.is_absolute() || rel.has_root_name() || rel.has_root_directory();
  for (const auto& part : rel) escapes |= part == "..";
  if (escapes)
    return fail("external data location '" + location + "' of tensor '" + t.name() +
                "' is outside the model's folder (only relative paths below it are allowed)");
  fs::path dir = model_dir.empty() ? fs::path(".") : fs::path(model_dir);
  fs::path file = dir / rel;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    return fail("external data file '" + file.string() + "' of tensor '" + t.name() + "' does not exist");
  // A symbolic link inside the folder may still point outside it.
  fs::path real_dir = fs::weakly_canonical(dir, ec), real_file = fs::weakly_canonical(file, ec);
  auto mismatch = std::mismatch(real_dir.begin(), real_dir.end(), real_file.begin(), real_file.end());
  if (ec || mismatch.first != real_dir.end())
    return fail("external data file '" + file.string() + "' of tensor '" + t.name() + "' is outside the model's folder");
  auto size = static_cast<int64_t>(fs::file_size(file, ec));
  if (ec) return fail("cannot read external data file '" + file.string() + "'");
  if (length >= 0 && length != need)
    return fail("tensor '" + t.name() + "' needs " + std::to_string(need) + " bytes but its external data length is " +
                std::to_string(length));
  if (offset > size || need > size - offset)
    return fail("external data file '" + file.string() + "' holds " + std::to_string(size) + " bytes; tensor '" +
                t.name() + "' needs " + std::to_string(need) + " from offset " + std::to_string(offset));
  std::ifstream in(file, std::ios::binary);
  out.resize(static_cast<size_t>(need));
  if (!in.seekg(offset) || !in.read(out.data(), static_cast<std::streamsize>(need)))
    return fail("cannot read external data file '" + file.string() + "'");
  return {};
}

}  // namespace

Expected<TensorData> read_tensor(const onnx::TensorProto& t, const std::string& where, const std::string& model_dir) {
  auto fail = [&](const std::string& m) { return make_error(ErrorKind::Parse, where + ": " + m); };
  auto dt = dtype_from_onnx(t.data_type());
  if (!dt) {
    if (t.data_type() == onnx::TensorProto::STRING)
      return make_error(ErrorKind::Unsupported, where + ": string tensors are not supported");
    return fail("unsupported tensor element type " + std::to_string(t.data_type()));
  }
  TensorData out;
  out.type.dtype = *dt;
  for (int64_t d : t.dims()) {
    if (d < 0) return fail("negative dimension " + std::to_string(d) + " in tensor '" + t.name() + "'");
    out.type.dims.push_back(d);
  }
  int64_t bytes = out.type.num_bytes();
  if (bytes < 0) return fail("tensor '" + t.name() + "' has an element count that overflows");
  // External data is read as if it were raw_data.
  const std::string* raw = t.has_raw_data() ? &t.raw_data() : nullptr;
  std::string external;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    int64_t need = is_4bit(*dt) ? (out.type.num_elements() + 1) / 2 : bytes;
    HALO_TRY(read_external(t, where, model_dir, need, external));
    raw = &external;
  }
  auto data = std::make_shared<std::vector<uint8_t>>();
  using T = onnx::TensorProto;
  if (is_4bit(*dt)) {
    // Packed: raw bytes, or int32_data entries holding one byte (two elements) each.
    std::vector<uint8_t> packed;
    if (raw) packed.assign(raw->begin(), raw->end());
    else pack<decltype(t.int32_data()), uint8_t>(t.int32_data(), packed);
    size_t n = static_cast<size_t>(out.type.num_elements());
    if (packed.size() != (n + 1) / 2)
      return fail("tensor '" + t.name() + "' of type " + sem::to_string(out.type) + " needs " +
                  std::to_string((n + 1) / 2) + " packed bytes but holds " + std::to_string(packed.size()));
    *data = unpack_4bit(packed.data(), n, *dt == ir::DType::i4);
  } else if (raw) {
    data->assign(raw->begin(), raw->end());
  } else {
    switch (t.data_type()) {
      case T::FLOAT: pack<decltype(t.float_data()), float>(t.float_data(), *data); break;
      case T::DOUBLE: pack<decltype(t.double_data()), double>(t.double_data(), *data); break;
      case T::INT64: pack<decltype(t.int64_data()), int64_t>(t.int64_data(), *data); break;
      case T::UINT64:
      case T::UINT32: {
        if (t.data_type() == T::UINT64) pack<decltype(t.uint64_data()), uint64_t>(t.uint64_data(), *data);
        else pack<decltype(t.uint64_data()), uint32_t>(t.uint64_data(), *data);
        break;
      }
      case T::INT32: pack<decltype(t.int32_data()), int32_t>(t.int32_data(), *data); break;
      case T::INT16: pack<decltype(t.int32_data()), int16_t>(t.int32_data(), *data); break;
      case T::INT8: pack<decltype(t.int32_data()), int8_t>(t.int32_data(), *data); break;
      case T::UINT16:
      case T::FLOAT16:
      case T::BFLOAT16: pack<decltype(t.int32_data()), uint16_t>(t.int32_data(), *data); break;
      case T::UINT8:
      case T::BOOL: pack<decltype(t.int32_data()), uint8_t>(t.int32_data(), *data); break;
      default:
        // float8 types: one bit pattern per int32_data entry.
        if (sem::dtype_size(*dt) == 1) {
          pack<decltype(t.int32_data()), uint8_t>(t.int32_data(), *data);
          break;
        }
        return fail("unsupported tensor element type");
    }
  }
  if (data->size() != static_cast<size_t>(bytes))
    return fail("tensor '" + t.name() + "' of type " + sem::to_string(out.type) + " needs " + std::to_string(bytes) +
                " bytes but holds " + std::to_string(data->size()));
  out.data = std::move(data);
  return out;
}

}  // namespace halo::onnx_import
