#!/usr/bin/env python3
"""Checks that docs/tcb.md points at the lines that really define each field,
and that it names every field of the PCB and TCB structures.

    python3 tools/check_tcb_doc.py          # check; exit 1 with one line per problem
    python3 tools/check_tcb_doc.py --fix    # rewrite the doc's line numbers, then check

The doc writes a field as `STRUCT.FIELD` followed by its link,
    `thread.tid` [kernel/thread.h:57](../kernel/thread.h#L57)
and anything else (a macro, a syscall number) as `NAME` and its link. The
checks:
  - line 57 of kernel/thread.h declares FIELD, inside `struct STRUCT { ... };`
    (for a plain NAME: the line defines it, `#define NAME` or a declaration);
  - the link's text and target name the same file and line;
  - every field of the structures in STRUCTS is named at least once.
--fix finds each name's line (the declaration inside its struct) and
rewrites the numbers. Run by the test suite as tool-tcb-doc
(tests/tools/test_tcb_doc.py). Standard library only.
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join("docs", "tcb.md")

# Every field of these must be in the doc: struct name -> file defining it.
STRUCTS = {
    "thread": "kernel/thread.h",
    "process": "kernel/process.h",
    "thread_info": "lib/abi.h",
    "process_info": "lib/abi.h",
}

# `name` or `struct.field`, then [file:line](target)
LINK = re.compile(r"`([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)` \[([\w./-]+):(\d+)\]\(([^)\s]+)\)")


def strip_comments(text):
    """text with /* */ and // comments blanked, newlines kept (so line numbers hold)."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def struct_fields(code, struct):
    """{field: line number} of `struct STRUCT { ... };` in code (comments
    stripped), or None if it is not there."""
    m = re.search(r"^struct %s \{\n" % re.escape(struct), code, re.M)
    if not m:
        return None
    end = code.index("\n};", m.end())
    fields = {}
    # One declaration ends at each ';'; its names are the last identifier
    # of each comma-separated part ("uint64_t a, b;" declares a and b), and
    # its line is the line where its text starts.
    pos = m.end()
    for decl in code[m.end():end].split(";"):
        body = decl.strip()
        if body:
            offset = pos + decl.index(body)
            line = code.count("\n", 0, offset) + 1
            for part in body.split(","):
                n = re.search(r"([A-Za-z_]\w*)\s*(?:\[[^\]]*\])?\s*$", part)
                if n:
                    fields[n.group(1)] = line
        pos += len(decl) + 1
    return fields


def plain_definition_lines(code, name):
    """Lines that define name: a #define, or a declaration of a variable or
    function at the start of a line (a struct's fields are indented)."""
    lines = []
    for i, l in enumerate(code.split("\n"), 1):
        n = re.escape(name)
        if re.match(r"\s*#\s*define\s+%s\b" % n, l) or \
           re.match(r"[A-Za-z_][\w\s\*]*\b%s\s*(\(.*\)|\[[^\]]*\])?\s*(=[^;]*)?;\s*$" % n, l):
            lines.append(i)
    return lines


class Sources:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def code(self, path):
        if path not in self.cache:
            full = os.path.join(self.root, path)
            self.cache[path] = strip_comments(open(full).read()) if os.path.exists(full) else None
        return self.cache[path]

    def where(self, path, name):
        """The line that defines name (struct.field or a plain name) in
        path: (line, None) or (None, why not)."""
        code = self.code(path)
        if code is None:
            return None, "%s does not exist" % path
        if "." in name:
            struct, field = name.split(".")
            fields = struct_fields(code, struct)
            if fields is None:
                return None, "no struct %s in %s" % (struct, path)
            if field not in fields:
                return None, "struct %s in %s has no field %s" % (struct, path, field)
            return fields[field], None
        found = plain_definition_lines(code, name)
        if len(found) != 1:
            return None, "%s is defined on %d lines of %s" % (name, len(found), path)
        return found[0], None


def target(doc_path, path, line):
    """The Markdown link target, relative to the doc."""
    rel = os.path.relpath(path, os.path.dirname(doc_path))
    return "%s#L%d" % (rel.replace(os.sep, "/"), line)


def check(root, doc, fix=False):
    """Problems with the doc, as a list of strings; with fix, rewrites the
    line numbers first."""
    doc_path = os.path.join(root, doc)
    text = open(doc_path).read()
    src = Sources(root)
    problems = []

    def replace(m):
        name, path, line, tgt = m.group(1), m.group(2), int(m.group(3)), m.group(4)
        real, why = src.where(path, name)
        if why:
            problems.append("%s: `%s` [%s:%d]: %s" % (doc, name, path, line, why))
            return m.group(0)
        if fix:
            line = real
        elif real != line:
            problems.append("%s: `%s` is on %s:%d, the doc says line %d (run %s --fix)"
                            % (doc, name, path, real, line, os.path.relpath(__file__, ROOT)))
        want = target(doc, path, line)
        if tgt != want and not fix:
            problems.append("%s: `%s`: link text says %s:%d but the link goes to %s"
                            % (doc, name, path, line, tgt))
        return "`%s` [%s:%d](%s)" % (name, path, line, want)

    new_text = LINK.sub(replace, text)
    if fix and new_text != text and not problems:
        with open(doc_path, "w") as f:
            f.write(new_text)

    named = {(m.group(1), m.group(2)) for m in LINK.finditer(new_text)}
    for struct, path in STRUCTS.items():
        code = src.code(path)
        fields = struct_fields(code, struct) if code else None
        if fields is None:
            problems.append("no struct %s in %s" % (struct, path))
            continue
        for field in sorted(fields, key=fields.get):
            if ("%s.%s" % (struct, field), path) not in named:
                problems.append("%s: does not name `%s.%s` (%s:%d)"
                                % (doc, struct, field, path, fields[field]))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fix", action="store_true", help="rewrite the line numbers, then check")
    ap.add_argument("--root", default=ROOT, help="the source tree (default: this one)")
    ap.add_argument("--doc", default=DOC, help="the doc, relative to --root")
    args = ap.parse_args()
    if args.fix:
        check(args.root, args.doc, fix=True)
    problems = check(args.root, args.doc)
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("%s: every field named, every line number right" % args.doc)


if __name__ == "__main__":
    main()
