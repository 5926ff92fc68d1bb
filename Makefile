# sippush - OMA Push using SIP, in C11 with libc and pthreads only.
#
#   make              build/sippush, build/libsippush.a, build/libsippush.so
#   make test         install missing test dependencies, then every test under
#                     ASan+UBSan, the unit tests again under valgrind, the
#                     suites in parallel (JOBS, default: the processor count);
#                     one verdict line per suite, then "N passed, N failed"
#   make demo         the loopback demonstration
#   make bench        the published figures
#   make fuzz         install AFL++ when missing, then every harness under it
#                     for FUZZ_SECONDS each, FUZZ_JOBS at once
#   make install      PREFIX=/usr/local DESTDIR=
#
# Quiet by default (one line per step: CC asan/sip/sip_msg.o); V=1 prints every
# command in full.
#   make LOOP=poll    the event loop on poll() instead of epoll
#   make test-poll    the platform suites on the poll() backend
#   make test-portable  the same with every Linux feature off (the fallbacks)
#   make test-m32     the unit suites built for 32-bit x86
#   make cross        the library for a Cortex-M4 (arm-none-eabi-gcc, newlib-nano)
#   make size         the Cortex-M4 budgets as one JSON line (code, stack, heap)
#   make test-cross   the parser suites, the conformance sets and a receiver session on an
#                     emulated Cortex-M4 (qemu-system-arm -M mps2-an386, semihosting)

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
FUZZ_SECONDS ?= 60
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_JOBS ?= $(JOBS)
VERSION := 0.1.0

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '%-7s %s\n' '$(1)' '$(patsubst $(BUILD)/%,%,$(2))'
MAKEFLAGS += --no-print-directory
endif
# Builds, suites and harnesses run JOBS at a time, unless make was given its own -j; make test
# adds one job for the integration tests, which mostly wait.
PAR = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(1))

MODULES := base sip sdp msrp transport push host

# Each library module sees only the folders below it, so the compiler enforces the layering; a
# file's folder picks its list (LAYER_<folder>, or LAYER_<file> for a single file). Everything
# else (tools/, tests/, fuzz/) sees every folder.
# Of the protocol modules only the two bindings to the event loop see transport/: sip_txn_tp.c
# (transactions) and msrp_tp.c (the MSRP endpoint's environment); host/ wires everything.
LAYER_base      := base
LAYER_sip       := base sip
LAYER_sdp       := base sdp
LAYER_msrp      := base msrp
LAYER_msrp/msrp_tp.c := base msrp transport
LAYER_transport := base transport
LAYER_push      := base sip sdp msrp
LAYER_sip/sip_txn_tp.c := base sip transport
LAYER_host      := base sip sdp msrp transport push
LAYER_ALL       := $(MODULES) tools tests/unit include
INCLUDES = $(addprefix -I,$(or $(LAYER_$<),$(LAYER_$(firstword $(subst /, ,$<))),$(LAYER_ALL)))

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
# The loop's backend (epoll on Linux, or poll); PLATFORM_DEFS turns platform
# features off (-DSP_NO_RECVMMSG..., see base/sp_platform.h).
LOOP    ?= epoll
ifeq ($(filter epoll poll,$(LOOP)),)
$(error LOOP must be epoll or poll)
endif
LOOP_DEFS := $(if $(filter poll,$(LOOP)),-DSP_NO_EPOLL)
PLATFORM_DEFS ?=

# 64-bit file offsets and time on 32-bit hosts too: files past 2 GiB, dates past 2038.
LFS_DEFS := -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64

BASEFLAGS := -std=c11 -D_GNU_SOURCE $(LFS_DEFS) $(LOOP_DEFS) $(PLATFORM_DEFS) $(WARN) $(INCLUDES) -MMD -MP
OPT     ?= -O2 -g
# Only what the installed headers mark SP_API (base/sp_export.h) leaves the shared object.
CFLAGS_RELEASE = $(BASEFLAGS) $(OPT) -fPIC -fvisibility=hidden
CFLAGS_ASAN = $(BASEFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# For valgrind: "running Memcheck on code compiled at -O1 works fairly well, and the speed
# improvement compared to running -O0 is quite significant", while at -O2 and above "Memcheck
# occasionally reports uninitialised-value errors which don't really exist" (Valgrind Quick
# Start Guide, 2).
CFLAGS_PLAIN = $(BASEFLAGS) -O1 -g
LDLIBS  := -lpthread -lm

LIB_SRC  := $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
TOOL_SRC := $(sort $(wildcard tools/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_HELPER_SRC := $(filter-out $(TEST_SRC),$(sort $(wildcard tests/unit/*.c)))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
PUBLIC_HEADERS := $(filter-out %_impl.h,$(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.h))))
# One header per module for embedders: #include <sippush/sip.h> (sdp.h, msrp.h, push.h).
UMBRELLA_HEADERS := $(sort $(wildcard include/sippush/*.h))

PKG_CONFIG ?= pkg-config
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lm)

# Objects of one flavour: $(call objs,FLAVOUR,SOURCES)
objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))

REL_LIB_OBJ  := $(call objs,rel,$(LIB_SRC))
REL_TOOL_OBJ := $(call objs,rel,$(TOOL_SRC))
ASAN_LIB_OBJ := $(call objs,asan,$(LIB_SRC))
ASAN_TOOL_OBJ := $(call objs,asan,$(TOOL_SRC))
PLAIN_LIB_OBJ := $(call objs,plain,$(LIB_SRC))

ASAN_TESTS  := $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(TEST_SRC))
PLAIN_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/plain/tests/%,$(TEST_SRC))
REPLAYERS   := $(patsubst fuzz/%.c,$(BUILD)/replay/%,$(FUZZ_SRC))
AFL_HARNESSES := $(patsubst fuzz/%.c,$(BUILD)/afl/%,$(FUZZ_SRC))
AFL_LIB_OBJ := $(call objs,afl,$(LIB_SRC))

# One verdict file per suite (tests/run-suites.sh), its log beside it.
LOGS := $(BUILD)/test-logs
RUN  := tests/run-suites.sh
INTEGRATION_TESTS := $(sort $(wildcard tests/integration/test_*.sh tests/integration/test_*.py))
ASAN_VERDICTS := $(patsubst $(BUILD)/asan/tests/%,$(LOGS)/asan/%,$(ASAN_TESTS))
VALGRIND_VERDICTS := $(patsubst $(BUILD)/plain/tests/%,$(LOGS)/valgrind/%,$(PLAIN_TESTS))
CONFORMANCE_VERDICTS := $(LOGS)/conformance/sets
INTEGRATION_VERDICTS := $(patsubst tests/integration/%,$(LOGS)/integration/%,$(INTEGRATION_TESTS))
REPLAY_VERDICTS := $(patsubst $(BUILD)/replay/%,$(LOGS)/fuzz-replay/%,$(REPLAYERS))
# The other builds of the platform seam, each in a tree of its own and run as
# one verdict (its log lists its suites): the suites over the seam (the loop,
# sockets, signals, hashing threads) on poll(), then with every Linux feature
# off, and every unit suite built for 32-bit x86 (no sanitizers there).
PLATFORM_SUITES := $(filter $(addprefix tests/unit/,test_tp_% test_sip_txn_tp% test_sip_txn_net.c \
                     test_msrp_session% test_msrp_hasher.c),$(TEST_SRC))
PORTABLE_DEFS := -DSP_NO_RECVMMSG -DSP_NO_SIGNALFD -DSP_NO_ACCEPT4 -DSP_NO_ERRQUEUE -DSP_NO_THREADS
M32_PKG_CONFIG = PKG_CONFIG_LIBDIR=/usr/lib/$(shell $(CC) -m32 -print-multiarch 2>/dev/null)/pkgconfig pkg-config
PLATFORM_VERDICTS := $(LOGS)/platform/poll $(LOGS)/platform/portable $(LOGS)/platform/m32 \
                     $(LOGS)/platform/cross
# The longest suites start first so that none is left running alone at the end.
SLOW_FIRST = $(filter $(addprefix %/,$(SLOW_SUITES)),$(1)) $(filter-out $(addprefix %/,$(SLOW_SUITES)),$(1))
SLOW_SUITES := test_msrp_1gib test_msrp_frame test_msrp_reassembly test_msrp_session test_sip_txn_scale \
               test_msrp_session_big test_msrp_session_wire test_tp_timer test_sha1

.PHONY: all test test-deps test-all test-unit test-valgrind test-conformance test-integration \
        integration-run test-fuzz-replay test-platform test-poll test-portable test-m32 test-plain \
        demo bench fuzz fuzz-deps fuzz-build install clean FORCE cross test-cross cross-run size
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BUILD)/sippush $(BUILD)/libsippush.a $(BUILD)/libsippush.so

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS_RELEASE) $(CFLAGS) -c $< -o $@
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS_ASAN) $(CHECK_CFLAGS) -c $< -o $@
$(BUILD)/plain/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS_PLAIN) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/libsippush.a: $(REL_LIB_OBJ)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^
$(BUILD)/libsippush.so: $(REL_LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libsippush.so.0 -o $@ $^ $(LDLIBS)
$(BUILD)/sippush: $(REL_TOOL_OBJ) $(BUILD)/libsippush.a
	$(call say,LD,$@)
	$(Q)$(CC) -o $@ $(REL_TOOL_OBJ) $(BUILD)/libsippush.a $(LDLIBS)

# The program built with sanitizers: what the conformance and integration tests drive.
$(BUILD)/asan/sippush: $(ASAN_TOOL_OBJ) $(ASAN_LIB_OBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/tests/%: $(BUILD)/asan/tests/unit/%.o $(call objs,asan,$(TEST_HELPER_SRC)) $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ASAN) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
$(BUILD)/plain/tests/%: $(BUILD)/plain/tests/unit/%.o $(call objs,plain,$(TEST_HELPER_SRC)) $(PLAIN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_PLAIN) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# --- tests ---------------------------------------------------------------

test-deps:
	@tools/install-deps.sh test

# Everything built and run in one make, JOBS at a time: a suite starts as soon
# as its program is linked. The integration tests run all at once as one job
# (tests/integration/run.sh): they mostly wait on the network and timers.
test: test-deps
	@$(MAKE) $(call PAR,$(shell echo $$(($(JOBS) + 1)))) test-all
test-all: integration-run $(call SLOW_FIRST,$(ASAN_VERDICTS) $(VALGRIND_VERDICTS)) $(CONFORMANCE_VERDICTS) \
          $(REPLAY_VERDICTS) $(PLATFORM_VERDICTS)
	@$(RUN) summary $(INTEGRATION_VERDICTS) $(ASAN_VERDICTS) $(VALGRIND_VERDICTS) $(CONFORMANCE_VERDICTS) \
	    $(REPLAY_VERDICTS) $(PLATFORM_VERDICTS)

test-unit: $(ASAN_VERDICTS)
	@$(RUN) summary $^
test-valgrind: $(VALGRIND_VERDICTS)
	@$(RUN) summary $^
test-conformance: $(CONFORMANCE_VERDICTS)
	@$(RUN) summary $^
test-integration: integration-run
	@$(RUN) summary $(INTEGRATION_VERDICTS)
test-fuzz-replay: $(REPLAY_VERDICTS)
	@$(RUN) summary $^

$(LOGS)/asan/%: $(BUILD)/asan/tests/% FORCE
	@$(RUN) run asan $@ $<
$(LOGS)/valgrind/%: $(BUILD)/plain/tests/% FORCE
	@$(RUN) run valgrind $@ $<
$(LOGS)/conformance/sets: $(BUILD)/asan/sippush FORCE
	@$(RUN) run command $@ python3 tests/conformance/run.py $(BUILD)/asan/sippush tests/conformance
$(LOGS)/fuzz-replay/%: $(BUILD)/replay/% FORCE
	@$(RUN) run command $@ $< fuzz/corpus/$*
integration-run: all $(BUILD)/asan/sippush
	@tests/integration/run.sh $(BUILD) $(LOGS)/integration
FORCE:
$(LOGS)/plain/%: $(BUILD)/plain/tests/% FORCE
	@$(RUN) run check $@ $<


test-platform: $(patsubst tests/unit/%.c,$(LOGS)/asan/%,$(PLATFORM_SUITES))
	@$(RUN) summary $^
test-plain: $(patsubst $(BUILD)/plain/tests/%,$(LOGS)/plain/%,$(PLAIN_TESTS))
	@$(RUN) summary $^
$(LOGS)/platform/poll: FORCE
	@$(RUN) run command $@ $(MAKE) --no-print-directory BUILD=$(BUILD)/loop-poll LOOP=poll test-platform
$(LOGS)/platform/portable: FORCE
	@$(RUN) run command $@ $(MAKE) --no-print-directory BUILD=$(BUILD)/portable LOOP=poll \
	    PLATFORM_DEFS="$(PORTABLE_DEFS)" test-platform
$(LOGS)/platform/m32: FORCE
	@$(RUN) run command $@ $(MAKE) --no-print-directory BUILD=$(BUILD)/m32 CC="$(CC) -m32" \
	    PKG_CONFIG="$(M32_PKG_CONFIG)" test-plain
test-poll: $(LOGS)/platform/poll
	@$(RUN) summary $^
test-portable: $(LOGS)/platform/portable
	@$(RUN) summary $^
test-m32: $(LOGS)/platform/m32
	@$(RUN) summary $^
$(LOGS)/platform/cross: FORCE
	@$(RUN) run command $@ $(MAKE) --no-print-directory cross-run
test-cross: $(LOGS)/platform/cross
	@$(RUN) summary $^

# --- the Cortex-M4 build -------------------------------------------------

# The library as a device links it: every file but host/ and the bindings to the host's
# sockets, files and event loop (a device brings its own I/O through
# sip_txn_env, msrp_env and a sink of its own); the timer wheel is portable.
CROSS_CC   ?= arm-none-eabi-gcc
CROSS_AR   ?= arm-none-eabi-ar
CROSS_ARCH := -mcpu=cortex-m4 -mthumb
CROSS_OPT  := -Os -g -ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su
# newlib-nano; CROSS_LIBC= for the full newlib (C99 printf formats: %zu, %llu)
CROSS_LIBC ?= --specs=nano.specs
CROSS_HOST_ONLY := $(filter-out transport/tp_timer.c,$(filter transport/%,$(LIB_SRC))) \
                   $(filter host/%,$(LIB_SRC)) sip/sip_txn_tp.c msrp/msrp_tp.c push/push_http_fetch.c
CROSS_LIB_SRC := $(filter-out $(CROSS_HOST_ONLY),$(LIB_SRC))
CROSS_LIB_OBJ := $(call objs,cross,$(CROSS_LIB_SRC))
CROSS_CFLAGS = $(CROSS_INCLUDES) $(BASEFLAGS) $(CROSS_ARCH) $(CROSS_OPT) $(CROSS_LIBC)
CROSS_INCLUDES =
# The test image: the parser suites through a small check-compatible runner
# (tests/cross/check.h), the conformance sets embedded, a scripted receiver
# session; run by QEMU, whose exit status is the image's.
CROSS_SUITES := test_sip_uri test_sip_msg test_sip_hdr test_sip_hdr_ext test_sip_msg_check \
                test_sip_parse_table test_sdp_parse test_sdp_attr test_msrp_frame test_msrp_hdr \
                test_msrp_uri test_msrp_ranges test_msrp_env test_push_pra test_push_pra_sub
CROSS_TEST_SRC := $(sort $(wildcard tests/cross/*.c)) tests/unit/msrp_feed.c tests/unit/push_fake.c tools/parse_sip.c tools/parse_sdp.c tools/parse_msrp.c
CROSS_TEST_OBJ := $(call objs,cross,$(CROSS_TEST_SRC) $(addprefix tests/unit/,$(addsuffix .c,$(CROSS_SUITES)))) \
                  $(BUILD)/cross/conformance_sets.o $(BUILD)/cross/corpus_list.o
CROSS_CORPUS := fuzz/corpus/fuzz_msrp_stream
CROSS_LDFLAGS = -nostartfiles -T tests/cross/mps2.ld -Wl,--gc-sections $(CROSS_LIBC) --specs=rdimon.specs \
                -Wl,--wrap=malloc,--wrap=free,--wrap=calloc,--wrap=realloc,--wrap=sp_random_set_source
QEMU_ARM ?= qemu-system-arm
CROSS_QEMU = $(QEMU_ARM) -M mps2-an386 -nographic -semihosting-config enable=on,target=native -kernel

cross: $(BUILD)/cross/libsippush.a

$(BUILD)/cross/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,M4-CC,$@)
	$(Q)$(CROSS_CC) $(CROSS_CFLAGS) -c $< -o $@
$(BUILD)/cross/libsippush.a: $(CROSS_LIB_OBJ)
	@rm -f $@
	$(call say,M4-AR,$@)
	$(Q)$(CROSS_AR) rcs $@ $^
# The test files see tests/cross first, for its check.h; each suite's main()
# is renamed so that one image runs them all.
$(BUILD)/cross/tests/%.o: CROSS_INCLUDES = -Itests/cross
$(BUILD)/cross/tests/unit/%.o: CROSS_INCLUDES = -Itests/cross -Dmain=cross_$(notdir $*)
$(BUILD)/cross/tests/cross/runner.o: CROSS_INCLUDES = -Itests/cross \
    -DCROSS_SUITES="$(foreach t,$(CROSS_SUITES),X($(t)))"
$(BUILD)/cross/tests/cross/runner.o: Makefile
$(BUILD)/cross/conformance_sets.c: tests/cross/embed_sets.py $(sort $(wildcard tests/conformance/*/*/*))
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)python3 tests/cross/embed_sets.py tests/conformance sip sdp msrp > $@
$(BUILD)/cross/corpus_list.c: $(sort $(wildcard $(CROSS_CORPUS)/*.msrp))
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q){ echo 'const char cross_corpus_dir[] = "$(CROSS_CORPUS)";'; \
	  echo 'const char *const cross_corpus_names[] = {'; \
	  for f in $(notdir $^); do echo "    \"$$f\","; done; echo '};'; \
	  echo 'const unsigned cross_corpus_count = sizeof cross_corpus_names / sizeof cross_corpus_names[0];'; } > $@
$(BUILD)/cross/%.o: $(BUILD)/cross/%.c
	$(call say,M4-CC,$@)
	$(Q)$(CROSS_CC) -Itests/cross $(CROSS_ARCH) $(CROSS_OPT) -std=c11 $(WARN) -c $< -o $@
$(BUILD)/cross/test-image.elf: $(CROSS_TEST_OBJ) $(BUILD)/cross/libsippush.a tests/cross/mps2.ld
	$(call say,M4-LD,$@)
	$(Q)$(CROSS_CC) $(CROSS_ARCH) $(CROSS_LDFLAGS) -o $@ $(CROSS_TEST_OBJ) $(BUILD)/cross/libsippush.a -lm
cross-run: $(BUILD)/cross/test-image.elf
	$(Q)$(CROSS_QEMU) $<

# The budgets (tests/cross/size.py): small programs linked with --gc-sections
# that use only the parsers, a page-mode receiver, the whole receiver.
SIZE_PROGRAMS := parsers pagemode receiver
$(BUILD)/cross/size/%.elf: $(BUILD)/cross/tests/cross/size/%.o $(BUILD)/cross/libsippush.a
	@mkdir -p $(dir $@)
	$(call say,M4-LD,$@)
	$(Q)$(CROSS_CC) $(CROSS_ARCH) -Wl,--gc-sections -Wl,-Map=$(@:.elf=.map) --specs=nano.specs --specs=nosys.specs \
	    -o $@ $(filter %.o,$^) $(BUILD)/cross/libsippush.a -lm
$(BUILD)/cross/size/parsers.elf: $(call objs,cross,tools/parse_sip.c tools/parse_sdp.c tools/parse_msrp.c)
size: $(addprefix $(BUILD)/cross/size/,$(addsuffix .elf,$(SIZE_PROGRAMS))) $(BUILD)/cross/test-image.elf
	@$(CROSS_QEMU) $(BUILD)/cross/test-image.elf > $(BUILD)/cross/size/image.log 2>&1 || true
	@python3 tests/cross/size.py $(BUILD)/cross $(patsubst %,$(BUILD)/cross/size/%.map,$(SIZE_PROGRAMS)) \
	    $(BUILD)/cross/size/image.log

# --- fuzzing -------------------------------------------------------------

# Replay: each harness linked with a plain main under the sanitizers, fed every
# corpus file (part of make test; no AFL++ needed).
$(BUILD)/replay/%: fuzz/%.c fuzz/replay_main.c $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LDLIBS)

# Under AFL++: the library compiled once with its instrumentation and the
# sanitizers, each harness linked with AFL++'s libFuzzer driver. Warnings do
# not stop a fuzzing build (its compiler is clang, the tree's gate is cc).
AFL_CC ?= afl-clang-fast
AFL_CFLAGS = $(filter-out -Werror,$(BASEFLAGS)) -O2 -g -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/afl/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,AFL-CC,$@)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(AFL_CFLAGS) -c $< -o $@
$(BUILD)/afl/fuzz_%: $(BUILD)/afl/fuzz/fuzz_%.o $(AFL_LIB_OBJ)
	$(call say,AFL-LD,$@)
	$(Q)AFL_QUIET=1 $(AFL_CC) $(AFL_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz: fuzz-deps
	@$(MAKE) $(call PAR,$(JOBS)) fuzz-build
	@fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_JOBS) $(BUILD)/fuzz-out $(AFL_HARNESSES)
fuzz-deps:
	@tools/install-deps.sh fuzz
fuzz-build: $(AFL_HARNESSES)

# --- the program's jobs --------------------------------------------------

demo: $(BUILD)/sippush
	$(Q)$(BUILD)/sippush demo

bench: $(BUILD)/sippush $(BUILD)/libsippush.a
	@tools/bench.sh $(BUILD)/sippush

# --- install -------------------------------------------------------------

install: all
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	           $(DESTDIR)$(PREFIX)/include/sippush $(DESTDIR)$(PREFIX)/share/man/man1
	$(Q)install -m 755 $(BUILD)/sippush $(DESTDIR)$(PREFIX)/bin/sippush
	$(Q)install -m 644 $(BUILD)/libsippush.a $(DESTDIR)$(PREFIX)/lib/libsippush.a
	$(Q)install -m 755 $(BUILD)/libsippush.so $(DESTDIR)$(PREFIX)/lib/libsippush.so.$(VERSION)
	$(Q)ln -sf libsippush.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libsippush.so.0
	$(Q)ln -sf libsippush.so.0 $(DESTDIR)$(PREFIX)/lib/libsippush.so
	$(Q)install -m 644 $(PUBLIC_HEADERS) $(UMBRELLA_HEADERS) $(DESTDIR)$(PREFIX)/include/sippush/
	$(Q)install -m 644 tools/sippush.1 $(DESTDIR)$(PREFIX)/share/man/man1/sippush.1
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' tools/sippush.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/sippush.pc

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
