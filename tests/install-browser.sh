#!/usr/bin/env bash
# Installs Debian's Chromium, which the HTML report tests open the report in, unless it is already there.
# Without root or sudo it only warns: the browser tests are then skipped (they fail when CI is set).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "warning: Chromium is missing and this user cannot install it; the HTML report tests will be skipped" >&2
        exit 0
    fi
    run_as_root=(sudo)
fi
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
