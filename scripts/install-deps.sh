#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages cims needs to build, test and run. Idempotent: asks apt only for
# what is missing, so a second run takes a second. Runs as root, or through sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgdal-dev gdal-bin libgeos-dev libproj-dev proj-bin proj-data
  libsqlite3-dev sqlite3 libspatialite-dev libsqlite3-mod-spatialite
  libboost-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libsodium-dev libxlsxwriter-dev libzip-dev
  libgtest-dev libgmock-dev zip curl
  wrk
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
