# Spindle's GDB helpers: `spindle threads`, `spindle bt`, `spindle runq` and
# `spindle cpus`, in GDB's own Python (no packages). docs/debugging.md.
"""Spindle's GDB helpers. Load with `source tools/gdb/spindle.py` (make gdb
does it through tools/gdbinit), then `help spindle`.

Everything is read through GDB's type information (field names, never byte
offsets), so the helpers keep working when struct thread or struct cpu
grow or change order. Nothing is written to the target: no registers are
changed and no kernel function is called, so the helpers are safe on a
machine stopped anywhere, in batch mode too.
"""
import gdb

# thread.h: THREAD_MAGIC ("SPIN"). A #define, so not in the debug info.
THREAD_MAGIC = 0x5350494E
# Longest list or queue walked, and deepest backtrace: a corrupt (cyclic)
# list must not hang the debugger.
WALK_MAX = 4096
BACKTRACE_MAX = 64

# Policies whose queues the generic search (policy_queues) cannot
# read can register a reader here, from a GDB script or `python`:
#     runq_readers["mypolicy"] = lambda cpu: [("label", [thread_value, ...]), ...]
# where each thread_value is a gdb.Value of type struct thread (not a pointer).
runq_readers = {}


# --- reading kernel data ----------------------------------------------------

def struct_type(tag):
    return gdb.lookup_type("struct " + tag)


def has_field(value, name):
    return any(f.name == name for f in value.type.strip_typedefs().fields())


def field_or(value, name, default=None):
    """value[name], or default if the struct has no such field (a field a
    newer or older kernel may lack; core fields are read directly)."""
    return value[name] if has_field(value, name) else default


def field_offset(tag, name):
    for f in struct_type(tag).fields():
        if f.name == name:
            return f.bitpos // 8
    raise gdb.GdbError("struct %s has no field %s: is this a Spindle kernel?" % (tag, name))


def container_of(node_address, tag, member):
    """The struct tag (a gdb.Value, not a pointer) whose field member is at
    node_address (lib/list.h's list_entry)."""
    address = int(node_address) - field_offset(tag, member)
    return gdb.Value(address).cast(struct_type(tag).pointer()).dereference()


def walk_list(lst, tag, member):
    """The structs linked into struct list lst through their field member."""
    head = int(lst["head"].address)
    node = lst["head"]["next"]
    seen = set()
    while int(node) != head:
        if int(node) in seen or len(seen) >= WALK_MAX:
            raise gdb.GdbError("list at 0x%x is corrupt (a cycle, or over %d entries)"
                               % (head, WALK_MAX))
        seen.add(int(node))
        yield container_of(node, tag, member)
        node = node["next"]


def walk_thread_queue(q):
    """The threads of a struct thread_queue (sched/thread_queue.h), front first."""
    t = q["head"]
    seen = set()
    while int(t):
        if int(t) in seen or len(seen) >= WALK_MAX:
            raise gdb.GdbError("thread_queue at 0x%x is corrupt (a cycle, or over %d entries)"
                               % (int(q.address), WALK_MAX))
        seen.add(int(t))
        yield t.dereference()
        t = t["queue_next"]


def symbol_value(name):
    """A kernel variable by name: static ones (all_threads) too."""
    sym = gdb.lookup_global_symbol(name) or gdb.lookup_static_symbol(name)
    if sym is None:
        raise gdb.GdbError("no symbol %s: load the kernel's symbols (file build/spindle.elf)" % name)
    return sym.value()


def read_u64(address):
    data = gdb.selected_inferior().read_memory(address, 8)
    return int.from_bytes(bytes(data), "little")


def all_threads():
    """Every registered thread (kernel/thread.c's all_threads), then each
    CPU's idle thread (idle threads are in no table)."""
    threads = list(walk_list(symbol_value("all_threads"), "thread", "all_node"))
    for c in online_cpus():
        idle = c["idle"]
        if int(idle):
            threads.append(idle.dereference())
    return threads


def max_cpus():
    low, high = symbol_value("cpus").type.range()
    return high - low + 1


def online_cpus():
    cpus = symbol_value("cpus")
    return [cpus[i] for i in range(int(symbol_value("ncpus")))]


def state_name(t):
    # The enum's own names (THREAD_BLOCKED -> blocked): a new state shows
    # up without changing this file.
    name = str(t["state"])
    return name[len("THREAD_"):].lower() if name.startswith("THREAD_") else name


def thread_name(t):
    return t["name"].string(errors="replace")


def c_string(pointer, default="-"):
    if not int(pointer):
        return default
    try:
        return pointer.string(errors="replace")
    except gdb.MemoryError:
        return "<0x%x>" % int(pointer)


def is_idle(t):
    return bool(field_or(t, "is_idle", False))


def tid_text(t):
    return "-" if is_idle(t) else str(int(t["tid"]))


def describe(t):
    """tid and name, as the commands print a thread."""
    return "%s %s" % ("idle" if is_idle(t) else "tid %d" % int(t["tid"]), thread_name(t))


def process_text(t):
    p = t["process"]
    if not int(p):
        return "-"
    return "%d:%s" % (int(p["pid"]), p["name"].string(errors="replace"))


def find_thread(spec):
    """The thread named by spec: a tid, or a thread's name (idle0...)."""
    threads = all_threads()
    if spec.isdigit():
        found = [t for t in threads if not is_idle(t) and int(t["tid"]) == int(spec)]
    else:
        found = [t for t in threads if thread_name(t) == spec]
    if not found:
        raise gdb.GdbError("no thread %s (`spindle threads` lists them)" % spec)
    if len(found) > 1:
        raise gdb.GdbError("%d threads are called %s: give a tid" % (len(found), spec))
    return found[0]


def running_on(t):
    """The CPU whose current thread is t, or None."""
    for c in online_cpus():
        if int(c["current"]) == int(t.address):
            return c
    return None


# --- GDB threads: one per CPU (QEMU's gdbstub) --------------------------------

def gdb_thread_of(cpu):
    """The GDB thread (QEMU vCPU) that is Spindle CPU cpu (a struct cpu),
    found by its GS base, which points at its struct cpu (cpu.h): %gs_base
    in the kernel, %k_gs_base while in user mode (after swapgs). QEMU's
    vCPU order need not be Spindle's (CPUs are numbered as they come up)."""
    want = int(cpu.address)
    selected = gdb.selected_thread()
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        frame = None
    try:
        for th in gdb.selected_inferior().threads():
            th.switch()
            for reg in ("$gs_base", "$k_gs_base"):
                try:
                    if int(gdb.parse_and_eval(reg)) & 0xFFFFFFFFFFFFFFFF == want:
                        return th
                except gdb.error:
                    pass                # a GDB or QEMU without the register
    finally:
        if selected is not None:
            selected.switch()
            if frame is not None and frame.is_valid():
                frame.select()
    return None


# --- symbolizing ----------------------------------------------------------------

def function_names(pc):
    """The functions containing pc, innermost first: an inlined function,
    then the ones it was inlined into. From the debug info, or the ELF
    symbol table for assembly (context_trampoline)."""
    names = []
    try:
        block = gdb.block_for_pc(pc)
    except RuntimeError:
        block = None
    while block is not None and not block.is_global:
        if block.function is not None and (not names or names[-1] != block.function.print_name):
            names.append(block.function.print_name)
        block = block.superblock
    if not names:
        out = gdb.execute("info symbol 0x%x" % pc, to_string=True)
        if not out.startswith("No symbol"):
            names.append(out.split()[0])
    return names


def frame_text(number, pc):
    """One backtrace line for return address pc: the call is the
    instruction before it, so pc - 1 is looked up (as in regs.c) -- except
    for a thread that never ran, whose "return address" is the first
    instruction of context_trampoline (context.c), not after a call."""
    # (An assembly symbol: no debug info, but GDB knows its address.)
    trampoline = int(gdb.parse_and_eval("(unsigned long)&context_trampoline"))
    lookup = pc if pc == trampoline else pc - 1
    names = function_names(lookup) or ["??"]
    sal = gdb.find_pc_line(lookup)
    where = ""
    if sal.symtab is not None:
        where = " at %s:%d" % (sal.symtab.filename, sal.line)
    name = names[-1] if len(names) == 1 else "%s [inlined into %s]" % (
        " <- ".join(names[:-1]), names[-1])
    return "#%-2d 0x%016x in %s%s" % (number, pc, name, where)


def saved_context_backtrace(t):
    """Lines of the backtrace of a thread that is not running, from what
    context_switch (arch/x86_64/switch.S) left on its kernel stack:

        kernel_sp -> r15 r14 r13 r12 rbx rbp, return address

    The return address is in the function that called context_switch
    (sched_switch); the saved rbp is that function's frame pointer, and
    from there the frame-pointer chain (the kernel is built with
    -fno-omit-frame-pointer) gives each caller: [rbp] = the caller's rbp,
    [rbp + 8] = the return address into it."""
    sp = int(t["kernel_sp"])
    base = int(t["kstack_base"])
    top = base + int(t["kstack_size"])
    if not base <= sp < top:
        return ["saved stack pointer 0x%x is outside the thread's kernel stack "
                "[0x%x, 0x%x): the TCB is corrupt" % (sp, base, top)]
    registers = ["r15", "r14", "r13", "r12", "rbx", "rbp"]
    saved = {r: read_u64(sp + 8 * i) for i, r in enumerate(registers)}
    pc = read_u64(sp + 8 * len(registers))
    rbp = saved["rbp"]
    lines = []
    depth = 0
    while pc and depth < BACKTRACE_MAX:
        lines.append(frame_text(depth, pc))
        depth += 1
        if not base <= rbp < top:
            if rbp:
                lines.append("(the frame chain leaves the kernel stack at rbp 0x%x)" % rbp)
            break
        next_rbp, pc = read_u64(rbp), read_u64(rbp + 8)
        if next_rbp and next_rbp <= rbp:
            lines.append("(the frame chain goes down the stack at rbp 0x%x: corrupt)" % rbp)
            break
        rbp = next_rbp
    return lines


# --- the commands ---------------------------------------------------------------

class SpindlePrefix(gdb.Command):
    """Spindle kernel helpers (tools/gdb/spindle.py, docs/debugging.md).

spindle threads      every thread: tid, name, state, CPU, priority, process
spindle bt TID|NAME  backtrace of a thread (saved context if not running)
spindle runq         each CPU's run queue, as the scheduling policy keeps it
spindle cpus         each CPU: its current thread and its GDB thread"""

    def __init__(self):
        super().__init__("spindle", gdb.COMMAND_USER, gdb.COMPLETE_COMMAND, prefix=True)


class SpindleCommand(gdb.Command):
    """A `spindle` subcommand: run(arg) does the work; reading memory the
    CPU cannot reach (before paging is on, at QEMU's reset) ends in a clear
    message rather than a Python traceback."""

    def invoke(self, arg, from_tty):
        try:
            self.run(arg)
        except gdb.MemoryError as e:
            raise gdb.GdbError("spindle: cannot read kernel memory (%s): the kernel is not "
                               "running yet (stopped before kmain?): `continue` first" % e)


class SpindleThreads(SpindleCommand):
    """List every thread: tid, name, state, CPU it runs or last ran on,
priority, process (pid:name) and what it waits on. A * marks a thread
running now. Idle threads have tid -."""

    def __init__(self):
        super().__init__("spindle threads", gdb.COMMAND_USER)

    def run(self, arg):
        threads = all_threads()
        width = max([16] + [len(thread_name(t)) for t in threads])
        print("%5s  %-*s %-9s %3s %4s  %-14s %s" % ("TID", width, "NAME", "STATE", "CPU", "PRI",
                                                     "PROCESS", "WAITING ON"))
        for t in threads:
            state = state_name(t)
            running = running_on(t) is not None
            wait = "-"
            if state in ("blocked", "sleeping"):
                wait = c_string(field_or(t, "wait_channel", gdb.Value(0)))
            cpu = int(t["cpu"])
            print("%5s%s %-*s %-9s %3s %4s  %-14s %s" % (
                tid_text(t), "*" if running else " ", width, thread_name(t), state,
                cpu if cpu >= 0 else "-", "-" if is_idle(t) else int(field_or(t, "priority", 0)),
                process_text(t), wait))
            if int(t["magic"]) != THREAD_MAGIC:
                print("       ^ bad magic 0x%x at 0x%x: this TCB is overwritten"
                      % (int(t["magic"]), int(t.address)))


class SpindleBacktrace(SpindleCommand):
    """Backtrace of one thread: spindle bt TID (or a thread's name).
A thread that is not running: from the context it saved when it last left
the CPU (its kernel stack), symbolized by GDB. A running thread: GDB's own
bt on the CPU that runs it."""

    def __init__(self):
        super().__init__("spindle bt", gdb.COMMAND_USER)

    def run(self, arg):
        spec = arg.strip()
        if not spec:
            raise gdb.GdbError("usage: spindle bt TID (or a thread's name)")
        t = find_thread(spec)
        cpu = running_on(t)
        if cpu is not None:
            th = gdb_thread_of(cpu)
            if th is None:
                raise gdb.GdbError("%s runs on CPU %d, but no GDB thread has that CPU's GS base"
                                   % (describe(t), int(cpu["id"])))
            print("%s is running on CPU %d (GDB thread %d): its live registers"
                  % (describe(t), int(cpu["id"]), th.num))
            selected = gdb.selected_thread()
            th.switch()
            try:
                gdb.execute("bt")
            finally:
                selected.switch()
            return
        state = state_name(t)
        what = state
        if state in ("blocked", "sleeping"):
            what += " on %s" % c_string(field_or(t, "wait_channel", gdb.Value(0)))
        cpu_number = int(t["cpu"])
        last = " last ran on CPU %d" % cpu_number
        if int(field_or(t, "times_scheduled", 1)) == 0:
            last = " never ran" + (" (queued on CPU %d)" % cpu_number if state == "runnable"
                                   and cpu_number >= 0 and not is_idle(t) else "")
        print("%s, %s,%s; saved context at 0x%x:" % (describe(t), what, last,
                                                      int(t["kernel_sp"])))
        for line in saved_context_backtrace(t):
            print(line)


# The structs a run queue is made of (sched/thread_queue.h, lib/list.h).
QUEUE_TYPES = ("thread_queue", "list")


def contains_queue(type_, memo):
    """Whether a value of type_ holds a struct thread_queue or struct list."""
    type_ = type_.strip_typedefs()
    key = str(type_)
    if key in memo:
        return memo[key]
    memo[key] = False                   # a struct that contains itself (by pointer: no)
    found = False
    if type_.code == gdb.TYPE_CODE_STRUCT:
        found = type_.tag in QUEUE_TYPES or any(
            f.type is not None and contains_queue(f.type, memo) for f in type_.fields())
    elif type_.code == gdb.TYPE_CODE_ARRAY:
        found = contains_queue(type_.target(), memo)
    memo[key] = found
    return found


def find_queues(value, label, cpu, ncpu_slots, memo, out):
    """Appends (cpu, label, kind, value) for each thread_queue or list in
    value. The first array level with MAX_CPUS elements is taken to be
    indexed by CPU (the policy interface says so: queues per CPU); only
    the CPUs that exist are read."""
    type_ = value.type.strip_typedefs()
    if not contains_queue(type_, memo):
        return
    if type_.code == gdb.TYPE_CODE_STRUCT and type_.tag in QUEUE_TYPES:
        out.append((cpu, label, type_.tag, value))
    elif type_.code == gdb.TYPE_CODE_ARRAY:
        low, high = type_.range()
        per_cpu = cpu is None and high - low + 1 == ncpu_slots
        if per_cpu:
            high = low + int(symbol_value("ncpus")) - 1
        for i in range(low, high + 1):
            find_queues(value[i], "%s[%d]" % (label, i), i if per_cpu else cpu,
                        ncpu_slots, memo, out)
    elif type_.code == gdb.TYPE_CODE_STRUCT:
        for f in type_.fields():
            if f.name:
                find_queues(value[f.name], "%s.%s" % (label, f.name), cpu, ncpu_slots, memo, out)


def policy_queues(policy):
    """Every run queue of the policy: the file-level variables of the
    files that define its operations (rr.c's `queue`, ...) holding struct
    thread_queue or struct list (linked through thread.run_node)."""
    scopes = {}
    for f in policy.type.strip_typedefs().fields():
        fn = policy[f.name]
        type_ = fn.type.strip_typedefs()
        if type_.code != gdb.TYPE_CODE_PTR or type_.target().code != gdb.TYPE_CODE_FUNC \
                or not int(fn):
            continue
        try:
            block = gdb.block_for_pc(int(fn))
        except RuntimeError:
            block = None
        if block is not None:
            scopes[block.static_block.start] = block
    out, memo, seen = [], {}, set()
    for block in scopes.values():
        # The file's statics, then its globals (a student may drop static).
        for scope in (block.static_block, block.global_block):
            for sym in scope:
                if not sym.is_variable or sym.name in seen:
                    continue
                seen.add(sym.name)
                try:
                    value = sym.value()
                except gdb.error:
                    continue
                find_queues(value, sym.name, None, max_cpus(), memo, out)
    return out


def queue_threads(kind, value):
    """The threads in one queue, front first. A list whose entries are not
    TCBs (linked through something else than thread.run_node) is not a
    run queue: its "threads" are returned as None."""
    if kind == "thread_queue":
        return list(walk_thread_queue(value))
    try:
        threads = list(walk_list(value, "thread", "run_node"))
        if any(int(t["magic"]) != THREAD_MAGIC for t in threads):
            return [None]
    except gdb.MemoryError:
        return [None]
    return threads


class SpindleRunq(SpindleCommand):
    """Each CPU's run queue, in the policy's own order.
The queues are found in the policy's file (the one defining its
operations): every file-level struct thread_queue or struct list (linked
through thread.run_node), in arrays indexed by CPU ([MAX_CPUS], at any
depth), so rr, fifo and a student's policy built the same way show up
without changes here. Runnable threads found in no such queue are listed
too (by the CPU their thread.cpu names), and queued threads that are not
runnable are flagged: both are policy bugs or a layout the search does
not know (register a reader in runq_readers, tools/gdb/spindle.py)."""

    def __init__(self):
        super().__init__("spindle runq", gdb.COMMAND_USER)

    def run(self, arg):
        policy = symbol_value("sched_policy").dereference()
        name = c_string(policy["name"], "?")
        print("policy %s: %s" % (name, c_string(field_or(policy, "description", gdb.Value(0)))))
        cpus = online_cpus()
        reader = runq_readers.get(name)
        found = [] if reader else policy_queues(policy)
        if not reader and not found:
            print("(no queue found in the policy's files: runnable threads by CPU only)")
        queued = set()

        def show(groups):
            for label, ts in groups:
                if ts == [None]:
                    print("  %s: (a list, but not of threads linked through run_node)" % label)
                    continue
                print("  %s:" % label)
                for n, t in enumerate(ts, 1):
                    queued.add(int(t.address))
                    flag = ""
                    if state_name(t) != "runnable":
                        flag = "   ! state %s: a queued thread must be runnable" % state_name(t)
                    elif i is not None and int(t["cpu"]) != i:
                        flag = "   ! its thread.cpu is %d" % int(t["cpu"])
                    print("    %2d. %s prio %d%s" % (n, describe(t), int(field_or(t, "priority", 0)),
                                                   flag))

        for c in cpus:
            i = int(c["id"])
            current = c["current"]
            running = describe(current.dereference()) if int(current) else "nothing"
            if reader:
                groups = reader(i)
            else:
                groups = [(label, queue_threads(kind, v)) for cpu, label, kind, v in found
                          if cpu == i]
            groups = [(label, ts) for label, ts in groups if ts]
            count = sum(len(ts) for _, ts in groups if ts != [None])
            print("CPU %d: running %s; %d queued" % (i, running, count))
            show(groups)
        i = None
        shared = [(label, queue_threads(kind, v)) for cpu, label, kind, v in found if cpu is None]
        shared = [(label, ts) for label, ts in shared if ts]
        if shared:
            print("shared by every CPU: %d queued" % sum(len(ts) for _, ts in shared
                                                         if ts != [None]))
            show(shared)
        stray = [t for t in all_threads() if state_name(t) == "runnable" and not is_idle(t)
                 and int(t.address) not in queued and running_on(t) is None]
        if stray:
            print("runnable, but in no queue found:")
            for t in stray:
                print("    %s on CPU %d prio %d" % (describe(t), int(t["cpu"]),
                                                     int(field_or(t, "priority", 0))))


class SpindleCpus(SpindleCommand):
    """Each CPU: APIC ID, the thread it runs now, its timer ticks (and how
many were idle), and the GDB thread (QEMU vCPU) it is, for `thread N`."""

    def __init__(self):
        super().__init__("spindle cpus", gdb.COMMAND_USER)

    def run(self, arg):
        print("%3s %4s %6s %-24s %9s %9s %s" % ("CPU", "APIC", "ONLINE", "CURRENT", "TICKS",
                                               "IDLE", "GDB THREAD"))
        for c in online_cpus():
            current = c["current"]
            running = describe(current.dereference()) if int(current) else "-"
            th = gdb_thread_of(c)
            print("%3d %4d %6s %-24s %9d %9d %s" % (
                int(c["id"]), int(c["apic_id"]), "yes" if bool(c["online"]) else "no", running,
                int(c["ticks"]), int(c["idle_ticks"]), th.num if th is not None else "?"))


SpindlePrefix()
SpindleThreads()
SpindleBacktrace()
SpindleRunq()
SpindleCpus()
