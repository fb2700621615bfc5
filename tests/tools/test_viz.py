#!/usr/bin/env python3
"""Tests of tools/viz.py on the fixed trace tests/viz/sample.trace: the
per-thread figures against values worked out by hand, the SVG's lanes and
marks, and that a trace with a missing event is reported, not drawn as if
whole. Run by tests/run.py (as tool-viz) or alone: python3 tests/tools/test_viz.py

The sample (hz=100, so ns=N is N/1e7 ticks; times below in ticks):

  1.00 new alpha (tid 2)     1.10 new beta (3)        1.20 cpu1 idle -> beta
  1.30 new gamma (4)         1.50 cpu0 main(1) -> alpha, main blocks
  2.00 cpu0 alpha -> gamma, preempt                   2.40 cpu1 beta -> idle, block
  2.60 cpu0 gamma -> alpha, yield                     3.00 alpha wakes beta (to cpu1)
  3.10 cpu1 idle -> beta     3.50 cpu0 alpha -> gamma, alpha exits
  4.00 cpu1 beta -> idle, beta exits                  4.50 gamma wakes main
  4.80 cpu0 gamma -> main, gamma exits (the last event)

alpha: created 1.00, runs 1.50-2.00 and 2.60-3.50 = 0.50 + 0.90 = 1.40;
       waits 1.00-1.50 and 2.00-2.60 = 0.50 + 0.60 = 1.10; response 0.50;
       turnaround 3.50 - 1.00 = 2.50; preempted once, never yields or blocks.
beta:  created 1.10, runs 1.20-2.40 and 3.10-4.00 = 1.20 + 0.90 = 2.10;
       waits 1.10-1.20 and 3.00-3.10 = 0.20 (blocked 2.40-3.00 is not waiting);
       response 0.10; turnaround 4.00 - 1.10 = 2.90; blocks once.
gamma: created 1.30, runs 2.00-2.60 and 3.50-4.80 = 0.60 + 1.30 = 1.90;
       waits 1.30-2.00 and 2.60-3.50 = 0.70 + 0.90 = 1.60; response 0.70;
       turnaround 4.80 - 1.30 = 3.50; yields once.
main (tid 1) existed before the trace: no response or turnaround, its
       figures incomplete; it blocks once, waits 4.50-4.80 = 0.30.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VIZ = os.path.join(ROOT, "tools", "viz.py")
SAMPLE = os.path.join(ROOT, "tests", "viz", "sample.trace")
SVG = "{http://www.w3.org/2000/svg}"

EXPECTED = {
    # tid: (run, wait, response, turnaround, voluntary, involuntary, complete)
    1: (0.00, 0.30, None, None, 1, 0, False),
    2: (1.40, 1.10, 0.50, 2.50, 0, 1, True),
    3: (2.10, 0.20, 0.10, 2.90, 1, 0, True),
    4: (1.90, 1.60, 0.70, 3.50, 1, 0, True),
}


def run_viz(trace_text, out_dir):
    path = os.path.join(out_dir, "in.trace")
    with open(path, "w") as f:
        f.write(trace_text)
    p = subprocess.run([sys.executable, VIZ, "--trace", path, "--out", out_dir],
                       capture_output=True, text=True, timeout=60)
    with open(os.path.join(out_dir, "schedule.json")) as f:
        figures = json.load(f)
    return p, figures


class SampleTrace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SAMPLE) as f:
            cls.text = f.read()
        cls.tmp = tempfile.TemporaryDirectory()
        cls.proc, cls.figures = run_viz(cls.text, cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_exit_status(self):
        self.assertEqual(self.proc.returncode, 0, self.proc.stderr)

    def test_per_thread_figures(self):
        threads = {t["tid"]: t for t in self.figures["threads"]}
        self.assertEqual(sorted(threads), sorted(EXPECTED))
        for tid, (run, wait, resp, turn, vol, invol, complete) in EXPECTED.items():
            t = threads[tid]
            with self.subTest(tid=tid):
                self.assertAlmostEqual(t["run"], run, places=6)
                self.assertAlmostEqual(t["wait"], wait, places=6)
                for key, want in (("response", resp), ("turnaround", turn)):
                    if want is None:
                        self.assertIsNone(t[key], key)
                    else:
                        self.assertAlmostEqual(t[key], want, places=6, msg=key)
                self.assertEqual(t["voluntary"], vol)
                self.assertEqual(t["involuntary"], invol)
                self.assertEqual(t["complete"], complete)
        self.assertEqual([threads[t]["name"] for t in (2, 3, 4)], ["alpha", "beta", "gamma"])

    def test_whole_trace(self):
        self.assertEqual(self.figures["cpus"], 2)
        self.assertEqual(self.figures["hz"], 100)
        self.assertEqual(self.figures["events"], 14)
        self.assertEqual(self.figures["gaps"], [])
        self.assertEqual(self.figures["stalls"], [])
        self.assertEqual(self.figures["problems"], [])

    def test_svg_lanes_and_marks(self):
        with open(os.path.join(self.tmp.name, "schedule.svg")) as f:
            root = ET.parse(f).getroot()        # raises if not well-formed XML
        self.assertEqual(root.tag, SVG + "svg")
        lanes = {g.get("id"): g for g in root.iter(SVG + "g") if g.get("class") == "lane"}
        self.assertEqual(sorted(lanes), ["lane-cpu0", "lane-cpu1"])

        def count(lane, cls):
            return sum(1 for e in lanes[lane].iter() if e.get("class") == cls)
        # cpu0: main(inferred), alpha, gamma, alpha, gamma; cpu1: idle, beta, idle, beta, idle.
        self.assertEqual(count("lane-cpu0", "slice"), 5)
        self.assertEqual(count("lane-cpu1", "slice"), 5)
        # How slices ended (idle's ends are not marked): main blocks and
        # alpha is preempted, gamma yields, alpha and gamma exit on cpu0;
        # beta blocks and exits on cpu1. Wake-ups on the CPU woken onto.
        self.assertEqual([count("lane-cpu0", c) for c in
                          ("m-preempt", "m-yield", "m-block", "m-exit", "m-wake", "m-new")],
                         [1, 1, 1, 2, 1, 2])
        self.assertEqual([count("lane-cpu1", c) for c in
                          ("m-preempt", "m-yield", "m-block", "m-exit", "m-wake", "m-new")],
                         [0, 0, 1, 1, 1, 1])

    def test_html_table(self):
        with open(os.path.join(self.tmp.name, "schedule.html")) as f:
            page = f.read()
        self.assertIn("<svg", page)
        for name in ("alpha", "beta", "gamma"):
            self.assertIn(name, page)
        self.assertIn("<caption>", page)


class DamagedTrace(unittest.TestCase):
    def test_missing_event_is_reported(self):
        with open(SAMPLE) as f:
            lines = f.read().splitlines(keepends=True)
        text = "".join(l for l in lines if " seq=7 " not in l)
        with tempfile.TemporaryDirectory() as tmp:
            proc, figures = run_viz(text, tmp)
            self.assertEqual(proc.returncode, 3, proc.stderr)
            self.assertIn("events 7..7 are missing", proc.stderr)
            self.assertEqual([(g["first_missing"], g["last_missing"]) for g in figures["gaps"]],
                             [(7, 7)])
            # Alive across the gap: not complete any more; alpha still runs
            # to the gap, so what is known of it stays.
            threads = {t["tid"]: t for t in figures["threads"]}
            self.assertFalse(threads[3]["complete"])
            with open(os.path.join(tmp, "schedule.svg")) as f:
                root = ET.parse(f).getroot()
            gaps = [e for e in root.iter() if e.get("class") == "gap"]
            self.assertEqual(len(gaps), 1)

    def test_tick_stall_is_reported(self):
        # The clock goes from tick 1.00 to 7.00 while the tick counter goes
        # from 1 to 2 only: 6 periods, 1 counted, 5 missed (CPU 0 took no
        # timer interrupts; a local APIC keeps at most one pending).
        text = ("timer: hz=100\n"
                "sched: tick=1 cpu=0 event=switch from=0 to=2 reason=yield seq=1 ns=10000000\n"
                "sched: tick=1 cpu=0 event=switch from=2 to=3 reason=yield seq=2 ns=40000000\n"
                "sched: tick=1 cpu=0 event=switch from=3 to=2 reason=yield seq=3 ns=60000000\n"
                "sched: tick=2 cpu=0 event=switch from=2 to=3 reason=yield seq=4 ns=70000000\n")
        with tempfile.TemporaryDirectory() as tmp:
            proc, figures = run_viz(text, tmp)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(len(figures["stalls"]), 1)
            stall = figures["stalls"][0]
            self.assertAlmostEqual(stall["from_tick"], 1.0, places=6)
            self.assertAlmostEqual(stall["to_tick"], 7.0, places=6)
            self.assertAlmostEqual(stall["ticks_behind"], 5.0, places=6)
            self.assertIn("tick counter fell", proc.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
