# bnnsim: make deps run | make check | make check-asan | make bench
#
# Builds libbnnsim.a, the bnnsim CLI and the cmocka tests into $(BUILD).
# Kernel files get their ISA flags one by one (KERNEL_FLAGS_<isa>); the rest
# of the build stays generic x86-64 so the binary runs on any x86-64 CPU.

BUILD   ?= build
CC      ?= gcc
OPT     ?= -O2 -g
PKGS     = openblas jansson libzip zlib libpng stb libprotobuf-c cairo
# OpenBLAS's OpenMP build, which shares libgomp's threads with ours. Debian's
# default (pthread) build keeps a worker of its own spinning beside our
# threads on a 2-core machine (measured: CNV on 2 threads 22k instead of 28k
# images/s). Found through its own .pc file, loaded through the rpath.
BLAS_DIR := /usr/lib/$(shell $(CC) -print-multiarch)/openblas-openmp
PKG_CONFIG = PKG_CONFIG_PATH=$(BLAS_DIR)/pkgconfig$${PKG_CONFIG_PATH:+:$$PKG_CONFIG_PATH} pkg-config
# '=' (not ':='): pkg-config runs when a recipe needs the flags, so
# 'make deps run' works on a machine where deps has just installed them.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) -fPIC -MMD -MP -Wall -Wextra -Wshadow -Wno-unused-parameter -fopenmp \
           -Iinclude -Isrc -Itests -I$(BUILD)/gen $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -Wl,-rpath,$(BLAS_DIR) -fopenmp -lm
TEST_LDLIBS = $(shell pkg-config --libs cmocka)

SAN ?=
ifneq ($(SAN),)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS  += -fsanitize=address,undefined
endif

LIB_SRC  := $(sort $(wildcard src/core/*.c src/net/*.c src/io/*.c src/import/*.c src/onnx/*.c src/train/*.c src/exec/*.c src/kernels/*.c src/fold/*.c src/hw/*.c src/golden/*.c src/dse/*.c src/plot/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/test-*.c))
BENCH_SRC := $(sort $(wildcard bench/bench-*.c))
BENCHES  := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
# ONNX's own schema (Debian libonnx-dev) compiled by protoc-c at build time
ONNX_PROTO ?= /usr/include/onnx/onnx.proto
PROTO_OBJ := $(BUILD)/gen/onnx.pb-c.o
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(PROTO_OBJ)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
LIB      := $(BUILD)/libbnnsim.a
BIN      := $(BUILD)/bnnsim
VERSION  := $(shell sed -n 's/^\#define BNNSIM_VERSION "\(.*\)"/\1/p' include/bnnsim/bnnsim.h)
SONAME   := libbnnsim.so.$(firstword $(subst ., ,$(VERSION)))
SHLIB    := $(BUILD)/libbnnsim.so.$(VERSION)
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TESTS:=.d) $(BENCHES:=.d)

.PHONY: all deps run check check-asan test-bin bench data trained fuzz clean install uninstall
all: $(BIN) $(SHLIB) $(TESTS)

# -MMD: every object knows the headers it read (the .d files included above)
$(BUILD)/%.o: %.c | $(BUILD)/gen/onnx.pb-c.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/gen/onnx.pb-c.c $(BUILD)/gen/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(BUILD)/gen
	protoc-c --c_out=$(BUILD)/gen --proto_path=$(dir $(ONNX_PROTO)) $(ONNX_PROTO)

# generated code: its own warnings are not ours
$(PROTO_OBJ): $(BUILD)/gen/onnx.pb-c.c $(BUILD)/gen/onnx.pb-c.h
	$(CC) $(CFLAGS) -w -c $< -o $@

# One source file per kernel and ISA, each with its own flags.
KERNEL_FLAGS_avx2   = -mavx2 -mpopcnt
KERNEL_FLAGS_avx512 = -mavx512f -mavx512vl -mavx512bw -mavx512vpopcntdq -mavx512vnni -mpopcnt
$(BUILD)/src/kernels/%-avx2.o: CFLAGS += $(KERNEL_FLAGS_avx2)
$(BUILD)/src/kernels/%-avx512.o: CFLAGS += $(KERNEL_FLAGS_avx512)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHLIB): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c tests/test-util.h tests/test-nets.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< $(LIB) -o $@ $(LDLIBS) $(TEST_LDLIBS)

$(BUILD)/tests/test-fuzz: tests/test-fuzz.c tests/fuzz/targets.c tests/fuzz/targets.h tests/test-util.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< tests/fuzz/targets.c $(LIB) -o $@ $(LDLIBS) $(TEST_LDLIBS)

$(BUILD)/bench/%: bench/%.c $(LIB) $(wildcard src/kernels/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(LIB) -o $@ $(LDLIBS)

# Debian packages (idempotent). Needs root or sudo.
DEB_PKGS = gcc make pkg-config help2man libopenblas-openmp-dev libcmocka-dev libstb-dev libpng-dev libjansson-dev \
           zlib1g-dev libzip-dev libcairo2-dev dataset-fashion-mnist libprotobuf-c-dev protobuf-c-compiler libonnx-dev python3-onnx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "deps: all Debian packages present"; fi

# The main job on the bundled networks: the trained LFC classifies the
# Fashion-MNIST test set (accuracy and throughput), then CNV (untrained,
# generated) with the paper's CNV-fix folding runs on the bundled samples.
FMNIST ?= /usr/share/datasets/fashion-mnist
run: $(BIN)
	$(BIN) run --net data/lfc-fmnist.json --input $(FMNIST)/t10k-images-idx3-ubyte.gz --labels $(FMNIST)/t10k-labels-idx1-ubyte.gz --limit 10000 -q
	$(BIN) --net data/cnv.json --fold data/cnv-fix.fold.json --input data/samples/shapes.cifar10.bin data/samples/stripes.png

# Every test binary; each prints cmocka's summary. BNNSIM_SHARED points at
# ../shared (the BNN-PYNQ data); tests that need it skip with a message.
check: $(BIN) $(TESTS)
	@fail=0; for t in $(TESTS); do echo "== $$t"; BNNSIM_BIN=$(BIN) BNNSIM_SAN=$(SAN) BNNSIM_OPT="$(OPT)" $$t || fail=1; done; \
	if [ $$fail = 0 ]; then echo "check: all test programs passed"; else echo "check: FAILED"; exit 1; fi

# fontconfig's process-lifetime caches (through Cairo) are not leaks of ours
check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(MAKE) BUILD=build-asan SAN=1 OPT="-O1 -g" check

# Every benchmark program, side by side in one run; bench/RESULTS.md keeps
# the figures with the machine they came from.
bench: $(BIN) $(BENCHES)
	@grep -m1 "model name" /proc/cpuinfo; nproc | sed 's/^/cores: /'
	@for b in $(BENCHES); do echo "== $$b"; BNNSIM_BIN=$(BIN) $$b || exit 1; done

# Regenerates the bundled networks and samples from their generators.
data: $(BIN)
	$(BIN) gen net --topology sfc -o data/sfc.json
	$(BIN) gen net --topology sfc --in-pad 0 -o data/sfc784.json
	$(BIN) gen net --topology lfc --out-rows 16 -o data/lfc.json
	$(BIN) gen net --topology lfc -o data/lfc10.json
	$(BIN) gen net --topology cnv -o data/cnv.json
	$(BIN) gen net --topology tfc --in-pad 0 -o data/tfc.json
	$(BIN) gen samples -o data/samples

# Re-trains the bundled Fashion-MNIST networks with their recorded command
# lines (the seed and thread count fix every bit; about 8 minutes here).
TRAIN_FLAGS = --data $(FMNIST) --epochs 20 --seed 1 --threads 2 -q
trained: $(BIN)
	$(BIN) train --topology tfc $(TRAIN_FLAGS) -o data/tfc-fmnist.json
	$(BIN) train --topology sfc $(TRAIN_FLAGS) -o data/sfc-fmnist.json
	$(BIN) train --topology lfc $(TRAIN_FLAGS) -o data/lfc-fmnist.json

# libFuzzer on every loader (tests/fuzz/): clang + ASan + UBSan, each target
# for FUZZ_SECONDS (default 60) on a seed corpus made from data/. New
# corpus entries stay in build-fuzz/corpus; crashes land in build-fuzz/crashes/
# and belong in tests/fuzz/regress/<target>/ once fixed (make check replays them).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = net-json npz npy idx cifar image fold-json config-h device bnn-pynq onnx
FUZZ_DEB_PKGS = clang libomp-dev libclang-rt-14-dev
FUZZ = build-fuzz
fuzz-dict = $(if $(filter net-json fold-json device,$(1)),-dict=tests/fuzz/dict/json.dict,$(if $(filter npy config-h,$(1)),-dict=tests/fuzz/dict/$(1).dict,))
fuzz: $(BIN)
	@missing=$$(for p in $(FUZZ_DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "installing:" $$missing; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi
	$(MAKE) BUILD=$(FUZZ) CC=clang SAN=1 OPT="-O1 -g -fsanitize=fuzzer-no-link" $(FUZZ)/libbnnsim.a
	@mkdir -p $(FUZZ)/crashes
	@test -d $(FUZZ)/corpus || tests/fuzz/seeds.sh $(BIN) $(FUZZ)/corpus
	@for t in $(FUZZ_TARGETS); do \
	  clang $(CFLAGS) -fsanitize=fuzzer,address,undefined -DFUZZ_TARGET=\"$$t\" tests/fuzz/fuzz-main.c tests/fuzz/targets.c \
	    $(FUZZ)/libbnnsim.a -o $(FUZZ)/fuzz-$$t $(LDLIBS) -fsanitize=address,undefined || exit 1; \
	done
	@for t in $(FUZZ_TARGETS); do \
	  echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; mkdir -p $(FUZZ)/corpus/$$t $(FUZZ)/crashes/$$t; \
	  $(FUZZ)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ)/crashes/$$t/ $(call fuzz-dict,$$t) $(FUZZ)/corpus/$$t 2>&1 | \
	    grep -E "^#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY" || true; \
	done
	@n=$$(find $(FUZZ)/crashes -type f | wc -l); echo "fuzz: $$n crash inputs in $(FUZZ)/crashes"; [ $$n = 0 ]

# make install PREFIX=/usr/local DESTDIR=: the CLI, the static and shared
# libraries (soname libbnnsim.so.MAJOR), the headers, bnnsim.pc, a man page
# made from every command's --help, and the bundled data in share/bnnsim/.
PREFIX  ?= /usr/local
DEST     = $(DESTDIR)$(PREFIX)
PC_LIBS  = -L$(BLAS_DIR) -lopenblas $(shell pkg-config --libs jansson libzip zlib libpng stb libprotobuf-c cairo) -fopenmp -lm
COMMANDS = run import export train gen info perf resources dse golden
DATA_FILES = $(wildcard data/*.json data/*.npz) data/devices data/samples data/finn-builds

$(BUILD)/bnnsim.1: $(BIN)
	@for c in $(COMMANDS); do printf '[%s]\n' "bnnsim $$c"; $(BIN) $$c --help | sed 's/^\./\\\&./'; echo; done > $(BUILD)/commands.h2m
	help2man -N -n "software twin of a FINN binarized-neural-network accelerator" \
	  --include=$(BUILD)/commands.h2m $(BIN) -o $@

install: $(BIN) $(LIB) $(SHLIB) $(BUILD)/bnnsim.1
	install -d $(DEST)/bin $(DEST)/lib/pkgconfig $(DEST)/include/bnnsim $(DEST)/share/man/man1 $(DEST)/share/bnnsim
	install -m 755 $(BIN) $(DEST)/bin/bnnsim
	install -m 644 $(LIB) $(DEST)/lib/libbnnsim.a
	install -m 755 $(SHLIB) $(DEST)/lib/
	ln -sf $(notdir $(SHLIB)) $(DEST)/lib/$(SONAME)
	ln -sf $(SONAME) $(DEST)/lib/libbnnsim.so
	install -m 644 include/bnnsim/*.h $(DEST)/include/bnnsim/
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: bnnsim' 'Description: software twin of a FINN binarized-neural-network accelerator' \
	  'Version: $(VERSION)' 'Libs: -L$${libdir} -lbnnsim' 'Libs.private: $(PC_LIBS)' \
	  'Cflags: -I$${includedir}' > $(DEST)/lib/pkgconfig/bnnsim.pc
	install -m 644 $(BUILD)/bnnsim.1 $(DEST)/share/man/man1/
	cp -R $(DATA_FILES) $(DEST)/share/bnnsim/

uninstall:
	rm -f $(DEST)/bin/bnnsim $(DEST)/lib/libbnnsim.a $(DEST)/lib/libbnnsim.so* $(DEST)/lib/pkgconfig/bnnsim.pc \
	  $(DEST)/share/man/man1/bnnsim.1
	rm -rf $(DEST)/include/bnnsim $(DEST)/share/bnnsim

clean:
	rm -rf build build-asan build-fuzz
