#!/usr/bin/env bash
# Builds a two-layer image with umoci and converts it with skopeo, all on
# local files, for the image_real_tools unit test:
#   OUTDIR/oci         OCI layout directory, tag "t" (umoci, gzip layers)
#   OUTDIR/docker.tar  docker-archive (skopeo copy ... docker-archive:)
#   OUTDIR/oci.tar     oci-archive (skopeo copy ... oci-archive:)
# Exits 77 when umoci or skopeo is missing.
#
# Usage: tests/data/images/real-tools.sh OUTDIR
set -euo pipefail
out=${1:?usage: real-tools.sh OUTDIR}
command -v umoci >/dev/null && command -v skopeo >/dev/null || exit 77

umoci init --layout "$out/oci"
umoci new --image "$out/oci:t"
umoci unpack --rootless --image "$out/oci:t" "$out/bundle"
mkdir -p "$out/bundle/rootfs/etc"
printf 'ID=strata-real\n' > "$out/bundle/rootfs/etc/os-release"
umoci repack --image "$out/oci:t" "$out/bundle"
# repack diffs against the bundle's own unpack, so a second layer needs a
# fresh unpack of the first result.
umoci unpack --rootless --image "$out/oci:t" "$out/bundle2"
printf 'second layer\n' > "$out/bundle2/rootfs/hello.txt"
umoci repack --image "$out/oci:t" "$out/bundle2"
skopeo copy --quiet "oci:$out/oci:t" "docker-archive:$out/docker.tar:strata/real:t"
skopeo copy --quiet "oci:$out/oci:t" "oci-archive:$out/oci.tar:t"
