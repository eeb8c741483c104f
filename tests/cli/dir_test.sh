#!/usr/bin/env bash
# Scans of a root filesystem directory (dir:PATH). A jar and an executable
# are read through the walk's summarize hook, as in an image layer: a
# regression test for dir: scans, which once never summarized a file and
# so missed every Java archive and executable. The table of an
# inventory-only scan lists the packages.
#
# Environment: STRATA, the strata binary (default build/cli/strata).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

if ! command -v jq >/dev/null 2>&1; then
	fail "jq is installed" "run scripts/deps.sh test as root"
	finish
	exit
fi

# The tree: a jar with Maven metadata, nginx's version banner padded to
# 1 KiB as an executable, and a link to a host jar that must not be read.
root=$cli_tmp/root
mkdir -p "$root/opt/app" "$root/usr/sbin" "$root/usr/lib"
python3 - "$root/opt/app/demo.jar" <<'PY' || fail "python3 writes the jar"
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("META-INF/maven/org.example/demo-lib/pom.properties",
               "groupId=org.example\nartifactId=demo-lib\nversion=1.2.3\n")
PY
cp tests/data/binary/nginx.bin "$root/usr/sbin/nginx"
truncate -s 1024 "$root/usr/sbin/nginx"
chmod 0755 "$root/usr/sbin/nginx"
host_jar=$cli_tmp/host.jar
cp "$root/opt/app/demo.jar" "$host_jar"
ln -s "$host_jar" "$root/usr/lib/host.jar"

# JSON -------------------------------------------------------------------------
run scan --no-vuln --format json "dir:$root"
expect_status "dir scan exits 0" 0
expect_eq "jar found in dir scan" \
	"$(jq -r '.packages[] | select(.type == "maven") | "\(.name) \(.version) \(.path)"' "$cli_out")" \
	"org.example:demo-lib 1.2.3 opt/app/demo.jar"
expect_eq "executable found in dir scan" \
	"$(jq -r '.packages[] | select(.name == "nginx") | "\(.version) \(.path)"' "$cli_out")" \
	"1.22.1 usr/sbin/nginx"
expect_eq "linked host jar not read" \
	"$(jq '[.packages[] | select(.path | startswith("usr/lib"))] | length' "$cli_out")" "0"
expect_eq "the pseudo-layer's sizes are both the bytes of its files" \
	"$(jq -c '.layers[0] | [.size == .uncompressed_size, .size > 1024]' "$cli_out")" "[true,true]"
expect_eq "form is dir" "$(jq -r '.image.form' "$cli_out")" "dir"

# Table ------------------------------------------------------------------------
run scan --no-vuln "dir:$root"
expect_status "dir table scan exits 0" 0
expect_stdout "table counts packages" '^Packages: 2 \(generic 1, maven 1\)$'
expect_stdout "table has package header" '^TYPE +NAME +VERSION +LAYER +NOTE$'
expect_stdout "table lists the jar" '^maven +org\.example:demo-lib +1\.2\.3 +0 -$'
expect_stdout "table lists nginx" '^generic +nginx +1\.22\.1 +0 -$'
expect_stdout "table shows no platform for a directory" '^Platform: -$'
expect_stdout_not "table lines end without spaces" ' $'

# Bad input --------------------------------------------------------------------
printf 'PK\003\004 not a zip' >"$root/opt/app/broken.jar"
run scan --no-vuln --format json "dir:$root"
expect_status "dir scan with a broken jar exits 0" 0
expect_stderr "broken jar named in a warning" "broken\.jar"
expect_eq "jar still found next to a broken one" \
	"$(jq '[.packages[] | select(.type == "maven")] | length' "$cli_out")" "1"

# A package database behind a directory link --------------------------------
linked=$(mktemp -d "$cli_tmp/linked.XXXXXX")
mkdir -p "$linked/var/lib" "$linked/srv/dpkgdb" "$linked/usr/lib"
printf 'ID=debian\nVERSION_ID="12"\n' >"$linked/usr/lib/os-release"
printf 'Package: moved\nStatus: install ok installed\nVersion: 2\n' >"$linked/srv/dpkgdb/status"
ln -s ../../srv/dpkgdb "$linked/var/lib/dpkg"
run scan --no-vuln --format json "dir:$linked"
expect_status "linked dpkg directory: scan succeeds" 0
expect_eq "linked dpkg directory: the package is listed" \
	"$(jq -r '[.packages[] | select(.type == "deb") | .name] | join(",")' "$cli_out")" "moved"
expect_stderr "linked dpkg directory: the warning names both paths" \
	"var/lib/dpkg/status is reached through symbolic links in the image as srv/dpkgdb/status"

# A chain through a directory above no anchor, as on ostree systems
# (opt -> var/opt): the second walk finds the link at opt, a third reads
# the database behind it.
chain=$(mktemp -d "$cli_tmp/chain.XXXXXX")
mkdir -p "$chain/var/lib" "$chain/var/opt/db" "$chain/usr/lib"
printf 'ID=debian\nVERSION_ID="12"\n' >"$chain/usr/lib/os-release"
printf 'Package: chained\nStatus: install ok installed\nVersion: 3\n' >"$chain/var/opt/db/status"
ln -s /opt/db "$chain/var/lib/dpkg"
ln -s var/opt "$chain/opt"
run scan --no-vuln --format json "dir:$chain"
expect_status "link chain: scan succeeds" 0
expect_eq "link chain: the package is listed" \
	"$(jq -r '[.packages[] | select(.type == "deb") | .name] | join(",")' "$cli_out")" "chained"
expect_stderr "link chain: the warning names the end of the chain" \
	"var/lib/dpkg/status is reached through symbolic links in the image as var/opt/db/status; the directory was read 3 times"

finish
