#!/usr/bin/env python3
"""Scan one synthetic image per package database and compare with the
distribution's own tools.

Each case puts one database from tests/data/pkgdb/ and a matching
os-release from tests/data/osrelease/ into a one-layer docker-archive
(scripts/pack-image.py), scans it with `strata scan --no-vuln --format
json`, and compares the OS packages of the report with:
  - dpkg: `dpkg-query --admindir` over the status file (status.d stanzas
    without Status count as installed, as in distroless images),
  - rpm: `rpm -qa --dbpath` (Debian's rpm reads the Berkeley DB and
    SQLite formats; the NDB case uses its checked-in expected list),
  - apk: the P:, V:, A: and o: lines of the database itself.
Names, architectures, versions with epochs and source names must be equal.

Usage: distro_images.py STRATA. Prints TAP-like "ok - NAME" lines and a
final "N passed, N failed" line; exits 1 when a case fails.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(TOP, "tests", "data")
PACK = os.path.join(TOP, "scripts", "pack-image.py")

# dpkg-query's db:Status-Abbrev second letter for the states under which
# a package's files are on disk (strata's st_dpkg_parse_status).
DPKG_INSTALLED = set("itWFU")

CASES = [
    # name, kind, database (under pkgdb/), image path, os-release fixture
    ("ubuntu-18.04-status", "dpkg", "dpkg/trivy-ubuntu1804/status",
     "var/lib/dpkg/status", "ubuntu-18.04/etc/os-release"),
    ("debian-12-status", "dpkg", "dpkg/claircore/debian-only.status",
     "var/lib/dpkg/status", "debian-12/etc/os-release"),
    ("debian-11-postgresql", "dpkg", "dpkg/claircore/postgresql.status",
     "var/lib/dpkg/status", "debian-11/etc/os-release"),
    ("debian-valid", "dpkg", "dpkg/osv-scalibr/valid",
     "var/lib/dpkg/status", "debian-12/etc/os-release"),
    ("distroless-status.d", "dpkg-status.d", "dpkg/syft/status.d",
     "var/lib/dpkg/status.d", "distroless-debian-10/etc/os-release"),
    ("alpine-3.18", "apk", "apk/trivy/installed",
     "lib/apk/db/installed", "alpine-3.18/etc/os-release"),
    ("alpine-multiple", "apk", "apk/syft/multiple-2.installed",
     "lib/apk/db/installed", "alpine-3.15/etc/os-release"),
    ("centos-8-bdb", "rpm-bdb", "rpm/bdb/syft-centos8-dive/Packages",
     "var/lib/rpm/Packages", "centos/os-release"),
    ("rhel-bdb-libuuid", "rpm-bdb", "rpm/bdb/go-rpmdb-libuuid/Packages",
     "var/lib/rpm/Packages", "rhel-8/etc/os-release"),
    ("bdb-generated-le", "rpm-bdb", "rpm/bdb/generated-le-4k/Packages",
     "var/lib/rpm/Packages", "mariner/etc/os-release"),
    ("mariner-2.0-sqlite", "rpm-sqlite",
     "rpm/sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite",
     "var/lib/rpm/rpmdb.sqlite", "mariner/etc/os-release"),
    ("sles-15-ndb", "rpm-ndb", "rpm/ndb/go-rpmdb-sle15-bci/Packages.db",
     "usr/lib/sysimage/rpm/Packages.db", "sles/etc/os-release"),
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


# Reference lists: sets of (name, arch, version, source name) ----------------


def split_stanzas(text):
    stanzas, cur = [], []
    for line in text.splitlines():
        if line.strip() == "":
            if cur:
                stanzas.append(cur)
            cur = []
        else:
            cur.append(line)
    if cur:
        stanzas.append(cur)
    return stanzas


def dpkg_reference(status_text, work):
    admin = os.path.join(work, "admin")
    os.makedirs(os.path.join(admin, "info"), exist_ok=True)
    os.makedirs(os.path.join(admin, "updates"), exist_ok=True)
    with open(os.path.join(admin, "status"), "w", encoding="utf-8") as f:
        f.write(status_text)
    fmt = ("${db:Status-Abbrev}\\t${Package}\\t${Architecture}\\t${Version}"
           "\\t${source:Package}\\n")
    out = run(["dpkg-query", "--admindir", admin, "-W", "-f", fmt])
    ref = set()
    for line in out.splitlines():
        abbrev, name, arch, version, source = line.split("\t")
        if len(abbrev) >= 2 and abbrev[1] in DPKG_INSTALLED:
            ref.add((name, arch or None, version, source or name))
    return ref


def status_d_reference(directory, work):
    """Run dpkg-query over each status.d file alone, with stanzas without
    Status counted as installed. dpkg-query rejects a whole file at a
    malformed field, where strata skips only that stanza, so such a file is
    left out of the image too (the unit tests cover it). Returns the
    reference set and the names of the files kept."""
    ref, kept = set(), []
    for entry in sorted(os.listdir(directory)):
        if entry.startswith(".") or entry.endswith((".md5sums", ".expected")):
            continue
        with open(os.path.join(directory, entry), encoding="utf-8") as f:
            parts = []
            for st in split_stanzas(f.read()):
                if not any(l.lower().startswith("status:") for l in st):
                    st = st + ["Status: install ok installed"]
                parts.append("\n".join(st) + "\n")
        try:
            ref |= dpkg_reference("\n".join(parts), os.path.join(work, entry))
        except subprocess.CalledProcessError:
            continue
        kept.append(entry)
    return ref, kept


def apk_reference(text):
    ref = set()
    for st in split_stanzas(text):
        fields = {}
        for line in st:
            if len(line) >= 2 and line[1] == ":" and line[0] in "PVAo":
                fields[line[0]] = line[2:]
        if "P" in fields and "V" in fields:
            ref.add((fields["P"], fields.get("A"), fields["V"],
                     fields.get("o") or fields["P"]))
    return ref


def srpm_name(srpm):
    for suffix in (".src.rpm", ".nosrc.rpm"):
        if srpm.endswith(suffix):
            parts = srpm[: -len(suffix)].rsplit("-", 2)
            if len(parts) == 3:
                return parts[0]
    return None


def rpm_reference(db_path, backend, work):
    dbdir = os.path.join(work, "rpmdb")
    os.makedirs(dbdir, exist_ok=True)
    dest = os.path.join(dbdir, os.path.basename(db_path))
    shutil.copyfile(db_path, dest)
    qf = "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\\n"
    proc = subprocess.run(
        ["rpm", "-qa", "--dbpath", dbdir, "--define", f"_db_backend {backend}",
         "--qf", qf], capture_output=True, text=True, check=True)
    ref = set()
    for line in proc.stdout.splitlines():
        name, epoch, version, release, arch, srpm = line.split(" ")
        evr = f"{version}-{release}"
        if epoch != "(none)":
            evr = f"{epoch}:{evr}"
        ref.add((name, None if arch == "(none)" else arch, evr,
                 srpm_name(srpm) or name))
    return ref


def ndb_reference(db_path):
    """The checked-in list (arch, name, version-release): no source names,
    so those are not compared for NDB."""
    ref = set()
    with open(db_path + ".expected", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                name, vr, arch = line.rstrip("\n").split("\t")
                ref.add((name, arch, vr, None))
    return ref


# The image and the scan -----------------------------------------------------


def build_image(work, case, kept):
    _, kind, db, image_path, release = case
    tree = os.path.join(work, "tree")
    src = os.path.join(DATA, "pkgdb", db)
    dest = os.path.join(tree, image_path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    if kind == "dpkg-status.d":
        os.makedirs(dest)
        for entry in kept:
            for name in (entry, entry + ".md5sums"):
                if os.path.exists(os.path.join(src, name)):
                    shutil.copyfile(os.path.join(src, name), os.path.join(dest, name))
    else:
        shutil.copyfile(src, dest)
    os.makedirs(os.path.join(tree, "etc"), exist_ok=True)
    shutil.copyfile(os.path.join(DATA, "osrelease", release),
                    os.path.join(tree, "etc", "os-release"))
    layer = os.path.join(work, "layer.tar")
    run([sys.executable, PACK, "layer-diff", "--new", tree, "--out", layer,
         "--clamp-mtime", "0"])
    out = os.path.join(work, "image")
    run([sys.executable, PACK, "pack", "--out", out, "--name", "strata/distro-test",
         "--layer", layer, "database", "--forms", "docker-archive", "--created", "0"])
    return os.path.join(out, "docker-archive.tar")


def scanned(strata, image, pkg_type, compare_source):
    proc = subprocess.run([strata, "scan", "--no-vuln", "--format", "json",
                           "docker-archive:" + image], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"strata exited {proc.returncode}: {proc.stderr.strip()}")
    report = json.loads(proc.stdout)
    got = set()
    for p in report.get("packages", []):
        if p.get("type") != pkg_type:
            continue
        source = (p.get("source_name") or p["name"]) if compare_source else None
        got.add((p["name"], p.get("arch"), p["version"], source))
    return got


def reference(case, work):
    """Returns the package type, the reference set and, for status.d, the
    files to put in the image."""
    _, kind, db, _, _ = case
    path = os.path.join(DATA, "pkgdb", db)
    if kind == "dpkg":
        with open(path, encoding="utf-8") as f:
            return "deb", dpkg_reference(f.read(), work), None
    if kind == "dpkg-status.d":
        ref, kept = status_d_reference(path, work)
        return "deb", ref, kept
    if kind == "apk":
        with open(path, encoding="utf-8") as f:
            return "apk", apk_reference(f.read()), None
    if kind == "rpm-ndb":
        return "rpm", ndb_reference(path), None
    backend = "bdb_ro" if kind == "rpm-bdb" else "sqlite"
    return "rpm", rpm_reference(path, backend, work), None


def check(strata, case):
    with tempfile.TemporaryDirectory() as work:
        pkg_type, ref, kept = reference(case, work)
        image = build_image(work, case, kept)
        got = scanned(strata, image, pkg_type, case[1] != "rpm-ndb")
    if not ref:
        return ["the reference list is empty"]
    problems = []
    for item in sorted(ref - got, key=str)[:10]:
        problems.append(f"missing from strata: {item}")
    for item in sorted(got - ref, key=str)[:10]:
        problems.append(f"only in strata: {item}")
    return problems


def main():
    if len(sys.argv) != 2:
        print("usage: distro_images.py STRATA", file=sys.stderr)
        return 2
    strata = sys.argv[1]
    passed = failed = 0
    for case in CASES:
        try:
            problems = check(strata, case)
        except (OSError, RuntimeError, subprocess.CalledProcessError, ValueError) as e:
            detail = getattr(e, "stderr", "") or ""
            problems = [f"{e} {detail}".strip()]
        if problems:
            failed += 1
            print(f"not ok - {case[0]}")
            for p in problems:
                print(f"# {p}")
        else:
            passed += 1
            print(f"ok - {case[0]}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
