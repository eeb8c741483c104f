#!/usr/bin/env bash
# Builds the benchmark image without a container engine. It has three
# layers of real Debian 12 packages, 1.54 GB of uncompressed layer tars
# when built on 2026-12-04 (sizes change with the mirror's versions):
#   layer 0  minbase with curl and ca-certificates (186 MB)
#   layer 1  + build-essential, python3, perl (304 MB)
#   layer 2  + golang-1.19-go, clang-14, openjdk-17-jdk-headless (1054 MB)
# One mmdebstrap run installs everything. Customize hooks copy the tree out
# after each step, and scripts/pack-image.py diffs the copies into layers.
#
# Usage: bench/make-bench-image.sh OUTDIR
#
# Writes, once (later runs reuse a complete result):
#   OUTDIR/image/oci/                 OCI image layout, gzip layers, tag latest
#   OUTDIR/image/docker-archive.tar   docker save format (uncompressed layers)
#   OUTDIR/image/image.json           digests and sizes (pack-image.py)
#   OUTDIR/complete.stamp             written last
# Needs root, a Debian mirror and about 8 GB of free space while building
# (2 GB when done). STRATA_MMDEBSTRAP_MIRROR, when set, is passed to
# mmdebstrap as its MIRROR argument (a URL or a sources file).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pack="$top/scripts/pack-image.py"
out=${1:?usage: bench/make-bench-image.sh OUTDIR}

export SOURCE_DATE_EPOCH=1717200000
export LC_ALL=C
base_include=curl,ca-certificates
layer1_packages="build-essential python3 perl"
layer2_packages="golang-1.19-go clang-14 openjdk-17-jdk-headless"

log() {
	echo "make-bench-image: [${SECONDS}s] $*" >&2
}

die() {
	echo "make-bench-image: error: $*" >&2
	exit 1
}

ensure_tools() {
	local missing=()
	command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
	command -v python3 >/dev/null 2>&1 || missing+=(python3)
	command -v flock >/dev/null 2>&1 || missing+=(util-linux)
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Removes a tree this script made under $out. Any other path is an error,
# and rm never crosses into another mounted file system.
remove_tree() {
	case "$1" in
	"$out"/?*) ;;
	*) die "cannot remove $1: the path is outside $out" ;;
	esac
	rm -rf --one-file-system -- "$1"
}

fingerprint() {
	cat "$top/bench/make-bench-image.sh" "$pack" | sha256sum | cut -d' ' -f1
}

# Writes $work/snapshot.sh CHROOT N, the hook that copies the chroot to
# $work/step-N. It leaves out what only exists while mmdebstrap runs:
# mounted /dev, /proc and /sys, apt's lists and package cache, its setup
# config, and the host's resolv.conf and hostname.
write_snapshot_script() {
	cat >"$1/snapshot.sh" <<'EOF_HOOK'
set -e
root=$1
dest=$BENCH_WORK/step-$2
mkdir "$dest"
tar -C "$root" --one-file-system --numeric-owner \
	--exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
	--exclude='./run/*' --exclude='./tmp/*' \
	--exclude='./var/lib/apt/lists/*' --exclude='./var/cache/apt/*' \
	--exclude=./etc/apt/apt.conf.d/00mmdebstrap \
	--exclude=./etc/resolv.conf --exclude=./etc/hostname \
	-cf "$dest.tar" .
tar -C "$dest" --numeric-owner --same-owner -xpf "$dest.tar"
rm -f "$dest.tar"
EOF_HOOK
}

build() {
	local work=$out/work
	remove_tree "$work"
	mkdir -p "$work"
	export BENCH_WORK=$work

	write_snapshot_script "$work"
	log "mmdebstrap: base, then $layer1_packages, then $layer2_packages"
	# Hooks run under sh with the chroot as $1; the single quotes are meant.
	# shellcheck disable=SC2016
	local install='DEBIAN_FRONTEND=noninteractive chroot "$1" apt-get install -y -q --no-install-recommends'
	# shellcheck disable=SC2016
	mmdebstrap --quiet --variant=minbase --include="$base_include" --format=tar \
		--customize-hook='sh "$BENCH_WORK/snapshot.sh" "$1" 0' \
		--customize-hook="$install $layer1_packages" \
		--customize-hook='sh "$BENCH_WORK/snapshot.sh" "$1" 1' \
		--customize-hook="$install $layer2_packages" \
		--customize-hook='rm -f "$1/etc/resolv.conf" "$1/etc/hostname"' \
		bookworm "$work/final.tar" ${STRATA_MMDEBSTRAP_MIRROR:+"$STRATA_MMDEBSTRAP_MIRROR"} >&2
	mkdir "$work/step-2"
	tar -C "$work/step-2" --numeric-owner --same-owner -xpf "$work/final.tar" \
		--exclude='./dev/*'
	rm -f "$work/final.tar"

	log "diffing the steps into layers"
	python3 "$pack" layer-diff --new "$work/step-0" --out "$work/0.tar"
	python3 "$pack" layer-diff --old "$work/step-0" --new "$work/step-1" \
		--out "$work/1.tar"
	python3 "$pack" layer-diff --old "$work/step-1" --new "$work/step-2" \
		--out "$work/2.tar"
	remove_tree "$work/step-0"
	remove_tree "$work/step-1"
	remove_tree "$work/step-2"

	log "packing (OCI layout with gzip layers, docker-archive)"
	remove_tree "$out/image"
	python3 "$pack" pack --out "$out/image" --name strata/bench --tag latest \
		--forms oci,docker-archive \
		--layer "$work/0.tar" "mmdebstrap --variant=minbase --include=$base_include bookworm" \
		--layer "$work/1.tar" "apt-get install --no-install-recommends $layer1_packages" \
		--layer "$work/2.tar" "apt-get install --no-install-recommends $layer2_packages" \
		--cmd '["bash"]'
	remove_tree "$work"
}

# Returns success when $out holds a complete build of the current inputs.
is_complete() {
	[ "$(cat "$out/complete.stamp" 2>/dev/null)" = "$want" ]
}

main() {
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	want=$(fingerprint)
	if is_complete; then
		log "reusing $out/image"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || die "run as root to build the image (mmdebstrap root mode, owners kept on unpack)"
	exec 9>"$out/.lock"
	flock 9
	# Another run may have finished the build while this one waited.
	if is_complete; then
		log "reusing $out/image"
		return 0
	fi
	ensure_tools
	rm -f "$out/complete.stamp"
	build
	printf '%s\n' "$want" >"$out/complete.stamp"
	log "done: $(du -sh "$out/image/oci" | cut -f1) OCI layout," \
		"$(du -sh "$out/image/docker-archive.tar" | cut -f1) docker-archive"
}

main
