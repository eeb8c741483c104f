#!/usr/bin/env bash
# Acceptance checks of `strata layers` and `strata scan --layers all` on
# the 5-layer "layers" image that scripts/build-images.sh builds (see
# tests/cli/images_test.sh). The expected figures are computed here,
# independently of strata: python3's tarfile unpacks the layer tars of the
# OCI layout one at a time into a path dictionary, and dpkg-query lists
# the packages of each layer's dpkg status file.
#
# Environment:
#   STRATA              strata binary (default build/cli/strata)
#   STRATA_IMAGE_CACHE  image cache (default ~/.cache/strata-test-images)
# The first run needs root, the Debian mirror and the npm registry.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

cache=${STRATA_IMAGE_CACHE:-$HOME/.cache/strata-test-images}
image=$cache/layers

# expect_same NAME EXPECTED ACTUAL: the two files hold the same lines.
expect_same() {
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "expected $(wc -l <"$2") lines, got $(wc -l <"$3"); < expected, > strata:"
		diff "$2" "$3" | grep '^[<>]' | head -n 12 | sed 's/^/#   /'
	fi
}

ensure_tools() {
	command -v jq >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq dpkg >/dev/null 2>&1 ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq dpkg >/dev/null; }
}

# Writes the expected figures of the OCI layout $1 to $2 (files) and $3
# (deb package changes), using work directory $4.
compute_expected() {
	python3 - "$1" "$2" "$3" "$4" <<'EOF'
import json, os, subprocess, sys, tarfile

layout, files_out, pkgs_out, work = sys.argv[1:5]
STATUS = "var/lib/dpkg/status"

def blob(digest):
    return os.path.join(layout, "blobs", *digest.split(":", 1))

index = json.load(open(os.path.join(layout, "index.json")))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))

def norm(name):
    parts = [p for p in name.split("/") if p not in ("", ".")]
    return "/".join(parts)

def under(path, top):
    return top == "" or path == top or path.startswith(top + "/")

def installed(status_bytes):
    """NAME ARCH -> VERSION of the installed packages, by dpkg-query."""
    if status_bytes is None:
        return {}
    admin = os.path.join(work, "admindir")
    os.makedirs(os.path.join(admin, "updates"), exist_ok=True)
    os.makedirs(os.path.join(admin, "info"), exist_ok=True)
    with open(os.path.join(admin, "status"), "wb") as f:
        f.write(status_bytes)
    out = subprocess.run(["dpkg-query", "--admindir=" + admin, "-W", "-f",
                          "${db:Status-Status} ${Package} ${Version} ${Architecture}\n"],
                         check=True, capture_output=True, text=True).stdout
    states = {"installed", "triggers-pending", "triggers-awaiting",
              "half-configured", "unpacked"}
    result = {}
    for line in out.splitlines():
        state, name, version, arch = line.split(" ")
        if state in states:
            result[(name, arch)] = version
    return result

def version_order(a, b):
    if subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0:
        return "upgraded"
    return "downgraded"

# view: path -> (kind, size, layer); kind is "dir" or "file".
view = {}
status = None          # content of the status file in the view
packages = {}          # its installed packages, as of the last layer that touched it
total_content = 0
total_wasted = 0
file_lines = []
pkg_lines = []
for layer, desc in enumerate(manifest["layers"]):
    before = {p: v[1] for p, v in view.items() if v[0] == "file"}
    written = {}
    status_touched = False
    with tarfile.open(blob(desc["digest"]), "r:*") as tar:
        for m in tar:
            path = norm(m.name)
            if path == "":
                continue
            base = path.rsplit("/", 1)[-1]
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            if base == ".wh..wh..opq":
                for p in [p for p, v in view.items()
                          if p.startswith(parent + "/" if parent else "") and p != parent
                          and v[2] < layer]:
                    del view[p]
                status_touched |= under(STATUS, parent)
                continue
            if base.startswith(".wh."):
                victim = (parent + "/" if parent else "") + base[4:]
                for p in [p for p, v in view.items() if under(p, victim) and v[2] < layer]:
                    del view[p]
                status_touched |= under(STATUS, victim)
                continue
            size = m.size if m.isreg() else 0
            total_content += size
            if m.isdir():
                if path in view and view[path][0] == "file":
                    del view[path]
                view[path] = ("dir", 0, layer)
                continue
            for p in [p for p in view if under(p, path)]:
                del view[p]
            view[path] = ("file", size, layer)
            written[path] = size
            if path == STATUS:
                status = tar.extractfile(m).read()
                status_touched = True
    after = {p: v[1] for p, v in view.items() if v[0] == "file"}
    added = [p for p in written if p not in before]
    modified = [p for p in written if p in before]
    removed = [p for p in before if p not in after]
    if STATUS not in after:
        status = None
    total_wasted += sum(before[p] for p in modified) + sum(before[p] for p in removed)
    file_lines.append("layer %d added %d %d modified %d %d removed %d %d" % (
        layer, len(added), sum(written[p] for p in added),
        len(modified), sum(written[p] for p in modified),
        len(removed), sum(before[p] for p in removed)))
    if not status_touched:
        continue
    old = packages
    packages = installed(status)
    for key in sorted(set(old) | set(packages)):
        name, arch = key
        if key not in packages:
            pkg_lines.append("%d removed %s %s %s" % (layer, name, arch, old[key]))
        elif key not in old:
            pkg_lines.append("%d added %s %s %s" % (layer, name, arch, packages[key]))
        elif old[key] != packages[key]:
            pkg_lines.append("%d %s %s %s %s" % (layer, version_order(old[key], packages[key]),
                                                 name, arch, packages[key]))
file_lines.append("content %d wasted %d" % (total_content, total_wasted))
with open(files_out, "w") as f:
    f.write("\n".join(file_lines) + "\n")
with open(pkgs_out, "w") as f:
    f.write("".join(line + "\n" for line in sorted(pkg_lines)))
EOF
}

if ! ensure_tools; then
	fail "jq and dpkg-query available" "install the Debian packages jq and dpkg"
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

# Expected figures, computed without strata.
mkdir -p "$cli_tmp/work"
if compute_expected "$image/oci" "$cli_tmp/want-files.txt" "$cli_tmp/want-deb.txt" \
	"$cli_tmp/work" 2>"$cli_tmp/python.err"; then
	pass "expected figures computed from the layer tars"
else
	fail "expected figures computed from the layer tars" "$(head -c 600 "$cli_tmp/python.err")"
	finish
	exit
fi

for form in oci oci-archive docker-oci-archive; do
	path=$image/$(jq -r --arg f "$form" '.forms[$f].path' "$image/image.json")
	json=$cli_tmp/layers-$form.json
	"$STRATA" layers --format json "$path" >"$json" 2>"$cli_err"
	status=$?
	expect_status "$form: layers succeeds" 0
	[ "$status" -eq 0 ] || continue
	expect_eq "$form: schema" "$(jq -r .schema "$json")" "strata-layers/1"
	expect_eq "$form: layer count" "$(jq '.layers | length' "$json")" 5

	jq -r '.layers[] | "layer \(.index) added \(.files.added.count) \(.files.added.bytes) modified \(.files.modified.count) \(.files.modified.bytes) removed \(.files.removed.count) \(.files.removed.bytes)"' \
		"$json" >"$cli_tmp/got-files.txt"
	jq -r '.totals | "content \(.content_bytes) wasted \(.wasted_bytes)"' "$json" \
		>>"$cli_tmp/got-files.txt"
	expect_same "$form: files added, modified, removed per layer" \
		"$cli_tmp/want-files.txt" "$cli_tmp/got-files.txt"

	jq -r '.layers[] | .index as $i | .packages[] | select(.type == "deb") | "\($i) \(.change) \(.name) \(.arch) \(.version // .previous_version)"' \
		"$json" | sort >"$cli_tmp/got-deb.txt"
	expect_same "$form: deb package changes per layer" "$cli_tmp/want-deb.txt" \
		"$cli_tmp/got-deb.txt"

	awk '{ print $1, $2, $4 }' "$image/expected-npm-layers.txt" | sort >"$cli_tmp/want-npm.txt"
	jq -r '.layers[] | .index as $i | .packages[] | select(.type == "npm") | "\(.name) \(.version) \($i)"' \
		"$json" | sort >"$cli_tmp/got-npm.txt"
	expect_same "$form: npm packages added by their final layer" "$cli_tmp/want-npm.txt" \
		"$cli_tmp/got-npm.txt"

	jq -r '.layers[].created_by' "$image/image.json" >"$cli_tmp/want-history.txt"
	jq -r '.layers[].created_by' "$json" >"$cli_tmp/got-history.txt"
	expect_same "$form: created_by aligned past the empty_layer entry" \
		"$cli_tmp/want-history.txt" "$cli_tmp/got-history.txt"
	expect_eq "$form: empty_layer entry has no layer" \
		"$(jq -c '[.history[] | select(.empty_layer) | .layer_index]' "$json")" "[null]"
	expect_eq "$form: efficiency = 1 - wasted / content" \
		"$(jq '.totals | ((1 - .wasted_bytes / .content_bytes) - .efficiency | fabs) < 1e-9' "$json")" \
		true
	expect_eq "$form: top wasted path" "$(jq -r '.wasted_paths[0].path' "$json")" \
		"usr/lib/file/magic.mgc"
	expect_eq "$form: at most 20 wasted paths, largest first" \
		"$(jq '.wasted_paths | length <= 20 and (map(.bytes) == (map(.bytes) | sort | reverse))' "$json")" \
		true
done

# The table names every layer and the totals.
run layers "$image/oci"
expect_status "table: succeeds" 0
expect_stdout "table: the empty_layer entry" 'no layer.*ENV STRATA_LAYERS_TEST=1'
expect_stdout "table: removed packages" '- deb logrotate 3\.21\.0-1'
expect_stdout "table: efficiency" 'efficiency [0-9]+\.[0-9]+ %'

# scan --layers all lists the packages that layer 2 removed.
run scan --no-vuln --format json --layers all "$image/oci"
expect_status "scan --layers all: succeeds" 0
cp "$cli_out" "$cli_tmp/all.json"
expect_eq "scan --layers all: removed deb packages and their layer" \
	"$(jq -r '[.packages[] | select(.flags | index("removed")) | "\(.name):\(.layer_index):\(.removed_in)"] | sort | join(" ")' "$cli_tmp/all.json")" \
	"file:1:2 libmagic-mgc:1:2 libmagic1:1:2 logrotate:1:2"
run scan --no-vuln --format json "$image/oci"
expect_eq "scan without --layers all: no removed packages" \
	"$(jq '[.packages[] | select(.flags | index("removed"))] | length' "$cli_out")" 0
run scan --no-vuln --layers every "$image/oci"
expect_status "scan --layers every: usage error" 2
expect_stderr "scan --layers every: message" "--layers: expected squashed or all"

# Bad input and guards.
run layers
expect_status "no IMAGE: usage error" 2
run layers --format xml "$image/oci"
expect_status "--format xml: usage error" 2
run layers --help
expect_status "--help: exit 0" 0
expect_stdout "--help: describes wasted bytes" 'wasted'
run layers "$cli_tmp/missing-image"
expect_status "missing image: scan error" 3
mkdir -p "$cli_tmp/rootfs"
run layers "dir:$cli_tmp/rootfs"
expect_status "dir: image: usage error" 2
expect_stderr "dir: image: message" 'has no layers'
# An unreadable package database shows as "?", and the table explains it.
run layers --limit cataloged_file_bytes=100 "$image/oci"
expect_status "unreadable package database: exit 0" 0
expect_stdout "unreadable package database: ? explained" \
	'\? in PACKAGES: a package database of that layer could not be read'
run layers "$image/oci"
if grep -q '? in PACKAGES' "$cli_out"; then
	fail "readable package databases: no ? legend"
else
	pass "readable package databases: no ? legend"
fi
run layers --limit entries_per_layer=100 "$image/oci"
expect_status "entries_per_layer limit: error" 3
expect_stderr "entries_per_layer limit: names the limit" 'entries_per_layer'

# A corrupt layer blob: the error names its digest.
cp -r "$image/oci" "$cli_tmp/corrupt"
digest=$(jq -r '.layers[3].oci_digest' "$image/image.json")
blob=$cli_tmp/corrupt/blobs/sha256/${digest#sha256:}
printf 'garbage' | dd of="$blob" bs=1 seek=40 conv=notrunc status=none
run layers "$cli_tmp/corrupt"
expect_status "corrupt layer: error" 3
expect_stderr "corrupt layer: names the digest" "${digest#sha256:}"

# A docker-archive whose foreign base layer (LayerSources) is left out:
# the layer is listed and marked, the other one is read.
foreign=tests/data/images/docker-foreign.tar
run layers "$foreign"
expect_status "foreign layer absent: exit 0" 0
expect_stderr "foreign layer absent: warning with urls" \
	'foreign layer blob not found, its files are not scanned; urls: https://mcr.example/a, https://mcr.example/b'
expect_stdout "foreign layer absent: marked in the table" \
	'^  0 +444444444444 .*\(foreign layer, blob absent: not read\)  ADD rootfs.tar /'
expect_stdout "foreign layer absent: the next layer is read" '^  1 +[0-9a-f]{12} .* 1 \(19 B\) '
run layers --format json "$foreign"
expect_eq "foreign layer absent: JSON flags" \
	"$(jq -c '[.layers[] | [.foreign, .skipped]]' "$cli_out")" '[[true,true],[false,false]]'
run layers --format json tests/data/images/docker-foreign-present.tar
expect_eq "foreign layer present: read and flagged" \
	"$(jq -c '[.layers[] | [.foreign, .skipped, .files.added.count]]' "$cli_out")" \
	'[[true,false,2],[false,false,1]]'
finish
