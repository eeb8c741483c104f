#!/usr/bin/env bash
# Runs tests/cli/vendor_feeds.py. It imports each vendor feed fixture under
# tests/data/feeds/ into a fresh database and scans an image of one of its
# releases. The findings must equal the ones the script works out from the
# feed itself. Needs python3, dpkg, rpm and rpmbuild (scripts/deps.sh test
# installs them).
set -u
cd "$(dirname "$0")/../.." || exit 1
: "${STRATA:=build/cli/strata}"
for tool in python3 dpkg rpm rpmbuild; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "not ok - $tool is missing; run scripts/deps.sh test"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
exec python3 tests/cli/vendor_feeds.py "$STRATA"
