#!/usr/bin/env bash
# Installs what building and testing libllmcost needs, on Debian 12 or a
# system with the same package names.  README and .ci/run both call this,
# so a developer's machine and CI are set up the same way.  Safe to rerun.
set -euo pipefail

packages=(
	build-essential		# cc, c++, make, binutils (nm, readelf)
	cmake			# 3.25 or newer
	ninja-build
	pkg-config
	libcjson-dev
	libxxhash-dev
	libcriterion-dev	# C unit tests
	python3
	python3-pytest		# CLI and packaging tests
	clang			# libFuzzer builds (scripts/ci-hardening.sh)
	libclang-rt-14-dev	# libFuzzer and sanitizer runtimes for clang
	abigail-tools		# abidw, abidiff: the ABI check
	valgrind		# memcheck over the CLI tests
	python3-pip		# bindings: pip install ./bindings/python
	python3-setuptools
	python3-wheel
	postgresql		# the warehouse test loads a ledger into it
	chromium		# the report test renders the HTML page
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "install-deps: run as root or install sudo" >&2
		exit 1
	fi
}

install_packages() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${packages[@]}"
}

# CMake runs the tests with the python3 first on PATH (see the top-level
# CMakeLists.txt).  That may be a pyenv or venv interpreter rather than
# the system one Debian's python3-pytest serves; give it pytest too.
ensure_pytest() {
	local py

	py=$(command -v python3)
	if "$py" -c 'import pytest' >/dev/null 2>&1; then
		return
	fi
	echo "install-deps: installing pytest for $py"
	"$py" -m pip install --quiet --disable-pip-version-check pytest
	"$py" -c 'import pytest'
}

# ---- bindings (tests/bindings): pip pieces for the Python package, Go --
# `pip install ./bindings/python` builds with setuptools and wheel.
ensure_pip_build() {
	local py

	py=$(command -v python3)
	# setuptools first: with some pip and setuptools versions, importing
	# pip first makes setuptools' import fail although both are there.
	if "$py" -c 'import setuptools, pip, wheel' >/dev/null 2>&1; then
		return
	fi
	echo "install-deps: installing setuptools and wheel for $py"
	"$py" -m pip install --quiet --disable-pip-version-check \
		setuptools wheel
}

# The Go bindings need the Go release bindings/go/go.mod names, or newer.
go_wanted() {
	sed -n 's/^go \([0-9.]*\)$/\1/p' bindings/go/go.mod
}

go_cmd() {
	command -v go 2>/dev/null || { [ -x /usr/local/go/bin/go ] &&
		echo /usr/local/go/bin/go; }
}

go_new_enough() {
	local go have want

	go=$(go_cmd) || return 1
	have=$("$go" env GOVERSION | sed 's/^go//')
	want=$(go_wanted)
	[ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" = \
		"$want" ]
}

ensure_go() {
	if go_new_enough; then
		return
	fi
	echo "install-deps: installing golang-go"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends golang-go
	if ! go_new_enough; then
		echo "install-deps: the Go bindings need Go $(go_wanted) or" \
			"newer; install it (to /usr/local/go or on PATH)" >&2
		exit 1
	fi
}

# The official FOCUS validator (tests/cli/test_focus.py).  Its releases
# that know FOCUS 1.2 need Python 3.12 or newer, so it gets a virtual
# environment of its own, made with the first such interpreter found.
# It pins numpy below 2 while the newest pyarrow needs numpy 2: hold
# pyarrow below 20.  The tests find it at $FOCUS_VENV/bin/focus-validator.
FOCUS_VENV=${LLMCOST_FOCUS_VENV:-/opt/llmcost-focus}
FOCUS_VALIDATOR_PINS=("focus-validator==2.2.1" "pyarrow<20")

find_python312() {
	local py root

	root=$(pyenv root 2>/dev/null || true)
	for py in python3.13 python3.12 \
		${root:+"$root"/versions/3.1[2-9]*/bin/python3}; do
		if command -v "$py" >/dev/null 2>&1 &&
		   "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
			>/dev/null 2>&1; then
			command -v "$py"
			return
		fi
	done
}

ensure_focus_validator() {
	local py

	if [ -x "$FOCUS_VENV/bin/focus-validator" ]; then
		return
	fi
	py=$(find_python312)
	if [ -z "$py" ]; then
		echo "install-deps: no Python 3.12 or newer; the FOCUS" \
			"validator test will skip (fail under CI)" >&2
		return
	fi
	echo "install-deps: focus-validator into $FOCUS_VENV ($py)"
	as_root "$py" -m venv "$FOCUS_VENV"
	as_root "$FOCUS_VENV/bin/python" -m pip install --quiet \
		--disable-pip-version-check "${FOCUS_VALIDATOR_PINS[@]}"
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."
install_packages
ensure_pytest
ensure_pip_build
ensure_go
ensure_focus_validator
echo "install-deps: done ($(cmake --version | head -n1);" \
	"$(python3 -m pytest --version 2>&1 | head -n1);" \
	"$("$(go_cmd)" version))"
