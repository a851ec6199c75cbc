# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# xdp-hints build. Run ./configure first (it writes config.mk).
#
#   make              build af_xdp_user, the library and the tools into build/
#   make demo         4-queue veth demo in a private network namespace (root)
#   make experiment   latency by receive mode and CPU placement, table + plots (root)
#   make test         all tests, plain and under ASan/LSan/UBSan (build-san/),
#                     then the mutants (root for the BPF and veth ones)
#   make test-sanitize  only the sanitized pass
#   make test-vm      the kernel and driver matrix (QEMU guests on Debian 12,
#                     13, 13 backports and 13 PREEMPT_RT kernels; veth,
#                     virtio_net copy and zero-copy, e1000e, tun/tap)
#   make tested-on    docs/testing.org's "Tested on" table from test-vm's results
#   make test-mutants   breaks the code on purpose (tests/mutants/rules): every
#                     mutant must make its suites fail (root)
#   make bench | bench-update | fuzz | install | clean

ifeq ($(wildcard config.mk),)
$(error config.mk is missing: run ./configure first (./configure --install-deps as root installs everything))
endif
include config.mk

ifeq ($(SANITIZE),1)
BUILD ?= build-san
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD ?= build
SAN_FLAGS :=
endif

DESTDIR ?=
BINDIR := $(PREFIX)/bin
SBINDIR := $(PREFIX)/sbin
# configure picks LIBSUBDIR: lib/$(MULTIARCH) on Debian, lib elsewhere.
LIBSUBDIR ?= lib
LIBDIR := $(PREFIX)/$(LIBSUBDIR)
INCDIR := $(PREFIX)/include
# The library's headers in their own directory; its pkg-config Cflags
# point there, so #include "lib_xsk_extend.h" works copied or installed.
LIB_INCDIR := $(INCDIR)/xsk_extend
MANDIR := $(PREFIX)/share/man
# What the docs send users to: the report's JSON schema, the experiment and
# plot scripts (run from there: they find af_xdp_user on PATH).
DATADIR := $(PREFIX)/share/xdp-hints
COMPLETIONDIR := $(PREFIX)/share/bash-completion/completions
SHARE_SCRIPTS := scripts/experiment.sh scripts/plot_latency.sh scripts/plot_latency_data.py \
	scripts/netns_lib.sh scripts/validate_report_json.py
PKGCONFIGDIR := $(LIBDIR)/pkgconfig
VERSION := 0.2.0
# The library's own version, as libbpf's: libxsk_extend.so.MAJOR.MINOR.PATCH,
# soname libxsk_extend.so.MAJOR (raised only when the ABI breaks), symbol
# nodes LIBXSK_EXTEND_MAJOR.MINOR.0 (one per release that adds functions,
# packaging/libxsk_extend.map). The header's XSK_EXTEND_*_VERSION agree
# (tests/e2e/install.sh checks). 0.2 binaries needed XSK_EXTEND_0.2
# symbols: the loader refuses them cleanly here.
LIB_VERSION := 1.0.0
LIB_MAJOR := $(word 1,$(subst ., ,$(LIB_VERSION)))

WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
# common/ is grouped by layer (docs/testing.org: How the code is organised); headers
# are included by name, so a file can move between layers without edits.
COMMON_LAYERS := base cli bpf netdev host rx measure output tx receiver
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -I. -Iheaders $(COMMON_LAYERS:%=-Icommon/%) -I$(BUILD) \
	$(LIBBPF_CFLAGS) $(LIBXDP_CFLAGS) $(MHD_CFLAGS) $(SAN_FLAGS) -MMD -MP
# Named in af_xdp_user's "TX timestamps unavailable" line.
ALL_CFLAGS += -DXDP_HINTS_LIBXDP_VERSION=\"$(LIBXDP_VERSION)\"
# In every report (JSON "version") and in -V/--version.
ALL_CFLAGS += -DXDP_HINTS_VERSION=\"$(VERSION)\" $(JSONC_CFLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS)
LIBS := $(LIBXDP_LIBS) $(LIBBPF_LIBS) $(JSONC_LIBS) $(MHD_LIBS) -lelf -lz -lm -lpthread

BPF_CFLAGS := -O2 -g -target bpf -Wall -Werror -I/usr/include/$(MULTIARCH) -Iheaders
Q = $(if $(V),,@)

# ---- sources -------------------------------------------------------------
COMMON_SRCS := $(sort $(wildcard $(COMMON_LAYERS:%=common/%/*.c)))
COMMON_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/%.o)
LIB_OBJ := $(BUILD)/lib_xsk_extend.o
LIB_PIC_OBJ := $(BUILD)/lib_xsk_extend.pic.o
LIB_A := $(BUILD)/libxsk_extend.a
LIB_SO := $(BUILD)/libxsk_extend.so

BPF_OBJ := $(BUILD)/af_xdp_kern.bpf.o
SKEL := $(BUILD)/af_xdp_kern.skel.h

TOOL_SRCS := $(sort $(wildcard tools/*.c))
TOOLS := $(TOOL_SRCS:tools/%.c=$(BUILD)/%)
USER_BIN := $(BUILD)/af_xdp_user

TEST_SRCS := $(sort $(wildcard tests/unit/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
TEST_HELPERS := $(TEST_HELPER_SRCS:tests/helpers/%.c=$(BUILD)/tests/helpers/%)
TEST_BPF_SRCS := $(sort $(wildcard tests/bpf/*.c))
TEST_BPF_OBJS := $(TEST_BPF_SRCS:tests/bpf/%.c=$(BUILD)/tests/%.bpf.o)
TEST_SKELS := $(TEST_BPF_SRCS:tests/bpf/%.c=$(BUILD)/tests/%.skel.h)
# One object linked from several .bpf.c files, as `bpftool gen object` makes.
LINKED_BPF_SRCS := $(sort $(wildcard tests/bpf/linked/*.c))
LINKED_BPF_PARTS := $(LINKED_BPF_SRCS:tests/bpf/linked/%.c=$(BUILD)/tests/linked/%.bpf.o)
TEST_BPF_OBJS += $(BUILD)/tests/hint_dup_linked.bpf.o

BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)
BENCH_BPF_SRCS := $(sort $(wildcard bench/bpf/*.c))
BENCH_BPF_OBJS := $(BENCH_BPF_SRCS:bench/bpf/%.c=$(BUILD)/bench/%.bpf.o)
BENCH_SKELS := $(BENCH_BPF_SRCS:bench/bpf/%.c=$(BUILD)/bench/%.skel.h)

.PHONY: all demo experiment bench-update test test-mutants test-sanitize test-vm tested-on unit-tests bench fuzz fuzz-smoke install uninstall clean check-root
all: $(USER_BIN) $(TOOLS) $(LIB_A) $(LIB_SO) $(BUILD)/af_xdp_user.8 $(BUILD)/af_xdp_user.bash \
	$(BUILD)/xdp_hints_traffic.bash

# The manual page comes from the option table, like --help: it cannot drift.
$(BUILD)/af_xdp_user.8: $(USER_BIN)
	@echo "  MAN      $@"
	$(Q)$< --man > $@.tmp && mv $@.tmp $@

# The bash completion too (options and enum words), by a small generator.
$(BUILD)/af_xdp_user_completion: $(BUILD)/common/cli/gen/af_xdp_user_completion.o $(COMMON_OBJS) $(LIB_OBJ)
	@echo "  LD       $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/af_xdp_user.bash: $(BUILD)/af_xdp_user_completion
	@echo "  GEN      $@"
	$(Q)$< > $@.tmp && mv $@.tmp $@

# The traffic generator prints its own, from its getopt table.
$(BUILD)/xdp_hints_traffic.bash: $(BUILD)/xdp_hints_traffic
	@echo "  GEN      $@"
	$(Q)$< --bash-completion > $@.tmp && mv $@.tmp $@

# ---- BPF object and skeletons --------------------------------------------
$(BUILD)/%.bpf.o: %.c headers/*.h | $(BUILD)
	@echo "  BPF      $@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.bpf.o: tests/bpf/%.c headers/*.h | $(BUILD)/tests
	@echo "  BPF      $@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/linked/%.bpf.o: tests/bpf/linked/%.c headers/*.h | $(BUILD)/tests
	@mkdir -p $(dir $@)
	@echo "  BPF      $@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/hint_dup_linked.bpf.o: $(LINKED_BPF_PARTS)
	@echo "  LINK     $@"
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/bench/%.bpf.o: bench/bpf/%.c headers/*.h | $(BUILD)/bench
	@echo "  BPF      $@"
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The skeleton embeds the object, so binaries run from any directory.
%.skel.h: %.bpf.o
	@echo "  SKEL     $@"
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@.tmp && mv $@.tmp $@

# ---- userspace -----------------------------------------------------------
$(BUILD) $(BUILD)/common $(BUILD)/tests $(BUILD)/bench $(BUILD)/fuzz $(BUILD)/examples:
	$(Q)mkdir -p $@

# Every userspace object may include a skeleton: generate them first.
ALL_SKELS := $(SKEL) $(TEST_SKELS) $(BENCH_SKELS)

$(BUILD)/%.o: %.c | $(BUILD) $(BUILD)/common $(BUILD)/tests $(BUILD)/bench $(SKEL)
	@mkdir -p $(dir $@)
	@echo "  CC       $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB_PIC_OBJ): lib_xsk_extend.c | $(BUILD)
	@echo "  CC [pic] $@"
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@echo "  AR       $@"
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# Only the header's functions are exported, each with a symbol version.
LIB_VERSION_SCRIPT := packaging/libxsk_extend.map

$(LIB_SO): $(LIB_PIC_OBJ) $(LIB_VERSION_SCRIPT)
	@echo "  LD       $@"
	$(Q)$(CC) -shared -Wl,-soname,libxsk_extend.so.$(LIB_MAJOR) -Wl,--version-script=$(LIB_VERSION_SCRIPT) \
		$(ALL_LDFLAGS) -o $@ $(LIB_PIC_OBJ) $(LIBBPF_LIBS)

$(USER_BIN): $(BUILD)/af_xdp_user.o $(COMMON_OBJS) $(LIB_OBJ)
	@echo "  LD       $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(TOOLS): $(BUILD)/%: $(BUILD)/tools/%.o $(COMMON_OBJS) $(LIB_OBJ)
	@echo "  LD       $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tools/%.o: tools/%.c | $(SKEL)
	@mkdir -p $(dir $@)
	@echo "  CC       $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# ---- tests ---------------------------------------------------------------
TEST_CFLAGS := -DTEST_BPF_DIR=\"$(abspath $(BUILD))/tests\" -DBUILD_DIR=\"$(abspath $(BUILD))\"

$(BUILD)/tests/%.o: tests/unit/%.c | $(BUILD)/tests $(ALL_SKELS) $(TEST_BPF_OBJS)
	@echo "  CC       $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

# A program written against the original (2022) API builds unchanged with
# this one define: lib_xsk_extend.h then includes lib_xsk_extend_compat.h.
$(BUILD)/tests/test_original_api.o: ALL_CFLAGS += -DXSK_EXTEND_ORIGINAL_API

$(TEST_BINS): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(COMMON_OBJS) $(LIB_OBJ)
	@echo "  LD       $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LIBS)

# Small programs the e2e scripts run (tests/helpers: one job each).
$(TEST_HELPERS): $(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests $(SKEL)
	@mkdir -p $(dir $@)
	@echo "  CC+LD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS) $(LIBS)

# LD_PRELOAD shims the e2e tests use to play devices we lack. No
# sanitizer flags: they load before the ASan runtime.
SHIM_SRCS := $(sort $(wildcard tests/shim/*.c))
SHIMS := $(SHIM_SRCS:tests/shim/%.c=$(BUILD)/tests/%.so)

$(SHIMS): $(BUILD)/tests/%.so: tests/shim/%.c | $(BUILD)/tests
	@echo "  CC [so]  $@"
	$(Q)$(CC) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -fPIC -shared -o $@ $< -ldl

unit-tests: $(TEST_BINS) $(TEST_BPF_OBJS) $(TEST_HELPERS) $(SHIMS)

check-root:
	@if [ "$$(id -u)" != 0 ]; then echo "make: this target loads BPF programs and creates network namespaces: run it as root" >&2; exit 1; fi

# The README's test command. Every unit suite and e2e script runs against
# $(BUILD), then again against its ASan/LSan/UBSan twin $(SAN_BUILD) (the
# runner names those san/...; tests/run-tests.sh says which long e2e
# scripts the second pass skips or shortens), then the mutation check
# (tests/mutants/mutate.py, one check per mutant). The runner prints
# "N passed, N failed, N skipped" for all of it together, last.
SAN_BUILD ?= $(BUILD)-san

ifeq ($(SANITIZE),1)
# Already the sanitized build: a single pass over it.
test: all unit-tests check-root
	$(Q)SAN_BUILD=$(abspath $(BUILD)) SAN_ONLY=1 tests/run-tests.sh
else
test: all unit-tests san-build check-root
	$(Q)BUILD=$(abspath $(BUILD)) SAN_BUILD=$(abspath $(SAN_BUILD)) MUTANTS=1 tests/run-tests.sh
endif

san-build:
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BUILD=$(SAN_BUILD) all unit-tests

# Each rule of tests/mutants/rules applied to a scratch copy, built, and
# only its suites run; last line "N mutants, N killed, N survived".
test-mutants: check-root
	$(Q)tests/mutants/mutate.py

# Only the sanitized pass.
test-sanitize: san-build check-root
	$(Q)SAN_BUILD=$(abspath $(SAN_BUILD)) SAN_ONLY=1 tests/run-tests.sh

# The kernel and driver matrix alone (also part of make test).
test-vm: all check-root
	$(Q)BUILD=$(abspath $(BUILD)) tests/run-tests.sh '^e2e/vm_matrix$$'

tested-on:
	$(Q)tests/vm/tested_on.sh $(BUILD)/vm-matrix.tsv docs/testing.org

# ---- demo, bench, fuzz ---------------------------------------------------
demo: all check-root
	$(Q)BUILD=$(abspath $(BUILD)) scripts/demo.sh

# Latency: wakeup vs spin x same vs remote core on a veth pair; table + PNGs.
# EXPERIMENT_ARGS="--dev eth1" measures a real NIC (your traffic).
experiment: all check-root
	$(Q)BUILD=$(abspath $(BUILD)) scripts/experiment.sh $(EXPERIMENT_ARGS)

$(BUILD)/bench/%.o: bench/%.c | $(BUILD)/bench $(ALL_SKELS)
	@echo "  CC       $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# Whichever pattern rule make picks for them, the bench skeletons come first.
$(BENCH_BINS:%=%.o): | $(BENCH_SKELS)

$(BENCH_BINS): $(BUILD)/bench/%: $(BUILD)/bench/%.o $(COMMON_OBJS) $(LIB_OBJ)
	@echo "  LD       $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Results go to $(BUILD)/bench/results.txt; bench-update also copies them
# to the tracked bench/results/latest.txt.
bench: all $(BENCH_BINS) check-root
	$(Q)BUILD=$(abspath $(BUILD)) bench/run.sh

bench-update: all $(BENCH_BINS) check-root
	$(Q)BUILD=$(abspath $(BUILD)) BENCH_UPDATE=1 bench/run.sh

FUZZ_SECONDS ?= 300
fuzz: all
	$(Q)BUILD=$(abspath $(BUILD)) CLANG=$(CLANG) fuzz/run.sh $(FUZZ_SECONDS)

fuzz-smoke: all
	$(Q)BUILD=$(abspath $(BUILD)) CLANG=$(CLANG) fuzz/run.sh --smoke

# ---- install -------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIB_INCDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(USER_BIN) $(DESTDIR)$(SBINDIR)/af_xdp_user
	install -m 0755 $(BUILD)/xdp_hints_traffic $(DESTDIR)$(SBINDIR)/xdp_hints_traffic
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libxsk_extend.a
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libxsk_extend.so.$(LIB_VERSION)
	ln -sf libxsk_extend.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/libxsk_extend.so.$(LIB_MAJOR)
	ln -sf libxsk_extend.so.$(LIB_MAJOR) $(DESTDIR)$(LIBDIR)/libxsk_extend.so
	install -m 0644 lib_xsk_extend.h lib_xsk_extend_compat.h headers/xdp_hint_stamp.h $(DESTDIR)$(LIB_INCDIR)/
	sed -e 's#@PREFIX@#$(PREFIX)#' -e 's#@LIBSUBDIR@#$(LIBSUBDIR)#' -e 's#@VERSION@#$(LIB_VERSION)#' \
		packaging/libxsk_extend.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/libxsk_extend.pc
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man3
	install -m 0644 $(BUILD)/af_xdp_user.8 $(DESTDIR)$(MANDIR)/man8/af_xdp_user.8
	install -d $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DATADIR)/scripts
	install -m 0644 $(BUILD)/af_xdp_user.bash $(DESTDIR)$(COMPLETIONDIR)/af_xdp_user
	install -m 0644 $(BUILD)/xdp_hints_traffic.bash $(DESTDIR)$(COMPLETIONDIR)/xdp_hints_traffic
	install -m 0644 schema/af_xdp_user.schema.json $(DESTDIR)$(DATADIR)/af_xdp_user.schema.json
	install -m 0755 $(SHARE_SCRIPTS) $(DESTDIR)$(DATADIR)/scripts/
	install -m 0644 packaging/libxsk_extend.3 $(DESTDIR)$(MANDIR)/man3/libxsk_extend.3

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/af_xdp_user $(DESTDIR)$(SBINDIR)/xdp_hints_traffic \
	      $(DESTDIR)$(LIBDIR)/libxsk_extend.* \
	      $(DESTDIR)$(LIB_INCDIR)/lib_xsk_extend.h $(DESTDIR)$(LIB_INCDIR)/lib_xsk_extend_compat.h \
	      $(DESTDIR)$(LIB_INCDIR)/xdp_hint_stamp.h $(DESTDIR)$(PKGCONFIGDIR)/libxsk_extend.pc \
	      $(DESTDIR)$(MANDIR)/man8/af_xdp_user.8 $(DESTDIR)$(MANDIR)/man3/libxsk_extend.3 \
	      $(DESTDIR)$(COMPLETIONDIR)/af_xdp_user $(DESTDIR)$(COMPLETIONDIR)/xdp_hints_traffic \
	      $(DESTDIR)$(DATADIR)/af_xdp_user.schema.json \
	      $(addprefix $(DESTDIR)$(DATADIR)/scripts/,$(notdir $(SHARE_SCRIPTS)))
	-rmdir $(DESTDIR)$(LIB_INCDIR) $(DESTDIR)$(DATADIR)/scripts $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
