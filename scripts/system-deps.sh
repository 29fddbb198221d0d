#!/usr/bin/env bash
# Installs or checks what the test suite needs from the system, and says clearly what is missing:
#   Java 17     runs Spark in local mode (analytics on --engine spark)
#   PostgreSQL  the scaled-out orchestration store (tests start their own server: scripts/postgres.sh)
#   Chromium    renders pages and reports in UI tests (Playwright drives /usr/bin/chromium)
set -euo pipefail

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-dejavu-core)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "missing system packages: ${need_apt[*]} (install them as root, then run make test again)" >&2
    exit 1
  fi
fi
echo "system dependencies ok: $(java -version 2>&1 | head -1); $(ls -d /usr/lib/postgresql/*/bin | head -1); $(chromium --version 2>/dev/null)"
