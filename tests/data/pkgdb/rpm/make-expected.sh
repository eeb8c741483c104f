#!/bin/sh
# Writes DB.expected next to each rpm database that Debian's rpm can read
# (Debian 12's rpm 4.18 reads the sqlite and read-only Berkeley DB
# backends, not NDB): one tab-separated line per installed package, sorted
# bytewise, as rpm itself lists them. An absent tag is written as "-".
# The NDB expected list comes from another tool's tests instead (see
# README.md). claircore-no_packages has no Packages table and regression-*
# files are damaged on purpose, so rpm fails on them as strata does.
set -eu
cd "$(dirname "$0")"
qf='%{NAME}\t%|EPOCH?{%{EPOCH}}:{-}|\t%{VERSION}\t%{RELEASE}\t%|ARCH?{%{ARCH}}:{-}|\t%|SOURCERPM?{%{SOURCERPM}}:{-}|\t%|LICENSE?{%{LICENSE}}:{-}|\t%|VENDOR?{%{VENDOR}}:{-}|\t%|MODULARITYLABEL?{%{MODULARITYLABEL}}:{-}|\n'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for db in bdb/*/Packages sqlite/*/rpmdb.sqlite; do
	case "$db" in
	*/claircore-no_packages/* | */regression-*) continue ;;
	esac
	case "$db" in
	bdb/*) backend=bdb_ro ;;
	*) backend=sqlite ;;
	esac
	rm -rf "$work/db"
	mkdir "$work/db"
	cp "$db" "$work/db/"
	chmod u+w "$work/db/"*
	# bdb_ro warns about the index files that the fixtures leave out.
	rpm -qa --dbpath "$work/db" --define "_db_backend $backend" --qf "$qf" \
		2>"$work/stderr" | LC_ALL=C sort >"$db.expected"
	if grep -v 'could not open' "$work/stderr" >&2; then
		echo "rpm reported errors on $db" >&2
		exit 1
	fi
done
