#!/usr/bin/env python3
"""Writes FIXTURE.expected for each dpkg fixture named on the command line.

Each stanza is handed on its own to dpkg-query (dpkg 1.21), so that one
stanza that dpkg rejects leaves the others readable, as strata's parser
does. Each stanza is first reduced to the fields strata reads (Package,
Version, Architecture, Source, Status, with their continuation lines):
dpkg also checks fields such as Depends, which strata does not parse, and
would reject a stanza for them. Stanzas of a file under a status.d directory that have no Status
field get "Status: install ok installed" first, because distroless images
write only installed packages there. A package is listed when the last
word of its Status is installed, triggers-pending, triggers-awaiting,
half-configured or unpacked.

Output: one line per package, sorted, with tab-separated fields
Package, Version, Architecture, source:Package, source:Version.

Usage: make-expected.py FILE...   (writes FILE.expected next to FILE)
"""
import os
import subprocess
import sys
import tempfile

INSTALLED = {"installed", "triggers-pending", "triggers-awaiting",
             "half-configured", "unpacked"}
FORMAT = "${Package}\\t${Version}\\t${Architecture}\\t" \
         "${source:Package}\\t${source:Version}\\t${Status}\\n"


def stanzas(text):
    current = []
    for line in text.split("\n"):
        if line == "":
            if current:
                yield current
            current = []
        else:
            current.append(line)
    if current:
        yield current


KEPT = {"package", "version", "architecture", "source", "status"}


def reduce(lines):
    out = []
    keep = False
    for line in lines:
        if line[:1] in (" ", "\t"):
            if keep:
                out.append(line)
            continue
        name, colon, _ = line.partition(":")
        keep = bool(colon) and name.strip().lower() in KEPT
        if keep:
            out.append(line)
    return out


def query(lines, tmp):
    admin = os.path.join(tmp, "admin")
    os.makedirs(os.path.join(admin, "info"), exist_ok=True)
    os.makedirs(os.path.join(admin, "updates"), exist_ok=True)
    with open(os.path.join(admin, "status"), "w", encoding="utf-8",
              errors="surrogateescape") as f:
        f.write("\n".join(lines) + "\n")
    r = subprocess.run(["dpkg-query", "--admindir=" + admin, "-W", "-f", FORMAT],
                       capture_output=True, text=True, errors="surrogateescape")
    if r.returncode != 0:
        return []
    out = []
    for row in r.stdout.splitlines():
        fields = row.split("\t")
        if fields[5].split()[-1:] and fields[5].split()[-1] in INSTALLED:
            out.append("\t".join(fields[:5]))
    return out


def main():
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        in_status_d = os.path.basename(os.path.dirname(path)) == "status.d"
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for st in stanzas(text):
                st = reduce(st)
                if not st:
                    continue
                if in_status_d and not any(l.lower().startswith("status:") for l in st):
                    st = st + ["Status: install ok installed"]
                rows.extend(query(st, tmp))
        with open(path + ".expected", "w", encoding="utf-8") as f:
            for row in sorted(rows):
                f.write(row + "\n")


if __name__ == "__main__":
    main()
