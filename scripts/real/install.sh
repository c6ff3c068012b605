#!/usr/bin/env bash
# Installs the real programs the real-tools suite (test/real) drives, idempotently, on Debian 12 as root.
#
# Debian's `sid` suite carries Docker Engine/CLI 28.5, buildx 0.29, containerd 2.1, cosign 3.1,
# PostgreSQL 18 and the real extension packages. They need only libc6 >= 2.34, so they install on
# bookworm by name (`pkg/sid`). sid is pinned at priority 100 so that nothing else moves to it:
# never `apt-get install -t sid`, never `apt-get upgrade` with sid enabled.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "scripts/real/install.sh: must run as root (it installs Debian packages)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/real/install.sh: needs Debian's apt-get" >&2
  exit 1
fi

# From sid, by name. Kept in sync with the README's "Real-tools suite" section.
SID_PACKAGES=(docker.io docker-cli docker-buildx containerd cosign mmdebstrap)
# From the machine's own suite (sid's skopeo needs a newer libc: bookworm's 1.9 reads images the same way).
BASE_PACKAGES=(qemu-user-static binfmt-support arch-test ca-certificates skopeo docker-registry)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
candidate_is_sid() {
  # The installed version is the one sid carries (docker.io and containerd are on bookworm too).
  local inst cand
  inst=$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true)
  cand=$(apt-cache madison "$1" 2>/dev/null | awk -F'|' '$3 ~ /sid/ {gsub(/ /,"",$2); print $2; exit}')
  [ -n "$inst" ] && [ "$inst" = "$cand" ]
}

mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
changed=0
if [ ! -f /etc/apt/sources.list.d/sid.sources ]; then
  printf 'Types: deb\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" >/etc/apt/sources.list.d/sid.sources
  changed=1
fi
if [ ! -f /etc/apt/preferences.d/sid ]; then
  printf 'Package: *\nPin: release n=sid\nPin-Priority: 100\n' >/etc/apt/preferences.d/sid
  changed=1
fi

export DEBIAN_FRONTEND=noninteractive
# The mirror is a dated snapshot: its Release files are past their Valid-Until.
if [ "$changed" = 1 ] || ! apt-cache madison docker-buildx 2>/dev/null | grep -q sid; then
  apt-get -o Acquire::Check-Valid-Until=false update -qq
fi

want=()
for p in "${SID_PACKAGES[@]}"; do
  installed "$p" && candidate_is_sid "$p" || want+=("$p/sid")
done
for p in "${BASE_PACKAGES[@]}"; do
  installed "$p" || want+=("$p")
done
if [ "${#want[@]}" -gt 0 ]; then
  echo "scripts/real/install.sh: installing ${want[*]}"
  # policy-rc.d: do not let the packages start their own daemons; the suite starts them by PID. One
  # that is already there (common in container images) is left as it is.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get -o Acquire::Check-Valid-Until=false install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
echo "scripts/real/install.sh: ready: $(/usr/bin/docker --version), $(/usr/bin/docker buildx version | cut -d' ' -f1-2), cosign $(cosign version 2>/dev/null | awk '/GitVersion/{print $2}')"
