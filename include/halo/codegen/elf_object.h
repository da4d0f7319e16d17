// elf_object.h - writes model constants as an x86-64 ELF64 relocatable object.
//
// A model's weights can be hundreds of megabytes; emitting them as C arrays would make
// the C compiler the bottleneck of every build. Instead the compiler writes them straight
// into an object file ("model.bin") that users hand to the linker next to the generated
// code, e.g. `g++ -o demo main.o model.o model.bin -lodla_reference`, or into a shared
// library. The object holds data only, so it needs no relocations and links equally well
// into executables, PIE and shared objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace halo::codegen {

/// One constant to be emitted as a global, read-only data symbol.
struct ElfSymbolData {
  /// The symbol name, a C identifier that the generated code declares `extern`.
  std::string name;
  /// The bytes of the constant; may be null when `size` is zero.
  const void* data = nullptr;
  /// The number of bytes, which becomes the symbol's st_size; zero is allowed.
  size_t size = 0;
  /// The required alignment of the symbol's address, a power of two; zero counts as one.
  size_t alignment = 1;
};

/// Builds the bytes of an ELF64 little-endian x86-64 relocatable object (ET_REL).
///
/// All constants are laid out, in the given order, in one read-only data section, each
/// at an offset that is a multiple of its alignment; the section's own alignment is the
/// largest requested one, so the addresses the linker assigns stay aligned. Each constant
/// gets one STB_GLOBAL, STT_OBJECT, default-visibility symbol of its exact size. The
/// section is called ".rodata", or ".lrodata" with the SHF_X86_64_LARGE flag when the
/// total exceeds 2 GiB, so that linkers place it away from code that is addressed with
/// 32-bit displacements; code that references such constants must then be compiled with
/// -fPIC or -mcmodel=medium, since small-model PIE code reaches data only within 2 GiB.
/// The object also carries an empty ".note.GNU-stack" section so
/// that linking it does not request an executable stack.
///
/// The output is deterministic: the same input always yields the same bytes. The names
/// must be distinct; duplicates would make the linker report multiple definitions.
std::vector<uint8_t> build_elf_object(std::span<const ElfSymbolData> symbols);

}  // namespace halo::codegen
