#!/usr/bin/env bash
# Installs the native build prerequisites of roster when they are missing:
#   * cmake >= 3.28 (highs-sys compiles HiGHS from source with it; Debian 12 ships 3.25),
#   * libclang (bindgen, used by the -sys crates to generate bindings).
# Idempotent and quiet when everything is already present. Prints what it installs.
set -euo pipefail

need_cmake() {
  command -v cmake >/dev/null 2>&1 || return 0
  local v
  v=$(cmake --version | head -n1 | awk '{print $3}')
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  if [ "$major" -lt 3 ] || { [ "$major" -eq 3 ] && [ "$minor" -lt 28 ]; }; then
    return 0
  fi
  return 1
}

if need_cmake; then
  echo "prereqs: installing cmake >= 3.28 with pip" >&2
  if command -v pip3 >/dev/null 2>&1; then PIP=pip3; else PIP=pip; fi
  "$PIP" install --quiet --disable-pip-version-check 'cmake>=3.28'
  hash -r
  if need_cmake; then
    echo "prereqs: cmake >= 3.28 still not on PATH after pip install (PATH=$PATH)" >&2
    exit 1
  fi
fi

have_libclang() {
  ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1
}

if ! have_libclang || ! command -v clang >/dev/null 2>&1; then
  echo "prereqs: installing clang and libclang-dev with apt-get" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq clang libclang-dev >/dev/null
fi
