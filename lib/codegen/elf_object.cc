// elf_object.cc - the ELF64 relocatable object writer behind "model.bin".
//
// The object is written from the ELF specification and the x86-64 psABI; only the
// constants come from <elf.h>. Every field is serialized explicitly in little-endian
// order rather than by copying the <elf.h> structs, so the output does not depend on
// the byte order or struct layout of the machine running the compiler.
#include "halo/codegen/elf_object.h"

#include <elf.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace halo::codegen {
namespace {

// The x86-64 psABI's flag for sections that may lie beyond 2 GiB; glibc's <elf.h>
// does not define it.
constexpr uint64_t kShfX8664Large = 0x10000000;

// Beyond this total size, data can no longer be reached with the 32-bit displacements
// of the small code model, so it goes into a large-model section instead.
constexpr uint64_t kLargeThreshold = uint64_t{1} << 31;

// Section header indices; the layout is fixed, which keeps the output deterministic.
enum SectionIndex : uint16_t {
  kNull = 0,
  kData = 1,
  kNoteStack = 2,
  kSymtab = 3,
  kStrtab = 4,
  kShstrtab = 5,
  kNumSections = 6,
};

constexpr uint64_t kEhdrSize = 64;
constexpr uint64_t kShdrSize = 64;
constexpr uint64_t kSymSize = 24;

uint64_t align_up(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

// Stores little-endian integers at fixed offsets of a preallocated buffer.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}

  void u8(uint64_t& pos, uint8_t v) { out_[pos++] = v; }
  void u16(uint64_t& pos, uint16_t v) { put(pos, v, 2); }
  void u32(uint64_t& pos, uint32_t v) { put(pos, v, 4); }
  void u64(uint64_t& pos, uint64_t v) { put(pos, v, 8); }
  void bytes(uint64_t pos, const void* data, size_t size) {
    if (size != 0) std::memcpy(out_.data() + pos, data, size);
  }

 private:
  void put(uint64_t& pos, uint64_t v, int width) {
    for (int i = 0; i < width; ++i) out_[pos++] = static_cast<uint8_t>(v >> (8 * i));
  }
  std::vector<uint8_t>& out_;
};

// A string table under construction: starts with the mandatory empty string.
struct StringTable {
  std::string bytes{'\0'};
  uint32_t add(const std::string& s) {
    auto offset = static_cast<uint32_t>(bytes.size());
    bytes += s;
    bytes += '\0';
    return offset;
  }
};

struct SectionHeader {
  uint32_t name = 0;
  uint32_t type = SHT_NULL;
  uint64_t flags = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t addralign = 0;
  uint64_t entsize = 0;
};

}  // namespace

std::vector<uint8_t> build_elf_object(std::span<const ElfSymbolData> symbols) {
  // Lay out the data section: each constant at the next multiple of its alignment.
  std::vector<uint64_t> value(symbols.size());
  uint64_t data_size = 0;
  uint64_t data_align = 1;
  for (size_t i = 0; i < symbols.size(); ++i) {
    uint64_t a = std::bit_ceil(std::max<uint64_t>(symbols[i].alignment, 1));
    data_align = std::max(data_align, a);
    value[i] = align_up(data_size, a);
    data_size = value[i] + symbols[i].size;
  }
  const bool large = data_size > kLargeThreshold;

  StringTable strtab;
  std::vector<uint32_t> name_offset(symbols.size());
  for (size_t i = 0; i < symbols.size(); ++i) name_offset[i] = strtab.add(symbols[i].name);

  StringTable shstrtab;
  SectionHeader sh[kNumSections];
  sh[kData].name = shstrtab.add(large ? ".lrodata" : ".rodata");
  sh[kNoteStack].name = shstrtab.add(".note.GNU-stack");
  sh[kSymtab].name = shstrtab.add(".symtab");
  sh[kStrtab].name = shstrtab.add(".strtab");
  sh[kShstrtab].name = shstrtab.add(".shstrtab");

  // Symbol 0 is the reserved null symbol; symbol 1 is the conventional local section
  // symbol; the globals follow, since ELF requires all locals to precede them.
  constexpr uint32_t kFirstGlobal = 2;
  const uint64_t num_syms = kFirstGlobal + symbols.size();

  // File layout: header, data (aligned so the constants are aligned in the file too,
  // which lets tools map it directly), the empty note, symbol table, string tables and
  // finally the section header table.
  uint64_t pos = kEhdrSize;
  sh[kData].type = SHT_PROGBITS;
  sh[kData].flags = SHF_ALLOC | (large ? kShfX8664Large : 0);
  sh[kData].offset = align_up(pos, data_align);
  sh[kData].size = data_size;
  sh[kData].addralign = data_align;
  pos = sh[kData].offset + data_size;

  // An empty, non-executable .note.GNU-stack tells the linker that this object does not
  // need an executable stack; without it GNU ld assumes it might and warns.
  sh[kNoteStack].type = SHT_PROGBITS;
  sh[kNoteStack].offset = pos;
  sh[kNoteStack].addralign = 1;

  sh[kSymtab].type = SHT_SYMTAB;
  sh[kSymtab].offset = align_up(pos, 8);
  sh[kSymtab].size = num_syms * kSymSize;
  sh[kSymtab].link = kStrtab;
  sh[kSymtab].info = kFirstGlobal;  // one greater than the last local symbol's index
  sh[kSymtab].addralign = 8;
  sh[kSymtab].entsize = kSymSize;
  pos = sh[kSymtab].offset + sh[kSymtab].size;

  sh[kStrtab].type = SHT_STRTAB;
  sh[kStrtab].offset = pos;
  sh[kStrtab].size = strtab.bytes.size();
  sh[kStrtab].addralign = 1;
  pos += sh[kStrtab].size;

  sh[kShstrtab].type = SHT_STRTAB;
  sh[kShstrtab].offset = pos;
  sh[kShstrtab].size = shstrtab.bytes.size();
  sh[kShstrtab].addralign = 1;
  pos += sh[kShstrtab].size;

  const uint64_t shoff = align_up(pos, 8);
  std::vector<uint8_t> out(shoff + kNumSections * kShdrSize, 0);  // padding stays zero
  Writer w(out);

  // ELF header.
  uint64_t p = 0;
  const uint8_t ident[EI_NIDENT] = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
                                    ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE};
  w.bytes(p, ident, EI_NIDENT);
  p += EI_NIDENT;
  w.u16(p, ET_REL);
  w.u16(p, EM_X86_64);
  w.u32(p, EV_CURRENT);
  w.u64(p, 0);  // e_entry
  w.u64(p, 0);  // e_phoff: relocatable objects have no program headers
  w.u64(p, shoff);
  w.u32(p, 0);  // e_flags
  w.u16(p, kEhdrSize);
  w.u16(p, 0);  // e_phentsize
  w.u16(p, 0);  // e_phnum
  w.u16(p, kShdrSize);
  w.u16(p, kNumSections);
  w.u16(p, kShstrtab);

  // Section contents.
  for (size_t i = 0; i < symbols.size(); ++i)
    w.bytes(sh[kData].offset + value[i], symbols[i].data, symbols[i].size);
  w.bytes(sh[kStrtab].offset, strtab.bytes.data(), strtab.bytes.size());
  w.bytes(sh[kShstrtab].offset, shstrtab.bytes.data(), shstrtab.bytes.size());

  // Symbol table; entry 0 stays all zero.
  auto put_sym = [&](uint64_t index, uint32_t name, uint8_t info, uint16_t shndx,
                     uint64_t val, uint64_t size) {
    uint64_t q = sh[kSymtab].offset + index * kSymSize;
    w.u32(q, name);
    w.u8(q, info);
    w.u8(q, STV_DEFAULT);  // st_other: default visibility, so shared objects export it
    w.u16(q, shndx);
    w.u64(q, val);
    w.u64(q, size);
  };
  put_sym(1, 0, ELF64_ST_INFO(STB_LOCAL, STT_SECTION), kData, 0, 0);
  for (size_t i = 0; i < symbols.size(); ++i)
    put_sym(kFirstGlobal + i, name_offset[i], ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT), kData,
            value[i], symbols[i].size);

  // Section header table; entry 0 stays all zero.
  for (uint16_t i = 1; i < kNumSections; ++i) {
    uint64_t q = shoff + i * kShdrSize;
    w.u32(q, sh[i].name);
    w.u32(q, sh[i].type);
    w.u64(q, sh[i].flags);
    w.u64(q, 0);  // sh_addr: assigned by the linker
    w.u64(q, sh[i].offset);
    w.u64(q, sh[i].size);
    w.u32(q, sh[i].link);
    w.u32(q, sh[i].info);
    w.u64(q, sh[i].addralign);
    w.u64(q, sh[i].entsize);
  }
  return out;
}

}  // namespace halo::codegen
