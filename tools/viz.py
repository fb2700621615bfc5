#!/usr/bin/env python3
"""The schedule visualiser: turns a trace=sched trace into a picture of which
thread ran on which CPU when (build/viz/schedule.svg), a page with that
picture and per-thread figures (schedule.html) and the figures as JSON
(schedule.json). Python 3 standard library only. docs/viz.md explains it.

    make viz PROG="race 4 100000 unsafe" SMP=2        boots, runs, draws
    python3 tools/viz.py --trace FILE [--out DIR]     draws a saved trace
    options: --from T --to T (draw only ticks T..T), --width PX

The boot mode (--kernel, used by make viz) runs the program with
trace=sched through tools/qemu_run.py, saves the whole serial output as
DIR/trace.txt (give it to --trace to draw it again) and draws it.

Exit status: 0; 1 if the trace has no events or a file is missing; 3 if
events are missing or contradict each other (the outputs are still written,
with the damage marked, and the reason is printed).
"""
import argparse
import colorsys
import html
import json
import os
import re
import sys
from collections import Counter

# --- reading a trace ------------------------------------------------------------

# A trace line (kernel/sched/events.c). It is searched for anywhere in a
# line: a program's output without a newline may come just before it.
LINE_RE = re.compile(r"sched: tick=(\d+) cpu=(\d+) event=(\w+) (.*)$")
FIELD_RE = re.compile(r"(\w+)=(\S+)")
REASONS = ("preempt", "yield", "block", "exit")
IDLE = 0            # every CPU's idle thread has tid 0


class Event:
    """One trace line. t (its time in ticks, fractional) is set later."""
    __slots__ = ("line", "tick", "cpu", "kind", "frm", "to", "reason", "target", "name",
                 "seq", "ns", "t")

    def __init__(self, line, tick, cpu, kind, fields):
        self.line = line
        self.tick = tick
        self.cpu = cpu
        self.kind = kind
        self.frm = int(fields["from"])
        self.to = int(fields["to"])
        self.reason = fields.get("reason")
        self.target = int(fields["target"]) if "target" in fields else None
        self.name = fields.get("name")
        self.seq = int(fields["seq"]) if "seq" in fields else None
        self.ns = int(fields["ns"]) if "ns" in fields else None
        self.t = float(tick)


class Trace:
    """The events of a trace and what the boot printed about the machine."""

    def __init__(self):
        self.events = []
        self.hz = None          # from the "timer: ... hz=N" boot line
        self.ncpus = None       # from the banner "Spindle ... N CPUs"
        self.problems = []      # lines that could not be read


def parse_trace(text):
    """Reads every trace line of text (a serial log or a saved trace)."""
    trace = Trace()
    for number, line in enumerate(text.splitlines(), 1):
        if trace.hz is None:
            m = re.match(r"timer: .*\bhz=(\d+)", line)
            if m:
                trace.hz = int(m.group(1))
        if trace.ncpus is None:
            m = re.match(r"Spindle \S+ \(x86-64\): (\d+) CPUs?", line)
            if m:
                trace.ncpus = int(m.group(1))
        m = LINE_RE.search(line)
        if not m:
            if "sched: tick=" in line:
                trace.problems.append("line %d is cut short: %r" % (number, line.strip()))
            continue
        tick, cpu, kind, rest = m.groups()
        fields = dict(FIELD_RE.findall(rest))
        ok = "from" in fields and "to" in fields and (
            kind == "wake" or (kind == "switch" and fields.get("reason") in REASONS)
            or (kind == "new" and "name" in fields))
        if not ok:
            trace.problems.append("line %d is not a trace line I know: %r" % (number, line.strip()))
            continue
        trace.events.append(Event(number, int(tick), int(cpu), kind, fields))
    return trace


# --- computing ------------------------------------------------------------------


class Thread:
    """What the trace says about one thread; times in ticks."""

    def __init__(self, tid, name=None):
        self.tid = tid
        self.name = name
        self.created = None     # time of its event=new
        self.first_run = None   # time it first got a CPU (if known)
        self.exited = None      # time of its switch with reason=exit
        self.run = 0.0          # time on a CPU
        self.wait = 0.0         # time runnable, not running
        self.voluntary = 0      # switches away by yield or block
        self.involuntary = 0    # switches away by preemption
        self.state = "unknown"  # running, runnable, blocked, exited, unknown
        self.since = None       # when it entered state
        self.partial = False    # some of its life is not in the trace

    def figures(self):
        """The per-thread figures (None where the trace cannot tell)."""
        def diff(a, b):
            return None if a is None or b is None else b - a
        return {
            "tid": self.tid, "name": self.name, "created": self.created,
            "first_run": self.first_run, "exited": self.exited,
            "run": self.run, "wait": self.wait,
            "response": diff(self.created, self.first_run),
            "turnaround": diff(self.created, self.exited),
            "voluntary": self.voluntary, "involuntary": self.involuntary,
            "complete": not self.partial,
        }


class Slice:
    """A time a CPU ran one thread (tid 0: idle)."""
    __slots__ = ("cpu", "start", "end", "tid", "why", "style")

    def __init__(self, cpu, start, end, tid, why, style="known"):
        self.cpu, self.start, self.end, self.tid = cpu, start, end, tid
        self.why = why          # reason it ended: preempt, yield, block, exit; None: trace end
        self.style = style      # known; inferred (before a CPU's first event); lost (after a gap)


class Schedule:
    """Everything drawn and tabulated: the result of compute()."""

    def __init__(self):
        self.hz = 100
        self.hz_known = False
        self.ncpus = 1
        self.start = self.end = 0.0
        self.slices = []
        self.marks = []         # (kind "wake" or "new", cpu, t, text)
        self.threads = {}
        self.gaps = []          # (t_before, t_after, first missing seq, last missing seq)
        self.stalls = []        # (t_from, t_to, tick periods the tick counter fell behind)
        self.problems = []      # contradictions and unreadable lines
        self.notes = []
        self.nevents = 0
        self.seq_range = None


def place_events(events, hz):
    """Sets each event's time t in ticks. With ns= (every line since seq=
    and ns= were added) t is the nanosecond clock in tick periods, shifted
    so that each event falls within its own tick where the two agree; the
    offset is the largest tick - ns/period: the event closest after a tick
    boundary. Without ns=, events of one tick are spread evenly in it."""
    if events and all(e.ns is not None for e in events):
        period = 1e9 / hz
        offset = max(e.tick - e.ns / period for e in events)
        for e in events:
            e.t = e.ns / period + offset
        return True
    by_tick = Counter(e.tick for e in events)
    seen = Counter()
    for e in events:
        e.t = e.tick + seen[e.tick] / by_tick[e.tick]
        seen[e.tick] += 1
    return False


def find_stalls(events):
    """Where the tick counter stood still while the clock went on: from the
    first event of a tick T to the first event of a later tick T', the clock
    advanced t' - t tick periods but the counter only T' - T. More than 2
    ticks short is a stall (CPU 0, which counts ticks, had interrupts off).
    Returns [(t from, t to, ticks missed)]."""
    stalls = []
    if not events or events[0].ns is None:
        return stalls
    first = events[0]
    for e in events[1:] + [None]:
        if e is not None and e.tick == first.tick:
            continue
        end_t = e.t if e is not None else events[-1].t
        advanced = (e.tick - first.tick) if e is not None else 1
        missed = (end_t - first.t) - advanced
        if missed > 2:
            stalls.append((first.t, end_t, missed))
        first = e
    return stalls


def compute(trace):
    """Replays the events: slices per CPU, per-thread figures, gaps."""
    s = Schedule()
    s.problems = list(trace.problems)
    s.hz_known = trace.hz is not None
    s.hz = trace.hz or 100
    events = trace.events
    s.nevents = len(events)
    if not events:
        return s
    cpus = {e.cpu for e in events} | {e.target for e in events if e.target is not None}
    s.ncpus = max(trace.ncpus or 0, max(cpus) + 1)
    if not place_events(events, s.hz):
        s.notes.append("the trace has no ns= fields: events are placed by tick only")
    s.start, s.end = events[0].t, events[-1].t
    for e in events:
        s.start, s.end = min(s.start, e.t), max(s.end, e.t)
    seqs = [e.seq for e in events if e.seq is not None]
    if seqs:
        s.seq_range = (seqs[0], seqs[-1])
        if seqs[0] != 1:
            s.notes.append("the trace starts at event %d: what happened before is not in it"
                           % seqs[0])

    running = {}        # cpu -> (tid, since, style); absent: not known yet
    lost_since = {}     # cpu -> time its state became unknown (a gap)

    def thread(tid):
        if tid not in s.threads:
            t = s.threads[tid] = Thread(tid)
            t.partial = True            # it existed before the trace (no event=new)
        return s.threads[tid]

    def forget_everything(t_before):
        """After a gap nothing is known: close every slice at the last
        event seen, and mark every live thread's figures incomplete."""
        for cpu, (tid, since, style) in list(running.items()):
            s.slices.append(Slice(cpu, since, t_before, tid, None, style))
            if tid != IDLE and thread(tid).state == "running":
                thread(tid).run += t_before - since
            del running[cpu]
        for cpu in range(s.ncpus):
            lost_since[cpu] = t_before
        for th in s.threads.values():
            if th.state == "runnable" and th.since is not None:
                th.wait += t_before - th.since
            if th.state != "exited":
                th.partial = True
                th.state, th.since = "unknown", None

    prev = None
    for e in events:
        if prev is not None and e.seq is not None and prev.seq is not None \
                and e.seq != prev.seq + 1:
            if e.seq <= prev.seq:
                s.problems.append("line %d: event %d comes after event %d"
                                  % (e.line, e.seq, prev.seq))
            else:
                s.gaps.append((prev.t, e.t, prev.seq + 1, e.seq - 1))
            forget_everything(prev.t)
        prev = e
        t = e.t

        if e.kind == "new":
            th = s.threads.get(e.to)
            if th is None:
                th = s.threads[e.to] = Thread(e.to)
            th.name = e.name
            th.created, th.state, th.since, th.partial = t, "runnable", t, False
            s.marks.append(("new", e.target if e.target is not None else e.cpu, t,
                            "tid %d (%s) created by tid %d, queued on cpu %s"
                            % (e.to, e.name, e.frm, e.target)))
            continue

        if e.kind == "wake":
            th = thread(e.to)
            if th.state in ("running", "runnable"):
                s.problems.append("line %d: tid %d woken while %s" % (e.line, e.to, th.state))
            th.state, th.since = "runnable", t
            cpu = e.target if e.target is not None else e.cpu
            s.marks.append(("wake", cpu, t, "tid %d woke tid %d%s" % (
                e.frm, e.to, "" if e.target is None else ", queued on cpu %d" % e.target)))
            continue

        # A switch on e.cpu from e.frm to e.to.
        cur = running.get(e.cpu)
        if cur is None:
            # The CPU's first event (or first after a gap): e.frm ran until now.
            if e.cpu in lost_since:
                s.slices.append(Slice(e.cpu, lost_since.pop(e.cpu), t, e.frm, e.reason, "lost"))
            else:
                s.slices.append(Slice(e.cpu, s.start, t, e.frm, e.reason, "inferred"))
            if e.frm != IDLE:
                thread(e.frm).partial = True
        else:
            tid, since, style = cur
            if tid != e.frm:
                s.problems.append("line %d: cpu %d switches from tid %d, but tid %d was running"
                                  % (e.line, e.cpu, e.frm, tid))
                if tid != IDLE:
                    thread(tid).partial = True
            s.slices.append(Slice(e.cpu, since, t, e.frm, e.reason, style))
        if e.frm != IDLE:
            th = thread(e.frm)
            if cur is not None and cur[0] == e.frm and th.state == "running":
                th.run += t - th.since
            else:
                th.partial = True
            if e.reason == "preempt":
                th.involuntary += 1
            elif e.reason in ("yield", "block"):
                th.voluntary += 1
            th.state, th.since = {"preempt": "runnable", "yield": "runnable",
                                  "block": "blocked", "exit": "exited"}[e.reason], t
            if e.reason == "exit":
                th.exited = t
        if e.to != IDLE:
            th = thread(e.to)
            if th.state == "runnable":
                th.wait += t - th.since
                if th.first_run is None and th.created is not None:
                    th.first_run = t
            else:
                if th.state != "unknown":
                    s.problems.append("line %d: tid %d given a CPU while %s"
                                      % (e.line, e.to, th.state))
                th.partial = True
            th.state, th.since = "running", t
        running[e.cpu] = (e.to, t, "known")

    s.stalls = find_stalls(events)

    # The end of the trace: whatever runs or waits still, up to the last event.
    for cpu, (tid, since, style) in running.items():
        if since < s.end:
            s.slices.append(Slice(cpu, since, s.end, tid, None, style))
    for cpu, since in lost_since.items():
        s.slices.append(Slice(cpu, since, s.end, None, None, "lost"))
    for th in s.threads.values():
        if th.state == "running":
            th.run += s.end - th.since
        elif th.state == "runnable":
            th.wait += s.end - th.since
    s.slices.sort(key=lambda sl: (sl.cpu, sl.start))
    return s


# --- drawing --------------------------------------------------------------------

MARK_COLOURS = {"preempt": "#c00000", "wake": "#008000", "new": "#1f4fbf"}
IDLE_COLOUR = "#ececec"


def thread_colour(index):
    """Distinct colours for threads: hues a golden angle apart."""
    hue = (index * 0.381966 + 0.58) % 1.0
    light = (0.55, 0.68, 0.45)[index // 3 % 3] if index >= 3 else 0.58
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.65)
    return "#%02x%02x%02x" % (int(r * 255), int(g * 255), int(b * 255))


def nice_step(span, labels):
    """A step of 1, 2 or 5 times a power of ten giving about `labels` labels."""
    raw = span / max(labels, 1)
    power = 1.0
    while power * 10 <= raw:
        power *= 10
    while power > raw:
        power /= 10
    for m in (1, 2, 5, 10):
        if power * m >= raw:
            return power * m
    return power * 10


def fmt(x):
    return "%.2f" % x if x is not None else "-"


def label(th):
    return "tid %d %s" % (th.tid, th.name) if th.name else "tid %d" % th.tid


class Svg:
    """Collects SVG elements as text."""

    def __init__(self):
        self.parts = []

    def add(self, text):
        self.parts.append(text)


def render_svg(s, title="", window=None, width=1200):
    """The picture: one lane per CPU, slices coloured by thread, marks for
    how slices ended and for wake-ups, a time axis in ticks, a legend."""
    w0, w1 = window if window else (s.start, s.end)
    if w1 <= w0:
        w1 = w0 + 1
    left, right = 70, 20
    plot = width - left - right
    lane_h, lane_gap = 34, 30
    top = 48 + 16 * (len(s.gaps) > 0) + 16 * (len(s.stalls) > 0) + 16 * (len(s.problems) > 0)
    px = plot / (w1 - w0)

    def x(t):
        return left + (min(max(t, w0), w1) - w0) * px

    tids = sorted(t for t in s.threads)
    colour = {tid: thread_colour(i) for i, tid in enumerate(tids)}
    colour[IDLE] = IDLE_COLOUR
    names = {tid: label(s.threads[tid]) for tid in tids}
    names[IDLE] = "idle"

    svg = Svg()
    lanes_bottom = top + s.ncpus * (lane_h + lane_gap)
    axis_y = lanes_bottom + 4
    legend_y = axis_y + 44
    per_row = max(1, plot // 190)
    legend_rows = (len(tids) + 1 + bool(s.gaps) + per_row - 1) // per_row
    height = legend_y + 18 * legend_rows + 44

    svg.add('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
            'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">'
            % (width, height, width, height))
    svg.add('<defs><pattern id="lost" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#c00000" stroke-width="2"/></pattern>'
            '</defs>')
    svg.add('<rect width="100%" height="100%" fill="#fff"/>')
    svg.add('<text x="%d" y="20" font-size="15" font-weight="bold">%s</text>'
            % (left, html.escape(title or "Schedule")))
    y = 36
    for text, items in (("events lost in %d place(s): the hatched parts are unknown",
                         s.gaps), ("the tick counter fell behind the clock in %d place(s) "
                                   "(orange on the axis): CPU 0 missed timer interrupts",
                                   s.stalls),
                        ("%d contradiction(s) in the trace (listed in schedule.html)",
                         s.problems)):
        if items:
            svg.add('<text x="%d" y="%d" fill="#c00000">WARNING: %s</text>'
                    % (left, y, html.escape(text % len(items))))
            y += 16

    # Lanes.
    for cpu in range(s.ncpus):
        ly = top + cpu * (lane_h + lane_gap)
        svg.add('<g class="lane" id="lane-cpu%d">' % cpu)
        svg.add('<text x="%d" y="%d" text-anchor="end">CPU %d</text>'
                % (left - 8, ly + lane_h / 2 + 4, cpu))
        svg.add('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>'
                % (left, ly, plot, lane_h))
        draw_lane(svg, s, cpu, ly, lane_h, x, w0, w1, colour, names)
        svg.add('</g>')

    # Gaps across every lane.
    for a, b, first, last in s.gaps:
        if b < w0 or a > w1:
            continue
        svg.add('<rect class="gap" x="%.1f" y="%d" width="%.1f" height="%d" fill="#c00000" '
                'fill-opacity="0.25"><title>events %d..%d lost between ticks %.2f and %.2f'
                '</title></rect>' % (x(a), top - 4, max(x(b) - x(a), 2), lanes_bottom - top,
                                     first, last, a, b))

    # The time axis, in ticks.
    svg.add('<g class="axis">')
    svg.add('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>'
            % (left, axis_y, left + plot, axis_y))
    for a, b, behind in s.stalls:
        if b < w0 or a > w1:
            continue
        svg.add('<rect class="stall" x="%.1f" y="%d" width="%.1f" height="6" fill="#f08000">'
                '<title>the tick counter did not advance for %.1f tick periods here</title>'
                '</rect>' % (x(a), axis_y - 6, max(x(b) - x(a), 2), behind))
    step = nice_step(w1 - w0, plot / 90)
    k = int(w0 // step)
    while k * step <= w1 + 1e-9:
        t = k * step
        if t >= w0 - 1e-9:
            svg.add('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>'
                    '<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                    % (x(t), axis_y, x(t), axis_y + 5, x(t), axis_y + 18, "%g" % round(t, 6)))
            svg.add('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000" '
                    'stroke-opacity="0.08"/>' % (x(t), top, x(t), lanes_bottom))
        k += 1
    svg.add('<text x="%d" y="%d" text-anchor="middle">time in ticks (1 tick = %g ms%s)'
            '</text>' % (left + plot / 2, axis_y + 34, 1000.0 / s.hz,
                         "" if s.hz_known else ", hz assumed"))
    svg.add('</g>')

    # Legend: one swatch per thread, then idle, then the marks.
    svg.add('<g class="legend">')
    entries = [(colour[tid], names[tid], "") for tid in tids]
    entries.append((IDLE_COLOUR, "idle", ""))
    if s.gaps:
        entries.append(("url(#lost)", "unknown (events lost)", ""))
    for i, (fill, text, _) in enumerate(entries):
        lx = left + (i % per_row) * 190
        ly = legend_y + (i // per_row) * 18
        svg.add('<rect x="%d" y="%d" width="14" height="12" fill="%s" stroke="#666"/>'
                '<text x="%d" y="%d">%s</text>' % (lx, ly, fill, lx + 19, ly + 10,
                                                   html.escape(text)))
    ly = legend_y + legend_rows * 18 + 8
    lx = left
    for kind, text in (("preempt", "preempted"), ("yield", "yielded"), ("block", "blocked"),
                       ("exit", "exited"), ("wake", "woken (on the CPU it is queued on)"),
                       ("new", "created"), ("dense", "many short slices merged: bands show "
                                                     "each thread's share")):
        if kind == "dense":
            svg.add('<rect x="%d" y="%d" width="14" height="12" fill="#fff" stroke="#000" '
                    'stroke-dasharray="2,1"/>' % (lx, ly - 2))
        else:
            draw_mark(svg, kind, lx + 7, ly + 4)
        svg.add('<text x="%d" y="%d">%s</text>' % (lx + 18, ly + 9, html.escape(text)))
        lx += 30 + 7 * len(text)
    svg.add('</g>')
    svg.add('</svg>')
    return "\n".join(svg.parts) + "\n"


def draw_mark(svg, kind, mx, cy, tip=None):
    """A mark centred at (mx, cy). Lanes put the marks of how a slice ended
    just above the lane, and wake-ups and creations just below it, so that
    no slice colour hides them."""
    title = "<title>%s</title>" % html.escape(tip) if tip else ""
    if kind == "preempt":       # a red triangle pointing down
        svg.add('<path class="m-preempt" d="M%.1f %.1fh11l-5.5 10z" fill="%s">%s</path>'
                % (mx - 5.5, cy - 5, MARK_COLOURS[kind], title))
    elif kind == "yield":       # a hollow circle
        svg.add('<circle class="m-yield" cx="%.1f" cy="%.1f" r="4.2" fill="#fff" '
                'stroke="#000" stroke-width="1.4">%s</circle>' % (mx, cy, title))
    elif kind == "block":       # a black square
        svg.add('<rect class="m-block" x="%.1f" y="%.1f" width="9" height="9" fill="#000">'
                '%s</rect>' % (mx - 4.5, cy - 4.5, title))
    elif kind == "exit":        # a cross
        svg.add('<path class="m-exit" d="M%.1f %.1fl10 10m0 -10l-10 10" stroke="#000" '
                'stroke-width="2.2">%s</path>' % (mx - 5, cy - 5, title))
    elif kind == "wake":        # a green triangle pointing up
        svg.add('<path class="m-wake" d="M%.1f %.1fh11l-5.5 -10z" fill="%s">%s</path>'
                % (mx - 5.5, cy + 5, MARK_COLOURS[kind], title))
    elif kind == "new":         # a blue diamond
        svg.add('<path class="m-new" d="M%.1f %.1fl4 -5l4 5l-4 5z" fill="%s">%s</path>'
                % (mx - 4, cy, MARK_COLOURS[kind], title))


MIN_PX = 3.0        # a slice narrower than this is merged with its neighbours
ABSORB_PX = 15.0    # ... and one narrower than this amid many narrow ones
GROUP_MAX_PX = 80.0 # a box of merged slices is at most about this wide
MARK_MIN_PX = 6.0   # a slice narrower than this gets no mark for its end
MARK_SPACING = 8.0  # marks of one kind closer than this on a lane are merged


def draw_lane(svg, s, cpu, ly, lane_h, x, w0, w1, colour, names):
    """The slices of one CPU in [w0, w1]. Slices at least MIN_PX wide are
    drawn each with the mark of how it ended; a run of narrower ones is
    drawn as one box of horizontal bands, one per thread, as tall as that
    thread's share of the box's time. So the element count is bounded by
    the width in pixels, however long the trace."""
    group = []

    def flush():
        if not group:
            return
        a, b = group[0].start, group[-1].end
        if len(group) == 1:
            draw_slice(svg, group[0], ly, lane_h, x, colour, names)
        else:
            share = Counter()
            whys = Counter()
            for sl in group:
                share[sl.tid] += sl.end - sl.start
                whys[sl.why] += 1
            total = sum(share.values()) or 1
            x0, x1 = x(a), max(x(b), x(a) + 1)
            yy = ly
            tip = "ticks %.2f-%.2f: %d slices; %s; ended by %s" % (
                a, b, len(group),
                ", ".join("%s %.0f%%" % (names.get(t, "unknown"), 100 * d / total)
                          for t, d in share.most_common(8))
                + (", ..." if len(share) > 8 else ""),
                ", ".join("%s %d" % (w or "trace end", n) for w, n in whys.most_common()))
            svg.add('<g class="dense"><title>%s</title>' % html.escape(tip))
            for tid, d in share.most_common():
                hh = lane_h * d / total
                svg.add('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                        % (x0, yy, x1 - x0, hh, colour.get(tid, "url(#lost)")))
                yy += hh
            svg.add('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="none" stroke="#000" '
                    'stroke-width="0.6" stroke-dasharray="2,1"/>' % (x0, ly, x1 - x0, lane_h))
            if x1 - x0 > 66:
                svg.add('<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" '
                        'stroke="#fff" stroke-width="3" paint-order="stroke">%d slices</text>'
                        % ((x0 + x1) / 2, ly + lane_h / 2 + 4, len(group)))
            svg.add('</g>')
        group.clear()

    last_mark = {}
    marks = []
    lane = [sl for sl in s.slices if sl.cpu == cpu and sl.end >= w0 and sl.start <= w1]
    for i, sl in enumerate(lane):
        width = x(sl.end) - x(sl.start)
        # In a long run of short slices, a slice a little wider is part of
        # the crowd too: drawn alone it would be a sliver among the bands.
        nxt = lane[i + 1] if i + 1 < len(lane) else None
        crowd = len(group) >= 10 and width < ABSORB_PX and nxt is not None \
            and x(nxt.end) - x(nxt.start) < MIN_PX
        if group and x(sl.end) - x(group[0].start) > GROUP_MAX_PX:
            flush()             # a long crowd in boxes: shares over time show
        if (width >= MIN_PX and not crowd) or sl.style == "lost" or sl.tid is None:
            flush()
            draw_slice(svg, sl, ly, lane_h, x, colour, names)
            # (An idle thread's end is no news: the idle loop yields.)
            if sl.why and sl.tid and sl.style != "lost" and w0 <= sl.end <= w1 \
                    and width >= MARK_MIN_PX:
                mx = x(sl.end)
                if mx - last_mark.get(sl.why, -1e9) >= MARK_SPACING:
                    last_mark[sl.why] = mx
                    marks.append((sl.why, mx, ly - 7,
                                  "%s %s at tick %.2f" % (names.get(sl.tid, "?"), sl.why,
                                                          sl.end)))
        else:
            group.append(sl)
    flush()

    for kind in ("new", "wake"):
        last = -1e9
        merged = []
        for k, c, t, text in s.marks:
            if k != kind or c != cpu or not w0 <= t <= w1:
                continue
            if x(t) - last < MARK_SPACING and merged:
                merged[-1][1].append(text)
                continue
            last = x(t)
            merged.append((t, [text]))
        for t, texts in merged:
            tip = "tick %.2f: %s" % (t, "; ".join(texts[:5]))
            if len(texts) > 5:
                tip += "; and %d more" % (len(texts) - 5)
            marks.append((kind, x(t), ly + lane_h + 7, tip))
    for kind, mx, cy, tip in marks:
        draw_mark(svg, kind, mx, cy, tip)


def draw_slice(svg, sl, ly, lane_h, x, colour, names):
    x0, x1 = x(sl.start), x(sl.end)
    if sl.style == "lost" or sl.tid is None:
        fill = "url(#lost)"
        tip = "ticks %.2f-%.2f: unknown, events were lost" % (sl.start, sl.end)
    else:
        fill = colour.get(sl.tid, "#888")
        tip = "%s on cpu %d, ticks %.2f-%.2f (%.2f)%s%s" % (
            names.get(sl.tid, "tid %d" % sl.tid), sl.cpu, sl.start, sl.end, sl.end - sl.start,
            ", then %s" % sl.why if sl.why else "",
            ", since before the first event on this CPU" if sl.style == "inferred" else "")
    opacity = ' fill-opacity="0.45"' if sl.style == "inferred" else ""
    svg.add('<rect class="slice" x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"%s>'
            '<title>%s</title></rect>' % (x0, ly, max(x1 - x0, 1.0), lane_h, fill, opacity,
                                          html.escape(tip)))
    if sl.tid and x1 - x0 > 24:
        text = names.get(sl.tid, str(sl.tid))
        if 6.5 * len(text) + 6 > x1 - x0:
            text = str(sl.tid)
        svg.add('<text x="%.1f" y="%d" font-size="11" fill="#000">%s</text>'
                % (x0 + 3, ly + 13, html.escape(text)))


# --- the page -------------------------------------------------------------------

DEFINITIONS = [
    ("run time", "time on a CPU: from each switch to the thread to the next switch away"),
    ("wait time", "time runnable but not running: from its creation, its wake-up, or a "
                  "preemption or yield, until it next gets a CPU (time blocked is not "
                  "counted)"),
    ("response time", "from its creation (event=new) to the first time it gets a CPU"),
    ("turnaround", "from its creation to its exit (its switch with reason=exit)"),
    ("voluntary switches", "times it left the CPU by yielding or blocking"),
    ("involuntary switches", "times it was preempted (its slice ended, or a more "
                             "urgent thread took the CPU)"),
]


def render_html(s, svg, title):
    hz_ms = 1000.0 / s.hz
    out = ['<!DOCTYPE html>', '<html><head><meta charset="utf-8"><title>%s</title>'
           % html.escape(title), '<style>body{font-family:sans-serif;margin:1.5em}'
           'table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 8px;'
           'text-align:right}td.l,th.l{text-align:left}caption{caption-side:bottom;'
           'text-align:left;padding-top:.6em;max-width:60em}.warn{color:#c00000}'
           '</style></head><body>', '<h1>%s</h1>' % html.escape(title)]
    summary = "%d events" % s.nevents
    if s.seq_range:
        summary += " (seq %d to %d)" % s.seq_range
    summary += ", %d CPUs, hz=%d%s, ticks %.2f to %.2f." % (
        s.ncpus, s.hz, "" if s.hz_known else " (assumed)", s.start, s.end)
    out.append("<p>%s</p>" % summary)
    warnings = warning_lines(s)
    if warnings:
        out.append('<ul class="warn">%s</ul>' % "".join("<li>%s</li>" % html.escape(w)
                                                        for w in warnings))
    out.append(svg)
    defs = "; ".join("<b>%s</b>: %s" % (k, html.escape(v)) for k, v in DEFINITIONS)
    out.append('<table><caption>Times are in ticks (1 tick = %g ms), computed from the whole '
               'trace whatever part is drawn; "-" where the trace cannot tell (not created or '
               'not exited within it). %s. * the trace does not hold all of this thread\'s life '
               '(it existed before the trace, or events were lost): its figures cover only '
               'what the trace shows.</caption>' % (hz_ms, defs))
    out.append('<tr><th></th><th>tid</th><th class="l">name</th><th>created</th>'
               '<th>first run</th><th>exited</th><th>run</th><th>wait</th><th>response</th>'
               '<th>turnaround</th><th>voluntary</th><th>involuntary</th></tr>')
    tids = sorted(s.threads)
    for i, tid in enumerate(tids):
        th = s.threads[tid]
        f = th.figures()
        star = "" if f["complete"] else " *"
        out.append('<tr><td style="background:%s"></td><td>%d</td><td class="l">%s%s</td>'
                   % (thread_colour(i), tid, html.escape(th.name or "(no name in the trace)"), star)
                   + "".join("<td>%s</td>" % fmt(f[k]) for k in
                             ("created", "first_run", "exited", "run", "wait", "response",
                              "turnaround"))
                   + "<td>%d</td><td>%d</td></tr>" % (f["voluntary"], f["involuntary"]))
    out.append('</table>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def warning_lines(s):
    lines = []
    for a, b, first, last in s.gaps:
        lines.append("events %d..%d are missing (between ticks %.2f and %.2f): the picture "
                     "there is unknown and the figures of threads alive then are incomplete"
                     % (first, last, a, b))
    for a, b, behind in s.stalls:
        lines.append("between ticks %.2f and %.2f the tick counter fell %.1f ticks behind the "
                     "clock: CPU 0 took no timer interrupt for that long (its interrupts were "
                     "off, e.g. waiting for sched_lock while another CPU printed trace lines, "
                     "or the host did not run it)" % (a, b, behind))
    lines.extend(s.problems[:20])
    if len(s.problems) > 20:
        lines.append("... and %d more contradictions" % (len(s.problems) - 20))
    lines.extend(s.notes)
    return lines


def write_outputs(s, out_dir, title, window, width):
    os.makedirs(out_dir, exist_ok=True)
    svg = render_svg(s, title, window, width)
    with open(os.path.join(out_dir, "schedule.svg"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + svg)
    with open(os.path.join(out_dir, "schedule.html"), "w") as f:
        f.write(render_html(s, svg, title))
    figures = {
        "hz": s.hz, "cpus": s.ncpus, "start": s.start, "end": s.end, "events": s.nevents,
        "gaps": [{"after_tick": a, "before_tick": b, "first_missing": f, "last_missing": l}
                 for a, b, f, l in s.gaps],
        "stalls": [{"from_tick": a, "to_tick": b, "ticks_behind": d} for a, b, d in s.stalls],
        "problems": s.problems,
        "threads": [s.threads[tid].figures() for tid in sorted(s.threads)],
    }
    with open(os.path.join(out_dir, "schedule.json"), "w") as f:
        json.dump(figures, f, indent=1)
    return len(svg)


# --- booting --------------------------------------------------------------------

def boot(opts):
    """Runs the program with trace=sched; returns the serial output."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import qemu_run
    append = " ".join(w for w in ("trace=sched", opts.append.strip(), "--", opts.prog) if w)
    cmd = qemu_run.qemu_command(opts.qemu, kernel=opts.kernel, append=append, smp=opts.smp,
                                mem=opts.mem)
    status, out, secs = qemu_run.run(cmd, opts.timeout)
    text = out.decode(errors="replace")
    for line in text.splitlines():
        if not LINE_RE.search(line):
            print(line)
    print("viz: %s exited with status %d after %.1f s" % (opts.prog, status, secs))
    if status >= qemu_run.STATUS_TIMEOUT:
        print("viz: the run did not end normally: the trace may stop early", file=sys.stderr)
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trace", help="draw this saved trace (a serial log) instead of booting")
    ap.add_argument("--kernel", help="boot this kernel and run --prog with trace=sched")
    ap.add_argument("--prog", help='the program and its arguments, e.g. "race 4 1000 unsafe"')
    ap.add_argument("--append", default="", help="more kernel command line (make viz ARGS=)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", type=int, default=256)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--out", default="build/viz", help="directory for the outputs")
    ap.add_argument("--from", dest="t_from", type=float, help="draw from this tick")
    ap.add_argument("--to", dest="t_to", type=float, help="draw up to this tick")
    ap.add_argument("--width", type=int, default=1200, help="picture width in pixels")
    ap.add_argument("--title", help="the picture's title")
    opts = ap.parse_args(argv)

    if opts.trace:
        try:
            with open(opts.trace, errors="replace") as f:
                text = f.read()
        except OSError as e:
            print("viz: %s" % e, file=sys.stderr)
            return 1
        title = "Schedule of %s" % os.path.basename(opts.trace)
    elif opts.kernel and opts.prog:
        text = boot(opts)
        os.makedirs(opts.out, exist_ok=True)
        with open(os.path.join(opts.out, "trace.txt"), "w") as f:
            f.write(text)
        title = "Schedule of %s (SMP=%d)" % (opts.prog, opts.smp)
    else:
        ap.error("give --trace FILE, or --kernel ELF --prog \"PROGRAM ARGS\"")

    title = opts.title or title
    s = compute(parse_trace(text))
    if not s.nevents:
        print("viz: no trace=sched lines in the trace", file=sys.stderr)
        return 1
    window = None
    if opts.t_from is not None or opts.t_to is not None:
        window = (opts.t_from if opts.t_from is not None else s.start,
                  opts.t_to if opts.t_to is not None else s.end)
    size = write_outputs(s, opts.out, title, window, opts.width)
    for w in warning_lines(s):
        print("viz: warning: %s" % w, file=sys.stderr)
    print("viz: %d events, ticks %.2f to %.2f; wrote %s/schedule.svg (%d KB), schedule.html, "
          "schedule.json" % (s.nevents, s.start, s.end, opts.out, size // 1024 + 1))
    if s.gaps or s.problems:
        print("viz: the trace is incomplete or inconsistent: see the warnings above",
              file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
