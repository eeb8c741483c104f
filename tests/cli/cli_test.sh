#!/usr/bin/env bash
# CLI tests on small data in the repository: usage, exit codes, vercmp,
# database import and status, scans of crafted images and their errors.
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh

data=tests/data

# Usage and help ---------------------------------------------------------
run
expect_status "no command is a usage error" 2
run frobnicate
expect_status "unknown command is a usage error" 2
expect_stderr "unknown command is named" "unknown command 'frobnicate'"
run --help
expect_status "help exits 0" 0
expect_stdout "help lists scan" "scan IMAGE"
run version
expect_stdout "version prints the version" "^strata [0-9]+\.[0-9]+\.[0-9]+"
run scan
expect_status "scan without image is a usage error" 2
run scan --format xml x
expect_status "scan with unknown format is a usage error" 2
run scan --severity HIGH,BOGUS x
expect_status "scan with unknown severity is a usage error" 2
expect_stderr "unknown severity is named" "BOGUS"
run scan --status fixed,wontfix x
expect_status "scan with unknown status is a usage error" 2
expect_stderr "unknown status is named" "unknown status 'wontfix'"
run scan --status , x
expect_status "scan with an empty status list is a usage error" 2
run scan --severity HIGH, x
expect_status "scan with a trailing comma in --severity is a usage error" 2
run scan --status fixed, x
expect_status "scan with a trailing comma in --status is a usage error" 2
run scan --help
expect_stdout "scan help lists the status filter" "--status LIST"
expect_stdout "scan help lists --show-owned" "--show-owned"
run scan --exit-code 3 x
expect_status "exit code colliding with scan errors is rejected" 2
run scan --exit-code 0 x
expect_status "exit code 0, a gate that never fails, is rejected" 2
expect_stderr "exit code 0 rejection names the range" "not a number from 1 to 125"
run scan --limit nosuch=1 x
expect_status "unknown limit is a usage error" 2
run scan --limit layers=0 x
expect_status "zero limit is a usage error" 2
run scan --no-vuln --limit scan_threads=0 --format json "$data/images/oci-dir"
expect_status "scan_threads=0, its documented default, is accepted" 0

# vercmp -------------------------------------------------------------------
run vercmp deb 1:1.0-1 2.0-1
expect_stdout "vercmp deb epoch wins" "^>$"
run vercmp deb 1.0~rc1-1 1.0-1
expect_stdout "vercmp deb tilde sorts first" "^<$"
run vercmp deb 1.0-1 1.0-1
expect_stdout "vercmp deb equal" "^=$"
run vercmp npm 1.0.0-alpha 1.0.0
expect_stdout "vercmp npm prerelease sorts first" "^<$"
run vercmp npm 1.0.0+build1 1.0.0+build2
expect_stdout "vercmp npm ignores build metadata" "^=$"
run vercmp npm 1.2 1.0.0
expect_status "vercmp npm invalid version is an error" 2
expect_stderr "vercmp names the invalid version" "1\.2"
run vercmp cobol 1 2
expect_status "vercmp unknown ecosystem is an error" 2
expect_eq "vercmp unknown ecosystem is one line" "$(wc -l <"$cli_err")" "1"
expect_stderr "vercmp unknown ecosystem points at the list" "vercmp --help' lists the ecosystems"
run vercmp deb 1.0
expect_status "vercmp with two arguments is a usage error" 2
expect_eq "vercmp with two arguments says so in one line" "$(cat "$cli_err")" \
	"strata: error: vercmp takes ECOSYSTEM A B, got 2 arguments; see 'strata vercmp --help'"

# Output that cannot be written fails the command (exit 3), for the
# commands whose output scripts read as well as for the reports.
if [ -w /dev/full ]; then
	for args in "vercmp deb 1 2" "version" "--help"; do
		# shellcheck disable=SC2086 # the words are separate arguments
		"$STRATA" $args >/dev/full 2>"$cli_err"
		status=$?
		expect_status "$args to a full disk exits 3" 3
		expect_stderr "$args to a full disk says so" \
			"^strata: error: writing to standard output failed: No space left on device$"
	done
else
	skip "writes to /dev/full" "/dev/full is not writable here"
fi

# Database -------------------------------------------------------------------
db="$cli_tmp/vuln.db"
run db import --db "$db" "$data/feeds/debian/security-tracker-debian.json" "$data/feeds/osv/npm"
expect_status "db import of tracker and OSV succeeds" 0
expect_stdout "db import reports counts" "imported [1-9][0-9]* records"
run db status --db "$db"
expect_status "db status succeeds" 0
expect_stdout "db status lists the Debian tracker" "debian"
expect_stdout "db status lists OSV" "osv"
expect_stdout "db status lists the coverage of a Debian release" \
	"^  deb +debian:bookworm +[1-9][0-9]* rows +[1-9][0-9]* packages$"
expect_stdout "db status lists the npm coverage for any release" \
	"^  npm +\(any release\) +[1-9][0-9]* rows +[1-9][0-9]* packages$"
before=$(grep -v '^database:' "$cli_out" | sed -E 's/imported .*//')
run db import --db "$db" "$data/feeds/osv/npm" "$cli_tmp/does-not-exist"
expect_status "db import of a missing path fails" 3
expect_stderr "db import names the missing path" "does-not-exist"
run db status --db "$db"
after=$(grep -v '^database:' "$cli_out" | sed -E 's/imported .*//')
expect_eq "failed import leaves the counts unchanged" "$after" "$before"
gzip -c "$data/feeds/debian/security-tracker-debian.json" >"$cli_tmp/tracker.json.gz"
run db import --db "$cli_tmp/gz.db" "$cli_tmp/tracker.json.gz"
expect_status "db import of a gzip file fails" 3
expect_stderr "db import says to decompress" "compressed with gzip; decompress it first"
printf 'hello\n' >"$cli_tmp/hello.txt"
run db import --db "$cli_tmp/txt.db" "$cli_tmp/hello.txt"
expect_status "db import of a non-feed fails" 3
expect_stderr "db import points at the format list" "not a feed format strata reads"
run db import --db "$cli_tmp/opt.db" --bogus "$cli_tmp/hello.txt"
expect_status "db import with an unknown option is a usage error" 2
expect_eq "db import names the unknown option in one line" "$(cat "$cli_err")" \
	"strata: error: unknown option '--bogus'; see 'strata db --help'"
run db status --db
expect_status "db status --db without a value is a usage error" 2
expect_eq "db status names the option without a value in one line" "$(cat "$cli_err")" \
	"strata: error: option '--db' needs a value; see 'strata db --help'"
run db import --help
expect_stdout "db import help lists OVAL" "OVAL"
mkdir -p "$cli_tmp/tracker-data/DSA"
cp "$data/feeds/debian/DSA-list-excerpt" "$cli_tmp/tracker-data/DSA/list"
printf 'not a feed\n' >"$cli_tmp/tracker-data/README"
run db import --db "$cli_tmp/dsa.db" "$cli_tmp/tracker-data"
expect_status "db import of a tracker data directory succeeds" 0
expect_stdout "db import reads DSA/list inside a directory" "^imported [1-9][0-9]* records from 1 file$"
printf '{"not": "a feed"}\n' >"$cli_tmp/tracker-data/other.json"
run db import --db "$cli_tmp/dsa.db" "$cli_tmp/tracker-data"
expect_stdout "db import counts a JSON file of no known format apart from records" \
	"^imported [1-9][0-9]* records from 1 file; skipped 1 file of no known format$"
run db import -q --db "$cli_tmp/dsa.db" "$cli_tmp/tracker-data"
expect_status "db import -q succeeds" 0
expect_eq "db import -q prints nothing" "$(cat "$cli_out" "$cli_err")" ""
run db import -v --db "$cli_tmp/dsa.db" "$cli_tmp/tracker-data"
expect_status "db import -v succeeds" 0
expect_stderr "db import -v lists a file not named like a feed" \
	"^strata: info: .*tracker-data/README: not named like a feed"
# Inside a directory, a link to a feed file is read, a link to a directory
# is not followed, and a dangling link is named.
mkdir -p "$cli_tmp/linked-feeds/sub"
cp "$data/feeds/osv/npm/GHSA-xvch-5gv4-984h.json" "$cli_tmp/linked-feeds/"
ln -s "$(cd "$data/feeds/osv/npm" && pwd)/GHSA-29mw-wpgm-hmr9.json" "$cli_tmp/linked-feeds/link.json"
ln -s .. "$cli_tmp/linked-feeds/sub/up"
ln -s "$cli_tmp/no-such-feed.json" "$cli_tmp/linked-feeds/dangling.json"
run db import -v --db "$cli_tmp/linked.db" "$cli_tmp/linked-feeds"
expect_status "db import follows a link to a feed file" 0
expect_stdout "db import reads both feed files" "^imported 2 records from 2 files$"
expect_stderr "db import names the dangling link" \
	"^strata: warning: .*dangling.json: symbolic link to nothing \(No such file or directory\); skipped$"
expect_stderr "db import -v names the link to a directory" \
	"sub/up: symbolic link to a directory or special file; skipped"
if [ -w /dev/full ]; then
	"$STRATA" db status --db "$db" >/dev/full 2>"$cli_err"
	status=$?
	expect_status "db status to a full disk exits 3" 3
fi

# A directory the user cannot write to. Root runs the check as the user
# 'nobody' (uid 65534), on copies of the binary and feed it may read.
ro=$(mktemp -d)
mkdir "$ro/dir"
cp "$STRATA" "$ro/strata"
cp "$data/feeds/debian/security-tracker-debian.json" "$ro/feed.json"
chmod 755 "$ro" "$ro/strata"
chmod 644 "$ro/feed.json"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	command -v setpriv >/dev/null && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	chmod 755 "$ro/dir"
else
	chmod 555 "$ro/dir"
fi
if [ "$(id -u)" -eq 0 ] && [ ${#as_user[@]} -eq 0 ]; then
	skip "db import names an unwritable directory" "root without setpriv"
else
	"${as_user[@]}" "$ro/strata" db import --db "$ro/dir/x.db" "$ro/feed.json" \
		>"$cli_out" 2>"$cli_err"
	status=$?
	expect_status "db import into an unwritable directory fails" 3
	expect_stderr "db import names an unwritable directory" \
		"cannot create .*/dir/x\.db: Permission denied"
fi
chmod 755 "$ro/dir"
rm -rf "$ro"
run db import --db "$cli_tmp/new/sub/x.db" "$cli_tmp/does-not-exist"
expect_status "db import into a new directory fails cleanly" 2
run scan --db "$cli_tmp/missing.db" "$data/images/oci-dir"
expect_status "scan with a missing --db is a scan error" 3

# A layer whose media type names another compression than its bytes.
run scan --no-vuln "$data/images/oci-mislabelled"
expect_status "mislabelled layers: scan succeeds" 0
expect_stderr "mislabelled layers: the warning names the media type and the content" \
	"media type 'application/vnd.oci.image.layer.v1.tar\+gzip' does not match the blob, which is an uncompressed tar; reading it as an uncompressed tar"
expect_stderr "mislabelled layers: gzip labelled tar is read as gzip" \
	"media type 'application/vnd.oci.image.layer.v1.tar' does not match the blob, which is gzip; reading it as gzip"

# Hints: how to pick one image of several, and dir: for a plain directory.
run scan --no-vuln "$data/images/docker-classic.tar"
expect_stderr "several images: the warning says how to pick one" \
	"using the first \(pick one with docker-archive:.*docker-classic.tar:TAG or :@INDEX\)"
mkdir -p "$cli_tmp/plain-dir/etc"
run scan --no-vuln "$cli_tmp/plain-dir"
expect_status "plain directory without dir: is a scan error" 3
expect_stderr "plain directory error points at dir:" "scan a root file system with dir:"
"$STRATA" scan --no-vuln - <"$data/images/docker-classic.tar" >"$cli_out" 2>"$cli_err"
expect_stderr "several images on standard input: the hint names -" \
	"pick one with docker-archive:-:TAG or :@INDEX\)"
run scan --no-vuln ""
expect_status "an empty image reference is a usage error" 2
expect_stderr "an empty image reference is named as such" "the image reference is empty"
run layers ""
expect_status "layers: an empty image reference is a usage error" 2

# A stream that is no tar fails at its first block, before it is spooled.
head -c 1048576 /dev/zero | "$STRATA" scan --no-vuln - >"$cli_out" 2>"$cli_err"
status=$?
expect_status "zeros on standard input: scan error" 3
expect_stderr "zeros on standard input: the error names the end-of-archive block" \
	"standard input starts with a tar end-of-archive block, so it holds no image"
head -c 1048576 /dev/zero | tr '\0' 'x' | "$STRATA" scan --no-vuln - >"$cli_out" 2>"$cli_err"
status=$?
expect_status "text on standard input: scan error" 3
expect_stderr "text on standard input: the error says it is not a tar" \
	"standard input is not a tar archive: its first block is no tar header"
run scan --no-vuln "oci-archive:$data/images/docker-classic.tar"
expect_stderr "docker-archive read as oci-archive: the hint names docker-archive:" \
	"it contains manifest.json, so scan it as docker-archive:.*docker-classic.tar$"
run scan --no-vuln "docker-archive:$data/images/docker-classic.tar:nope:1"
expect_stderr "unknown tag: the error lists the tags" \
	"has no image tagged 'nope:1'; tags: strata/test:classic, strata/test:second$"
cat "$data/images/docker-classic.tar" | XDG_CACHE_HOME="$(cd "$data/images" && pwd)/docker-classic.tar" \
	"$STRATA" scan --no-vuln - >"$cli_out" 2>"$cli_err"
expect_stderr "unusable cache directory: the error names the spool and XDG_CACHE_HOME" \
	"cannot spool standard input into the cache directory \(XDG_CACHE_HOME"

# Option errors come alone, before any warning about the database.
run scan --platform linux "$data/images/oci-dir"
expect_status "invalid platform is a usage error" 2
expect_eq "invalid platform: one line, no database warning" "$(cat "$cli_err")" \
	"strata: error: invalid platform 'linux': expected os/arch[/variant]"
run scan --db '' "$data/images/oci-dir"
expect_status "scan --db '' is a usage error" 2
mkdir -p "$cli_tmp/db-is-dir"
run db status --db "$cli_tmp/no-such-dir/vuln.db"
expect_status "db status with a missing directory is a usage error" 2
run db import --db "$cli_tmp/one.db" "$data/feeds/osv/npm/GHSA-29mw-wpgm-hmr9.json"
run db status --db "$cli_tmp/one.db"
expect_stdout "db status says 1 record, not 1 records" "^osv +1 record +[0-9]+ affected rows"
run db import --db "$cli_tmp/db-is-dir" "$data/feeds/osv/npm"
expect_status "db import --db DIRECTORY is a usage error" 2
expect_stderr "db import --db DIRECTORY says so" "db-is-dir is a directory, not a database file"
run db import --db '' "$data/feeds/osv/npm"
expect_status "db import --db '' is a usage error" 2
expect_stderr "db import --db '' says why" "--db needs a file path"

# A layer error names the image too, for logs of pipelines that scan many.
run scan --no-vuln "$data/images/bad-gzip-crc"
expect_status "damaged layer is a scan error" 3
expect_stderr "damaged layer error names the image and the layer" \
	"error: [^ ]*bad-gzip-crc: layer sha256:[0-9a-f]{64}: invalid gzip stream"
run layers "$data/images/bad-digest"
expect_stderr "layers error names the image and the layer" \
	"error: [^ ]*bad-digest: layer sha256:[0-9a-f]{64}: digest mismatch"

# Scans of crafted images -------------------------------------------------
for form in docker-classic.tar docker-diffid.tar docker-oci.tar oci-dir oci.tar; do
	img="$data/images/$form"
	[ -e "$img" ] || { fail "image $form exists"; continue; }
	run scan --no-vuln --format json "$img"
	expect_status "scan $form exits 0" 0
	if jq -e '.schema == "strata-scan/1"' "$cli_out" >/dev/null 2>&1; then
		pass "scan $form writes strata-scan/1 JSON"
	else
		fail "scan $form writes strata-scan/1 JSON"
	fi
done


# Root filesystem directories (dir:PATH) ------------------------------------
rootfs="$cli_tmp/rootfs"
mkdir -p "$rootfs/var/lib/dpkg" "$rootfs/etc" "$rootfs/usr/lib/node_modules/left-pad"
printf 'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:1.2.13.dfsg-1\n' \
	>"$rootfs/var/lib/dpkg/status"
printf 'ID=debian\nVERSION_ID="12"\n' >"$rootfs/usr/lib/os-release"
ln -s ../usr/lib/os-release "$rootfs/etc/os-release"
printf '{"name": "left-pad", "version": "1.3.0"}\n' \
	>"$rootfs/usr/lib/node_modules/left-pad/package.json"
ln -s /etc/passwd "$rootfs/etc/passwd-link"
ln -s usr/lib "$rootfs/lib"
mkfifo "$rootfs/etc/initctl"
run scan --no-vuln --format json "dir:$rootfs"
expect_status "scan dir: exits 0" 0
if jq -e '.image.form == "dir" and .os.id == "debian"
	and ([.packages[] | "\(.type) \(.name) \(.version)"] | sort
	     == ["deb zlib1g 1:1.2.13.dfsg-1", "npm left-pad 1.3.0"])
	and .layers[0].digest == null' "$cli_out" >/dev/null 2>&1; then
	pass "scan dir: lists the dpkg and npm packages"
else
	fail "scan dir: lists the dpkg and npm packages" "$(head -c 600 "$cli_out")"
fi
run scan --no-vuln "dir:$rootfs"
expect_status "scan dir: table report exits 0" 0
expect_stdout "scan dir: table shows the form" "\(dir\)"
if grep -q "skipping .*, a FIFO" "$cli_err"; then
	fail "scan dir: a FIFO nobody reads is not reported"
else
	pass "scan dir: a FIFO nobody reads is not reported"
fi
fifo_root="$cli_tmp/rootfs-fifo"
mkdir -p "$fifo_root/var/lib/dpkg"
mkfifo "$fifo_root/var/lib/dpkg/status"
run scan --no-vuln "dir:$fifo_root"
expect_status "scan dir: a FIFO as the dpkg database does not stop the scan" 0
expect_stderr "scan dir: a FIFO as the dpkg database is named" \
	"skipping 'var/lib/dpkg/status', a FIFO: only regular files, directories and symbolic links are read"
run scan --no-vuln "dir:$rootfs/var/lib/dpkg/status"
expect_status "scan dir: of a file is a usage error" 2
expect_stderr "scan dir: of a file says why" "not a directory"

# A history that misses a layer -------------------------------------------
# A copy of the oci-dir image whose config history lists one of its two
# layers: opening it warns, and strata layers must not warn a second time.
short="$cli_tmp/short-history"
cp -r "$data/images/oci-dir" "$short"
python3 - "$short" <<'PY'
import hashlib, json, os, sys

root = sys.argv[1]
blobs = os.path.join(root, "blobs", "sha256")


def put(obj):
    raw = json.dumps(obj, separators=(",", ":")).encode()
    digest = hashlib.sha256(raw).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(raw)
    return "sha256:" + digest, len(raw)


index = json.load(open(os.path.join(root, "index.json")))
desc = index["manifests"][0]
manifest = json.load(open(os.path.join(blobs, desc["digest"][7:])))
config = json.load(open(os.path.join(blobs, manifest["config"]["digest"][7:])))
config["history"] = config["history"][:1]
manifest["config"]["digest"], manifest["config"]["size"] = put(config)
desc["digest"], desc["size"] = put(manifest)
json.dump(index, open(os.path.join(root, "index.json"), "w"))
PY
run layers "oci:$short"
expect_status "layers with a short history exits 0" 0
expect_eq "layers warns about a short history once" \
	"$(grep -c 'history describes 1 of the 2 layers' "$cli_err")" "1"

# A package database behind a link: the scan lists its packages, and
# strata layers warns that its per-layer changes leave them out.
moved="$cli_tmp/moved-db"
python3 - "$moved" <<'PY'
import hashlib, io, json, os, sys, tarfile

root = sys.argv[1]
os.makedirs(os.path.join(root, "blobs", "sha256"))


def put(raw):
    digest = hashlib.sha256(raw).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(raw)
    return "sha256:" + digest, len(raw)


layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.USTAR_FORMAT) as t:
    for name, data in [("usr/lib/os-release", b'ID=debian\nVERSION_ID="12"\n'),
                       ("srv/db/status",
                        b"Package: moved\nStatus: install ok installed\nVersion: 1\n")]:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    info = tarfile.TarInfo("var/lib/dpkg")
    info.type = tarfile.SYMTYPE
    info.linkname = "../../srv/db"
    t.addfile(info)
ldigest, lsize = put(layer.getvalue())
config = {"architecture": "amd64", "os": "linux",
          "rootfs": {"type": "layers", "diff_ids": [ldigest]}}
cdigest, csize = put(json.dumps(config).encode())
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": cdigest, "size": csize},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                        "digest": ldigest, "size": lsize}]}
mdigest, msize = put(json.dumps(manifest).encode())
json.dump({"schemaVersion": 2, "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest,
     "size": msize}]}, open(os.path.join(root, "index.json"), "w"))
open(os.path.join(root, "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
run scan --no-vuln --format json "oci:$moved"
expect_eq "scan lists the package behind the link" \
	"$(jq -r '[.packages[].name] | join(",")' "$cli_out")" "moved"
run layers "oci:$moved"
expect_status "layers of a moved database exits 0" 0
expect_stderr "layers says its package changes leave the moved database out" \
	"var/lib/dpkg/status is reached through symbolic links, so the package changes of each layer leave out what it holds"

# The report never overwrites the image ------------------------------------
cp "$data/images/docker-classic.tar" "$cli_tmp/clobber.tar"
cp -r "$data/images/oci-dir" "$cli_tmp/clobber-oci"
sum_before=$(cat "$cli_tmp/clobber.tar" "$cli_tmp/clobber-oci/index.json" | sha256sum)
run scan --no-vuln -o "$cli_tmp/clobber.tar" "$cli_tmp/clobber.tar"
expect_status "-o onto the image tar is a usage error" 2
expect_stderr "-o onto the image tar says so" "is the image .*clobber.tar itself"
run layers -o "$cli_tmp/clobber.tar" "docker-archive:$cli_tmp/clobber.tar"
expect_status "layers -o onto the image tar is a usage error" 2
run scan --no-vuln -o "$cli_tmp/clobber-oci/index.json" "oci:$cli_tmp/clobber-oci:v1"
expect_status "-o into the OCI layout is a usage error" 2
expect_stderr "-o into the OCI layout says so" "is inside the OCI layout of the image"
expect_eq "the images are unchanged" \
	"$(cat "$cli_tmp/clobber.tar" "$cli_tmp/clobber-oci/index.json" | sha256sum)" "$sum_before"
run scan --no-vuln -o "$cli_tmp/clobber-report.txt" "$cli_tmp/clobber-oci"
expect_status "-o beside the OCI layout is fine" 0
cp "$db" "$cli_tmp/clobber.db"
ln "$cli_tmp/clobber.db" "$cli_tmp/clobber-link.db"
db_sum=$(sha256sum <"$cli_tmp/clobber.db")
run scan --db "$cli_tmp/clobber.db" -o "$cli_tmp/clobber.db" "$cli_tmp/clobber-oci"
expect_status "-o onto the database is a usage error" 2
expect_stderr "-o onto the database says so" "is the vulnerability database .*clobber.db itself"
run scan --db "$cli_tmp/clobber.db" -o "$cli_tmp/clobber-link.db" "$cli_tmp/clobber-oci"
expect_status "-o onto a hard link of the database is a usage error" 2
run scan --no-vuln --db "$cli_tmp/clobber.db" -o "$cli_tmp/clobber.db" "$cli_tmp/clobber-oci"
expect_status "-o onto the database is a usage error with --no-vuln too" 2
expect_eq "the database is unchanged" "$(sha256sum <"$cli_tmp/clobber.db")" "$db_sum"
mkdir -p "$cli_tmp/clobber-cache/strata"
XDG_CACHE_HOME=$cli_tmp/clobber-cache run scan --no-vuln \
	-o "$cli_tmp/clobber-cache/strata/vuln.db" "$cli_tmp/clobber-oci"
expect_status "-o onto the default database path, not yet created, is a usage error" 2
ln -s "$cli_tmp/clobber-cache/strata/vuln.db" "$cli_tmp/clobber-dangling"
XDG_CACHE_HOME=$cli_tmp/clobber-cache run scan --no-vuln -o "$cli_tmp/clobber-dangling" \
	"$cli_tmp/clobber-oci"
expect_status "-o through a link to the default database path is a usage error" 2
expect_eq "nothing was written at the default database path" \
	"$(ls "$cli_tmp/clobber-cache/strata")" ""

# A path with ':' after a prefix ends at the ':', and the error explains
# the split.
cp "$data/images/docker-classic.tar" "$cli_tmp/co:lon.tar"
run scan --no-vuln "docker-archive:$cli_tmp/co:lon.tar"
expect_status "a prefixed path with ':' is not found" 3
expect_stderr "the error names the split and the way out" \
	"co: not found; the reference ends its path at the first ':' and reads 'lon.tar' as the image within"
run scan --no-vuln "$cli_tmp/co:lon.tar"
expect_status "the same path without a prefix is read whole" 0

# Image tar on standard input (-) -----------------------------------------
export XDG_CACHE_HOME="$cli_tmp/cache"
img="$data/images/docker-classic.tar"
run scan --no-vuln --format json "$img"
direct=$(jq -c 'del(.image.reference)' "$cli_out" 2>/dev/null)
run scan --no-vuln --format json - < <(cat "$img")
expect_status "scan - from a pipe exits 0" 0
piped=$(jq -c 'del(.image.reference)' "$cli_out" 2>/dev/null)
if [ -n "$direct" ] && [ "$direct" = "$piped" ]; then
	pass "scan - matches scanning the file"
else
	fail "scan - matches scanning the file"
fi
run scan --no-vuln --format json docker-archive:- < <(cat "$img")
expect_status "scan docker-archive:- from a pipe exits 0" 0
run scan --no-vuln --format json - <"$img"
expect_status "scan - from a redirected file exits 0" 0
run scan --no-vuln - < <(echo "not a tar")
expect_status "scan - of text is a scan error" 3
expect_stderr "scan - of text says it is no tar" "standard input: not a tar archive"
run scan --no-vuln - </dev/null
expect_status "scan - of empty input is a scan error" 3
expect_stderr "scan - of empty input says so" "standard input is empty"
run scan --no-vuln --limit spool_bytes=1000 - < <(cat "$img")
expect_status "scan - over spool_bytes is a scan error" 3
expect_stderr "scan - names the spool_bytes limit" "spool_bytes limit of 1000"
spooled=$(find "$XDG_CACHE_HOME/strata/tmp" -type f | wc -l)
expect_eq "scan - leaves no spool file behind" "$spooled" "0"
expect_eq "spool directory is private" "$(stat -c %a "$XDG_CACHE_HOME/strata/tmp")" "700"
chmod 755 "$XDG_CACHE_HOME/strata/tmp"
run scan --no-vuln - < <(cat "$img")
expect_status "scan - with a shared spool directory is a scan error" 3
expect_stderr "scan - names the spool directory that is not private" "strata/tmp is not private"
rm -rf "$XDG_CACHE_HOME/strata/tmp"
ln -s "$cli_tmp" "$XDG_CACHE_HOME/strata/tmp"
run scan --no-vuln - < <(cat "$img")
expect_status "scan - with a linked spool directory is a scan error" 3
expect_stderr "scan - says the spool directory is a symbolic link" \
	"strata/tmp is a symbolic link, which strata does not follow"
unset XDG_CACHE_HOME

# Gates never pass unchecked ----------------------------------------------
img="$data/images/oci-dir"
XDG_CACHE_HOME="$cli_tmp/empty-cache" run scan --exit-code 1 "$img"
expect_status "exit code without any database is a scan error" 3
expect_stderr "missing database error says what to do" "db import"
printf 'garbage' >"$cli_tmp/garbage.bin"
run db import --db "$cli_tmp/fresh-vuln.db" "$cli_tmp/garbage.bin"
expect_status "import of a non-feed file fails" 3
if [ -e "$cli_tmp/fresh-vuln.db" ]; then
	fail "failed import into a new database leaves no file"
else
	pass "failed import into a new database leaves no file"
fi
# An import step that brings nothing in fails, so that a CI pipeline
# stops at a broken feed download, and leaves no empty database behind.
mkdir -p "$cli_tmp/no-feeds"
run db import --db "$cli_tmp/empty.db" "$cli_tmp/no-feeds"
expect_status "import of an empty directory fails" 3
expect_stderr "import of an empty directory says so" "no advisory files"
mkdir -p "$cli_tmp/not-feeds"
printf '{"hello": 1}\n' >"$cli_tmp/not-feeds/a.json"
printf '{"world": 2}\n' >"$cli_tmp/not-feeds/b.json"
run db import --db "$cli_tmp/empty.db" "$cli_tmp/not-feeds"
expect_status "import of a directory without feeds fails" 3
expect_stderr "import without feeds counts the files" \
	"no advisory files found under [^ ]*not-feeds: 2 files of no known format"
run db status --db "$cli_tmp/empty.db"
expect_status "no database is left by imports that brought nothing" 3
expect_stderr "status of a missing database names the fix" "strata db import"
run db import --db "$cli_tmp/no-such-dir/vuln.db" "$data/feeds/osv/npm"
expect_status "import into a missing directory is a usage error" 2
expect_stderr "import into a missing directory says so" "its directory does not exist"
if [ -e "$cli_tmp/no-such-dir" ]; then
	fail "import into a missing directory creates nothing"
else
	pass "import into a missing directory creates nothing"
fi
# A CI gate passed green on a Debian 12 + npm image against a database
# that held only the Alpine secdb.
run db import --db "$cli_tmp/alpine.db" "$data/feeds/alpine/secdb-v3.10-community.json"
expect_status "import of the Alpine secdb succeeds" 0
run scan --db "$cli_tmp/alpine.db" --exit-code 1 "dir:$rootfs"
expect_status "gate with unchecked packages is a scan error" 3
expect_stderr "gate names the unchecked release" \
	"error: --exit-code: the deb packages of debian:bookworm \(1\) were not checked"
expect_stderr "gate names the unchecked ecosystem" "error: --exit-code: the npm packages \(1\)"
expect_stdout "gate still writes the report" "Findings: 0"
run scan --db "$cli_tmp/alpine.db" "dir:$rootfs"
expect_status "unchecked packages without --exit-code are a warning" 0
expect_stderr "warning names the release and count" \
	"warning: the database has no advisories for debian:bookworm: its 1 deb package"
run scan --db "$cli_tmp/alpine.db" --format json "dir:$rootfs"
if jq -e '.unchecked == [{"scope": "deb packages of debian:bookworm", "packages": 1},
			 {"scope": "npm packages", "packages": 1}]' "$cli_out" >/dev/null 2>&1; then
	pass "JSON lists the unchecked scopes"
else
	fail "JSON lists the unchecked scopes" "$(head -c 600 "$cli_out")"
fi
# A gate passed green on an os-release without VERSION_ID (as Debian sid
# images have): no advisory release was known, so nothing was checked.
sid="$cli_tmp/rootfs-sid"
cp -a "$rootfs" "$sid"
rm -f "$sid/etc/os-release" "$sid/usr/lib/os-release" "$sid/etc/initctl"
printf 'ID=debian\nPRETTY_NAME="Debian GNU/Linux trixie/sid"\n' >"$sid/etc/os-release"
run scan --db "$db" --exit-code 1 --format json "dir:$sid"
expect_status "gate on an unknown release is a scan error" 3
expect_stderr "gate names the packages of the unknown release" \
	"error: --exit-code: the deb packages of an unknown release \(1\) were not checked"
rm -f "$sid/etc/os-release"
run scan --db "$db" --exit-code 1 "dir:$sid"
expect_status "gate without os-release is a scan error" 3
expect_stderr "gate without os-release says the distribution is unknown" \
	"warning: OS packages not matched: the distribution is unknown"
run scan --db "$db" --exit-code 1 --format json "dir:$rootfs"
expect_status "gate with covered packages and no findings passes" 0
if jq -e '.unchecked == []' "$cli_out" >/dev/null 2>&1; then
	pass "JSON lists no unchecked scope when all are covered"
else
	fail "JSON lists no unchecked scope when all are covered" "$(head -c 600 "$cli_out")"
fi
run scan --no-vuln --exit-code 1 "dir:$rootfs"
expect_status "--exit-code with --no-vuln is a usage error" 2
expect_stderr "--exit-code with --no-vuln says why" "--exit-code and --no-vuln contradict"
XDG_CACHE_HOME="$cli_tmp/empty-cache" run scan --exit-code 1 "$img"
if grep -q -- "--no-vuln" "$cli_err"; then
	fail "missing database error does not suggest --no-vuln to a gate"
else
	pass "missing database error does not suggest --no-vuln to a gate"
fi

# A scan opens the database read-only: `scan --db empty.db` wrote a
# schema into a 0-byte file.
: >"$cli_tmp/zero.db"
run scan --db "$cli_tmp/zero.db" "$img"
expect_status "scan against a 0-byte database is a scan error" 3
expect_stderr "0-byte database error names the fix" "empty file.*strata db import"
expect_eq "scan leaves a 0-byte database empty" "$(stat -c %s "$cli_tmp/zero.db")" "0"
sum_before=$(sha256sum <"$db")
run scan --db "$db" "dir:$rootfs"
expect_status "scan against an imported database succeeds" 0
expect_eq "scan leaves the database byte-identical" "$(sha256sum <"$db")" "$sum_before"
run scan --db "$cli_tmp/never.db" "$img"
expect_status "scan against a missing database is a scan error" 3
if [ -e "$cli_tmp/never.db" ]; then
	fail "scan does not create a missing database"
else
	pass "scan does not create a missing database"
fi

# Usage errors ---------------------------------------------------------------
run scan --platform linux "$img"
expect_status "invalid platform is a usage error" 2
run scan -o "" --no-vuln "$img"
expect_status "empty output name is a usage error" 2
run scan --bogus "$img"
expect_status "unknown option is a usage error" 2
expect_stderr "unknown option message has the prefix" "^strata: error: unknown option '--bogus'"
run scan --no-vuln "$img" "$img"
expect_stderr "two images are named as the problem" "exactly one IMAGE, got 2"
run scan -v --no-vuln "$img"
expect_stderr "verbose scan logs progress" "info: opened"

# A docker-archive cut inside a layer member names that member.
head -c 12000 "$data/images/docker-classic.tar" >"$cli_tmp/cut.tar"
run scan --no-vuln "$cli_tmp/cut.tar"
expect_status "truncated docker-archive is a scan error" 3
expect_stderr "truncated docker-archive names the member" "truncated after member '1{64}/layer.tar'"

# A name from the image with a terminal escape reaches stderr defused.
esc_dir="$cli_tmp/esc/app/node_modules/ev"$'\e'"il"
mkdir -p "$esc_dir"
printf '{"version": 1}\n' >"$esc_dir/package.json"
run scan --no-vuln "dir:$cli_tmp/esc"
expect_status "scan of a dir with a hostile name succeeds" 0
expect_stderr "hostile name shown with ? in its warning" "node_modules/ev\?il/package.json"
if grep -q $'\e' "$cli_err"; then
	fail "no escape byte reaches stderr" "$(cat -v "$cli_err" | head -n 2)"
else
	pass "no escape byte reaches stderr"
fi

finish
