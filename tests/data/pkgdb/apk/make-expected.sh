#!/bin/sh
# Writes NAME.expected next to each apk installed database fixture, one
# line per stanza that has P: and V: lines. A line contains the stanza's P:,
# V:, A:, o: and L: values and its count of R: lines, separated by TABs,
# and the lines are sorted bytewise. awk reads the stanzas on its own
# (RS="" splits at empty lines), independently of strata's parser.
set -eu
cd "$(dirname "$0")"
for db in osv-scalibr/*.installed syft/*.installed trivy/installed; do
	LC_ALL=C awk 'BEGIN { RS = ""; FS = "\n" }
	{
		p = ""; v = ""; a = ""; o = ""; l = ""; r = 0
		for (i = 1; i <= NF; i++) {
			k = substr($i, 1, 2); val = substr($i, 3)
			if (k == "P:") p = val
			else if (k == "V:") v = val
			else if (k == "A:") a = val
			else if (k == "o:") o = val
			else if (k == "L:") l = val
			else if (k == "R:") r++
		}
		if (p != "" && v != "")
			printf "%s\t%s\t%s\t%s\t%s\t%d\n", p, v, a, o, l, r
	}' "$db" | LC_ALL=C sort >"$db.expected"
done
