#!/usr/bin/env bash
# Times `strata db import` of the full Go and PyPI OSV snapshots
# (tests/data/feeds/osv-full/*.zip, 4,291 + 2,661 records) into a new
# database, then a re-import of the same data into that database. Prints
# the median wall time of BENCH_RUNS runs (default 3) and the peak RSS.
# Usage: bench/import-osv.sh [BUILD_DIR]   (default build-release; configure
# it with `meson setup build-release --buildtype=release`)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-release}
strata="$root/$build/cli/strata"
runs=${BENCH_RUNS:-3}
feeds=("$root/tests/data/feeds/osv-full/go.zip" "$root/tests/data/feeds/osv-full/pypi.zip")

if [ ! -x "$strata" ]; then
	echo "error: $strata not found; build it with ninja -C $build" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs one import and prints "wall_seconds max_rss_kb".
run_import() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$strata" db import -q --db "$1" "${feeds[@]}" \
		>/dev/null
	cat "$tmp/time"
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

for kind in new reimport; do
	: >"$tmp/walls"
	: >"$tmp/rss"
	for ((i = 0; i < runs; i++)); do
		rm -f "$tmp/vuln.db"
		if [ "$kind" = reimport ]; then
			run_import "$tmp/vuln.db" >/dev/null
		fi
		read -r wall rss < <(run_import "$tmp/vuln.db")
		echo "$wall" >>"$tmp/walls"
		echo "$rss" >>"$tmp/rss"
	done
	printf 'import-osv %-8s records 6952  median wall %s s  peak RSS %s MB\n' "$kind" \
		"$(median <"$tmp/walls")" \
		"$(sort -n "$tmp/rss" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')"
done
