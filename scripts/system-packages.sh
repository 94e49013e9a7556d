#!/usr/bin/env bash
# Install the Debian packages Proximity needs when they are missing (nothing happens when all are there).
#   scripts/system-packages.sh demo   GDAL (the admin's map widget) and gettext (translations)
#   scripts/system-packages.sh test   the same, plus PostgreSQL, Redis, Chromium and a compose validator
set -euo pipefail

packages=(libgdal32 gettext)
if [ "${1:-demo}" = "test" ]; then
  packages+=(postgresql redis-server chromium docker-compose)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing system packages: ${missing[*]}. Install them with your package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
