#!/usr/bin/env bash
# Measures the CPU time of the work that an inventory scan of the bench
# image cannot skip, each part alone with the tool that does it fastest
# here. igzip inflates the three gzip blobs. openssl computes the SHA-256
# of every blob and of every uncompressed layer (the digest and diff_id
# checks). cat reads the files. strata scans the uncompressed
# docker-archive: its CPU time beyond one SHA-256 of the layers and their
# reading is the tar walk and the catalogers. The sum over the machine's
# cores is the shortest wall time a scan can have, which bench.sh
# compares with the floor (igzip -d of the largest blob).
#
# Usage: bench/lower-bound.sh
#
# Environment:
#   STRATA              strata binary (default build-release/cli/strata)
#   STRATA_BENCH_CACHE  image cache of bench.sh (default
#                       ~/.cache/strata-bench-image); run bench.sh first.
#   BENCH_RUNS          runs of each part (default 5); the median is shown.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
strata=${STRATA:-$top/build-release/cli/strata}
image=${STRATA_BENCH_CACHE:-$HOME/.cache/strata-bench-image}/image
runs=${BENCH_RUNS:-5}
for cmd in igzip openssl jq /usr/bin/time; do
	command -v "$cmd" >/dev/null || { echo "lower-bound: $cmd is missing" >&2; exit 1; }
done
[ -x "$strata" ] || { echo "lower-bound: no strata binary at $strata (set STRATA)" >&2; exit 1; }
[ -f "$image/image.json" ] || { echo "lower-bound: run bench/bench.sh first" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lower-bound.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

blobs=()
for digest in $(jq -r '.layers[].oci_digest' "$image/image.json"); do
	blobs+=("$image/oci/blobs/sha256/${digest#sha256:}")
done
largest=$(du -b "${blobs[@]}" | sort -n | tail -n 1 | cut -f 2)
# The uncompressed layers, in memory when /dev/shm has room for them.
tars=$tmp
need_kb=$(($(jq '[.layers[].size // 0] | add' "$image/image.json") / 1024 + 65536))
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 {print $4}')" -gt "$need_kb" ]; then
	tars=$(mktemp -d /dev/shm/lower-bound.XXXXXX)
	trap 'rm -rf "$tmp" "$tars"' EXIT
fi
for i in "${!blobs[@]}"; do
	igzip -dc "${blobs[$i]}" >"$tars/layer$i.tar"
done

# cpu NAME COMMAND: the median user + system seconds of COMMAND.
cpu() {
	local name=$1 i
	shift
	for ((i = 0; i < runs; i++)); do
		if ! /usr/bin/time -f '%U %S' -o "$tmp/time" bash -c "$*" >/dev/null 2>"$tmp/err"; then
			echo "lower-bound: $name failed: $(head -c 300 "$tmp/err")" >&2
			return 1
		fi
		awk '{print $1 + $2}' "$tmp/time"
	done | sort -n | awk -v n="$name" '{a[NR] = $1} END {print n, a[int((NR + 1) / 2)]}'
}

{
	cpu floor "igzip -dc '$largest' >/dev/null"
	cpu inflate "for b in ${blobs[*]}; do igzip -dc \$b >/dev/null; done"
	cpu read_blobs "cat ${blobs[*]} >/dev/null"
	cpu hash_blobs "openssl dgst -sha256 ${blobs[*]}"
	cpu read_tars "cat $tars/*.tar >/dev/null"
	cpu hash_tars "openssl dgst -sha256 $tars/*.tar"
	cpu read_archive "cat '$image/docker-archive.tar' >/dev/null"
	cpu scan_archive "'$strata' scan --no-vuln --format json 'docker-archive:$image/docker-archive.tar'"
} | tee "$tmp/parts"
awk -v cores="$(nproc)" '
	{ v[$1] = $2 }
	END {
		walk = v["scan_archive"] - (v["hash_tars"] - v["read_tars"]) - v["read_archive"]
		if (walk < 0) walk = 0
		work = v["inflate"] + v["hash_blobs"] + (v["hash_tars"] - v["read_tars"]) + walk
		printf "tar walk and catalogers: %.2f s of CPU\n", walk
		printf "work a scan cannot skip: %.2f s of CPU\n", work
		printf "on %d cores, at best:    %.2f s, %.2f times the floor\n",
			cores, work / cores, work / cores / v["floor"]
	}' "$tmp/parts"
