#!/usr/bin/env python3
"""Check each vendor feed importer end to end through the strata CLI.

For each feed fixture under tests/data/feeds/, a case picks packages that
the feed lists for one release. It builds a one-layer image of that
release: an os-release from tests/data/osrelease/ and a package database
listing exactly those packages. It imports the fixture into a fresh
database with `strata db import`, scans the image with `strata scan
--format json` and compares the findings with the ones this script works
out from the feed file itself.

The expectation is computed here, independently of strata's code. Each
feed is parsed with Python's json and xml.etree modules into affected
rows (advisory ids, release key, package, status, fixed version,
severity). Each installed package is then evaluated against its vendor's
rows for the image's release with the vendor's version order:
  - deb: `dpkg --compare-versions`,
  - rpm: rpm's own rpm.vercmp through `rpm --eval` (epoch-aware: a fixed
    EVR without an epoch means epoch 0),
  - apk: apk-tools' ordering rules, implemented in apk_compare() below
    for the version forms the cases use.
Advisories of one package that share an id are one finding, as
docs/internals/vuln-store.md describes. A finding is compared by its set
of ids (id plus aliases), package, status, fixed version, severity and
severity source.

Package databases: dpkg status and apk installed are written as text, rpm
databases are built with rpmbuild (one noarch rpm per binary package, the
source rpm named after the source package) and installed with
`rpm -i --justdb` into an SQLite rpmdb. Everything lives in one temporary
directory per case.

The os-release of a release without its own fixture is the vendor's
fixture with VERSION_ID (and, for Chainguard and Azure Linux, ID) changed.

Usage: vendor_feeds.py STRATA. Prints "ok - NAME" or "not ok - NAME" per
case and a final "N passed, N failed" line; exits 1 when a case fails.
"""

import datetime
import functools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import distro_images  # noqa: E402  (shares run, PACK and DATA)

FEEDS = os.path.join(distro_images.DATA, "feeds")
OSRELEASE = os.path.join(distro_images.DATA, "osrelease")
TODAY = datetime.date.today()

SEVERITIES = ["UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
OPEN_STATUSES = ("affected", "fix-deferred")

# The order in which a finding picks among the severities of its
# advisories (docs/internals/vuln-store.md, "Severity of a finding").
SOURCE_RANK = ["debian", "redhat", "osv:ubuntu", "osv:summary", "osv:ecosystem_specific",
               "osv:database_specific"]
CVSS_SOURCES = ["osv:cvss_v4", "osv:cvss_v3", "osv:cvss_v2"]


class CaseError(Exception):
    """A failure to build, import or scan a case (not a finding mismatch)."""


def run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise CaseError(f"{' '.join(cmd[:4])} exited {proc.returncode}: "
                        f"{proc.stderr.strip()[:800]}")
    return proc.stdout


# Version orders ---------------------------------------------------------------

_cmp_cache = {}


def deb_compare(a, b):
    key = ("deb", a, b)
    if key not in _cmp_cache:
        def holds(op):
            return subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0

        if holds("lt"):
            _cmp_cache[key] = -1
        elif holds("eq"):
            _cmp_cache[key] = 0
        else:
            _cmp_cache[key] = 1
    return _cmp_cache[key]


def rpm_compare(a, b):
    key = ("rpm", a, b)
    if key not in _cmp_cache:
        for v in (a, b):
            if '"' in v or "\\" in v:
                raise CaseError(f"version {v!r} cannot be quoted for rpm --eval")
        out = run(["rpm", "--eval", f'%{{lua: print(rpm.vercmp("{a}", "{b}"))}}'])
        _cmp_cache[key] = int(out.strip())
    return _cmp_cache[key]


# apk-tools version order: dotted numbers, one optional letter, suffixes
# (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p,
# each with an optional number) and the package release -rN (none sorts
# below any -rN). Enough for the versions of the cases below.
_APK_RE = re.compile(r"^(\d+(?:\.\d+)*)([a-z]?)((?:_[a-z]+\d*)*)(?:-r(\d+))?$")
_APK_SUFFIX = {"alpha": -4, "beta": -3, "pre": -2, "rc": -1, "cvs": 1, "svn": 2, "git": 3,
               "hg": 4, "p": 5}


def apk_key(v):
    m = _APK_RE.match(v)
    if m is None:
        raise CaseError(f"apk version {v!r} is outside the forms apk_compare handles")
    numbers = [int(x) for x in m.group(1).split(".")]
    letter = m.group(2)
    suffixes = []
    for s in m.group(3).split("_")[1:]:
        word = s.rstrip("0123456789")
        if word not in _APK_SUFFIX:
            raise CaseError(f"apk version {v!r}: unknown suffix _{word}")
        suffixes.append((_APK_SUFFIX[word], int(s[len(word):] or 0)))
    release = int(m.group(4)) if m.group(4) is not None else -1
    return numbers, letter, suffixes, release


def apk_compare(a, b):
    na, la, sa, ra = apk_key(a)
    nb, lb, sb, rb = apk_key(b)
    for x, y in zip(na, nb):
        if x != y:
            return -1 if x < y else 1
    if len(na) != len(nb):
        return -1 if len(na) < len(nb) else 1
    if la != lb:
        return -1 if la < lb else 1
    # A missing suffix is "none" (0): below _cvs.._p, above _alpha.._rc.
    for i in range(max(len(sa), len(sb))):
        x = sa[i] if i < len(sa) else (0, 0)
        y = sb[i] if i < len(sb) else (0, 0)
        if x != y:
            return -1 if x < y else 1
    if ra != rb:
        return -1 if ra < rb else 1
    return 0


COMPARE = {"deb": deb_compare, "rpm": rpm_compare, "apk": apk_compare}


# Feed rows ---------------------------------------------------------------------


class Row:
    """One affected entry of a feed: ADVISORY (with its alias ids) marks
    PACKAGE in release KEY with STATUS. A "ranges" row carries OSV ranges
    (lists of (kind, version) events) and a versions list instead."""

    def __init__(self, advisory, aliases, key, package, status, fixed=None,
                 severity="UNKNOWN", source=None, ranges=None, versions=()):
        self.ids = frozenset([advisory, *aliases])
        self.advisory = advisory
        self.key = key
        self.package = package
        self.status = status
        self.fixed = fixed
        self.severity = severity
        self.source = source
        self.ranges = ranges
        self.versions = list(versions)


URGENCY = {"high": "HIGH", "medium": "MEDIUM", "low": "LOW", "unimportant": "NEGLIGIBLE"}


def debian_tracker_rows(path):
    """Debian security tracker JSON: {source: {id: {releases: {codename:
    {status, fixed_version, urgency, nodsa_reason}}}}}."""
    rows = []
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for package, ids in data.items():
        for vid, entry in ids.items():
            releases = entry.get("releases")
            if not isinstance(releases, dict):
                continue
            for codename, rel in releases.items():
                urgency = rel.get("urgency", "").rstrip("*")
                severity = URGENCY.get(urgency, "UNKNOWN")
                fixed = None
                if rel["status"] == "resolved":
                    fixed = rel.get("fixed_version")
                    if fixed is None:
                        continue
                    status = "not-affected" if fixed == "0" else "fixed"
                elif urgency == "end-of-life":
                    status = "end-of-life"
                elif rel.get("nodsa_reason") == "ignored":
                    status = "will-not-fix"
                elif rel.get("nodsa_reason") == "postponed":
                    status = "fix-deferred"
                else:
                    status = "affected"
                rows.append(Row(vid, [], "debian:" + codename, package, status, fixed,
                                severity, "debian"))
    return rows


DSA_TAGS = {"<not-affected>": "not-affected", "<end-of-life>": "end-of-life",
            "<unfixed>": "affected", "<no-dsa>": "will-not-fix", "<ignored>": "will-not-fix",
            "<postponed>": "fix-deferred"}


def dsa_rows(path):
    """data/DSA/list: "[date] DSA-N ..." headers, "{CVE-...}" alias lines
    and "[codename] - package version" lines."""
    rows = []
    advisory, aliases = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            header = re.match(r"^\[\d\d \w\w\w \d{4}\] (D[SL]A-[0-9-]+) ", line)
            if header:
                advisory, aliases = header.group(1), []
                continue
            cves = re.match(r"^\s+\{(.*)\}\s*$", line)
            if cves and advisory:
                aliases = cves.group(1).split()
                continue
            fix = re.match(r"^\s+\[(\w+)\] - (\S+) (\S+)", line)
            if fix and advisory:
                version = fix.group(3)
                status = DSA_TAGS.get(version, "fixed")
                rows.append(Row(advisory, aliases, "debian:" + fix.group(1), fix.group(2),
                                status, version if status == "fixed" else None))
    return rows


def secdb_rows(path):
    """Alpine secdb and Wolfi/Chainguard security.json: packages[].pkg
    {name, secfixes: {version: ["ID [ALIAS...]"]}}. Version "0" means not
    affected. The release comes from distroversion, else from urlprefix."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if "distroversion" in data:
        key = "alpine:" + data["distroversion"]
    else:
        host = urllib.parse.urlparse(data["urlprefix"]).hostname
        key = "wolfi" if host.endswith("wolfi.dev") else "chainguard"
    rows = []
    for entry in data["packages"]:
        pkg = entry["pkg"]
        for version, items in pkg["secfixes"].items():
            for item in items:
                ids = item.split()
                status = "not-affected" if version == "0" else "fixed"
                rows.append(Row(ids[0], ids[1:], key, pkg["name"], status,
                                None if version == "0" else version))
    return rows


def score_severity(score):
    """The CVSS v3.1 qualitative rating of a base score."""
    if score >= 9.0:
        return "CRITICAL"
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    if score > 0.0:
        return "LOW"
    return "NEGLIGIBLE"


def photon_rows(path):
    """cve_data_photonX.Y.json: [{cve_id, pkg, cve_score, res_ver, status}].
    A Fixed entry whose res_ver is "NA" names no version and is left out."""
    key = "photon:" + re.search(r"photon(\d+\.\d+)\.json$", path).group(1)
    rows = []
    with open(path, encoding="utf-8") as f:
        for e in json.load(f):
            status = {"Fixed": "fixed", "Not Affected": "not-affected",
                      "Affected": "affected", "Vulnerable": "affected"}[e["status"]]
            if status == "fixed" and e["res_ver"] in ("", "NA"):
                continue
            severity, source = "UNKNOWN", None
            if e["cve_score"] is not None:
                severity, source = score_severity(e["cve_score"]), "photon"
            rows.append(Row(e["cve_id"], [], key, e["pkg"], status,
                            e["res_ver"] if status == "fixed" else None, severity, source))
    return rows


# CVSS v3.1 base score (FIRST's specification, section 7.1).
_CVSS3 = {"AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
          "AC": {"L": 0.77, "H": 0.44}, "UI": {"N": 0.85, "R": 0.62},
          "C": {"H": 0.56, "L": 0.22, "N": 0.0}}


def cvss3_score(vector):
    m = dict(part.split(":") for part in vector.split("/")[1:])
    changed = m["S"] == "C"
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[m["PR"]]
    iss = 1 - ((1 - _CVSS3["C"][m["C"]]) * (1 - _CVSS3["C"][m["I"]]) *
               (1 - _CVSS3["C"][m["A"]]))
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    exploit = 8.22 * _CVSS3["AV"][m["AV"]] * _CVSS3["AC"][m["AC"]] * pr * _CVSS3["UI"][m["UI"]]
    if impact <= 0:
        return 0.0
    raw = min(1.08 * (impact + exploit), 10) if changed else min(impact + exploit, 10)
    scaled = round(raw * 100000)
    return scaled / 100000.0 if scaled % 10000 == 0 else (scaled // 10000 + 1) / 10.0


def osv_key(ecosystem):
    """The release key of a distribution OSV ecosystem, or None."""
    m = re.match(r"^Ubuntu:(Pro:)?(\d+\.\d+)(:LTS)?$", ecosystem)
    if m:
        return ("ubuntu-pro:" if m.group(1) else "ubuntu:") + m.group(2)
    m = re.match(r"^(AlmaLinux|Rocky Linux):(\d+)$", ecosystem)
    if m:
        return {"AlmaLinux": "almalinux:", "Rocky Linux": "rocky:"}[m.group(1)] + m.group(2)
    return {"Chainguard": "chainguard", "Wolfi": "wolfi"}.get(ecosystem)


def osv_severity(record, affected):
    """The severity of an OSV record for one affected entry, best ranked
    first: an Ubuntu priority (record severity, or a USN's cves_map), Red
    Hat's word at the start of an AlmaLinux/Rocky summary, then CVSS v3."""
    words = [s["score"] for s in record.get("severity") or [] if s["type"] == "Ubuntu"]
    for cve in ((affected.get("database_specific") or {}).get("cves_map") or {}).get("cves", []):
        words += [s["score"] for s in cve.get("severity", []) if s["type"] == "Ubuntu"]
    ranked = [w.upper() for w in words if w.upper() in SEVERITIES]
    if ranked:
        return max(ranked, key=SEVERITIES.index), "osv:ubuntu"
    summary = record.get("summary") or ""
    m = re.match(r"^(Low|Moderate|Important|Critical):", summary)
    if m:
        word = {"Low": "LOW", "Moderate": "MEDIUM", "Important": "HIGH",
                "Critical": "CRITICAL"}[m.group(1)]
        return word, "osv:summary"
    for s in record.get("severity") or []:
        if s["type"] == "CVSS_V3":
            return score_severity(cvss3_score(s["score"])), "osv:cvss_v3"
    return "UNKNOWN", None


def osv_rows(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
        if record.get("withdrawn"):
            continue
        for affected in record["affected"]:
            key = osv_key(affected["package"]["ecosystem"])
            if key is None:
                continue
            ranges = []
            for r in affected.get("ranges", []):
                if r["type"] == "ECOSYSTEM":
                    ranges.append([next(iter(e.items())) for e in r["events"]])
            severity, source = osv_severity(record, affected)
            rows.append(Row(record["id"], record.get("aliases") or [], key,
                            affected["package"]["name"], "affected", None, severity, source,
                            ranges, affected.get("versions", [])))
    return rows


# Red Hat CSAF advisories and VEX --------------------------------------------

REDHAT_IMPACT = {"Low": "LOW", "Moderate": "MEDIUM", "Important": "HIGH", "Critical": "CRITICAL"}


def csaf_products(tree):
    """Maps product ids to a release key (main RHEL streams only) or to an
    rpm component (name, evr or None); module packages map to None."""
    keys, components = {}, {}

    def walk(branch):
        for b in branch.get("branches", []):
            product = b.get("product")
            if product:
                pid = product["product_id"]
                helper = product.get("product_identification_helper") or {}
                cpe = helper.get("cpe", "")
                m = re.match(r"^cpe:/[ao]:redhat:enterprise_linux:(\d+)(::[a-z_]+)?$", cpe)
                if m:
                    keys[pid] = "rhel:" + m.group(1)
                elif b["category"] == "product_version":
                    components[pid] = csaf_component(product["name"], helper.get("purl"))
            walk(b)

    walk(tree)
    return keys, components


def csaf_component(name, purl):
    if purl is not None:
        m = re.match(r"^pkg:rpm/redhat/([^@?]+)(?:@([^?]+))?(?:\?(.*))?$", purl)
        if m is None:
            return None
        qualifiers = urllib.parse.parse_qs(m.group(3) or "")
        if "rpmmod" in qualifiers:
            return None
        version = urllib.parse.unquote(m.group(2)) if m.group(2) else None
        if version and ":" not in version and qualifiers.get("epoch", ["0"])[0] != "0":
            version = qualifiers["epoch"][0] + ":" + version
        if version and version.startswith("0:"):
            version = version[2:]
        return urllib.parse.unquote(m.group(1)), version
    m = re.match(r"^(.+)-(?:(\d+):)?([^-:]+)-([^-]+)\.[a-z0-9_]+$", name)
    if m is None:
        return None
    epoch = m.group(2) if m.group(2) not in (None, "0") else None
    evr = f"{m.group(3)}-{m.group(4)}"
    return m.group(1), f"{epoch}:{evr}" if epoch else evr


def csaf_rows(paths):
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        document = doc["document"]
        keys, components = csaf_products(doc["product_tree"])
        pairs = {}
        for rel in doc["product_tree"].get("relationships", []):
            if rel["category"] == "default_component_of":
                pairs[rel["full_product_name"]["product_id"]] = (
                    rel["product_reference"], rel["relates_to_product_reference"])
        advisory_kind = document["category"] == "csaf_security_advisory"
        for vuln in doc["vulnerabilities"]:
            name = document["tracking"]["id"] if advisory_kind else vuln["cve"]
            aliases = [vuln["cve"]] if advisory_kind and "cve" in vuln else []
            record_severity = "UNKNOWN"
            if advisory_kind:
                record_severity = REDHAT_IMPACT.get(document["aggregate_severity"]["text"],
                                                    "UNKNOWN")
            for threat in vuln.get("threats", []):
                if threat["category"] == "impact" and not threat.get("product_ids") \
                        and not advisory_kind:
                    record_severity = REDHAT_IMPACT.get(threat["details"], "UNKNOWN")
            for status_name, ids in vuln.get("product_status", {}).items():
                for pid in ids:
                    row = csaf_row(name, aliases, vuln, status_name, pid, pairs, keys,
                                   components, record_severity)
                    if row is not None:
                        rows.append(row)
    return rows


def csaf_row(name, aliases, vuln, status_name, pid, pairs, keys, components,
             record_severity):
    if pid not in pairs:
        return None
    component_id, product_id = pairs[pid]
    key = keys.get(product_id)
    component = components.get(component_id)
    if key is None or component is None:
        return None
    package, evr = component
    if status_name in ("fixed", "first_fixed"):
        status = "fixed"
    elif status_name == "known_not_affected":
        status = "not-affected"
    else:
        status = "affected"
        for rem in vuln.get("remediations", []):
            if pid not in rem.get("product_ids", []):
                continue
            details = rem.get("details", "")
            if details.startswith("Out of support scope"):
                status = "end-of-life"
            elif rem["category"] == "no_fix_planned":
                status = "will-not-fix"
            elif rem["category"] == "none_available" and "Deferred" in details:
                status = "fix-deferred"
    severity = record_severity
    for threat in vuln.get("threats", []):
        if threat["category"] == "impact" and pid in threat.get("product_ids", []):
            severity = REDHAT_IMPACT.get(threat["details"], "UNKNOWN")
    return Row(name, aliases, key, package, status, evr if status == "fixed" else None,
               severity, "redhat")


# OVAL: SUSE, Oracle, CBL-Mariner, Azure Linux --------------------------------

OVAL_VENDORS = {"Marcus Updateinfo to OVAL Converter": "suse",
                "Oracle Errata System": "oracle",
                "CBL-Mariner OVAL Definition Generator": "mariner",
                "Azure Linux OVAL Definition Generator": "azurelinux"}
OVAL_SEVERITY = {"critical": "CRITICAL", "important": "HIGH", "high": "HIGH",
                 "moderate": "MEDIUM", "medium": "MEDIUM", "low": "LOW"}


def local(tag):
    return tag.rsplit("}", 1)[-1]


def children(elem, name):
    return [c for c in elem if local(c.tag) == name]


def oval_product_key(product):
    """The release key of a product named in an "X is installed" criterion,
    or None for products without advisories of their own here."""
    # NOTE: product criteria are mapped to a release from their comment, as
    # strata does, not evaluated against the image's release rpms as an
    # OVAL interpreter would. So an "-LTSS" branch counts for the plain
    # service pack even without sles-ltss-release in the image.
    m = re.match(r"^SUSE Linux Enterprise (?:Server|Module for [\w ]+?) (\d+)(?: SP(\d+))?"
                 r"(?:-[A-Z]+)?$", product)
    if m:
        return f"sles:{m.group(1)}.{m.group(2) or 0}"
    m = re.match(r"^Oracle Linux (\d+)$", product)
    if m:
        return "ol:" + m.group(1)
    return None


def oval_rows(path):
    root = ET.parse(path).getroot()
    vendor = None
    tests, objects, states = {}, {}, {}
    for e in root.iter():
        name = local(e.tag)
        if name == "product_name" and vendor is None:
            vendor = OVAL_VENDORS[e.text.strip()]
        elif name == "rpminfo_test":
            obj = children(e, "object")
            state = children(e, "state")
            tests[e.get("id")] = (obj[0].get("object_ref") if obj else None,
                                  state[0].get("state_ref") if state else None)
        elif name == "rpminfo_object":
            objects[e.get("id")] = children(e, "name")[0].text
        elif name == "rpminfo_state":
            states[e.get("id")] = {local(c.tag): (c.get("operation"), c.text) for c in e}
    rows = []
    for definition in root.iter():
        if local(definition.tag) == "definition":
            rows += oval_definition_rows(definition, vendor, tests, objects, states)
    return rows


def oval_definition_rows(definition, vendor, tests, objects, states):
    metadata = children(definition, "metadata")[0]
    title = children(metadata, "title")[0].text.strip()
    advisory = title.split()[0].rstrip(":")
    aliases = [r.get("ref_id") for r in metadata.iter()
               if local(r.tag) == "reference" and r.get("source") == "CVE"]
    aliases += [c.text.strip() for c in metadata.iter()
                if local(c.tag) == "cve" and re.match(r"^CVE-\d+-\d+$", c.text.strip())]
    aliases = [a.split()[-1] for a in aliases if a.split()[-1] != advisory]

    severity = "UNKNOWN"
    for s in metadata.iter():
        if local(s.tag) == "severity" and s.text:
            severity = OVAL_SEVERITY.get(s.text.strip().lower(), "UNKNOWN")
    patchable = [p.text for p in metadata.iter() if local(p.tag) == "patchable"]
    found = []   # (key or None, package, operation, evr)
    ok = walk_criteria(children(definition, "criteria")[0], None, vendor, tests, objects,
                       states, found)
    if not ok:
        return []

    rows = []
    for key, package, operation, evr in found:
        if vendor in ("mariner", "azurelinux"):
            tag = re.search(r"\.(cm2|azl3)$", evr).group(1)
            key = {"cm2": "mariner:2.0", "azl3": "azurelinux:3.0"}[tag]
        if key is None or operation == "greater than":
            continue
        if patchable == ["Not Applicable"] or operation == "not affected":
            rows.append(Row(advisory, aliases, key, package, "not-affected", None,
                            severity, vendor))
        elif operation == "less than":
            rows.append(Row(advisory, aliases, key, package, "fixed", evr, severity, vendor))
        elif operation == "less than or equal":
            rows.append(Row(advisory, aliases, key, package, "affected", None, severity,
                            vendor, ranges=[[("introduced", "0"), ("last_affected", evr)]]))
    return rows


def walk_criteria(criteria, key, vendor, tests, objects, states, found):
    """Collects the package criteria of CRITERIA with the release key that
    an AND sibling "X is installed" gives them. Returns False when a
    package criterion under a known release cannot be evaluated (an
    unknown operation), which makes the whole definition unusable."""
    items = list(criteria)
    if criteria.get("operator", "AND") == "AND":
        for c in items:
            product = product_of(c)
            if product is not None and oval_product_key(product) is not None:
                key = oval_product_key(product)
    for c in items:
        if local(c.tag) == "criteria":
            if not walk_criteria(c, key, vendor, tests, objects, states, found):
                return False
            continue
        comment = c.get("comment", "")
        if comment.endswith(" is installed") and product_of(c) is not None:
            continue
        if comment.endswith(" key"):
            continue
        test = tests.get(c.get("test_ref"))
        obj = objects.get(test[0]) if test else None
        state = states.get(test[1]) if test else None
        if obj is None or state is None:
            m = re.match(r"^(\S+) is earlier than (\S+)$", comment)
            if m and vendor == "oracle":
                found.append((key, m.group(1), "less than", m.group(2)))
            continue
        if "version" in state and state["version"] == ("equals", "0"):
            found.append((key, obj, "not affected", None))
            continue
        if "evr" not in state:
            continue
        operation, evr = state["evr"]
        if operation not in ("less than", "less than or equal", "greater than"):
            if key is not None or vendor in ("mariner", "azurelinux"):
                return False
            continue
        found.append((key, obj, operation, evr))
    return True


def product_of(criterion):
    if local(criterion.tag) != "criterion":
        return None
    m = re.match(r"^(.*) is installed$", criterion.get("comment", ""))
    if m is None or oval_product_key(m.group(1)) is None and not re.match(
            r"^(SUSE|Oracle|openSUSE)", m.group(1)):
        return None
    return m.group(1)


# Amazon Linux updateinfo.xml ---------------------------------------------------

AMAZON_KEY = [("ALAS2023-", "amzn:2023"), ("ALAS2-", "amzn:2"), ("ALAS-", "amzn:1")]


def amazon_rows(path):
    rows = []
    for update in ET.parse(path).getroot().iter("update"):
        if update.get("type") != "security":
            continue
        advisory = update.findtext("id")
        key = next((k for prefix, k in AMAZON_KEY if advisory.startswith(prefix)), None)
        if key is None:
            continue
        aliases = [r.get("id") for r in update.iter("reference") if r.get("type") == "cve"]
        severity = OVAL_SEVERITY.get(update.findtext("severity", "").lower(), "UNKNOWN")
        for p in update.iter("package"):
            if p.get("arch") == "src":
                continue
            evr = f"{p.get('version')}-{p.get('release')}"
            if p.get("epoch") is not None:
                evr = f"{p.get('epoch')}:{evr}"
            rows.append(Row(advisory, aliases, key, p.get("name"), "fixed", evr, severity,
                            "amazon"))
    return rows


# Expected findings ---------------------------------------------------------------


def in_ranges(kind, version, row):
    """OSV evaluation of ROW for VERSION: (affected, fixes above it). The
    events of each range are sorted by version, "introduced 0" first, and
    walked as the OSV schema's evaluation algorithm describes."""
    compare = COMPARE[kind]

    def order(a, b):
        a_zero = a == ("introduced", "0")
        b_zero = b == ("introduced", "0")
        if a_zero and b_zero:
            return 0
        if a_zero:
            return -1
        if b_zero:
            return 1
        return compare(a[1], b[1])

    hit = version in row.versions
    fixes = []
    for events in row.ranges:
        affected = False
        for ev_kind, ev_version in sorted(events, key=functools.cmp_to_key(order)):
            if ev_kind == "introduced" and (ev_version == "0" or
                                            compare(version, ev_version) >= 0):
                affected = True
            elif ev_kind == "fixed" and compare(version, ev_version) >= 0:
                affected = False
            elif ev_kind == "last_affected" and compare(version, ev_version) > 0:
                affected = False
        if affected:
            hit = True
            fixes += [v for k, v in events if k == "fixed" and compare(v, version) > 0]
    return hit, fixes


def lowest(kind, versions):
    best = None
    for v in versions:
        if best is None or COMPARE[kind](v, best) < 0:
            best = v
    return best


def expected_findings(case, rows, packages, eol):
    """The findings for the installed PACKAGES (dicts with name, version,
    source), matched vendor-first against ROWS of the case's release."""
    kind = case["kind"]
    keys = [case["key"]] + case.get("extra_keys", [])
    findings = set()
    for p in packages:
        if p.get("removed"):
            continue
        names = {p["name"], p.get("source") or p["name"]}
        if kind in ("deb", "apk") and p.get("source"):
            names = {p["source"]}
        candidates = []
        for row in rows:
            if row.key not in keys or row.package not in names:
                continue
            if row.ranges is not None:
                hit, fixes = in_ranges(kind, p["version"], row)
                if hit:
                    fix = lowest(kind, fixes)
                    candidates.append((row, "fixed" if fix else row.status, fix))
            elif row.status == "fixed":
                if row.fixed != "0" and COMPARE[kind](p["version"], row.fixed) < 0:
                    candidates.append((row, "fixed", row.fixed))
            elif row.status != "not-affected":
                candidates.append((row, row.status, None))
        for group in group_by_ids(candidates):
            findings.add(finding_of(kind, p["name"], group, eol))
    return findings


def group_by_ids(candidates):
    groups = []
    for c in candidates:
        joined = [g for g in groups if any(c[0].ids & other[0].ids for other in g)]
        merged = [c]
        for g in joined:
            merged += g
            groups.remove(g)
        groups.append(merged)
    return groups


def severity_rank(source):
    if source in SOURCE_RANK:
        return SOURCE_RANK.index(source)
    if source in CVSS_SOURCES:
        return 100 + CVSS_SOURCES.index(source)
    return 50


def finding_of(kind, package, group, eol):
    ids = frozenset().union(*(row.ids for row, _, _ in group))
    fix = lowest(kind, [f for _, _, f in group if f])
    primary = min(group, key=lambda c: c[0].advisory)
    status = "fixed" if fix else primary[1]
    if eol and status in OPEN_STATUSES:
        status = "end-of-life"
    best = None
    for row, _, _ in group:
        mine = (row.severity == "UNKNOWN", severity_rank(row.source),
                -SEVERITIES.index(row.severity))
        if best is None or mine < best[0]:
            best = (mine, row)
    # NOTE: severity_source is compared only for a known severity.
    return (ids, package, status, fix, best[1].severity,
            best[1].source if best[1].severity != "UNKNOWN" else None)


def reported_findings(report):
    got = set()
    for f in report["findings"] or []:
        ids = frozenset([f["id"], *(f.get("aliases") or [])])
        name = f["package"]["name"]
        source = f.get("severity_source") if f["severity"] != "UNKNOWN" else None
        got.add((ids, name, f["status"], f.get("fixed_version"), f["severity"], source))
    return got


# Images ----------------------------------------------------------------------------


def write_os_release(tree, case):
    src = os.path.join(OSRELEASE, case["osrelease"])
    with open(src, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for field, value in case.get("os_fields", {}).items():
        lines = [l for l in lines if not l.startswith(field + "=")] + [f'{field}="{value}"']
    os.makedirs(os.path.join(tree, "etc"), exist_ok=True)
    with open(os.path.join(tree, "etc", "os-release"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def write_dpkg(tree, packages):
    stanzas = []
    for p in packages:
        status = "deinstall ok config-files" if p.get("removed") else "install ok installed"
        lines = [f"Package: {p['name']}", f"Status: {status}", "Priority: optional",
                 "Architecture: amd64", f"Version: {p['version']}"]
        if p.get("source"):
            lines.append(f"Source: {p['source']}")
        lines += ["Maintainer: strata tests <tests@example.invalid>",
                  "Description: test package"]
        stanzas.append("\n".join(lines) + "\n")
    path = os.path.join(tree, "var", "lib", "dpkg", "status")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(stanzas))


def write_apk(tree, packages):
    stanzas = []
    for p in packages:
        stanzas.append(f"C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:{p['name']}\nV:{p['version']}\n"
                       f"A:x86_64\nS:1\nI:1\nT:test package\no:{p.get('source') or p['name']}\n")
    path = os.path.join(tree, "lib", "apk", "db", "installed")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(stanzas) + "\n")


def split_evr(evr):
    epoch = None
    if ":" in evr:
        epoch, evr = evr.split(":", 1)
    version, release = evr.rsplit("-", 1)
    return epoch, version, release


def write_rpmdb(tree, packages, work):
    """Builds one noarch rpm per package with rpmbuild (binary packages of
    one source and EVR share a spec, whose Name is the source package, so
    the rpm's SOURCERPM names it) and installs them into an SQLite rpmdb."""
    top = os.path.join(work, "rpmbuild")
    specs = {}
    for p in packages:
        specs.setdefault((p.get("source") or p["name"], p["version"]), []).append(p["name"])
    for n, ((source, evr), binaries) in enumerate(sorted(specs.items())):
        epoch, version, release = split_evr(evr)
        lines = [f"Name: {source}", f"Version: {version}", f"Release: {release}",
                 "Summary: test package", "License: MIT", "BuildArch: noarch"]
        if epoch is not None:
            lines.append(f"Epoch: {epoch}")
        lines += ["%description", "test package"]
        for binary in binaries:
            if binary == source:
                lines += ["%files"]
            else:
                lines += [f"%package -n {binary}", "Summary: test package",
                          f"%description -n {binary}", "test package", f"%files -n {binary}"]
        spec = os.path.join(work, f"p{n}.spec")
        with open(spec, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        run(["rpmbuild", "-bb", "--quiet", "--define", f"_topdir {top}", spec])

    rpms = []
    for d, _, files in os.walk(os.path.join(top, "RPMS")):
        rpms += [os.path.join(d, f) for f in files if f.endswith(".rpm")]
    dbdir = os.path.join(work, "rpmdb")
    os.makedirs(dbdir)
    run(["rpm", "--initdb", "--dbpath", dbdir])
    run(["rpm", "-i", "--justdb", "--nodeps", "--noscripts", "--dbpath", dbdir, *rpms])
    # Fold the write-ahead log into the database file, as an image ships it.
    db = sqlite3.connect(os.path.join(dbdir, "rpmdb.sqlite"))
    db.execute("PRAGMA journal_mode=DELETE")
    db.close()
    dest = os.path.join(tree, "var", "lib", "rpm")
    os.makedirs(dest)
    shutil.copyfile(os.path.join(dbdir, "rpmdb.sqlite"), os.path.join(dest, "rpmdb.sqlite"))


def build_image(case, work):
    tree = os.path.join(work, "tree")
    os.makedirs(tree)
    write_os_release(tree, case)
    for path, text in case.get("files", {}).items():
        full = os.path.join(tree, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
    packages = case["packages"]
    if case["kind"] == "deb":
        write_dpkg(tree, packages)
    elif case["kind"] == "apk":
        write_apk(tree, packages)
    else:
        write_rpmdb(tree, packages, work)
    layer = os.path.join(work, "layer.tar")
    run([sys.executable, distro_images.PACK, "layer-diff", "--new", tree, "--out", layer,
         "--clamp-mtime", "0"])
    out = os.path.join(work, "image")
    run([sys.executable, distro_images.PACK, "pack", "--out", out, "--name",
         "strata/vendor-feed-test", "--layer", layer, "packages", "--forms",
         "docker-archive", "--created", "0"])
    return os.path.join(out, "docker-archive.tar")


# Cases ------------------------------------------------------------------------------


def pkg(name, version, source=None, removed=False):
    return {"name": name, "version": version, "source": source, "removed": removed}


def feed(*parts):
    return os.path.join(FEEDS, *parts)


def feed_dir(*parts):
    d = feed(*parts)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".json"))


# Synthetic secdb for the apk false-positive checks: a fix recorded
# without a package release ("1.5.1") must not flag 1.5.1-r1, and a
# release candidate sorts below its release.
APK_EDGE_SECDB = {
    "distroversion": "v3.18", "reponame": "main", "urlprefix": "https://example.invalid",
    "apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}.apk",
    "archs": ["x86_64"],
    "packages": [
        {"pkg": {"name": "fp-release", "secfixes": {"1.5.1": ["CVE-2099-1001"]}}},
        {"pkg": {"name": "fp-rc", "secfixes": {"1.6-r0": ["CVE-2099-1002"]}}},
        {"pkg": {"name": "fp-alias", "secfixes": {"2.0-r1": ["CVE-2099-1003 XSA-1003"]}}},
        {"pkg": {"name": "fp-suffix", "secfixes": {"9.2_p1-r0": ["CVE-2099-1004"]}}},
    ]}


def eol_passed(date):
    return date is not None and datetime.date.fromisoformat(date) < TODAY


CASES = [
    {
        "name": "debian tracker, bookworm",
        "feeds": [feed("debian", "tracker-cases.json"),
                  feed("debian", "security-tracker-debian.json")],
        "parse": lambda paths: sum((debian_tracker_rows(p) for p in paths), []),
        "kind": "deb", "key": "debian:bookworm", "eol": "2028-06-10",
        "osrelease": "debian-12/etc/os-release",
        "packages": [
            pkg("libssl3", "3.0.11-1~deb12u2", "openssl"),
            pkg("openssl", "3.0.13-1~deb12u1"),
            pkg("zlib1g", "1:1.2.13.dfsg-1", "zlib"),
            pkg("chromium", "97.0.4692.99-1"),
            pkg("libsope1", "5.8.0-1+deb12u1", "sope"),
            pkg("libsope-appserver4.9", "5.8.0-1+deb12u2", "sope"),
            pkg("libjs-prototype", "1.7.1-3", "prototypejs"),
            # Removed with its configuration files left: not installed.
            pkg("libssl1.1", "1.1.1n-0+deb11u5", "openssl", removed=True),
        ],
        "must_not_report": ["libssl1.1", "libsope1", "libjs-prototype"],
    },
    {
        "name": "debian DSA list, bookworm",
        "feeds": [feed("debian", "DSA-list-excerpt")],
        "parse": lambda paths: dsa_rows(paths[0]),
        "kind": "deb", "key": "debian:bookworm", "eol": "2028-06-10",
        "osrelease": "debian-12/etc/os-release",
        "packages": [
            pkg("libsope1", "5.8.0-1", "sope"),
            pkg("sope4.9-dev", "5.8.0-1+deb12u1", "sope"),
            pkg("libpng16-16", "1.0.12-3", "libpng"),
        ],
    },
    {
        "name": "debian DSA list, stretch",
        "feeds": [feed("debian", "DSA-list-excerpt")],
        "parse": lambda paths: dsa_rows(paths[0]),
        "kind": "deb", "key": "debian:stretch", "eol": "2022-07-01",
        "osrelease": "debian-9/etc/os-release",
        "packages": [
            pkg("drupal7", "7.52-2+deb9u4"),
            pkg("openjpeg-tools", "1.3+dfsg-4.8", "openjpeg"),
        ],
    },
    {
        "name": "alpine secdb v3.10", "truncated_import_check": True,
        "feeds": [feed("alpine", "secdb-v3.10-community.json")],
        "parse": lambda paths: secdb_rows(paths[0]),
        "kind": "apk", "key": "alpine:v3.10", "eol": "2021-05-01",
        "osrelease": "alpine-3.12/etc/os-release", "os_fields": {"VERSION_ID": "3.10.9"},
        "packages": [
            pkg("botan", "2.8.0-r0"),
            pkg("botan-libs", "2.6.0-r0", "botan"),
            pkg("cfengine", "3.12.2-r0"),
            pkg("chicken", "4.12.0-r4"),
            pkg("chicken-dev", "4.12.0-r2", "chicken"),
        ],
    },
    {
        "name": "alpine version order (synthetic secdb)",
        "feeds": ["synthetic:apk-edge"],
        "parse": lambda paths: secdb_rows(paths[0]),
        "kind": "apk", "key": "alpine:v3.18", "eol": "2025-05-09",
        "osrelease": "alpine-3.18/etc/os-release",
        "packages": [
            pkg("fp-release", "1.5.1-r1"),
            pkg("fp-rc", "1.6_rc1-r0"),
            pkg("fp-alias", "2.0-r0"),
            pkg("fp-suffix", "9.2_p1-r0"),
        ],
        "must_not_report": ["fp-release", "fp-suffix"],
        "must_report": ["fp-rc"],
    },
    {
        "name": "wolfi security.json",
        "feeds": [feed("wolfi", "security.json")],
        "parse": lambda paths: secdb_rows(paths[0]),
        "kind": "apk", "key": "wolfi", "eol": None,
        "osrelease": "wolfi/etc/os-release",
        "packages": [
            pkg("openssl", "3.0.6-r0"),
            pkg("libcrypto3", "3.0.6-r0", "openssl"),
            pkg("zlib", "1.2.12-r3"),
            pkg("glibc", "2.36-r0"),
            pkg("coreutils", "9.1-r0"),
            pkg("busybox", "1.36.0-r0"),
            pkg("expat", "2.4.9-r0"),
        ],
    },
    {
        "name": "chainguard security.json",
        "feeds": [feed("chainguard", "security.json")],
        "parse": lambda paths: secdb_rows(paths[0]),
        "kind": "apk", "key": "chainguard", "eol": None,
        "osrelease": "wolfi/etc/os-release", "os_fields": {"ID": "chainguard"},
        "packages": [
            pkg("git", "2.39.0-r0"),
            pkg("glibc", "2.37-r0"),
            pkg("openssh-client", "9.1_p1-r0", "openssh"),
            pkg("openssl", "3.1.0-r1"),
            pkg("haproxy", "2.6.8-r0"),
        ],
    },
    {
        "name": "chainguard OSV",
        "feeds": feed_dir("osv-eco", "chainguard"),
        "parse": osv_rows,
        "kind": "apk", "key": "chainguard", "eol": None,
        "osrelease": "wolfi/etc/os-release", "os_fields": {"ID": "chainguard"},
        "packages": [
            pkg("haproxy-2.2", "2.2.33-r0"),
            pkg("haproxy-2.8", "2.8.18-r0"),
            pkg("haproxy-3.0", "3.0.9-r0"),
        ],
    },
    {
        "name": "wolfi OSV",
        "feeds": feed_dir("osv-eco", "chainguard"),
        "parse": osv_rows,
        "kind": "apk", "key": "wolfi", "eol": None,
        "osrelease": "wolfi/etc/os-release",
        "packages": [
            pkg("haproxy-3.0", "3.0.9-r1"),
            pkg("haproxy-3.1", "3.1.8-r0"),
            pkg("haproxy-2.2", "2.2.33-r0"),
        ],
    },
    {
        "name": "ubuntu OSV, 22.04",
        "feeds": feed_dir("osv-eco", "ubuntu"),
        "parse": osv_rows,
        "kind": "deb", "key": "ubuntu:22.04", "eol": "2027-04-01",
        "osrelease": "ubuntu-22.04/etc/os-release",
        "packages": [
            pkg("libwayland-client0", "1.20.0-1", "wayland"),
            pkg("libwayland-server0", "1.20.0-1ubuntu0.1", "wayland"),
            pkg("libnetty-java", "1:4.1.48-4", "netty"),
            pkg("libjansson4", "2.13.1-1.1build3", "jansson"),
        ],
        "must_not_report": ["libnetty-java", "libwayland-server0"],
    },
    {
        "name": "ubuntu OSV, 22.04 with Ubuntu Pro",
        "feeds": feed_dir("osv-eco", "ubuntu"),
        "parse": osv_rows,
        "kind": "deb", "key": "ubuntu:22.04", "extra_keys": ["ubuntu-pro:22.04"],
        "eol": "2032-04-09",
        "osrelease": "ubuntu-22.04/etc/os-release",
        "files": {"etc/apt/sources.list.d/ubuntu-esm-apps.list":
                  "deb https://esm.ubuntu.com/apps/ubuntu jammy-apps-security main\n"},
        "packages": [
            pkg("libnetty-java", "1:4.1.48-4+deb11u1build0.22.04.1", "netty"),
            pkg("libwayland-cursor0", "1.20.0-1ubuntu0.2", "wayland"),
        ],
        "must_report": ["libnetty-java"],
    },
    {
        "name": "almalinux OSV, 9",
        "feeds": feed_dir("osv-eco", "almalinux"),
        "parse": osv_rows,
        "kind": "rpm", "key": "almalinux:9", "eol": "2032-05-31",
        "osrelease": "almalinux/etc/os-release", "os_fields": {"VERSION_ID": "9.3"},
        "packages": [
            pkg("avahi-libs", "0.8-12.el9", "avahi"),
            pkg("avahi-glib", "0.8-20.el9", "avahi"),
            pkg("avahi-tools", "0.8-21.el9", "avahi"),
        ],
    },
    {
        "name": "rocky OSV, 9",
        "feeds": feed_dir("osv-eco", "rocky"),
        "parse": osv_rows,
        "kind": "rpm", "key": "rocky:9", "eol": "2032-05-31",
        "osrelease": "rockylinux/etc/os-release", "os_fields": {"VERSION_ID": "9.4"},
        "packages": [
            pkg("ruby", "3.3.0-1.module+el9.3.0+16000+aaaa", "ruby"),
            # The fix is "0:1.5.4-1...": an installed rpm without an epoch
            # at that EVR is the fixed build.
            pkg("rubygem-pg", "1.5.4-1.module+el9.4.0+20787+4c237fd3", "rubygem-pg"),
            pkg("rubygem-mysql2", "0.5.6-1.module+el9.4.0+20787+4c237fd3", "rubygem-mysql2"),
        ],
        "must_not_report": ["rubygem-pg"],
    },
    {
        "name": "red hat CSAF and VEX, RHEL 9",
        "feeds": feed_dir("redhat", "csaf") + feed_dir("redhat", "vex"),
        "parse": csaf_rows,
        "kind": "rpm", "key": "rhel:9", "eol": "2032-05-31",
        "osrelease": "rhel-9/etc/os-release",
        "packages": [
            pkg("openssl-libs", "1:3.0.7-25.el9", "openssl"),
            # Exactly the fixed EVR: not affected.
            pkg("openssl", "1:3.0.7-27.el9", "openssl"),
            # Epoch 0 installed, fix "11.4.1-3.el9" without an epoch: equal.
            pkg("libstdc++", "0:11.4.1-3.el9", "gcc"),
            pkg("compat-openssl11", "1:1.1.1k-4.el9", "compat-openssl11"),
            pkg("edk2-ovmf", "20231122-6.el9", "edk2"),
            pkg("python3-libs", "3.9.18-1.el9", "python3.9"),
            pkg("nodejs", "1:18.18.0-1.module+el9.3.0+20000+abc", "nodejs"),
            pkg("telnet", "1:0.17-86.el9", "telnet"),
        ],
        "must_not_report": ["openssl", "libstdc++", "nodejs", "telnet"],
    },
    {
        "name": "red hat VEX, RHEL 8", "truncated_import_check": True,
        "feeds": feed_dir("redhat", "vex"),
        "parse": csaf_rows,
        "kind": "rpm", "key": "rhel:8", "eol": "2029-05-31",
        "osrelease": "rhel-8/etc/os-release",
        "packages": [
            pkg("openssl", "1:1.1.1k-9.el8", "openssl"),
            pkg("openssl3-libs", "3.0.7-5.el8", "openssl3"),
        ],
    },
    {
        "name": "red hat CSAF and VEX, RHEL 7",
        "feeds": feed_dir("redhat", "csaf") + feed_dir("redhat", "vex"),
        "parse": csaf_rows,
        "kind": "rpm", "key": "rhel:7", "eol": "2024-06-30",
        "osrelease": "rhel-7/etc/os-release",
        "packages": [
            pkg("shim-x64", "15-8.el7", "shim"),
            # Fixed by RHSA-2022:0011 only for the AUS, E4S and TUS streams.
            pkg("telnet", "1:0.17-64.el7", "telnet"),
        ],
        "must_not_report": ["telnet"],
    },
    {
        "name": "suse OVAL, SLES 15 SP1",
        "feeds": [feed("suse", "oval-suse-truncated.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "sles:15.1", "eol": "2021-01-31",
        "osrelease": "sles/etc/os-release", "os_fields": {"VERSION_ID": "15.1"},
        "packages": [
            pkg("kernel-default", "4.12.14-197.80.1", "kernel-default"),
            pkg("kernel-source", "4.12.14-197.89.2", "kernel-source"),
        ],
    },
    {
        "name": "suse OVAL, SLES 15",
        "feeds": [feed("suse", "oval-suse-truncated.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "sles:15.0", "eol": "2019-12-31",
        "osrelease": "sles/etc/os-release", "os_fields": {"VERSION_ID": "15"},
        "packages": [
            pkg("kernel-default", "4.12.14-150.70.1", "kernel-default"),
            pkg("python3-cryptography", "3.3.2-150400.1", "python-cryptography"),
            # CVE-2010-1323's package tests use operation "6", which OVAL
            # does not define: the definition cannot be evaluated.
            pkg("krb5", "1.15.2-4.20", "krb5"),
        ],
        "must_report": ["kernel-default"],
    },
    {
        "name": "oracle OVAL, OL 6",
        "feeds": [feed("oracle", "elsa-oval-mock.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "ol:6", "eol": "2021-03-01",
        "osrelease": "oraclelinux/etc/os-release", "os_fields": {"VERSION_ID": "6.10"},
        "packages": [
            pkg("kernel-uek", "2.6.39-400.300.1.el6uek", "kernel-uek"),
            pkg("kernel-uek-firmware", "2.6.39-400.302.2.el6uek", "kernel-uek"),
            pkg("bind", "30:9.3.3-7.el5", "bind"),
        ],
    },
    {
        "name": "oracle OVAL, OL 5",
        "feeds": [feed("oracle", "elsa-oval-mock.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "ol:5", "eol": None,
        "osrelease": "oraclelinux/etc/os-release", "os_fields": {"VERSION_ID": "5.11"},
        "packages": [
            pkg("bind", "30:9.3.3-7.el5", "bind"),
            pkg("bind-utils", "30:9.3.3-8.el5", "bind"),
            # No epoch: 0 sorts below the fix's epoch 30.
            pkg("bind-libs", "9.3.3-9.el5", "bind-libs"),
        ],
        "must_report": ["bind-libs"],
    },
    {
        "name": "mariner OVAL, 2.0", "truncated_import_check": True,
        "feeds": [feed("mariner", "mariner-2.0-oval-truncated.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "mariner:2.0", "eol": "2025-07-31",
        "osrelease": "mariner/etc/os-release", "os_fields": {"VERSION_ID": "2.0"},
        "packages": [
            pkg("golang", "1.20.6-1.cm2", "golang"),
            pkg("glibc", "2.35-4.cm2", "glibc"),
            pkg("mysql", "8.0.32-1.cm2", "mysql"),
            pkg("bind-libs", "9.16.33-1.cm2", "bind"),
        ],
    },
    {
        "name": "azure linux OVAL, 3.0",
        "feeds": [feed("mariner", "azure-linux-3.0-oval-truncated.xml")],
        "parse": lambda paths: oval_rows(paths[0]),
        "kind": "rpm", "key": "azurelinux:3.0", "eol": None,
        "osrelease": "mariner/etc/os-release",
        "os_fields": {"ID": "azurelinux", "VERSION_ID": "3.0"},
        "packages": [
            pkg("freeglut", "3.2.2-1.azl3", "freeglut"),
            pkg("ceph", "18.2.1-1.azl3", "ceph"),
        ],
    },
    {
        "name": "amazon updateinfo, 2023",
        "feeds": [feed("amazon", "updateinfo.xml"), feed("amazon", "alas2023-rss.xml")],
        "parse": lambda paths: amazon_rows(paths[0]),
        "kind": "rpm", "key": "amzn:2023", "eol": "2028-03-15",
        "osrelease": "amazon/etc/os-release", "os_fields": {"VERSION_ID": "2023"},
        "packages": [
            pkg("device-mapper-multipath-libs", "0.8.7-15.amzn2023.0.1",
                "device-mapper-multipath"),
            # epoch="0" in the feed, no epoch installed: equal.
            pkg("kpartx", "0.8.7-16.amzn2023.0.1", "device-mapper-multipath"),
            pkg("libdmmp", "0.8.7-17.amzn2023.0.1", "device-mapper-multipath"),
        ],
        "must_not_report": ["kpartx"],
    },
    {
        "name": "photon cve_data, 4.0", "truncated_import_check": True,
        "feeds": [feed("photon", "cve_data_photon4.0.json")],
        "parse": lambda paths: photon_rows(paths[0]),
        "kind": "rpm", "key": "photon:4.0", "eol": None,
        "osrelease": "photon/etc/os-release", "os_fields": {"VERSION_ID": "4.0"},
        "packages": [
            pkg("curl", "7.88.1-3.ph4", "curl"),
            pkg("curl-libs", "7.88.1-4.ph4", "curl"),
            pkg("nghttp2", "1.57.0-2.ph4", "nghttp2"),
            pkg("httpd", "2.4.58-1.ph4", "httpd"),
            pkg("python3", "3.10.0-1.ph4", "python3"),
            pkg("krb5-devel", "1.17-14.ph4", "krb5"),
        ],
        "must_not_report": ["curl-libs", "httpd", "python3"],
    },
]


# Running a case -------------------------------------------------------------------


def describe(f):
    ids, package, status, fixed, severity, source = f
    return (f"{package}: {','.join(sorted(ids))} {status} fixed={fixed} "
            f"{severity}/{source}")


def check_case(strata, case, work):
    feeds = case["feeds"]
    if feeds == ["synthetic:apk-edge"]:
        path = os.path.join(work, "secdb-synthetic.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(APK_EDGE_SECDB, f)
        feeds = [path]
    rows = case["parse"](feeds)
    if not rows:
        raise CaseError("the feed parser found no rows")
    eol = eol_passed(case["eol"])
    expected = expected_findings(case, rows, case["packages"], eol)

    db = os.path.join(work, "vuln.db")
    run([strata, "db", "import", "-q", "--db", db, *feeds])
    image = build_image(case, work)
    out = run([strata, "scan", "--db", db, "--format", "json", "docker-archive:" + image])
    report = json.loads(out)
    got = reported_findings(report)

    problems = []
    os_info = report.get("os") or {}
    if os_info.get("distro_key") != case["key"]:
        problems.append(f"distro_key {os_info.get('distro_key')!r}, expected {case['key']!r}")
    if bool(os_info.get("eol_date")) != eol:
        problems.append(f"eol_date {os_info.get('eol_date')!r}, expected "
                        f"{'a date' if eol else 'none'}")
    installed = {p["name"] for p in report["packages"] if p["type"] == case["kind"]}
    expected_names = {p["name"] for p in case["packages"] if not p.get("removed")}
    if installed != expected_names:
        problems.append(f"inventory {sorted(installed)}, expected {sorted(expected_names)}")
    for f in sorted(expected - got, key=describe):
        problems.append("expected, not reported: " + describe(f))
    for f in sorted(got - expected, key=describe):
        problems.append("reported, not expected: " + describe(f))
    # The explicit false-positive and true-positive checks, independent of
    # the computed expectation.
    reported_names = {f[1] for f in got}
    for name in case.get("must_not_report", []):
        if name in reported_names:
            problems.append(f"{name} must not be reported")
    for name in case.get("must_report", []):
        if name not in reported_names:
            problems.append(f"{name} must be reported")
    if case.get("truncated_import_check"):
        problems += check_truncated_import(strata, feeds[0], db, image, got, work)
    return problems, expected, got


def check_truncated_import(strata, path, db, image, before, work):
    """Imports the first half of PATH into the database that already
    contains the whole feed. The import must fail and name the file, and
    because it is one transaction, the findings of IMAGE must not change."""
    with open(path, "rb") as f:
        data = f.read()
    cut = os.path.join(work, "truncated-" + os.path.basename(path))
    with open(cut, "wb") as f:
        f.write(data[: len(data) // 2])
    proc = subprocess.run([strata, "db", "import", "-q", "--db", db, cut],
                          capture_output=True, text=True)
    problems = []
    if proc.returncode == 0:
        problems.append("importing a truncated feed succeeded")
    elif os.path.basename(cut) not in proc.stderr:
        problems.append(f"truncated feed error does not name the file: {proc.stderr.strip()}")
    out = run([strata, "scan", "--db", db, "--format", "json", "docker-archive:" + image])
    if reported_findings(json.loads(out)) != before:
        problems.append("a failed import changed the findings")
    return problems


def main():
    if len(sys.argv) != 2:
        print("usage: vendor_feeds.py STRATA", file=sys.stderr)
        return 2
    strata = os.path.abspath(sys.argv[1])
    only = os.environ.get("VENDOR_FEEDS_ONLY")
    passed = failed = 0
    for case in CASES:
        if only and only not in case["name"]:
            continue
        with tempfile.TemporaryDirectory(prefix="strata-vendor-feeds-") as work:
            try:
                problems, expected, got = check_case(strata, case, work)
            except (CaseError, OSError, ValueError, KeyError) as e:
                problems, expected, got = [f"{type(e).__name__}: {e}"], set(), set()
        summary = (f"{len(case['packages'])} packages, {len(expected)} findings expected, "
                   f"{len(got)} reported")
        if problems:
            failed += 1
            print(f"not ok - {case['name']} ({summary})")
            for p in problems:
                print(f"# {p}")
        else:
            passed += 1
            print(f"ok - {case['name']} ({summary})")
        if os.environ.get("VENDOR_FEEDS_VERBOSE"):
            for f in sorted(expected, key=describe):
                print(f"#   expected {describe(f)}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
