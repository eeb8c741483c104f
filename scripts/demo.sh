#!/usr/bin/env bash
# The demo: builds strata, builds (once) a real Debian 12 image with a
# Node.js app at old versions, imports real advisories and scans the
# image, in both its docker-archive and OCI layout forms.
#
# Usage: scripts/demo.sh
# Needs root on first run (apt-get for missing tools, mmdebstrap). The
# image is cached in $XDG_CACHE_HOME/strata/demo-images (default
# ~/.cache) and reused; the advisory database is rebuilt every run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

cache=${XDG_CACHE_HOME:-$HOME/.cache}/strata
images=$cache/demo-images
db=$cache/demo-vuln.db

say() {
	if [ -t 1 ]; then
		printf '\n\033[1m== %s\033[0m\n' "$*"
	else
		printf '\n== %s\n' "$*"
	fi
}

say "Installing missing build tools and building strata"
scripts/deps.sh demo
if [ ! -d build ]; then
	meson setup build >/dev/null
fi
ninja -C build >/dev/null
strata=$top/build/cli/strata

say "Building the demo image (cached in $images)"
scripts/build-images.sh "$images"
image_dir=$images/demo

say "Importing advisories: a Debian security tracker sample (no entry for this image's packages) and GitHub advisories for npm (OSV)"
rm -f "$db"
"$strata" db import --db "$db" -q \
	tests/data/feeds/debian/security-tracker-debian.json \
	tests/data/feeds/osv/npm
"$strata" db status --db "$db"

say "strata scan --exit-code 1 docker-archive:$image_dir/docker-archive.tar"
set +e
"$strata" scan --db "$db" --exit-code 1 "docker-archive:$image_dir/docker-archive.tar"
status=$?
set -e

say "The same image as an OCI layout: strata scan oci:$image_dir/oci:latest"
set +e
"$strata" scan --db "$db" --exit-code 1 "oci:$image_dir/oci:latest" | grep -E '^(Packages|Findings):'
oci_status=${PIPESTATUS[0]}
set -e

echo
if [ "$oci_status" -ne "$status" ]; then
	echo "the OCI layout scan exited with $oci_status, the docker-archive scan with $status" >&2
	exit 1
fi
case "$status" in
1)
	echo "strata exited with status 1: findings remain, so a CI job gating on"
	echo "'strata scan --exit-code 1' would fail here (OCI form: status $oci_status)."
	;;
0)
	echo "strata exited with status 0: no findings (unexpected for this image)."
	exit 1
	;;
*)
	echo "strata failed with status $status." >&2
	exit "$status"
	;;
esac
