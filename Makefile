# HALO top-level commands. `make demo` and `make test` install what they need first
# (scripts/setup.sh: Debian packages via apt-get, Python packages into .venv).
BUILD ?= build
PREFIX ?= $(CURDIR)/install
BUILD_TYPE ?= Release
PY := $(CURDIR)/.venv/bin/python
MNIST := models/vision/classification/mnist_simple
DEMO_OUT := $(BUILD)/demo

.PHONY: all setup build install test unit lit e2e bad-inputs conformance conformance-report demo docs clean help sanitize

all: build

help:
	@echo "make demo     build HALO, compile the MNIST model, run it on the held-out digits"
	@echo "make test     all tests: unit (gtest), lit/FileCheck, end-to-end vs onnxruntime, ONNX node tests"
	@echo "make conformance-report  refresh docs/generated/onnx-conformance.md and the manifest"
	@echo "make install  PREFIX=/path: bin/halo, include/ODLA, lib/ODLA/libodla_reference.so"
	@echo "make docs     refresh docs/generated from the operator table"
	@echo "make sanitize ASan+UBSan build (build-asan) running unit, lit, bad-input and node tests"

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja: | setup
	cmake -G Ninja -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DPython3_EXECUTABLE=/usr/bin/python3

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The seed's workflow, literally, against an installed prefix.
demo: build
	cmake --install $(BUILD) --prefix $(DEMO_OUT)/prefix > /dev/null
	$(DEMO_OUT)/prefix/bin/halo -target cxx $(MNIST)/mnist_simple.onnx -o $(DEMO_OUT)/out/model.cc
	g++ $(DEMO_OUT)/out/model.cc -I$(DEMO_OUT)/prefix/include -c -o $(DEMO_OUT)/out/model.o
	g++ $(MNIST)/main.cc -I$(DEMO_OUT)/out -c -o $(DEMO_OUT)/out/main.o
	g++ -o $(DEMO_OUT)/out/demo $(DEMO_OUT)/out/main.o $(DEMO_OUT)/out/model.o $(DEMO_OUT)/out/model.bin \
	  -L$(DEMO_OUT)/prefix/lib/ODLA -lodla_reference -Wl,-rpath=$(CURDIR)/$(DEMO_OUT)/prefix/lib/ODLA
	$(DEMO_OUT)/out/demo $(MNIST)/test_images.bin $(MNIST)/test_labels.bin

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -j2

lit: build
	HALO_BUILD_DIR=$(CURDIR)/$(BUILD) $(CURDIR)/.venv/bin/lit -sv tests/lit

e2e: build
	HALO_BUILD_DIR=$(CURDIR)/$(BUILD) $(PY) -m pytest -q tests/e2e

# Hostile and malformed models (tests/bad_inputs): exit 3 or 4, one line, nothing written.
bad-inputs: build
	HALO_BUILD_DIR=$(CURDIR)/$(BUILD) $(PY) -m pytest -q tests/bad_inputs

# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan) running the unit, lit,
# bad-input and node tests (through `halo run`). Not the e2e tier nor the emitted-code
# sample: those link uninstrumented programs against the instrumented runtime.
SAN_BUILD ?= build-asan
# LeakSanitizer is off: its tracer dies now and then on this machine ("Tracer caught
# signal 11", "LeakSanitizer has encountered a fatal error"), which would make CI flaky.
SAN_ENV := HALO_BUILD_DIR=$(CURDIR)/$(SAN_BUILD) HALO_SANITIZED=1 \
  ASAN_OPTIONS=detect_leaks=0:max_allocation_size_mb=2048:allocator_may_return_null=1
sanitize: setup
	cmake -G Ninja -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=/usr/bin/python3 \
	  -DHALO_SANITIZE=address,undefined
	cmake --build $(SAN_BUILD)
	$(SAN_ENV) ctest --test-dir $(SAN_BUILD) --output-on-failure -j2
	$(SAN_ENV) $(CURDIR)/.venv/bin/lit -sv tests/lit
	$(SAN_ENV) $(PY) -m pytest -q tests/bad_inputs
	$(SAN_ENV) $(PY) tests/conformance/run_conformance.py --check --report ''

# ONNX's own node tests through `halo run` (and a sample through the emitted C++);
# fails on any case outside tests/conformance/expected_failures.txt that does not pass.
conformance: build
	HALO_BUILD_DIR=$(CURDIR)/$(BUILD) $(PY) -m pytest -q tests/conformance

# Refreshes docs/generated/onnx-conformance.md and the expected-failures manifest.
conformance-report: build
	HALO_BUILD_DIR=$(CURDIR)/$(BUILD) $(PY) tests/conformance/run_conformance.py --update-manifest --emitted-sample

test: unit lit e2e bad-inputs conformance

docs: build
	mkdir -p docs/generated
	cp $(BUILD)/generated/ops.md docs/generated/ops.md

clean:
	rm -rf $(BUILD) install
