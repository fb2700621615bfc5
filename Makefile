# Spindle's one entry point: build, boot, test, debug, benchmark.
# `make help` lists every target; build outputs go in $(BUILD)/ only.

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

BUILD ?= build
SMP   ?= 1
MEM   ?= 256
ARGS  ?=
T     ?=
PROG  ?=

# Quiet unless V=1.
ifeq ($(V),1)
  Q :=
  say = @true
else
  Q := @
  say = @printf '  %-7s %s\n' $(1) $(2)
endif

# --- toolchain -------------------------------------------------------------
# An x86_64-elf- cross toolchain is used when present (macOS, Homebrew);
# on Linux the host gcc or clang builds freestanding x86-64 code directly.
ifeq ($(origin CROSS),undefined)
  CROSS := $(if $(shell command -v x86_64-elf-gcc 2>/dev/null),x86_64-elf-,)
endif
ifeq ($(origin CC),default)
  CC := $(CROSS)gcc
endif
LD      := $(CROSS)ld
NM      := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
HOSTCC  ?= $(if $(CROSS),cc,$(CC))
PYTHON  ?= python3
QEMU    ?= qemu-system-x86_64
GDB     ?= gdb
GDBPORT ?= 1234

IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -q clang && echo 1)
ifeq ($(IS_CLANG)$(CROSS),1x86_64-elf-)
  TARGET_FLAGS := --target=x86_64-unknown-elf
endif

WARN := -Wall -Wextra -Werror -Wno-unused-parameter

# Kernel code: no SSE/x87 (user FPU state is the user's), no red zone
# (interrupts push onto the stack below %rsp), linked in the top 2 GiB.
KCFLAGS := $(TARGET_FLAGS) -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
  -fno-optimize-sibling-calls $(if $(IS_CLANG),,-fno-shrink-wrap) \
  -fno-asynchronous-unwind-tables -fno-common -mcmodel=kernel -mno-red-zone \
  -mno-mmx -mno-sse -mno-sse2 -mno-80387 $(WARN) -I. -MMD -MP \
  -falign-functions=64
# -falign-functions=64: every function starts a 64-byte line. Measured under
# QEMU's TCG (docs/benchmarks.md): the system-call and switch paths run
# 25-35% faster, and stop swinging by as much when unrelated code moves.
KASFLAGS := $(TARGET_FLAGS) -g -fno-pic -I. -D__ASSEMBLER__ -MMD -MP
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack -T linker.ld

# --- sources ---------------------------------------------------------------
# Every .c/.S file under these directories is part of the kernel: adding a
# file needs no Makefile change.
KSRC := $(wildcard boot/*.S) \
        $(wildcard arch/x86_64/*.c arch/x86_64/*.S) \
        $(wildcard kernel/*.c kernel/*/*.c) \
        $(wildcard lib/*.c) \
        $(wildcard tests/kernel/*.c)
KOBJ := $(patsubst %,$(BUILD)/k/%.o,$(KSRC))

KERNEL := $(BUILD)/spindle.elf
ISO    := $(BUILD)/spindle.iso

# --- user space ------------------------------------------------------------
# User programs (docs/user.md): every user/programs/NAME.c and every
# tests/user/NAME.c is program NAME, a static ELF64 file $(BUILD)/user/NAME.elf
# linked at USER_CODE_BASE by user/user.ld from crt0, the program and the
# user library $(BUILD)/user/libuser.a (user/lib/ plus lib/format.c,
# lib/string.c and lib/thread_format.c compiled a second time).
# tools/mkprograms.py then writes $(BUILD)/programs.S, which .incbin's every ELF and defines the table that
# kernel/programs.c reads; its object joins both kernel links through KOBJ.
# Same compiler as the kernel, but SSE is allowed (the kernel saves user FPU
# state), and the C library is ours: -nostdinc keeps the host's headers out,
# while the compiler's own include directory still gives stdint.h,
# stddef.h, stdarg.h and stdbool.h.
UBUILD      := $(BUILD)/user
AR          := $(CROSS)ar
UCC_INCLUDE := $(shell $(CC) $(TARGET_FLAGS) -print-file-name=include)
UCFLAGS := $(TARGET_FLAGS) -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-common \
  -nostdinc -isystem $(UCC_INCLUDE) $(WARN) -I. -Iuser/include -MMD -MP
UASFLAGS := $(TARGET_FLAGS) -g -fno-pic -nostdinc -I. -Iuser/include -D__ASSEMBLER__ -MMD -MP
ULDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none -T user/user.ld

ULIB_SRC := $(filter-out user/lib/crt0.S,$(wildcard user/lib/*.c user/lib/*.S)) lib/format.c lib/string.c \
  lib/thread_format.c
ULIB_OBJ := $(patsubst %,$(UBUILD)/obj/%.o,$(ULIB_SRC)) $(UBUILD)/obj/program_names.c.o
ULIB     := $(UBUILD)/libuser.a
UCRT0    := $(UBUILD)/obj/user/lib/crt0.S.o

UPROG_SRC   := $(sort $(wildcard user/programs/*.c tests/user/*.c))
UPROG_NAMES := $(basename $(notdir $(UPROG_SRC)))
ifneq ($(words $(UPROG_NAMES)),$(words $(sort $(UPROG_NAMES))))
  $(error two user programs have the same name; rename one of: $(UPROG_SRC))
endif
UPROG_OBJ := $(patsubst %,$(UBUILD)/obj/%.o,$(UPROG_SRC))
UELF      := $(patsubst %,$(UBUILD)/%.elf,$(UPROG_NAMES))

KOBJ += $(BUILD)/programs.o

.PHONY: user
user: $(UELF)

$(UBUILD)/obj/%.c.o: %.c Makefile
	$(call say,UCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(UBUILD)/obj/%.S.o: %.S Makefile
	$(call say,UAS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UASFLAGS) -c $< -o $@

# The program names, for the shell's help (user/include/program_list.h);
# rewritten only when the list changes (FORCE notices a removed program).
$(UBUILD)/program_names.c: tools/mkprograms.py FORCE
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/mkprograms.py --names $@ $(UPROG_NAMES)

$(UBUILD)/obj/program_names.c.o: $(UBUILD)/program_names.c Makefile
	$(call say,UCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UCFLAGS) -c $< -o $@

$(ULIB): $(ULIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(ULIB_OBJ)

# One link rule per program (its source may be in either directory).
define UPROG_LINK
$(UBUILD)/$(basename $(notdir $(1))).elf: $(UBUILD)/obj/$(1).o $(UCRT0) $(ULIB) user/user.ld Makefile
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(ULDFLAGS) -o $$@ $(UCRT0) $(UBUILD)/obj/$(1).o $(ULIB)
endef
$(foreach src,$(UPROG_SRC),$(eval $(call UPROG_LINK,$(src))))

# The kernel embeds copies without debug information (a sixth of the
# size); $(UBUILD)/NAME.elf keeps it for GDB and addr2line.
UEMBED := $(patsubst %,$(UBUILD)/embed/%.elf,$(UPROG_NAMES))

$(UBUILD)/embed/%.elf: $(UBUILD)/%.elf
	@mkdir -p $(dir $@)
	$(Q)$(OBJCOPY) --strip-debug $< $@

# The kernel's table of embedded programs (checked and sorted by
# mkprograms.py); rewritten only when it changes, reassembled when any
# program does (.incbin'd files are not in the dependency files).
$(BUILD)/programs.S: tools/mkprograms.py lib/abi.h $(UEMBED) FORCE
	$(Q)$(PYTHON) tools/mkprograms.py --table $@ $(UEMBED)

$(BUILD)/programs.o: $(BUILD)/programs.S $(UEMBED)
	$(call say,AS,$@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

-include $(ULIB_OBJ:.o=.d) $(UCRT0:.o=.d) $(UPROG_OBJ:.o=.d)

# --- kernel ----------------------------------------------------------------
.PHONY: all
all: $(KERNEL) host-tests

$(BUILD)/k/%.c.o: %.c Makefile
	$(call say,CC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.S.o: %.S Makefile
	$(call say,AS,$<)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# Two links: the first without symbols, whose `nm` output becomes the
# embedded symbol table (.ksyms, placed after all code so nothing moves).
$(BUILD)/ksyms-empty.S: tools/mksyms.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/mksyms.py --empty $@

$(BUILD)/ksyms%.o: $(BUILD)/ksyms%.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

$(BUILD)/spindle.pre.elf: $(KOBJ) $(BUILD)/ksyms-empty.o linker.ld Makefile
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(BUILD)/ksyms-empty.o

$(BUILD)/ksyms-full.S: $(BUILD)/spindle.pre.elf tools/mksyms.py
	$(Q)$(NM) -n $< > $(BUILD)/spindle.pre.nm
	$(Q)$(PYTHON) tools/mksyms.py $(BUILD)/spindle.pre.nm $@

$(KERNEL): $(KOBJ) $(BUILD)/ksyms-full.o linker.ld Makefile
	$(call say,LD,$@)
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(BUILD)/ksyms-full.o
	$(Q)$(PYTHON) tools/check_image.py $@

# --- GRUB ISO --------------------------------------------------------------
# grub.cfg is regenerated when ARGS change, so `make qemu ARGS=...` passes
# them through the real boot loader.
$(BUILD)/iso/boot/grub/grub.cfg: boot/grub.cfg FORCE
	@mkdir -p $(dir $@)
	$(Q)sed 's|@ARGS@|$(ARGS)|' boot/grub.cfg > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(ISO): $(KERNEL) $(BUILD)/iso/boot/grub/grub.cfg
	$(call say,ISO,$@)
	$(Q)cp $(KERNEL) $(BUILD)/iso/boot/spindle.elf
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso >$(BUILD)/grub-mkrescue.log 2>&1 || \
	  { cat $(BUILD)/grub-mkrescue.log; exit 1; }

.PHONY: iso
iso: $(ISO)

# --- host unit tests of lib/ -------------------------------------------------
# lib/ is compiled for the host with sanitizers. Its functions keep their C
# library names (memcpy, strlen...), so each object's own definitions are
# renamed with a spl_ prefix before linking against the host's libc.
HOST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer -fno-builtin $(WARN) -I. -MMD -MP
LIB_SRC  := $(wildcard lib/*.c)
LIB_HOBJ := $(patsubst %,$(BUILD)/host/%.o,$(LIB_SRC))
HTEST_SRC := $(wildcard tests/host/test_*.c)
HTEST_BIN := $(patsubst tests/host/%.c,$(BUILD)/host/tests/%,$(HTEST_SRC))

$(BUILD)/host/lib/%.c.o: lib/%.c
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MF $(@:.o=.d) -c $< -o $@.raw.o
	$(Q)$(NM) --defined-only -g $@.raw.o | awk '{print $$3, "spl_" $$3}' > $@.syms
	$(Q)$(OBJCOPY) --redefine-syms=$@.syms $@.raw.o $@

$(BUILD)/host/lib.syms: $(LIB_HOBJ)
	$(Q)cat $(addsuffix .syms,$(LIB_HOBJ)) > $@

# Cross-object calls (format.c calling strlen) must be renamed too.
$(BUILD)/host/lib.a: $(LIB_HOBJ) $(BUILD)/host/lib.syms
	$(Q)rm -f $@
	$(Q)for o in $(LIB_HOBJ); do $(OBJCOPY) --redefine-syms=$(BUILD)/host/lib.syms $$o $$o.final.o; done
	$(Q)ar rcs $@ $(addsuffix .final.o,$(LIB_HOBJ))

$(BUILD)/host/tests/%: tests/host/%.c tests/host/host_test.h $(BUILD)/host/lib.a
	$(call say,HOSTCC,$<)
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $< $(BUILD)/host/lib.a -o $@

# They need an x86-64 ELF host (lib/string.c uses x86 string instructions,
# and the renaming edits ELF objects): elsewhere, say so and go on.
HOST_TESTS_OK ?= $(and $(filter Linux,$(shell uname -s)),$(filter x86_64,$(shell uname -m)))

.PHONY: host-tests
ifneq ($(HOST_TESTS_OK),)
host-tests: $(HTEST_BIN)
else
host-tests:
	@echo "host unit tests skipped: they need Linux on x86-64, this is $$(uname -sm)"
endif

# --- running ---------------------------------------------------------------
QEMU_RUN := $(PYTHON) tools/qemu_run.py --qemu $(QEMU) --smp $(SMP) --mem $(MEM)

.PHONY: qemu run qemu-gdb gdb
qemu: $(ISO)
	@echo "Booting $(ISO) through GRUB. Leave QEMU with Ctrl-A then X."
	$(Q)$(QEMU_RUN) --interactive --iso $(ISO)

run: $(KERNEL)
	@if [ -z "$(PROG)" ]; then echo 'usage: make run PROG="program args" [SMP=n] [ARGS=...]' >&2; exit 2; fi
	$(Q)$(QEMU_RUN) --kernel $(KERNEL) --timeout $(or $(TIMEOUT),60) --append "$(ARGS) -- $(PROG)"

# The schedule visualiser (docs/viz.md): runs PROG with trace=sched and
# draws $(BUILD)/viz/schedule.svg and .html; VIZ="--from T --to T" zooms.
.PHONY: viz
viz: $(KERNEL)
	@if [ -z "$(PROG)" ]; then echo 'usage: make viz PROG="program args" [SMP=n] [ARGS=...] [VIZ="--from T --to T"]' >&2; exit 2; fi
	$(Q)$(PYTHON) tools/viz.py --qemu $(QEMU) --smp $(SMP) --mem $(MEM) --kernel $(KERNEL) \
	    --timeout $(or $(TIMEOUT),60) --append "$(ARGS)" --prog "$(PROG)" --out $(BUILD)/viz $(VIZ)

qemu-gdb: $(KERNEL)
	@echo "QEMU is halted with a GDB stub on localhost:$(GDBPORT); run 'make gdb' in another terminal."
	$(Q)$(QEMU_RUN) --interactive --gdb --gdb-port $(GDBPORT) --kernel $(KERNEL) --append "panic=halt $(ARGS)"

# tools/gdbinit attaches to GDBPORT and loads tools/gdb/spindle.py (docs/debugging.md).
gdb: $(KERNEL)
	SPINDLE_GDB_PORT=$(GDBPORT) $(GDB) -q -x tools/gdbinit $(KERNEL)

# --- tests -----------------------------------------------------------------
.PHONY: test
test: $(KERNEL) $(ISO) host-tests
	$(Q)$(PYTHON) tests/run.py --build $(BUILD) --smp $(SMP) --mem $(MEM) $(if $(T),--filter '$(T)')

# --- labs ----------------------------------------------------------------------
.PHONY: handout grade test-labs
handout:
	@if [ -z "$(LAB)" ] || [ -z "$(DEST)" ]; then echo 'usage: make handout LAB=name DEST=dir   (labs: $(shell $(PYTHON) tools/lab.py list | cut -d" " -f1 | tr "\n" " "))' >&2; exit 2; fi
	$(Q)$(PYTHON) tools/lab.py handout $(LAB) $(DEST)

grade: $(KERNEL)
	@if [ -z "$(LAB)" ]; then echo 'usage: make grade LAB=name [SMP=n]   (labs: $(shell $(PYTHON) tools/lab.py list | cut -d" " -f1 | tr "\n" " "))' >&2; exit 2; fi
	$(Q)$(PYTHON) tools/lab.py grade $(LAB) --smp $(SMP) --build $(BUILD)

# Every lab both ways: its handout tree builds, boots and fails the lab's
# tests cleanly; this tree passes them. CI runs it after the suites.
test-labs: $(KERNEL)
	$(Q)$(PYTHON) tools/lab.py check $(LAB) --smp $(SMP)

# --- benchmarks ----------------------------------------------------------------
.PHONY: bench
bench: $(KERNEL)
	$(Q)$(PYTHON) tests/run.py --bench --build $(BUILD) --smp $(SMP) --mem $(MEM)

# Spindle's benchmarks beside Linux's (../shared/bench/linux-anchor), booted
# one after the other in the same QEMU for each CPU count; a table of ratios.
.PHONY: bench-compare
bench-compare: $(KERNEL)
	$(Q)$(PYTHON) tools/bench_compare.py --build $(BUILD) $(if $(CPUS),--smp $(CPUS))

# --- set-up and housekeeping -----------------------------------------------
DEBIAN_PACKAGES := qemu-system-x86 grub-pc-bin grub-common xorriso mtools gcc clang make python3 gdb

.PHONY: deps
deps:
	@if command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBIAN_PACKAGES); \
	else \
	  echo "No apt-get here. On macOS with Homebrew:"; \
	  echo "  brew install qemu x86_64-elf-gcc x86_64-elf-binutils x86_64-elf-grub xorriso mtools python3 x86_64-elf-gdb"; \
	  echo "(then make uses the x86_64-elf- toolchain automatically)"; \
	fi

.PHONY: clean
clean:
	rm -rf $(BUILD)

.PHONY: help
help:
	@echo "Spindle make targets:"
	@echo "  make deps                        install the Debian/Ubuntu packages (prints Homebrew's elsewhere)"
	@echo "  make                             build $(KERNEL) and the host unit tests"
	@echo "  make iso                         build $(ISO) (GRUB)"
	@echo "  make qemu [SMP=n] [ARGS=...]     boot the ISO through GRUB; console on this terminal (Ctrl-A X quits)"
	@echo "  make run PROG=\"p args\" [SMP=n] [ARGS=...]"
	@echo "                                   boot directly, run one program, exit with its status"
	@echo "  make viz PROG=\"p args\" [SMP=n] [ARGS=...] [VIZ=\"--from T --to T\"]"
	@echo "                                   run p with trace=sched; draw $(BUILD)/viz/schedule.svg and .html"
	@echo "  make test [SMP=n] [T=glob]       every test; last line: N passed, N failed"
	@echo "  make bench [SMP=n]               run the benchmarks; metric=NAME value=N unit=U lines"
	@echo "  make bench-compare [CPUS=1,2,4]  the benchmarks beside Linux's in the same QEMU: ratios"
	@echo "  make handout LAB=name DEST=dir   write a student tree for a lab (docs/labs/)"
	@echo "  make grade LAB=name [SMP=n]      run a lab's tests; points per test and the total"
	@echo "  make test-labs [LAB=name]        every lab: the handout fails its tests cleanly, this tree passes"
	@echo "  make qemu-gdb [GDBPORT=n]        boot halted with a GDB stub on :1234 (or n)"
	@echo "  make gdb [GDBPORT=n]             attach GDB to make qemu-gdb; spindle helpers loaded"
	@echo "  make clean                       remove $(BUILD)/"
	@echo "  make help                        this text"
	@echo "Variables: V=1 (show commands), CC=clang, BUILD=dir, MEM=MiB, CROSS=prefix"

.PHONY: FORCE
FORCE:

-include $(KOBJ:.o=.d) $(LIB_HOBJ:.o=.d) $(HTEST_BIN:=.d)
