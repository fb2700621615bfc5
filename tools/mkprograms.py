#!/usr/bin/env python3
"""Embeds the user programs in the kernel image, and lists their names for
the shell. Run by the Makefile (docs/user.md, "How programs are built").

    python3 tools/mkprograms.py --table OUT.S build/user/NAME.elf ...
    python3 tools/mkprograms.py --names OUT.c NAME ...

--table writes an assembly file that .incbin's every ELF file (each image
page-aligned in .rodata.programs) and defines the table kernel/programs.c
reads: `program_table`, an array of struct program {name, image, size}
sorted by name (kernel/programs.h), and `program_table_count` (int). The
program's name is the file name without `.elf`. Before that it checks
each file: a static ELF64 x86-64 executable whose lowest segment starts at
USER_CODE_BASE (read from lib/abi.h, so that user/user.ld cannot drift
from it), all of it in the lower half, no segment both writable and
executable, the entry point in an executable segment. A bad file stops the
build with one line per problem.

--names writes a C file defining `program_names` (sorted) and
`program_names_count` for user/include/program_list.h.

An output file is rewritten only if its contents change, so the Makefile
can run this on every build (to notice a program removed) without making
everything after it rebuild. Standard library only.
"""
import argparse
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ELF (System V gABI, "ELF header" and "Program header").
ELF_MAGIC = b"\x7fELF"
ELFCLASS64 = 2
ELFDATA2LSB = 1
ET_EXEC = 2
EM_X86_64 = 62
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
PF_X, PF_W = 1, 2

USER_TOP = 0x0000800000000000       # end of the canonical lower half (arch/x86_64/memlayout.h)
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")


def user_code_base():
    """USER_CODE_BASE as lib/abi.h defines it."""
    with open(os.path.join(ROOT, "lib", "abi.h")) as f:
        m = re.search(r"^#define\s+USER_CODE_BASE\s+(0x[0-9a-fA-F]+|\d+)", f.read(), re.M)
    if not m:
        sys.exit("mkprograms: no USER_CODE_BASE in lib/abi.h")
    return int(m.group(1), 0)


def check_elf(path, code_base):
    """The problems of one program file, as a list of strings (empty if fine)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < EHDR.size or data[:4] != ELF_MAGIC:
        return ["not an ELF file"]
    (ident, e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize, e_phnum,
     _, _, _) = EHDR.unpack_from(data)
    if ident[4] != ELFCLASS64 or ident[5] != ELFDATA2LSB or e_machine != EM_X86_64:
        return ["not a little-endian ELF64 x86-64 file"]
    problems = []
    if e_type != ET_EXEC:
        problems.append("not a static executable (e_type %d, want ET_EXEC)" % e_type)
    if e_phentsize != PHDR.size or e_phoff + e_phnum * PHDR.size > len(data):
        return problems + ["bad program header table"]
    loads = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, p_filesz, p_memsz, _ = PHDR.unpack_from(
            data, e_phoff + i * PHDR.size)
        if p_type in (PT_DYNAMIC, PT_INTERP):
            problems.append("segment %d is dynamic-linking (type %d): link with -static" % (i, p_type))
        if p_type != PT_LOAD:
            continue
        if p_memsz == 0:
            # ld makes one at address 0 for an output segment with no
            # sections; the kernel's loader refuses the file.
            problems.append("segment %d at 0x%x is empty" % (i, p_vaddr))
            continue
        loads.append((p_vaddr, p_memsz, p_flags))
        if p_offset + p_filesz > len(data) or p_filesz > p_memsz:
            problems.append("segment %d: its file bytes are out of bounds" % i)
        if p_flags & PF_W and p_flags & PF_X:
            problems.append("segment %d at 0x%x is both writable and executable" % (i, p_vaddr))
        if p_vaddr < code_base or p_vaddr + p_memsz > USER_TOP:
            problems.append("segment %d (0x%x-0x%x) is outside user space 0x%x-0x%x"
                            % (i, p_vaddr, p_vaddr + p_memsz, code_base, USER_TOP))
    if not loads:
        return problems + ["no loadable segment"]
    lowest = min(v for v, _, _ in loads)
    if lowest != code_base:
        problems.append("lowest segment at 0x%x, not USER_CODE_BASE 0x%x (user/user.ld and "
                        "lib/abi.h disagree)" % (lowest, code_base))
    if not any(v <= e_entry < v + m and f & PF_X for v, m, f in loads):
        problems.append("entry point 0x%x is not in an executable segment" % e_entry)
    return problems


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def program_name(path):
    name = os.path.basename(path)
    return name[:-len(".elf")] if name.endswith(".elf") else name


def check_names(names):
    bad = [n for n in names if not NAME_RE.match(n)]
    if bad:
        sys.exit("mkprograms: bad program name(s) %s: use letters, digits, _ . + -"
                 % ", ".join(repr(n) for n in bad))
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        sys.exit("mkprograms: more than one program called %s" % ", ".join(dups))


def table(out, paths):
    programs = sorted((program_name(p), p) for p in paths)
    check_names([n for n, _ in programs])
    base = user_code_base()
    failed = False
    for name, path in programs:
        for problem in check_elf(path, base):
            print("mkprograms: %s: %s" % (path, problem), file=sys.stderr)
            failed = True
    if failed:
        sys.exit(1)

    lines = [
        "/* Generated by tools/mkprograms.py: the user programs embedded in the",
        "   kernel, and the table kernel/programs.c reads. Do not edit. */",
        "",
        "/* The ELF files, each page-aligned (their segments' file offsets are",
        "   page-congruent to their addresses, so pages could be mapped in place). */",
        '\t.section .rodata.programs, "a"',
    ]
    for i, (name, path) in enumerate(programs):
        lines += ["\t.balign 4096",
                  ".Lprogram_image_%d:" % i,
                  '\t.incbin "%s"' % path,
                  ".Lprogram_image_end_%d:" % i]
    lines += [
        "",
        "/* struct program { const char *name; const uint8_t *image; uint64_t size; },",
        "   sorted by name. */",
        '\t.section .rodata, "a"',
        "\t.balign 8",
        "\t.globl program_table, program_table_count",
        "program_table:",
    ]
    for i, _ in enumerate(programs):
        lines.append("\t.quad .Lprogram_name_%d, .Lprogram_image_%d, "
                     ".Lprogram_image_end_%d - .Lprogram_image_%d" % (i, i, i, i))
    lines += ["\t.balign 4",
              "program_table_count:",
              "\t.long %d" % len(programs)]
    for i, (name, _) in enumerate(programs):
        lines.append('.Lprogram_name_%d:\t.asciz "%s"' % (i, name))
    lines += ["", '\t.section .note.GNU-stack, "", @progbits', ""]
    write_if_changed(out, "\n".join(lines))


def names(out, program_names):
    program_names = sorted(program_names)
    check_names(program_names)
    lines = [
        "/* Generated by tools/mkprograms.py --names: the programs embedded in the",
        "   kernel (user/include/program_list.h). Do not edit. */",
        '#include "program_list.h"',
        "",
        "const char *const program_names[] = {",
    ]
    lines += ['    "%s",' % n for n in program_names]
    lines += ["    0,", "};", "const int program_names_count = %d;" % len(program_names), ""]
    write_if_changed(out, "\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--table", metavar="OUT.S", help="write the kernel's program table")
    mode.add_argument("--names", metavar="OUT.c", help="write the list of names for user space")
    ap.add_argument("items", nargs="*", help="ELF files (--table) or names (--names)")
    args = ap.parse_args()
    if args.table:
        table(args.table, args.items)
    else:
        names(args.names, args.items)


if __name__ == "__main__":
    main()
