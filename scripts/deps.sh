#!/usr/bin/env bash
# Installs the Debian packages that building and testing strata need,
# when any is missing. Usage: scripts/deps.sh [build|test|demo]
set -euo pipefail

build_pkgs=(gcc meson ninja-build pkg-config libarchive-dev libjansson-dev
	libsqlite3-dev libssl-dev zlib1g-dev libisal-dev libzstd-dev libyaml-dev
	libxml2-dev)
test_pkgs=(clang libclang-rt-14-dev mmdebstrap umoci skopeo python3 jq npm rpm
	tar gzip time liblog4j2-java golang-go)
demo_pkgs=(mmdebstrap python3 npm tar gzip)

case "${1:-build}" in
build) wanted=("${build_pkgs[@]}") ;;
test) wanted=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
demo) wanted=("${build_pkgs[@]}" "${demo_pkgs[@]}") ;;
*) echo "usage: $0 [build|test|demo]" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
	# npm may come from outside Debian (a newer Node.js); accept any npm.
	if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
		continue
	fi
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "error: missing packages ${missing[*]}; run as root or install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
