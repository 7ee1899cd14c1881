# The project's front door. Each target installs what it is missing (Debian packages, npm test
# peers), so `make run` and `make test` work on a fresh Debian 12 machine.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build
ASAN_BUILD ?= build-asan
CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all build test bench run fuzz format check-format clean deps

all: build

deps:
	@scripts/deps.sh build

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DARGUS_BUILD_TESTS=OFF
	cmake --build $(BUILD) -j $(JOBS)

test:
	@scripts/test.sh

bench: build
	@scripts/deps.sh bench
	@scripts/bench.sh $(BUILD)

run: build
	@scripts/run.sh $(BUILD)

fuzz:
	@scripts/fuzz.sh

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
