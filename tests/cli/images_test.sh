#!/usr/bin/env bash
# Acceptance checks on real Debian 12 images. scripts/build-images.sh builds
# the demo and layers images once, into the cache directory below. strata
# then scans each image in each of its four forms, and its JSON report must
# match the expected files written next to the image:
#   - installed deb packages (dpkg-query on the final file system that umoci
#     unpacked) and npm packages (node_modules/*/package.json there),
#   - the layer that introduced each package,
#   - the digests, diff_ids and history written by scripts/pack-image.py.
#
# Environment:
#   STRATA              strata binary (default build/cli/strata)
#   STRATA_IMAGE_CACHE  image cache (default ~/.cache/strata-test-images)
#   STRATA_SCAN_ARGS    scan options. By default, the option that turns off
#                       vulnerability matching, when "strata scan --help"
#                       lists one.
# The first run needs root, the Debian mirror and the npm registry.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

cache=${STRATA_IMAGE_CACHE:-$HOME/.cache/strata-test-images}
forms=(oci oci-archive docker-archive docker-oci-archive)

# fail_diff NAME EXPECTED ACTUAL: fails NAME showing the first differences.
fail_diff() {
	local lines
	lines=$(diff "$2" "$3" | grep '^[<>]' | head -n 12 | sed 's/^/#   /')
	fail "$1" "expected $(wc -l <"$2") lines, got $(wc -l <"$3"); < expected, > strata:"
	printf '%s\n' "$lines"
}

# expect_same NAME EXPECTED ACTUAL: the two files hold the same lines.
expect_same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail_diff "$1" "$2" "$3"
	fi
}

# expect_absent NAME JSON TYPE PACKAGE: no package TYPE/PACKAGE in JSON.
expect_absent() {
	local found
	found=$(jq -r --arg t "$3" --arg n "$4" \
		'[.packages[] | select(.type == $t and .name == $n)] | length' "$2")
	expect_eq "$1" "$found" 0
}

# Picks the scan option that skips vulnerability matching, if the help
# text lists one, so the checks need no vulnerability database.
scan_options() {
	if [ -n "${STRATA_SCAN_ARGS+set}" ]; then
		echo "$STRATA_SCAN_ARGS"
		return
	fi
	local help flag
	help=$("$STRATA" scan --help 2>&1)
	for flag in --no-vuln --no-vulns --skip-vuln --inventory-only; do
		if grep -qE -- "(^|[^[:alnum:]-])$flag([^[:alnum:]-]|$)" <<<"$help"; then
			echo "$flag"
			return
		fi
	done
}

ensure_jq() {
	command -v jq >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
}

# check_scan IMAGE FORM: scans one form of one image and compares.
check_scan() {
	local image=$1 form=$2 dir=$cache/$1 label="$1 $2"
	local meta=$dir/image.json json=$cli_tmp/$1-$2.json
	local path form_name manifest want got
	path=$dir/$(jq -r --arg f "$form" '.forms[$f].path' "$meta")
	form_name=$(jq -r --arg f "$form" '.forms[$f].form' "$meta")

	# shellcheck disable=SC2086 # scan options are words
	"$STRATA" scan --format json $options "$path" >"$json" 2>"$cli_err"
	status=$?
	if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
		fail "$label: scan succeeds" "exit $status; stderr: $(head -c 600 "$cli_err")"
		return
	fi
	if ! jq -e . "$json" >/dev/null 2>&1; then
		fail "$label: scan prints JSON" "stdout: $(head -c 300 "$json")"
		return
	fi
	pass "$label: scan succeeds"

	expect_eq "$label: schema" "$(jq -r .schema "$json")" "strata-scan/1"
	expect_eq "$label: form" "$(jq -r .image.form "$json")" "$form_name"
	expect_eq "$label: config digest" "$(jq -r .image.config_digest "$json")" \
		"$(jq -r .config_digest "$meta")"
	manifest=$(jq -r --arg f "$form" '.forms[$f].manifest_digest' "$meta")
	if [ "$manifest" != null ]; then
		expect_eq "$label: manifest digest" \
			"$(jq -r .image.manifest_digest "$json")" "$manifest"
	fi
	expect_eq "$label: os id" "$(jq -r .os.id "$json")" debian
	expect_eq "$label: os codename" "$(jq -r .os.version_codename "$json")" bookworm

	# Layers: diff_ids and history in order; blob digests where the form
	# has its own (gzip blobs in OCI, uncompressed blobs in Docker 25+).
	want=$(jq -r '.layers[].diff_id' "$meta")
	got=$(jq -r '.layers[].diff_id' "$json")
	expect_eq "$label: layer diff_ids" "$got" "$want"
	want=$(jq -r '.layers[].created_by' "$meta")
	got=$(jq -r '.layers[].created_by' "$json")
	expect_eq "$label: layer history" "$got" "$want"
	case "$form" in
	oci | oci-archive)
		want=$(jq -r '.layers[].oci_digest' "$meta") ;;
	docker-oci-archive)
		want=$(jq -r '.layers[].diff_id' "$meta") ;;
	*) want="" ;;
	esac
	if [ -n "$want" ]; then
		expect_eq "$label: layer digests" "$(jq -r '.layers[].digest' "$json")" "$want"
	fi

	# Packages against the expected lists.
	jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version) \(.arch)"' \
		"$json" | LC_ALL=C sort >"$cli_tmp/deb"
	expect_same "$label: deb packages" "$dir/expected-dpkg.txt" "$cli_tmp/deb"
	jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version) \(.path)"' \
		"$json" | LC_ALL=C sort >"$cli_tmp/npm"
	expect_same "$label: npm packages" "$dir/expected-npm.txt" "$cli_tmp/npm"
	jq -r '.packages[] | select(.type == "deb")
		| "\(.name) \(.version) \(.arch) \(.layer_index)"' \
		"$json" | LC_ALL=C sort >"$cli_tmp/deb-layers"
	expect_same "$label: deb layer_index" "$dir/expected-deb-layers.txt" \
		"$cli_tmp/deb-layers"
	jq -r '.packages[] | select(.type == "npm")
		| "\(.name) \(.version) \(.path) \(.layer_index)"' \
		"$json" | LC_ALL=C sort >"$cli_tmp/npm-layers"
	expect_same "$label: npm layer_index" "$dir/expected-npm-layers.txt" \
		"$cli_tmp/npm-layers"
	got=$(jq -r '. as $r | [.packages[]
		| select(.layer_digest != $r.layers[.layer_index].digest)] | length' "$json")
	expect_eq "$label: layer_digest matches layer_index" "$got" 0

	# Packages that a later layer removed.
	case "$image" in
	demo)
		expect_absent "$label: purged curl absent" "$json" deb curl
		;;
	layers)
		expect_absent "$label: purged file absent" "$json" deb file
		expect_absent "$label: removed logrotate (config-files) absent" "$json" deb logrotate
		expect_absent "$label: npm package under opaque dir absent" "$json" npm left-pad
		expect_absent "$label: npm package with whiteout package.json absent" "$json" npm gone
		;;
	esac
}

if ! ensure_jq; then
	fail "jq available" "install jq (Debian package jq)"
	finish
	exit
fi

log=$cli_tmp/build.log
if scripts/build-images.sh "$cache" >"$log" 2>&1; then
	pass "images built in $cache"
else
	fail "images built in $cache" "scripts/build-images.sh failed:"
	tail -n 20 "$log" | sed 's/^/#   /'
	finish
	exit
fi

if [ ! -x "$STRATA" ]; then
	fail "strata binary exists" "$STRATA is missing; build it first (ninja -C build)"
	finish
	exit
fi
options=$(scan_options)
echo "# scan options: ${options:-(none)}"

for image in demo layers; do
	for form in "${forms[@]}"; do
		check_scan "$image" "$form"
	done
done
finish
