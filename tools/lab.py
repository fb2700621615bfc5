#!/usr/bin/env python3
"""Lab tooling: student handouts made from the reference tree, and grading.

    python3 tools/lab.py list
    python3 tools/lab.py handout LAB DEST       # make handout LAB=prio DEST=dir
    python3 tools/lab.py grade LAB [--smp N] [--build DIR]   # make grade LAB=prio
    python3 tools/lab.py check LAB [--smp N]    # make test-labs: both ways

A lab's reference solution sits in the source between markers, each on a
line of its own:

    /* LAB prio BEGIN: what the student implements here */
    ...reference code...
    /* LAB prio STUB
    ...code that builds and boots but does not do the job...
    */
    /* LAB prio END */

`handout` copies the tree (the files git tracks, without the history, which
holds the solutions) and replaces each BEGIN..END region of the lab with a
TODO comment and the stub. `grade` runs the tests listed in
tests/labs/LAB.rubric ("test-name points" per line) and prints the points.
`check` proves a lab works both ways: the handout tree builds, boots and
its lab tests fail cleanly (every one reported, none left hanging), and
the full tree's grade is full marks.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUBRIC_DIR = os.path.join(ROOT, "tests", "labs")
# Files that may hold markers (everything else is copied as it is).
MARKED_SUFFIXES = (".c", ".h", ".S")

MARKER = re.compile(r"^\s*/\* LAB (?P<lab>[a-z0-9-]+) (?P<kind>BEGIN|STUB|END)\b(?P<rest>.*)$")


class LabError(Exception):
    pass


def labs():
    """The labs that have a rubric, sorted."""
    if not os.path.isdir(RUBRIC_DIR):
        return []
    return sorted(f[:-len(".rubric")] for f in os.listdir(RUBRIC_DIR) if f.endswith(".rubric"))


def read_rubric(lab):
    """[(test, points)] from tests/labs/LAB.rubric; raises LabError on a bad line."""
    path = os.path.join(RUBRIC_DIR, lab + ".rubric")
    if not os.path.exists(path):
        raise LabError("no lab called '%s' (there is no %s); the labs are: %s"
                       % (lab, os.path.relpath(path, ROOT), ", ".join(labs()) or "none"))
    items = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            if len(words) != 2 or not words[1].isdigit():
                raise LabError("%s:%d: expected 'test-name points', got %r" % (path, number, line))
            items.append((words[0], int(words[1])))
    if not items:
        raise LabError("%s lists no tests" % path)
    return items


def strip_regions(text, lab, path):
    """text with lab's BEGIN..END regions replaced by their stubs.
    Returns (new_text, regions). Other labs' markers are left alone."""
    out, regions = [], 0
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        m = MARKER.match(lines[i])
        if not m or m.group("lab") != lab:
            out.append(lines[i])
            i += 1
            continue
        if m.group("kind") != "BEGIN":
            raise LabError("%s:%d: LAB %s %s without a BEGIN before it"
                           % (path, i + 1, lab, m.group("kind")))
        begin = i
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        what = m.group("rest").lstrip(":").strip()
        if what.endswith("*/"):
            what = what[:-2].strip()
        stub, state = [], "solution"
        i += 1
        while i < len(lines):
            mm = MARKER.match(lines[i])
            if mm and mm.group("lab") == lab:
                kind = mm.group("kind")
                if kind == "STUB" and state == "solution":
                    state = "stub"
                elif kind == "END":
                    break
                else:
                    raise LabError("%s:%d: unexpected LAB %s %s inside the region from line %d"
                                   % (path, i + 1, lab, kind, begin + 1))
            elif state == "stub":
                stub.append(lines[i])
            i += 1
        else:
            raise LabError("%s:%d: LAB %s BEGIN has no END" % (path, begin + 1, lab))
        # The stub block is a comment: its last line is the closing "*/".
        if state == "stub":
            if not stub or stub[-1].strip() != "*/":
                raise LabError("%s:%d: the STUB of the region from line %d must end with a "
                               "line holding only */" % (path, i + 1, begin + 1))
            stub = stub[:-1]
        out.append("%s/* TODO (lab %s): %s */\n" % (indent, lab, what or "your code here"))
        out.extend(stub)
        regions += 1
        i += 1                                  # past END
    return "".join(out), regions


def tracked_files(src):
    """The files git tracks in src (falls back to a walk without build dirs)."""
    try:
        out = subprocess.run(["git", "-C", src, "ls-files", "-z"], check=True,
                             capture_output=True).stdout.decode()
        return [f for f in out.split("\0") if f and os.path.isfile(os.path.join(src, f))]
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(src):
            dirs[:] = [x for x in dirs if not x.startswith(("build", ".git"))]
            files += [os.path.relpath(os.path.join(d, n), src) for n in names]
        return files


def handout(lab, dest, src=ROOT, quiet=False):
    """Writes the student tree for lab to dest. Returns the number of regions."""
    read_rubric(lab)                            # the lab must exist
    dest = os.path.abspath(dest)
    if os.path.exists(dest) and os.listdir(dest):
        raise LabError("%s exists and is not empty: choose a new directory" % dest)
    if os.path.commonpath([dest, os.path.abspath(src)]) == os.path.abspath(src) and \
            not os.path.relpath(dest, src).startswith("build"):
        raise LabError("%s is inside the source tree: put the handout elsewhere (or under build/)"
                       % dest)
    total, files_changed = 0, []
    for rel in tracked_files(src):
        source, target = os.path.join(src, rel), os.path.join(dest, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if rel.endswith(MARKED_SUFFIXES):
            with open(source, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            new, n = strip_regions(text, lab, rel)
            if n:
                total += n
                files_changed.append("%s (%d)" % (rel, n))
            with open(target, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(new)
            shutil.copymode(source, target)
        else:
            shutil.copy2(source, target)
    if total == 0:
        raise LabError("lab %s has no LAB %s BEGIN regions in the tree" % (lab, lab))
    if not quiet:
        print("handout: lab %s written to %s: %d regions replaced by stubs in %s"
              % (lab, dest, total, ", ".join(files_changed)))
        print("handout: next: cd %s && make && make grade LAB=%s" % (dest, lab))
    return total


def run_tests(tests, tree, build, smp, jobs=None):
    """Runs the named tests in tree; returns ({name: (verdict, reason)}, output)."""
    cmd = [sys.executable, os.path.join(tree, "tests", "run.py"), "--build", build,
           "--smp", str(smp), "--filter", ",".join(tests)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace")
    results = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(PASS|FAIL|SKIP) (\S+?):?\s+(.*)$", line)
        if m and m.group(2) in tests:
            results[m.group(2)] = (m.group(1), m.group(3).strip())
    return results, proc.stdout


def grade(lab, smp, build, tree=ROOT, show_log=True):
    """Prints points per test and the total; returns (score, total, results)."""
    rubric = read_rubric(lab)
    tests = [t for t, _ in rubric]
    results, output = run_tests(tests, tree, build, smp)
    if show_log:
        # The runner's own lines for failures: serial logs help the student.
        for line in output.splitlines():
            if not re.match(r"^(PASS|Running|Total time|\d+ passed)", line):
                print(line)
    score = total = 0
    print("Grade for lab %s (SMP=%d):" % (lab, smp))
    for test, points in rubric:
        verdict, detail = results.get(test, ("MISSING", "the runner did not run it"))
        got = points if verdict == "PASS" else 0
        score += got
        total += points
        note = "" if verdict == "PASS" else "  " + (detail if verdict != "FAIL" else
                                                   detail.split("  ", 1)[-1].strip())
        print("  %-4s %-28s %3d/%-3d%s" % (verdict, test, got, points, note))
    print("Total: %d/%d" % (score, total))
    return score, total, results


def check(lab, smp, keep=False):
    """The handout fails its lab tests cleanly; the full tree passes them."""
    work = os.path.join(ROOT, "build", "labs", lab)
    shutil.rmtree(work, ignore_errors=True)
    handout(lab, work, quiet=True)
    problems = []
    build = subprocess.run(["make", "-C", work, "-s", "BUILD=build", "all", "user"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           errors="replace")
    if build.returncode != 0:
        print(build.stdout[-4000:])
        problems.append("the handout tree does not build")
    else:
        tests = [t for t, _ in read_rubric(lab)]
        results, output = run_tests(tests, work, os.path.join(work, "build"), smp)
        boot = subprocess.run([sys.executable, os.path.join(work, "tools", "qemu_run.py"),
                               "--kernel", os.path.join(work, "build", "spindle.elf"),
                               "--smp", str(smp), "--timeout", "60",
                               "--append", "-- hello"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace")
        if boot.returncode != 0:
            problems.append("the handout kernel does not boot and run hello (status %d)"
                            % boot.returncode)
        missing = [t for t in tests if t not in results]
        timeouts = [t for t, (v, why) in results.items() if v == "FAIL" and "timeout" in why]
        passed = [t for t, (v, _) in results.items() if v == "PASS"]
        failed = [t for t, (v, _) in results.items() if v == "FAIL"]
        if missing:
            problems.append("not reported by the runner: " + " ".join(missing))
        if timeouts:
            problems.append("hung until the runner's timeout: " + " ".join(timeouts))
        if not failed:
            problems.append("no lab test fails with the stubs")
        print("check %s: handout tree: %d lab tests fail cleanly, %d pass with the stubs%s"
              % (lab, len(failed) - len(timeouts), len(passed),
                 (" (" + " ".join(passed) + ")") if passed else ""))
    score, total, _ = grade(lab, smp, os.path.join(ROOT, "build"), show_log=False)
    if score != total:
        problems.append("the full tree scores %d/%d, not full marks" % (score, total))
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("check %s: %s" % (lab, p))
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="the labs and their tests")
    h = sub.add_parser("handout", help="write a student tree")
    h.add_argument("lab")
    h.add_argument("dest")
    g = sub.add_parser("grade", help="run a lab's tests and print the points")
    g.add_argument("lab")
    g.add_argument("--smp", type=int, default=1)
    g.add_argument("--build", default=os.path.join(ROOT, "build"))
    c = sub.add_parser("check", help="the handout fails the lab's tests cleanly, the tree passes")
    c.add_argument("labs", nargs="*", help="default: every lab")
    c.add_argument("--smp", type=int, default=1)
    c.add_argument("--keep", action="store_true", help="keep build/labs/LAB")
    opts = ap.parse_args()
    try:
        if opts.cmd == "list":
            for lab in labs():
                print("%-16s %s" % (lab, " ".join(t for t, _ in read_rubric(lab))))
            return 0
        if opts.cmd == "handout":
            handout(opts.lab, opts.dest)
            return 0
        if opts.cmd == "grade":
            score, total, _ = grade(opts.lab, opts.smp, os.path.abspath(opts.build))
            return 0 if score == total else 1
        chosen = opts.labs or labs()
        ok = [check(lab, opts.smp, opts.keep) for lab in chosen]
        passed = sum(ok)
        print("%d passed, %d failed" % (passed, len(ok) - passed))
        return 0 if all(ok) else 1
    except LabError as e:
        print("lab: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
