#!/usr/bin/env bash
# Runs tests/cli/distro_images.py: one synthetic image per package database
# under tests/data/pkgdb/, its strata inventory compared with dpkg-query,
# rpm and the apk database's own lines. Needs python3, dpkg-query and
# rpm (scripts/deps.sh test installs them).
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${STRATA:=build/cli/strata}"
for tool in python3 dpkg-query rpm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "not ok - $tool is missing; run scripts/deps.sh test"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
exec python3 tests/cli/distro_images.py "$STRATA"
