#!/usr/bin/env bash
# Acceptance check of Go build information on a real Go program. The
# program is built offline with Debian's golang-go (installed by
# scripts/deps.sh test). Its main module uses two local modules through
# `replace` directives, and the binary goes into a one-layer OCI image. strata must report
# stdlib with the toolchain's version, the main module as "(devel)" and
# each local module as replaced. Then, with the Go vulnerability database
# of tests/data/feeds/osv-full/go.zip imported, the stdlib findings must be
# exactly the advisories whose SEMVER ranges include that version, as a
# python3 script evaluates them on its own.
#
# Environment: STRATA, the strata binary (default build/cli/strata).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

for tool in go python3 jq; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "$tool is installed" "run scripts/deps.sh test as root"
		finish
		exit
	fi
done
# "go version go1.19.8 linux/amd64" gives go1.19.8, and stdlib 1.19.8.
go_version=$(go version | cut -d' ' -f3)
stdlib_version=${go_version#go}

# The program and its two local modules --------------------------------------
src=$cli_tmp/src
mkdir -p "$src/app" "$src/moda" "$src/modb"
printf 'module example.com/moda\n\ngo 1.17\n' >"$src/moda/go.mod"
printf 'package moda\n\nfunc Name() string { return "a" }\n' >"$src/moda/a.go"
printf 'module example.org/team/modb\n\ngo 1.17\n' >"$src/modb/go.mod"
printf 'package modb\n\nfunc Name() string { return "b" }\n' >"$src/modb/b.go"
cat >"$src/app/go.mod" <<'EOF'
module example.net/app

go 1.17

require (
	example.com/moda v1.2.3
	example.org/team/modb v0.0.0-20200101000000-abcdef123456
)

replace example.com/moda => ../moda

replace example.org/team/modb => ../modb
EOF
cat >"$src/app/main.go" <<'EOF'
package main

import (
	"fmt"

	"example.com/moda"
	"example.org/team/modb"
)

func main() { fmt.Println(moda.Name(), modb.Name()) }
EOF

tree=$cli_tmp/tree
mkdir -p "$tree/usr/local/bin"
(cd "$src/app" && env GOFLAGS="-mod=mod -buildvcs=false" GOPROXY=off GOTOOLCHAIN=local \
	GOCACHE="$cli_tmp/gocache" GOPATH="$cli_tmp/gopath" \
	go build -o "$tree/usr/local/bin/app" .) >"$cli_tmp/build.log" 2>&1 ||
	fail "go builds the program offline" "$(cat "$cli_tmp/build.log")"

layer=$cli_tmp/layer.tar
python3 scripts/pack-image.py layer-diff --new "$tree" --out "$layer" \
	>"$cli_tmp/pack.log" 2>&1 || fail "pack-image.py writes the layer" "$(cat "$cli_tmp/pack.log")"
python3 scripts/pack-image.py pack --out "$cli_tmp/image" --name strata/golang-test \
	--layer "$layer" "COPY app /usr/local/bin/" --forms oci >"$cli_tmp/pack.log" 2>&1 ||
	fail "pack-image.py packs the image" "$(cat "$cli_tmp/pack.log")"

# The inventory -----------------------------------------------------------------
run scan --no-vuln --format json "$cli_tmp/image/oci"
expect_status "scan of the Go image exits 0" 0
json=$cli_tmp/inventory.json
cp "$cli_out" "$json"

# pkg NAME FIELD: FIELD of the golang package NAME found in the binary.
pkg() {
	jq -r --arg n "$1" --arg f "$2" '[.packages[] | select(.type == "golang" and
		.name == $n and .path == "usr/local/bin/app")] |
		if length == 1 then .[0][$f] // "null" else "count \(length)" end' "$json"
}

expect_eq "stdlib has the toolchain's version" "$(pkg stdlib version)" "$stdlib_version"
expect_eq "stdlib has its purl" "$(pkg stdlib purl)" "pkg:golang/stdlib@$stdlib_version"
expect_eq "the main module is (devel)" "$(pkg example.net/app version)" "(devel)"
expect_eq "the main module has its purl" "$(pkg example.net/app purl)" \
	"pkg:golang/example.net/app@%28devel%29"
expect_eq "moda is replaced by a local directory" "$(pkg example.com/moda version)" "(devel)"
expect_eq "moda keeps its required version" "$(pkg example.com/moda source_version)" "v1.2.3"
expect_eq "modb is replaced by a local directory" "$(pkg example.org/team/modb version)" \
	"(devel)"
expect_eq "modb keeps its required pseudo-version" \
	"$(pkg example.org/team/modb source_version)" "v0.0.0-20200101000000-abcdef123456"
expect_eq "modb has its purl" "$(pkg example.org/team/modb purl)" \
	"pkg:golang/example.org/team/modb@%28devel%29"
expect_eq "every package is found by the binary cataloger" \
	"$(jq '[.packages[] | select(.found_by != "binary")] | length' "$json")" 0

# The stdlib advisories ------------------------------------------------------------
db=$cli_tmp/vuln.db
run db import --db "$db" -q tests/data/feeds/osv-full/go.zip
expect_status "the Go vulnerability database imports" 0
run scan --db "$db" --format json "$cli_tmp/image/oci"
expect_status "scan with the Go database exits 0" 0
# A finding carries the CVE as its id when the advisory has one, and the
# Go database's own id among its aliases.
jq -r '[.findings[] | select(.package.name == "stdlib") | ([.id] + .aliases)[] |
	select(startswith("GO-"))] | unique | .[]' "$cli_out" >"$cli_tmp/found.txt"

# Evaluates the OSV ranges of ecosystem Go, package stdlib, as the OSV
# schema defines them, with Semantic Versioning 2.0.0 order.
python3 - tests/data/feeds/osv-full/go.zip "$stdlib_version" >"$cli_tmp/expected.txt" <<'EOF' ||
import json
import sys
import zipfile


def key(v):
    core, _, pre = v.partition("+")[0].partition("-")
    nums = tuple(int(x) for x in core.split("."))
    if not pre:
        return (nums, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (nums, 0, ids)


def affected(version, events):
    v = key(version)
    limits = [e["limit"] for e in events if "limit" in e]
    if limits and not any(v < key(lim) for lim in limits):
        return False
    hit = False
    points = []
    for e in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in e:
                points.append((kind, e[kind]))
    points.sort(key=lambda p: ((), 0, ()) if p[1] == "0" else key(p[1]))
    for kind, at in points:
        if kind == "introduced" and (at == "0" or v >= key(at)):
            hit = True
        elif kind == "fixed" and v >= key(at):
            hit = False
        elif kind == "last_affected" and v > key(at):
            hit = False
    return hit


path, version = sys.argv[1], sys.argv[2]
ids = set()
with zipfile.ZipFile(path) as z:
    for name in z.namelist():
        if not name.endswith(".json"):
            continue
        rec = json.loads(z.read(name))
        if rec.get("withdrawn"):
            continue
        for aff in rec.get("affected", []):
            p = aff.get("package", {})
            if p.get("ecosystem") != "Go" or p.get("name") != "stdlib":
                continue
            if version in aff.get("versions", []) or any(
                r.get("type") == "SEMVER" and affected(version, r.get("events", []))
                for r in aff.get("ranges", [])
            ):
                ids.add(rec["id"])
for i in sorted(ids):
    print(i)
EOF
	fail "python3 evaluates the stdlib ranges"

expect_eq "some stdlib advisories include $stdlib_version" \
	"$([ -s "$cli_tmp/expected.txt" ] && echo yes)" "yes"
if diff "$cli_tmp/expected.txt" "$cli_tmp/found.txt" >"$cli_tmp/diff.txt"; then
	pass "stdlib findings are exactly the advisories whose ranges include $stdlib_version"
else
	fail "stdlib findings are exactly the advisories whose ranges include $stdlib_version" \
		"expected < > found: $(head -c 600 "$cli_tmp/diff.txt")"
fi

finish
