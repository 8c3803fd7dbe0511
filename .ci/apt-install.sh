#!/usr/bin/env bash
# Installs Debian packages (as root, or through sudo) when a step needs them.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
  echo "apt-install: please install these Debian packages: $*" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y --no-install-recommends "$@" >/dev/null
fi
echo "installed: $*" >&2
