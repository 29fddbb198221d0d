#!/usr/bin/env bash
# Installs or checks what the test suite needs from the system, and says clearly what is missing.
# Java 17 runs Spark (local mode); PostgreSQL serves the scaled-out engine; Chromium renders pages.
set -euo pipefail

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "missing system packages: ${need_apt[*]} (install them, then run make test again)" >&2
    exit 1
  fi
fi
echo "system dependencies ok: $(java -version 2>&1 | head -1)"
