#!/usr/bin/env python3
"""Run Spindle under QEMU and turn QEMU's exit code back into the kernel's
status. Used by `make run`, `make qemu`, `make qemu-gdb` and tests/run.py.

Statuses: 0-123 are the kernel's own (kernel/power.h); 124 timeout,
125 kernel panic, 126 the machine reset (a triple fault) or QEMU quit
without the kernel powering off, 127 QEMU itself failed.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

STATUS_TIMEOUT = 124
STATUS_PANIC = 125
STATUS_RESET = 126
STATUS_QEMU_FAILED = 127


def qemu_command(qemu="qemu-system-x86_64", kernel=None, iso=None, append="",
                 smp=1, mem=256, interactive=False, gdb=False, extra=(), gdb_port=1234):
    """The QEMU command line for one boot, as a list. gdb: start halted
    with a GDB stub on gdb_port (what -s -S do for port 1234)."""
    cmd = [qemu, "-accel", "tcg,thread=multi", "-smp", str(smp), "-m", str(mem),
           "-nic", "none", "-no-reboot",
           # Port 0xf4: writing v exits QEMU with (v << 1) | 1.
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if interactive:
        # Serial and QEMU monitor share the terminal; Ctrl-A X quits.
        cmd += ["-nographic"]
    else:
        cmd += ["-display", "none", "-monitor", "none", "-serial", "stdio"]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    else:
        cmd += ["-kernel", kernel]
        if append.strip():
            cmd += ["-append", append.strip()]
    if gdb:
        cmd += ["-gdb", "tcp::%d" % gdb_port, "-S"]
    cmd += list(extra)
    return cmd


def decode_status(returncode):
    """Map QEMU's exit code to the kernel's status."""
    if returncode < 0:
        return STATUS_QEMU_FAILED          # killed by a signal
    if returncode == 0:
        return STATUS_RESET                # reset with -no-reboot, or a quit
    if returncode & 1 and returncode >= 3:
        return (returncode >> 1) - 1       # the kernel wrote status + 1
    return STATUS_QEMU_FAILED


def run(cmd, timeout, input_bytes=None, echo=False, dialogue=(), first_seen=None, stop_after=None):
    """Run QEMU headless; returns (status, output bytes, seconds taken).

    input_bytes are typed on the serial console at once; dialogue is a list
    of (text, bytes): when the output so far contains text (after the
    previous step's match), bytes are typed. first_seen, a dict whose keys
    are texts, gets for each the seconds from launch to its first
    appearance in the output (None if it never appeared). stop_after,
    (text, seconds): once text appears, QEMU runs only that much longer
    (then it is killed, as at the timeout): for a kernel that halts and
    never powers off, watched for a while for output that must not come."""
    start = time.monotonic()
    steps = list(dialogue)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if (input_bytes or steps) else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    chunks = []

    def type_bytes(data, close):
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
            if close:
                proc.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    if input_bytes:
        type_bytes(input_bytes, close=not steps)
    seen_upto = 0
    timed_out = False
    deadline = start + timeout
    os.set_blocking(proc.stdout.fileno(), False)
    while True:
        try:
            data = proc.stdout.read()
        except BlockingIOError:
            data = None
        if data:
            chunks.append(data)
            if echo:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            out = b"".join(chunks)
            note_first_seen(first_seen, out, start)
            if stop_after and stop_after[0].encode() in out:
                deadline = min(deadline, time.monotonic() + stop_after[1])
                stop_after = None
            while steps:
                where = out.find(steps[0][0].encode(), seen_upto)
                if where < 0:
                    break
                seen_upto = where + len(steps[0][0])
                type_bytes(steps.pop(0)[1], close=not steps)
        if proc.poll() is not None:
            rest = proc.stdout.read()
            if rest:
                chunks.append(rest)
                if echo:
                    sys.stdout.buffer.write(rest)
                    sys.stdout.buffer.flush()
            break
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.002)
    elapsed = time.monotonic() - start
    out = b"".join(chunks)
    note_first_seen(first_seen, out, start)
    status = STATUS_TIMEOUT if timed_out else decode_status(proc.returncode)
    return status, out, elapsed


def note_first_seen(first_seen, out, start):
    """Records, for each text of first_seen not seen before, when it is."""
    for text, when in (first_seen or {}).items():
        if when is None and text.encode() in out:
            first_seen[text] = time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--kernel", help="boot this ELF with -kernel")
    ap.add_argument("--iso", help="boot this ISO through GRUB")
    ap.add_argument("--append", default="", help="kernel command line (with --kernel)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", type=int, default=256, help="MiB of RAM")
    ap.add_argument("--timeout", type=float, default=60, help="seconds (headless only)")
    ap.add_argument("--interactive", action="store_true", help="console on this terminal")
    ap.add_argument("--gdb", action="store_true", help="start halted with a GDB stub on :1234")
    ap.add_argument("--gdb-port", type=int, default=1234, help="the GDB stub's TCP port")
    args = ap.parse_args()
    if not args.kernel and not args.iso:
        ap.error("give --kernel or --iso")
    if args.smp < 1:
        ap.error("--smp must be at least 1")
    cmd = qemu_command(args.qemu, args.kernel, args.iso, args.append, args.smp, args.mem,
                       args.interactive, args.gdb, gdb_port=args.gdb_port)
    if args.interactive:
        try:
            rc = subprocess.call(cmd)
        except FileNotFoundError:
            sys.exit("qemu_run: %s not found (run `make deps`)" % args.qemu)
        status = decode_status(rc)
        # Quitting with Ctrl-A X is a normal end of an interactive session.
        sys.exit(0 if status == STATUS_RESET else status)
    try:
        status, _, _ = run(cmd, args.timeout, echo=True)
    except FileNotFoundError:
        sys.exit("qemu_run: %s not found (run `make deps`)" % args.qemu)
    if status == STATUS_TIMEOUT:
        print("\nqemu_run: timed out after %g s" % args.timeout, file=sys.stderr)
    elif status == STATUS_RESET:
        print("\nqemu_run: the machine reset without powering off (triple fault?)", file=sys.stderr)
    elif status == STATUS_QEMU_FAILED:
        print("\nqemu_run: QEMU failed to run", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
