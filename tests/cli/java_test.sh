#!/usr/bin/env bash
# Acceptance check of the java cataloger on a real jar: a war containing a
# truncated jar, a zero-byte jar and outer.jar, which contains Debian's
# log4j-core jar (package liblog4j2-java, installed by scripts/deps.sh
# test), goes into a one-layer OCI image. strata must still report
# log4j-core with the Debian package's upstream version, at its nested
# path, and warn about the two broken jars by name.
#
# Environment: STRATA, the strata binary (default build/cli/strata).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/cli/lib.sh
. tests/cli/lib.sh

log4j_jar=/usr/share/java/log4j-core.jar
if [ ! -f "$log4j_jar" ] || ! command -v jq >/dev/null 2>&1; then
	fail "liblog4j2-java and jq are installed" "run scripts/deps.sh test as root"
	finish
	exit
fi
# Debian's version is UPSTREAM-REVISION, and the jar carries the upstream part.
deb_version=$(dpkg-query -W -f '${Version}' liblog4j2-java)
version=${deb_version%-*}

# The war, written with python3's zipfile -----------------------------------
tree=$cli_tmp/tree
mkdir -p "$tree/srv"
python3 - "$log4j_jar" "$tree/srv/app.war" <<'EOF' || fail "python3 writes the war"
import io
import sys
import zipfile

log4j_path, war_path = sys.argv[1], sys.argv[2]
with open(log4j_path, "rb") as f:
    log4j = f.read()

outer = io.BytesIO()
with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("log4j-core.jar", log4j)

with zipfile.ZipFile(war_path, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("WEB-INF/web.xml", "<web-app/>\n")
    # The first half of a real jar: its central directory is gone and a
    # member is cut short.
    z.writestr("WEB-INF/lib/truncated.jar", log4j[: len(log4j) // 2])
    z.writestr("WEB-INF/lib/empty.jar", b"")
    z.writestr("WEB-INF/lib/outer.jar", outer.getvalue())
EOF

# One layer containing srv/app.war, packed as an OCI layout --------------------
layer=$cli_tmp/layer.tar
python3 scripts/pack-image.py layer-diff --new "$tree" --out "$layer" \
	>"$cli_tmp/pack.log" 2>&1 || fail "pack-image.py writes the layer" "$(cat "$cli_tmp/pack.log")"
python3 scripts/pack-image.py pack --out "$cli_tmp/image" --name strata/java-test \
	--layer "$layer" "COPY app.war /srv/" --forms oci >"$cli_tmp/pack.log" 2>&1 ||
	fail "pack-image.py packs the image" "$(cat "$cli_tmp/pack.log")"

# The scan -------------------------------------------------------------------
run scan --no-vuln --format json "$cli_tmp/image/oci"
expect_status "scan of the war image exits 0" 0
json=$cli_tmp/report.json
cp "$cli_out" "$json"

nested="srv/app.war:WEB-INF/lib/outer.jar:log4j-core.jar"
log4j=$(jq -c --arg p "$nested" '[.packages[] | select(.path == $p)]' "$json")
expect_eq "log4j-core is reported once at its nested path" "$(jq length <<<"$log4j")" 1
expect_eq "log4j-core has its maven name" "$(jq -r '.[0].name' <<<"$log4j")" \
	"org.apache.logging.log4j:log4j-core"
expect_eq "log4j-core has the Debian package's upstream version" \
	"$(jq -r '.[0].version' <<<"$log4j")" "$version"
expect_eq "log4j-core has its maven purl" "$(jq -r '.[0].purl' <<<"$log4j")" \
	"pkg:maven/org.apache.logging.log4j/log4j-core@$version"
# The truncated jar still shows the pom.properties read before the cut
# (docs/catalogers.md), so log4j-core may appear there too, but no broken
# jar makes up a package from its file name.
expect_eq "every maven package is log4j-core" \
	"$(jq '[.packages[] | select(.type == "maven" and
		.name != "org.apache.logging.log4j:log4j-core")] | length' "$json")" 0
expect_stderr "the truncated jar is named in a warning" \
	"warning: srv/app\.war:WEB-INF/lib/truncated\.jar: "
expect_stderr "the zero-byte jar is named in a warning" \
	"warning: srv/app\.war:WEB-INF/lib/empty\.jar: empty archive"

# A lower archive_depth stops before log4j-core, with a warning.
run scan --no-vuln --format json --limit archive_depth=1 "$cli_tmp/image/oci"
expect_status "scan with archive_depth=1 exits 0" 0
expect_stdout_not "archive_depth=1 does not reach outer.jar's content" "outer\.jar:log4j-core"
expect_stderr "archive_depth=1 is named in a warning" \
	"outer\.jar: log4j-core\.jar: archive nested deeper than archive_depth \(1\)"

finish
