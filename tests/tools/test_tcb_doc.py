#!/usr/bin/env python3
"""Tests of tools/check_tcb_doc.py: docs/tcb.md as it is passes, and each way
the doc can go stale is caught -- a wrong line number, a link whose text and
target disagree, a field added to a structure and not documented, a header
edited so that every line below moves -- and --fix repairs the line numbers.
Run by tests/run.py (as tool-tcb-doc) or alone: python3 tests/tools/test_tcb_doc.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "check_tcb_doc.py")
FILES = ["docs/tcb.md", "kernel/thread.h", "kernel/process.h", "lib/abi.h", "lib/thread_format.h",
         "kernel/sync/mutex.h", "user/lib/errno.c"]


def run(root, *args):
    p = subprocess.run([sys.executable, TOOL, "--root", root] + list(args),
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


class CheckTcbDoc(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tcbdoc")
        for f in FILES:
            os.makedirs(os.path.join(self.tmp, os.path.dirname(f)), exist_ok=True)
            shutil.copy(os.path.join(ROOT, f), os.path.join(self.tmp, f))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, path, fn):
        full = os.path.join(self.tmp, path)
        with open(full) as f:
            text = f.read()
        new = fn(text)
        self.assertNotEqual(new, text, "the edit of %s changed nothing" % path)
        with open(full, "w") as f:
            f.write(new)

    def test_the_real_doc_passes(self):
        status, out = run(ROOT)
        self.assertEqual(status, 0, out)
        self.assertIn("every field named, every line number right", out)

    def test_a_wrong_line_number_is_caught(self):
        # thread.tid's line, one lower in both the text and the target.
        def shift(text):
            m = re.search(r"`thread\.tid` \[kernel/thread\.h:(\d+)\]\(\.\./kernel/thread\.h#L(\d+)\)", text)
            line = int(m.group(1))
            return text.replace(m.group(0), "`thread.tid` [kernel/thread.h:%d](../kernel/thread.h#L%d)"
                                % (line + 1, line + 1), 1)
        self.edit("docs/tcb.md", shift)
        status, out = run(self.tmp)
        self.assertEqual(status, 1)
        self.assertRegex(out, r"`thread\.tid` is on kernel/thread\.h:\d+, the doc says line \d+")

    def test_a_link_target_that_disagrees_is_caught(self):
        self.edit("docs/tcb.md", lambda t: re.sub(r"(`process\.pid` \[kernel/process\.h:\d+\]\(\.\./kernel/process\.h#L)(\d+)",
                                                  lambda m: m.group(1) + str(int(m.group(2)) + 3), t, count=1))
        status, out = run(self.tmp)
        self.assertEqual(status, 1)
        self.assertRegex(out, r"`process\.pid`: link text says kernel/process\.h:\d+ but the link goes to")

    def test_a_name_that_is_not_a_field_is_caught(self):
        self.edit("docs/tcb.md", lambda t: t.replace("`thread.magic` [", "`thread.magik` [", 1))
        status, out = run(self.tmp)
        self.assertEqual(status, 1)
        self.assertIn("struct thread in kernel/thread.h has no field magik", out)
        self.assertIn("does not name `thread.magic`", out)

    def test_a_new_field_moves_the_rest_and_must_be_documented(self):
        # A field inserted at the top of struct thread: every line below it moves.
        self.edit("kernel/thread.h", lambda t: t.replace(
            "struct thread {\n", "struct thread {\n    int added_by_a_test;    /* new */\n", 1))
        status, out = run(self.tmp)
        self.assertEqual(status, 1)
        self.assertIn("does not name `thread.added_by_a_test`", out)
        self.assertRegex(out, r"`thread\.held_lock` is on kernel/thread\.h:\d+, the doc says line \d+")
        # --fix renumbers; only the undocumented field is left.
        status, out = run(self.tmp, "--fix")
        self.assertEqual(status, 1)
        self.assertEqual(out.strip().splitlines(),
                         [l for l in out.strip().splitlines() if "added_by_a_test" in l])
        self.assertEqual(len(out.strip().splitlines()), 1, out)

    def test_fix_restores_a_shifted_doc(self):
        self.edit("docs/tcb.md", lambda t: re.sub(r"\[lib/abi\.h:(\d+)\]\(\.\./lib/abi\.h#L(\d+)\)",
                                                  lambda m: "[lib/abi.h:%d](../lib/abi.h#L%d)" % (
                                                      int(m.group(1)) + 1, int(m.group(2)) + 1), t))
        status, out = run(self.tmp)
        self.assertEqual(status, 1)
        status, out = run(self.tmp, "--fix")
        self.assertEqual(status, 0, out)
        with open(os.path.join(self.tmp, "docs/tcb.md")) as a, open(os.path.join(ROOT, "docs/tcb.md")) as b:
            self.assertEqual(a.read(), b.read())


if __name__ == "__main__":
    unittest.main(verbosity=1)
