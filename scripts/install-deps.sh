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

install_packages
ensure_pytest
echo "install-deps: done ($(cmake --version | head -n1);" \
	"$(python3 -m pytest --version 2>&1 | head -n1))"
