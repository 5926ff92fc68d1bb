# sippush - OMA Push using SIP, in C11 with libc and pthreads only.
#
#   make              build/sippush, build/libsippush.a, build/libsippush.so
#   make test         install missing test dependencies, then every test under
#                     ASan+UBSan, the unit tests again under valgrind
#   make demo         the loopback demonstration
#   make bench        the published figures
#   make fuzz         every harness under AFL++ for FUZZ_SECONDS each
#   make install      PREFIX=/usr/local DESTDIR=
#   make LOOP=poll    the event loop on poll() instead of epoll
#   make test-poll    the transport suites on the poll() backend
#   make test-portable  the same with every Linux feature off (the fallbacks)
#   make test-m32     the unit suites built for 32-bit x86

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
FUZZ_SECONDS ?= 60
VERSION := 0.1.0

MODULES := base sip sdp msrp transport push
INCLUDES := $(addprefix -I,$(MODULES)) -Itools -Itests/unit

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
CFLAGS_RELEASE := $(BASEFLAGS) $(OPT) -fPIC
CFLAGS_ASAN := $(BASEFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_PLAIN := $(BASEFLAGS) -O0 -g
LDLIBS  := -lpthread -lm

LIB_SRC  := $(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
TOOL_SRC := $(sort $(wildcard tools/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_HELPER_SRC := $(filter-out $(TEST_SRC),$(sort $(wildcard tests/unit/*.c)))
FUZZ_SRC := $(filter-out fuzz/replay_main.c,$(sort $(wildcard fuzz/*.c)))
PUBLIC_HEADERS := $(filter-out %_impl.h,$(sort $(foreach m,$(MODULES),$(wildcard $(m)/*.h))))

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

.PHONY: all test test-deps test-unit test-valgrind test-conformance test-integration \
        test-fuzz-replay test-platform test-poll test-portable test-m32 test-plain \
        demo bench fuzz install clean
.DEFAULT_GOAL := all
.SECONDARY:

all: $(BUILD)/sippush $(BUILD)/libsippush.a $(BUILD)/libsippush.so

$(BUILD)/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_RELEASE) $(CFLAGS) -c $< -o $@
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) $(CHECK_CFLAGS) -c $< -o $@
$(BUILD)/plain/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PLAIN) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/libsippush.a: $(REL_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/libsippush.so: $(REL_LIB_OBJ)
	$(CC) -shared -Wl,-soname,libsippush.so.0 -o $@ $^ $(LDLIBS)
$(BUILD)/sippush: $(REL_TOOL_OBJ) $(BUILD)/libsippush.a
	$(CC) -o $@ $(REL_TOOL_OBJ) $(BUILD)/libsippush.a $(LDLIBS)

# The program built with sanitizers: what the conformance and integration tests drive.
$(BUILD)/asan/sippush: $(ASAN_TOOL_OBJ) $(ASAN_LIB_OBJ)
	$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/tests/%: $(BUILD)/asan/tests/unit/%.o $(call objs,asan,$(TEST_HELPER_SRC)) $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)
$(BUILD)/plain/tests/%: $(BUILD)/plain/tests/unit/%.o $(call objs,plain,$(TEST_HELPER_SRC)) $(PLAIN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PLAIN) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# --- tests ---------------------------------------------------------------

test-deps:
	@tools/install-deps.sh

test: test-deps
	$(MAKE) all
	$(MAKE) test-unit test-valgrind test-poll test-portable test-m32 test-conformance test-integration test-fuzz-replay
	@echo "make test: all suites passed"

test-unit: $(ASAN_TESTS)
	@tests/run-suites.sh asan $(ASAN_TESTS)

test-valgrind: $(PLAIN_TESTS)
	@tests/run-suites.sh valgrind $(PLAIN_TESTS)

# The suites over the platform seam (the loop, sockets, signals, hashing
# threads), built again in a tree of their own per configuration.
PLATFORM_SUITES := $(filter $(addprefix tests/unit/,test_tp_% test_sip_txn_tp% test_sip_txn_net.c \
                     test_msrp_session% test_msrp_hasher.c),$(TEST_SRC))
PORTABLE_DEFS := -DSP_NO_RECVMMSG -DSP_NO_SIGNALFD -DSP_NO_ACCEPT4 -DSP_NO_ERRQUEUE -DSP_NO_THREADS

test-platform: $(patsubst tests/unit/%.c,$(BUILD)/asan/tests/%,$(PLATFORM_SUITES))
	@tests/run-suites.sh "asan LOOP=$(LOOP)$(if $(PLATFORM_DEFS), fallbacks)" $^

test-poll:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/loop-poll LOOP=poll test-platform

test-portable:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/portable LOOP=poll PLATFORM_DEFS="$(PORTABLE_DEFS)" test-platform

# 32-bit x86 (gcc-multilib, check for i386): no sanitizers, no valgrind.
M32_PKG_CONFIG = PKG_CONFIG_LIBDIR=/usr/lib/$(shell $(CC) -m32 -print-multiarch 2>/dev/null)/pkgconfig pkg-config
test-m32:
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/m32 CC="$(CC) -m32" PKG_CONFIG="$(M32_PKG_CONFIG)" test-plain

test-plain: $(PLAIN_TESTS)
	@tests/run-suites.sh "plain $(CC)" $^

test-conformance: $(BUILD)/asan/sippush
	@python3 tests/conformance/run.py $(BUILD)/asan/sippush tests/conformance

test-integration: $(BUILD)/asan/sippush $(BUILD)/sippush
	@tests/integration/run.sh $(BUILD)

test-fuzz-replay: $(REPLAYERS)
	@for r in $(REPLAYERS); do \
	  n=$$(basename $$r); \
	  $$r fuzz/corpus/$$n || exit 1; \
	done

# --- fuzzing -------------------------------------------------------------

# Replay: each harness linked with a plain main under the sanitizers, fed every
# corpus file (CI uses this; no AFL++ needed).
$(BUILD)/replay/%: fuzz/%.c fuzz/replay_main.c $(ASAN_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) -o $@ $^ $(LDLIBS)

AFL_CC ?= afl-clang-fast
$(BUILD)/afl/%: fuzz/%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(AFL_CC) -std=c11 -D_GNU_SOURCE $(INCLUDES) -O2 -g -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: $(AFL_HARNESSES)
	@for h in $(AFL_HARNESSES); do \
	  n=$$(basename $$h); dict=""; [ -f fuzz/$$n.dict ] && dict="-x fuzz/$$n.dict"; \
	  mkdir -p $(BUILD)/fuzz-out/$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS) s"; \
	  AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	    afl-fuzz -V $(FUZZ_SECONDS) -i fuzz/corpus/$$n -o $(BUILD)/fuzz-out/$$n $$dict -- $$h || exit 1; \
	  crashes=$$(ls $(BUILD)/fuzz-out/$$n/default/crashes 2>/dev/null | grep -v README | wc -l); \
	  hangs=$$(ls $(BUILD)/fuzz-out/$$n/default/hangs 2>/dev/null | wc -l); \
	  execs=$$(awk -F: '/execs_done/ {gsub(/ /,"",$$2); print $$2}' $(BUILD)/fuzz-out/$$n/default/fuzzer_stats); \
	  echo "$$n: $$execs executions, $$crashes crashes, $$hangs hangs"; \
	  [ $$crashes -eq 0 ] && [ $$hangs -eq 0 ] || exit 1; \
	done

# --- the program's jobs --------------------------------------------------

demo: $(BUILD)/sippush
	$(BUILD)/sippush demo

bench: $(BUILD)/sippush
	@tools/bench.sh $(BUILD)/sippush

# --- install -------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	           $(DESTDIR)$(PREFIX)/include/sippush $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/sippush $(DESTDIR)$(PREFIX)/bin/sippush
	install -m 644 $(BUILD)/libsippush.a $(DESTDIR)$(PREFIX)/lib/libsippush.a
	install -m 755 $(BUILD)/libsippush.so $(DESTDIR)$(PREFIX)/lib/libsippush.so.$(VERSION)
	ln -sf libsippush.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libsippush.so.0
	ln -sf libsippush.so.0 $(DESTDIR)$(PREFIX)/lib/libsippush.so
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(PREFIX)/include/sippush/
	install -m 644 tools/sippush.1 $(DESTDIR)$(PREFIX)/share/man/man1/sippush.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' tools/sippush.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/sippush.pc

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
