#!/usr/bin/env python3
"""Spindle's test runner: host unit tests, kernel tests, whole-system tests
and user-program tests, one QEMU per kernel boot, as many at once as there
are cores.

    python3 tests/run.py [--smp N] [--filter GLOB[,GLOB...]] [--jobs N] [--list]

`make test` runs it after building. It prints PASS/FAIL and the time of each
test, the serial log and symbolized backtrace of every failure, and ends
with the line `N passed, N failed` (exit status 1 if anything failed).
"""
import argparse
import concurrent.futures
import fnmatch
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)

import qemu_run  # noqa: E402
import symbolize  # noqa: E402
import system  # noqa: E402

DEFAULT_TIMEOUT = 60
LOG_LINES_SHOWN = 120
USER_TEST_DIR = os.path.join(ROOT, "tests", "user")
USER_BENCH_SOURCE = os.path.join(ROOT, "user", "programs", "bench.c")
USER_BENCH_TIMEOUT = 900
# The user benchmark's first line; the host times the boot up to it.
USER_BENCH_FIRST_LINE = "info event=init_start"


class Test:
    """One test: a name, how to run it, and how to judge the result."""

    def __init__(self, name, kind, **kw):
        self.name = name
        self.kind = kind                    # "host", "kernel", "system", "user" or "userbench"
        self.binary = kw.get("binary")      # host: the executable (or a command list)
        self.fn = kw.get("fn")              # kernel: the test's C function
        self.args = kw.get("args", "")      # kernel: extra command line
        self.expect_panic = kw.get("expect_panic")
        self.expect_fail = kw.get("expect_fail")
        self.panic_in = kw.get("panic_in")
        self.min_cpus = int(kw.get("min_cpus", 0) or 0)
        self.timeout = float(kw.get("timeout", 0) or 0) or DEFAULT_TIMEOUT
        self.exclusive = bool(kw.get("exclusive"))
        self.benchmark = bool(kw.get("benchmark"))
        self.skip = kw.get("skip")          # why it cannot run on this host, or None
        self.spec = kw.get("spec")          # system: the dict from tests/system.py;
                                            # user: the same, made from the file's directives


def parse_ktest_list(output):
    """Parses the `ktest name=... key=value key="value"` lines of test=list."""
    tests = []
    for line in output.splitlines():
        line = line.strip()
        if not line.startswith("ktest name="):
            continue
        fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
        fields = {k: v.strip('"') for k, v in fields.items()}
        name = fields.pop("name")
        tests.append(Test(name, "kernel", **fields))
    return tests


# --- user tests (tests/user/user-*.c) -----------------------------------------

class DirectiveError(Exception):
    pass


def parse_user_test(path):
    """Reads the `// test: key=value` directives from the comment block at the
    top of a tests/user/*.c file (the lines before its first line of code)
    and returns a spec dict in the form of tests/system.py's entries.

    Directives (one per line; the value is the rest of the line, stripped):
      args=...      extra kernel command line, before `--`
      argv=...      words after the program's name
      status=N      expected exit status (default 0)
      expect=REGEX  must match the output (re.MULTILINE); may repeat
      reject=REGEX  must not match; may repeat
      timeout=S, min_cpus=N, exclusive   as for kernel tests
    A line starting with FAIL in the output always fails the test."""
    name = os.path.basename(path)[:-len(".c")]
    spec = {"name": name, "status": 0, "expect": [], "reject": [r"^FAIL.*"]}
    args, argv = "", ""
    in_block = False
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            text = line.strip()
            where = "%s:%d" % (os.path.relpath(path, ROOT), lineno)
            if in_block:
                in_block = "*/" not in text
                continue
            if not text:
                continue
            if text.startswith("/*"):
                in_block = "*/" not in text[2:]
                continue
            if not text.startswith("//"):
                break                       # the first line of code ends the block
            m = re.match(r"//\s*test:(.*)$", text)
            if not m:
                continue
            key, eq, value = m.group(1).strip().partition("=")
            key, value = key.strip(), value.strip()
            if key == "exclusive" and not eq:
                spec["exclusive"] = True
            elif key in ("expect", "reject") and eq:
                try:
                    re.compile(value, re.MULTILINE)
                except re.error as e:
                    raise DirectiveError("%s: bad regular expression %r: %s" % (where, value, e))
                spec[key].append(value)
            elif key in ("status", "min_cpus") and eq and re.fullmatch(r"\d+", value):
                spec[key] = int(value)
            elif key == "timeout" and eq and re.fullmatch(r"\d+(\.\d*)?", value):
                spec["timeout"] = float(value)
            elif key == "args" and eq:
                args = value
            elif key == "argv" and eq:
                argv = value
            else:
                raise DirectiveError("%s: bad directive %r (known: args=, argv=, status=N, "
                                     "expect=REGEX, reject=REGEX, timeout=S, min_cpus=N, exclusive)"
                                     % (where, m.group(1).strip()))
    if "--" in args.split():
        raise DirectiveError("%s: args= is the kernel's part of the command line; "
                             "the program's words go in argv=" % os.path.relpath(path, ROOT))
    spec["append"] = " ".join(w for w in (args, "--", name, argv) if w)
    return spec


def discover_user_tests():
    """The tests in tests/user/: every user-*.c is one (t-*.c are helper
    programs that the tests spawn)."""
    tests = []
    if not os.path.isdir(USER_TEST_DIR):
        return tests
    for f in sorted(os.listdir(USER_TEST_DIR)):
        if not f.endswith(".c"):
            continue
        if f.startswith("t-"):
            continue
        path = os.path.join(USER_TEST_DIR, f)
        if not f.startswith(("user-", "smp-", "sync-")):
            print("run.py: tests/user/%s: a test's name must start with user-, smp- or sync- "
                  "(and a helper program's with t-)" % f)
            sys.exit(1)
        try:
            spec = parse_user_test(path)
        except DirectiveError as e:
            print("run.py: %s" % e)
            sys.exit(1)
        tests.append(Test(spec["name"], "user", spec=spec, timeout=spec.get("timeout"),
                          min_cpus=spec.get("min_cpus"), exclusive=spec.get("exclusive")))
    return tests


def discover(opts):
    tests = []
    host_dir = os.path.join(opts.build, "host", "tests")
    if os.path.isdir(host_dir):
        for f in sorted(os.listdir(host_dir)):
            path = os.path.join(host_dir, f)
            # Only binaries whose source still exists: a test renamed or
            # removed leaves a stale binary in the build directory.
            source = os.path.join(HERE, "host", f + ".c")
            if f.startswith("test_") and os.access(path, os.X_OK) and "." not in f and \
                    os.path.exists(source):
                tests.append(Test(f[len("test_"):].replace("_", "-"), "host", binary=path))
    # Tests of the Python tools (tools/): tests/tools/test_NAME.py, run with
    # this Python, pass on exit status 0; named tool-NAME.
    tools_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tools")
    if os.path.isdir(tools_dir):
        for f in sorted(os.listdir(tools_dir)):
            if f.startswith("test_") and f.endswith(".py"):
                tests.append(Test("tool-" + f[len("test_"):-3].replace("_", "-"), "host",
                                  binary=[sys.executable, os.path.join(tools_dir, f)]))

    cmd = qemu_run.qemu_command(opts.qemu, kernel=opts.kernel, append="test=list",
                                smp=1, mem=opts.mem)
    status, out, _ = qemu_run.run(cmd, 30)
    text = out.decode(errors="replace")
    if status != 0 or "ktest end" not in text:
        print("run.py: could not list the kernel tests (status %d):\n%s" % (status, text))
        sys.exit(1)
    kernel_tests = {t.name: t for t in parse_ktest_list(text)}

    for spec in system.TESTS:
        ktest = kernel_tests.pop(spec["name"], None) if spec.get("ktest") else None
        if spec.get("ktest") and not ktest:
            print("run.py: system test %s names kernel test %s, which does not exist"
                  % (spec["name"], spec["name"]))
            sys.exit(1)
        tests.append(Test(spec["name"], "system", spec=spec, timeout=spec.get("timeout"),
                          min_cpus=spec.get("min_cpus"), exclusive=spec.get("exclusive"),
                          args=ktest.args if ktest else "",
                          skip=spec["skip"]() if spec.get("skip") else None))
    tests.extend(discover_user_tests())
    tests.extend(kernel_tests.values())
    if os.path.exists(USER_BENCH_SOURCE):
        # The user-mode benchmark program: one boot of `-- bench` (make bench).
        tests.append(Test("bench", "userbench", benchmark=True, exclusive=True,
                          timeout=USER_BENCH_TIMEOUT))
    seen = set()
    for t in tests:
        if t.name in seen:
            print("run.py: two tests are called %s" % t.name)
            sys.exit(1)
        seen.add(t.name)
    return tests


def selected(tests, pattern):
    if not pattern:
        return tests
    globs = [g for g in pattern.split(",") if g]
    return [t for t in tests if any(fnmatch.fnmatchcase(t.name, g) for g in globs)]


# --- judging ------------------------------------------------------------------

def first_line(text, prefix):
    for line in text.splitlines():
        if line.startswith(prefix):
            return line.rstrip("\r")
    return None


def judge_kernel(t, status, text):
    """Returns None if the kernel test passed, else the reason it failed."""
    if t.expect_panic:
        panic = first_line(text, "PANIC:")
        if not panic:
            return "expected a panic containing %r; status %d" % (t.expect_panic, status)
        if t.expect_panic not in panic:
            return "panic line %r does not contain %r" % (panic, t.expect_panic)
        if status != qemu_run.STATUS_PANIC:
            return "expected panic status %d, got %d" % (qemu_run.STATUS_PANIC, status)
        want = t.panic_in or t.fn
        frames = [l for l in text.splitlines() if l.startswith("backtrace:")]
        if not any(re.search(r"\b%s\+0x" % re.escape(want), l) for l in frames):
            return "the panic's backtrace does not name %s" % want
        return None
    if t.expect_fail:
        fail = first_line(text, "FAIL %s:" % t.name)
        if not fail or t.expect_fail not in fail or status != 1:
            return "expected status 1 and a FAIL line containing %r; status %d" % (t.expect_fail, status)
        return None
    fail = first_line(text, "FAIL %s:" % t.name)
    if fail:
        return fail
    if status != 0:
        return "status %d%s" % (status, status_meaning(status))
    if not first_line(text, "PASS %s" % t.name):
        return "no 'PASS %s' line" % t.name
    return None


def judge_system(t, status, text):
    spec = t.spec
    want = spec.get("status", 0)
    if status != want:
        return "expected status %d, got %d%s" % (want, status, status_meaning(status))
    for pattern in spec.get("expect", []):
        if not re.search(pattern, text, re.MULTILINE):
            return "output does not match %r" % pattern
    for pattern in spec.get("reject", []):
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            return "output matches forbidden %r: %r" % (pattern, m.group(0))
    check = spec.get("check")
    if check:
        return check(text)
    return None


def judge_user_bench(status, text):
    if status != 0:
        return "status %d%s" % (status, status_meaning(status))
    fail = re.search(r"^FAIL.*", text, re.MULTILINE)
    if fail:
        return fail.group(0).rstrip("\r")
    if USER_BENCH_FIRST_LINE not in text:
        return "no %r line" % USER_BENCH_FIRST_LINE
    if not re.search(r"^metric=", text, re.MULTILINE):
        return "no metric= line"
    return None


def status_meaning(status):
    return {qemu_run.STATUS_TIMEOUT: " (timeout)", qemu_run.STATUS_PANIC: " (kernel panic)",
            qemu_run.STATUS_RESET: " (machine reset: triple fault?)",
            qemu_run.STATUS_QEMU_FAILED: " (QEMU failed)"}.get(status, "")


# --- running ------------------------------------------------------------------

def run_one(t, opts):
    """Runs t; returns (reason or None, seconds, log text)."""
    if t.kind == "host":
        start = time.monotonic()
        try:
            cmd = t.binary if isinstance(t.binary, list) else [t.binary]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=t.timeout)
            log = p.stdout + p.stderr
            reason = None if p.returncode == 0 else "exit status %d" % p.returncode
        except subprocess.TimeoutExpired:
            log, reason = "", "timeout after %g s" % t.timeout
        return reason, time.monotonic() - start, log

    smp = max(opts.smp, t.min_cpus)
    if t.kind == "userbench":
        cmd = qemu_run.qemu_command(opts.qemu, kernel=opts.kernel, smp=smp, mem=opts.mem,
                                    append="-- bench")
        seen = {USER_BENCH_FIRST_LINE: None}
        status, out, secs = qemu_run.run(cmd, t.timeout, first_seen=seen)
        first_line_at = seen[USER_BENCH_FIRST_LINE]
        text = out.decode(errors="replace")
        if first_line_at is not None:
            # From QEMU's launch to the program's first line (kernel boot,
            # init, the spawn), measured on the host as for the Linux anchor.
            text += "\nmetric=boot_to_init value=%.4g unit=s\n" % first_line_at
        return judge_user_bench(status, text), secs, text
    if t.kind == "kernel":
        cmd = qemu_run.qemu_command(opts.qemu, kernel=opts.kernel, smp=smp, mem=opts.mem,
                                    append="%s test=%s" % (t.args, t.name))
        status, out, secs = qemu_run.run(cmd, t.timeout)
        text = out.decode(errors="replace")
        return judge_kernel(t, status, text), secs, text

    spec = t.spec
    if spec.get("run"):
        # A test that drives QEMU itself (gdb-target attaches GDB to it).
        start = time.monotonic()
        reason, text = spec["run"](opts, smp, t.timeout, t.args)
        return reason, time.monotonic() - start, text
    append = spec.get("append", "")
    if spec.get("ktest"):
        append += " %s test=%s" % (t.args, t.name)
    cmd = qemu_run.qemu_command(opts.qemu, kernel=None if spec.get("iso") else opts.kernel,
                                iso=opts.iso if spec.get("iso") else None,
                                append=append, smp=smp, mem=opts.mem,
                                extra=spec.get("qemu_args", ()))
    status, out, secs = qemu_run.run(cmd, t.timeout, input_bytes=spec.get("input"),
                                     dialogue=spec.get("dialogue", ()),
                                     stop_after=spec.get("stop_after"))
    text = out.decode(errors="replace")
    return judge_system(t, status, text), secs, text


def report_failure(t, log, opts):
    lines = symbolize.symbolize(log, opts.kernel).splitlines()
    shown = lines[-LOG_LINES_SHOWN:]
    print("---- %s: serial log%s ----" % (t.name, "" if len(shown) == len(lines)
                                        else " (last %d of %d lines)" % (len(shown), len(lines))))
    for line in shown:
        print("  | " + line.rstrip("\r"))
    print("---- end of %s ----" % t.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--smp", type=int, default=1, help="CPUs for every boot (default 1)")
    ap.add_argument("--mem", type=int, default=256)
    ap.add_argument("--filter", default="", help="comma-separated globs of test names")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    ap.add_argument("--bench", action="store_true",
                    help="run the benchmarks (not the tests) and print their metric= lines")
    opts = ap.parse_args()
    if opts.smp < 1 or opts.jobs < 1:
        ap.error("--smp and --jobs must be at least 1")
    opts.kernel = os.path.join(opts.build, "spindle.elf")
    opts.iso = os.path.join(opts.build, "spindle.iso")
    if not os.path.exists(opts.kernel):
        sys.exit("run.py: %s does not exist; run `make` first" % opts.kernel)

    tests = [t for t in selected(discover(opts), opts.filter) if t.benchmark == opts.bench]
    if opts.list:
        for t in tests:
            print("%-28s %s" % (t.name, t.kind))
        return
    if not tests:
        print("run.py: no test matches %r" % opts.filter)
        print("0 passed, 0 failed")
        sys.exit(1)

    for t in tests:
        if t.skip:
            print("SKIP %s: %s" % (t.name, t.skip))
    tests = [t for t in tests if not t.skip]

    if opts.bench:
        opts.jobs = 1                       # benchmarks measure: one at a time
    print("Running %d %s with SMP=%d, %d at a time"
          % (len(tests), "benchmarks" if opts.bench else "tests", opts.smp, opts.jobs))
    start = time.monotonic()
    failed = []
    passed = 0

    def finish(t, result):
        nonlocal passed
        reason, secs, log = result
        if reason is None:
            passed += 1
            print("PASS %-28s %6.2fs" % (t.name, secs), flush=True)
            if t.benchmark:
                for line in log.splitlines():
                    if line.startswith("metric="):
                        print(line.rstrip("\r"), flush=True)
        else:
            failed.append(t.name)
            print("FAIL %-28s %6.2fs  %s" % (t.name, secs, reason), flush=True)
            report_failure(t, log, opts)

    parallel = [t for t in tests if not t.exclusive]
    alone = [t for t in tests if t.exclusive]
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        futures = {pool.submit(run_one, t, opts): t for t in parallel}
        for f in concurrent.futures.as_completed(futures):
            finish(futures[f], f.result())
    # Tests that measure time run with the machine otherwise quiet.
    for t in alone:
        finish(t, run_one(t, opts))

    print("Total time %.1fs" % (time.monotonic() - start))
    if failed:
        print("Failed: " + " ".join(sorted(failed)))
    print("%d passed, %d failed" % (passed, len(failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
