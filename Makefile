# The two commands a newcomer needs: `make run` and `make test`. Both install missing Debian
# packages first (scripts/install-deps.sh), then configure and build in Release.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test test-release test-sanitize test-fuzz bench sanitize \
	fuzz tsan format clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job on the embedded Dudley default: the baseline forecast, written to out/baseline/.
run: build
	./$(BUILD)/sendcast run --scenario scenarios/dudley/baseline.toml --out out/baseline

# CI runs `make test` (.ci/run): the suite in Release, the same suite under ASan+UBSan, then
# every fuzzer for a bounded time. Each part alone: test-release, test-sanitize, test-fuzz.
# Any failing test, sanitizer report or fuzzer crash fails it (README, Testing).
test: test-release test-sanitize test-fuzz

test-release: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize: sanitize
test-fuzz: fuzz

bench: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DSENDCAST_BUILD_BENCH=ON $(CMAKE_FLAGS)
	@cmake --build $(BUILD) -j $(JOBS)
	@for b in $(BUILD)/bench/*_bench; do echo "== $$b"; $$b; done

# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer (gcc), in
# build-asan/. -O1 (what the ASan documentation recommends: usable stacks, cheaper to compile
# than -O2) with line tables only, and no NDEBUG so that assertions (Eigen's bounds) are on.
# Every UBSan check aborts (-fno-sanitize-recover=all) and ASan halts at its first report; the
# sanitized sendcast then exits non-zero, so a report fails the test that triggered it, also
# in the tests that run the binary. Leak checking is on everywhere except the tests that
# run sendcast under mpirun: OpenMPI's plugins leak at MPI_Finalize and are unloaded before
# LeakSanitizer reports, so no suppression can name them (ASan and UBSan still run there).
SANITIZE_BUILD ?= build-asan
SANITIZE_FLAGS := -O1 -g1 -fsanitize=address,undefined -fno-sanitize-recover=all \
  -fno-omit-frame-pointer
SANITIZE_ASAN := halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
SANITIZE_ENV := UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE= \
	  -DCMAKE_CXX_FLAGS="$(SANITIZE_FLAGS)" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
	  $(CMAKE_FLAGS)
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@$(SANITIZE_ENV) ASAN_OPTIONS=$(SANITIZE_ASAN):detect_leaks=1 \
	  ctest --test-dir $(SANITIZE_BUILD) --output-on-failure -j $(JOBS) --timeout 1500 -E '^Mpi\.'
	@$(SANITIZE_ENV) ASAN_OPTIONS=$(SANITIZE_ASAN):detect_leaks=0 \
	  ctest --test-dir $(SANITIZE_BUILD) --output-on-failure -j $(JOBS) --timeout 1500 -R '^Mpi\.'

# libFuzzer (clang) on the CSV reader, the SNPP reader, the scenario loader and the capacity
# register: first each fuzzer replays its fuzz/regressions/<target>/ (inputs that once crashed
# it), then runs for FUZZ_SECONDS from fuzz/corpus/<target>/ (heads of the data/ files and the
# shipped scenarios). New inputs go to build-fuzz/corpus/, crashes to
# build-fuzz/artifacts/<target>/: fix the bug, then keep the input in fuzz/regressions/<target>/
# (tests/hardening replays it in every build). Longer: make fuzz FUZZ_SECONDS=3600.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := csv snpp scenario capacity_register
FUZZ_FLAGS := -O1 -g1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE= \
	  -DSENDCAST_BUILD_FUZZ=ON -DSENDCAST_BUILD_TESTS=OFF -DSENDCAST_WITH_MPI=OFF \
	  -DCMAKE_C_FLAGS="$(FUZZ_FLAGS)" -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" $(CMAKE_FLAGS)
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t; \
	  dict=; [ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
	  log=$(FUZZ_BUILD)/fuzz_$$t.log; \
	  if [ -d fuzz/regressions/$$t ]; then \
	    echo "== fuzz_$$t replays fuzz/regressions/$$t/"; \
	    if ! $(FUZZ_BUILD)/fuzz/fuzz_$$t fuzz/regressions/$$t/* > $$log 2>&1; then \
	      tail -n 40 $$log; exit 1; \
	    fi; \
	  fi; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS) s (log: $$log)"; \
	  if ! $(FUZZ_BUILD)/fuzz/fuzz_$$t $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t $$dict \
	      -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ > $$log 2>&1; then \
	    tail -n 40 $$log; exit 1; \
	  fi; \
	  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" $$log; \
	done

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD)
