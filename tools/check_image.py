#!/usr/bin/env python3
"""Checks, after the link, that a kernel image can be booted by a multiboot 1
loader through the header's address fields (the "a.out kludge", flag bit 16).

    python3 tools/check_image.py [--verbose] build/spindle.elf

Such a loader does not read the ELF program headers: it copies the file
linearly, starting at file offset header_offset - (header_addr - load_addr),
to physical address load_addr, up to load_end_addr, zeroes memory up to
bss_end_addr and jumps to entry_addr (Multiboot Specification 0.6.96,
section 3.1.3). The image is right only if that copy puts every PT_LOAD
segment where the ELF file says, so this checks:

  - the multiboot header (magic 0x1BADB002) is 4-byte aligned, within the
    first 8192 bytes, its checksum is right and flag bit 16 is set;
  - every PT_LOAD segment has the same file offset - physical address;
  - header_addr, load_addr, load_end_addr, bss_end_addr and entry_addr
    agree with the segments (nothing left out, zero-fill really zeroed,
    entry in code);
  - no segment is both writable and executable.

Exit status 0 if all is well; otherwise it prints one line per problem and
exits 1, so that the Makefile's link step fails. Standard library only.
"""
import argparse
import struct
import sys

# ELF (System V gABI, "ELF header" and "Program header").
ELF_MAGIC = b"\x7fELF"
ELFCLASS64 = 2
ELFDATA2LSB = 1
EM_X86_64 = 62
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4

# Multiboot 1 header (Multiboot Specification 0.6.96, section 3.1.1).
MB_MAGIC = 0x1BADB002
MB_SEARCH_LIMIT = 8192          # the header must lie within the first 8 KiB
MB_FLAG_VIDEO = 1 << 2          # adds mode_type, width, height, depth
MB_FLAG_AOUT_KLUDGE = 1 << 16   # the address fields are valid
MB_KNOWN_REQUIRED = 0x7         # bits 0-15 are requirements; only 0-2 exist
MB_FIELDS = struct.Struct("<IIIIIIII")  # magic flags checksum + 5 addresses


class Segment:
    def __init__(self, index, p_type, flags, offset, vaddr, paddr, filesz, memsz):
        self.index = index
        self.type = p_type
        self.flags = flags
        self.offset = offset
        self.vaddr = vaddr
        self.paddr = paddr
        self.filesz = filesz
        self.memsz = memsz

    def name(self):
        perms = "".join(c if self.flags & f else "-" for c, f in (("R", PF_R), ("W", PF_W), ("X", PF_X)))
        return "segment %d (%s, phys 0x%x-0x%x)" % (self.index, perms, self.paddr, self.paddr + self.memsz)


def parse_elf(data):
    """Returns (e_entry, [Segment]) or raises ValueError."""
    if len(data) < EHDR.size or data[:4] != ELF_MAGIC:
        raise ValueError("not an ELF file")
    ident = data[:16]
    if ident[4] != ELFCLASS64 or ident[5] != ELFDATA2LSB:
        raise ValueError("not a little-endian ELF64 file")
    (_, _, machine, _, entry, phoff, _, _, _, phentsize, phnum, _, _, _) = EHDR.unpack_from(data, 0)
    if machine != EM_X86_64:
        raise ValueError("e_machine is %d, not x86-64 (%d)" % (machine, EM_X86_64))
    if phentsize != PHDR.size:
        raise ValueError("program header entries are %d bytes, not %d" % (phentsize, PHDR.size))
    if phoff + phnum * phentsize > len(data):
        raise ValueError("program headers run past the end of the file")
    segments = []
    for i in range(phnum):
        p_type, flags, offset, vaddr, paddr, filesz, memsz, _ = PHDR.unpack_from(data, phoff + i * phentsize)
        segments.append(Segment(i, p_type, flags, offset, vaddr, paddr, filesz, memsz))
    return entry, segments


def find_multiboot_header(data, errors):
    """Returns the file offset of a valid multiboot header, or None."""
    limit = min(len(data), MB_SEARCH_LIMIT)
    for off in range(0, limit - 12 + 1, 4):
        magic, flags, checksum = struct.unpack_from("<III", data, off)
        if magic == MB_MAGIC:
            if (magic + flags + checksum) & 0xFFFFFFFF:
                errors.append("multiboot header at file offset 0x%x: checksum 0x%x is wrong "
                              "(magic + flags + checksum must be 0 mod 2^32)" % (off, checksum))
                return None
            return off
    # Not found where a loader looks: say why, if the magic is elsewhere.
    where = data.find(struct.pack("<I", MB_MAGIC))
    if where < 0:
        errors.append("no multiboot header (magic 0x%08X) in the file" % MB_MAGIC)
    elif where % 4:
        errors.append("multiboot magic at file offset 0x%x is not 4-byte aligned" % where)
    else:
        errors.append("multiboot header at file offset 0x%x is not within the first %d bytes, "
                      "where the loader looks for it (linker.ld must put .boot.header first)"
                      % (where, MB_SEARCH_LIMIT))
    return None


def check(data):
    """Returns (errors, summary lines)."""
    errors = []
    try:
        e_entry, segments = parse_elf(data)
    except ValueError as e:
        return [str(e)], []
    loads = [s for s in segments if s.type == PT_LOAD and s.memsz > 0]
    if not loads:
        return ["no PT_LOAD segment"], []

    for s in loads:
        if s.flags & PF_W and s.flags & PF_X:
            errors.append("%s is writable and executable: code must not be writable "
                          "(a PHDRS entry in linker.ld has the wrong FLAGS, or a section landed in the wrong one)"
                          % s.name())
        if s.filesz > s.memsz:
            errors.append("%s has more bytes in the file (0x%x) than in memory (0x%x)"
                          % (s.name(), s.filesz, s.memsz))
        if s.paddr + s.memsz > 1 << 32:
            errors.append("%s ends above 4 GiB: a multiboot loader runs in 32-bit mode" % s.name())
    by_addr = sorted(loads, key=lambda s: s.paddr)
    for a, b in zip(by_addr, by_addr[1:]):
        if a.paddr + a.memsz > b.paddr:
            errors.append("%s and %s overlap in physical memory" % (a.name(), b.name()))

    # The linear copy: file offset - physical address must be one constant.
    in_file = [s for s in by_addr if s.filesz > 0]
    delta = in_file[0].offset - in_file[0].paddr if in_file else 0
    for s in in_file[1:]:
        if s.offset - s.paddr != delta:
            errors.append("%s is at file offset 0x%x, but the loader copies the file linearly and "
                          "would put that offset at phys 0x%x, not 0x%x (file offset - physical address "
                          "is %#x here, %#x for %s); are the sections page-aligned in the file "
                          "(no -n/-N in LDFLAGS)?"
                          % (s.name(), s.offset, s.offset - delta, s.paddr, s.offset - s.paddr,
                             delta, in_file[0].name()))

    off = find_multiboot_header(data, errors)
    if off is None:
        return errors, []
    magic, flags, checksum, header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr = \
        MB_FIELDS.unpack_from(data + bytes(MB_FIELDS.size), off)
    header_size = 48 if flags & MB_FLAG_VIDEO else 32
    if off + header_size > MB_SEARCH_LIMIT:
        errors.append("multiboot header at file offset 0x%x runs past byte %d" % (off, MB_SEARCH_LIMIT))
    if flags & 0xFFFF & ~MB_KNOWN_REQUIRED:
        errors.append("multiboot flags 0x%x ask for features (bits 3-15) no loader knows: "
                      "loaders must refuse the image" % flags)
    if not flags & MB_FLAG_AOUT_KLUDGE:
        errors.append("multiboot flags 0x%x lack bit 16: QEMU refuses an ELF64 kernel without "
                      "the header's load addresses" % flags)
        return errors, []

    # Where the loader takes the image from in the file (spec 3.1.3).
    load_offset = off - (header_addr - load_addr)
    file_end = load_addr + (len(data) - load_offset)     # physical end of a whole-file copy
    load_end = load_end_addr or file_end
    bss_end = bss_end_addr or load_end
    fields = ("header_addr 0x%x, load_addr 0x%x, load_end_addr 0x%x, bss_end_addr 0x%x, entry_addr 0x%x"
              % (header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr))

    if load_addr > header_addr:
        errors.append("load_addr 0x%x is above header_addr 0x%x" % (load_addr, header_addr))
    if load_offset < 0:
        errors.append("header_addr - load_addr = 0x%x is more than the header's file offset 0x%x: "
                      "the image would start before the file" % (header_addr - load_addr, off))
    if in_file and off - header_addr != delta:
        errors.append("the header is at file offset 0x%x but header_addr 0x%x: the loader would load "
                      "file offset 0x%x at 0x%x, where the segments need 0x%x" %
                      (off, header_addr, load_offset, load_addr, load_addr + delta))
    if in_file and load_addr != in_file[0].paddr:
        errors.append("load_addr 0x%x is not the first segment's physical address 0x%x (%s)"
                      % (load_addr, in_file[0].paddr, in_file[0].name()))
    if load_end <= load_addr:
        errors.append("load_end_addr 0x%x is not above load_addr 0x%x" % (load_end, load_addr))
    if load_end > file_end:
        errors.append("load_end_addr 0x%x is past the end of the file (which would end at 0x%x)"
                      % (load_end, file_end))
    if bss_end < load_end:
        errors.append("bss_end_addr 0x%x is below load_end_addr 0x%x" % (bss_end, load_end))
    for s in loads:
        if s.filesz and s.paddr + s.filesz > load_end:
            errors.append("%s has file contents up to 0x%x, past load_end_addr 0x%x: "
                          "the loader would not copy them" % (s.name(), s.paddr + s.filesz, load_end))
        if s.paddr + s.memsz > bss_end:
            errors.append("%s reaches 0x%x, past bss_end_addr 0x%x: the loader would neither zero it "
                          "nor keep its modules and boot information out of it"
                          % (s.name(), s.paddr + s.memsz, bss_end))
        zero_start = s.paddr + s.filesz
        if s.memsz > s.filesz and zero_start < load_end:
            errors.append("%s must be zero from 0x%x, but that is below load_end_addr 0x%x, so the "
                          "loader would fill it with file bytes instead of zeros"
                          % (s.name(), zero_start, load_end))
        if s.paddr < load_addr:
            errors.append("%s starts below load_addr 0x%x" % (s.name(), load_addr))
    code = [s for s in in_file if s.flags & PF_X and s.paddr <= entry_addr < s.paddr + s.filesz]
    if not code:
        errors.append("entry_addr 0x%x is not inside an executable segment's file contents" % entry_addr)
    if entry_addr != e_entry:
        errors.append("entry_addr 0x%x differs from the ELF entry point 0x%x (linker.ld ENTRY)"
                      % (entry_addr, e_entry))
    if errors:
        errors.append("the multiboot header says: " + fields)

    summary = [
        "multiboot header at file offset 0x%x, flags 0x%x" % (off, flags),
        "file offset 0x%x -> phys 0x%x..0x%x copied, zeroed to 0x%x, entry 0x%x"
        % (load_offset, load_addr, load_end, bss_end, entry_addr),
        "%d PT_LOAD segments, file offset - physical address = %#x for each, none writable and executable"
        % (len(loads), delta),
    ]
    return errors, summary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("image", help="the linked kernel (ELF64)")
    ap.add_argument("-v", "--verbose", action="store_true", help="describe the image when it is right")
    args = ap.parse_args()
    try:
        with open(args.image, "rb") as f:
            data = f.read()
    except OSError as e:
        sys.exit("check_image: %s" % e)
    errors, summary = check(data)
    for e in errors:
        print("check_image: %s: error: %s" % (args.image, e), file=sys.stderr)
    if errors:
        print("check_image: %s cannot be booted by a multiboot loader (see linker.ld and boot/boot.S)"
              % args.image, file=sys.stderr)
        sys.exit(1)
    if args.verbose:
        for line in summary:
            print("check_image: %s: %s" % (args.image, line))


if __name__ == "__main__":
    main()
