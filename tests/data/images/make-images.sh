#!/usr/bin/env bash
# Writes the crafted test images of tests/unit/image_test.c and
# inflate_test.c into this directory: docker-archive tars (classic,
# skopeo-style, Docker 25+), OCI
# layouts (directories and tars, one multi-platform), and broken images
# that each test one check. The output is deterministic (fixed mtimes,
# owners and gzip headers), so rerunning the script changes no file unless
# the script changed. expected.json lists what strata must report for the
# good images, computed here with Python's hashlib independently of strata.
#
# Usage: tests/data/images/make-images.sh
set -euo pipefail
cd "$(dirname "$0")"
exec python3 - <<'PY'
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile

OUT = "."
expected = {}
# For each broken image, a string its error message must contain: the
# digest or path of the object at fault.
named = {}


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def jdump(obj):
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def tar_bytes(entries):
    """entries: (name, kind, payload); kind is file, dir or symlink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, kind, payload in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if kind == "file":
                info.mode = 0o644
                info.size = len(payload)
                t.addfile(info, io.BytesIO(payload))
            elif kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                t.addfile(info)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.mode = 0o777
                info.linkname = payload
                t.addfile(info)
    return buf.getvalue()


# Layer contents ------------------------------------------------------

LAYER_A = tar_bytes([
    ("etc/", "dir", None),
    ("etc/os-release", "file", b"ID=strata-test\nVERSION_ID=1\n"),
    ("bin/", "dir", None),
    ("bin/sh", "symlink", "busybox"),
])
LAYER_B = tar_bytes([
    ("hello.txt", "file", b"hello from layer b\n"),
])
LAYER_C = tar_bytes([
    ("etc/", "dir", None),
    ("etc/motd", "file", b"arm64 image\n"),
])
ZEROS = tar_bytes([("zeros", "file", bytes(4 << 20))])

HISTORY = [
    {"created": "2024-01-01T00:00:00Z", "created_by": "ADD rootfs.tar /"},
    {"created": "2024-01-01T00:00:01Z", "created_by": "CMD [\"sh\"]",
     "empty_layer": True},
    {"created": "2024-01-01T00:00:02Z", "created_by": "RUN echo hello"},
]


def config(diff_ids, arch="amd64", variant=None, history=None):
    c = {
        "architecture": arch,
        "os": "linux",
        "config": {"Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": HISTORY if history is None else history,
    }
    if variant:
        c["variant"] = variant
    return jdump(c)


def expect(name, form, tag, cfg, layers, arch="amd64", variant=None,
           manifest=None):
    expected[name] = {
        "form": form,
        "tag": tag,
        "config_digest": sha(cfg),
        "manifest_digest": manifest,
        "os": "linux",
        "architecture": arch,
        "variant": variant,
        "layers": layers,
    }


def layer_expect(stored, uncompressed, compression, created_by,
                 media_type=None, size_known=True):
    return {
        "digest": sha(stored),
        "diff_id": sha(uncompressed),
        "size": len(stored),
        "size_known": size_known,
        "compression": compression,
        "media_type": media_type,
        "created_by": created_by,
    }


def write_tar(path, members):
    """members: (name, kind, payload) in order, as in tar_bytes."""
    with open(os.path.join(OUT, path), "wb") as f:
        f.write(tar_bytes(members))


def reset(path):
    full = os.path.join(OUT, path)
    if os.path.isdir(full) and not os.path.islink(full):
        shutil.rmtree(full)
    elif os.path.lexists(full):
        os.remove(full)


# docker-archive, classic shape -----------------------------------------

def docker_classic():
    """docker save up to Docker 24: <id>/layer.tar, a repeated layer saved
    as a symbolic link to the first copy, and a second image."""
    cfg = config([sha(LAYER_A), sha(LAYER_B), sha(LAYER_A)], history=HISTORY + [
        {"created": "2024-01-01T00:00:03Z", "created_by": "COPY again /"}])
    cfg2 = config([sha(LAYER_A)], history=HISTORY[:1])
    ids = ["1" * 64, "2" * 64, "3" * 64]
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    cfg2_name = hashlib.sha256(cfg2).hexdigest() + ".json"

    manifest = [
        {"Config": cfg_name, "RepoTags": ["strata/test:classic"],
         "Layers": [i + "/layer.tar" for i in ids]},
        {"Config": cfg2_name, "RepoTags": ["strata/test:second"],
         "Layers": [ids[0] + "/layer.tar"]},
    ]
    members = [(cfg_name, "file", cfg), (cfg2_name, "file", cfg2)]

    for i, data in zip(ids[:2], [LAYER_A, LAYER_B]):
        members += [(i + "/", "dir", None), (i + "/VERSION", "file", b"1.0"),
                    (i + "/json", "file", b"{}"),
                    (i + "/layer.tar", "file", data)]
    members += [(ids[2] + "/", "dir", None),
                (ids[2] + "/layer.tar", "symlink", "../" + ids[0] + "/layer.tar"),
                ("manifest.json", "file", jdump(manifest)),
                ("repositories", "file", b"{}")]
    write_tar("docker-classic.tar", members)

    expect("docker-classic.tar", "docker-archive", "strata/test:classic", cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
        layer_expect(LAYER_A, LAYER_A, "none", "COPY again /", size_known=False),
    ])
    return members, manifest


def docker_diffid():
    """skopeo copy ... docker-archive: <diff_id>.tar and <hex>.json."""
    cfg = config([sha(LAYER_A), sha(LAYER_B)])
    names = [hashlib.sha256(d).hexdigest() + ".tar" for d in (LAYER_A, LAYER_B)]
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": None, "Layers": names}]
    write_tar("docker-diffid.tar", [
        (names[0], "file", LAYER_A), (names[1], "file", LAYER_B),
        (cfg_name, "file", cfg), ("manifest.json", "file", jdump(manifest))])
    expect("docker-diffid.tar", "docker-archive", None, cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ])


# OCI layouts ---------------------------------------------------------

MT_LAYER = "application/vnd.oci.image.layer.v1.tar"
MT_LAYER_GZ = MT_LAYER + "+gzip"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"


class Layout:
    def __init__(self):
        self.blobs = {}
        self.index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": []}

    def add(self, data, media_type, **extra):
        self.blobs[hashlib.sha256(data).hexdigest()] = data
        d = {"mediaType": media_type, "digest": sha(data), "size": len(data)}
        d.update(extra)
        return d

    def image(self, cfg, layers):
        """layers: (stored bytes, media type). Returns the manifest's
        descriptor and bytes."""
        m = {
            "schemaVersion": 2,
            "mediaType": MT_MANIFEST,
            "config": self.add(cfg, MT_CONFIG),
            "layers": [self.add(data, mt) for data, mt in layers],
        }
        raw = jdump(m)
        return self.add(raw, MT_MANIFEST), raw

    def members(self):
        out = [("oci-layout", "file", b'{"imageLayoutVersion":"1.0.0"}'),
               ("index.json", "file", jdump(self.index)),
               ("blobs/", "dir", None), ("blobs/sha256/", "dir", None)]
        for hexd in sorted(self.blobs):
            out.append(("blobs/sha256/" + hexd, "file", self.blobs[hexd]))
        return out

    def write_dir(self, path):
        reset(path)
        for name, kind, payload in self.members():
            full = os.path.join(OUT, path, name)
            if kind == "dir":
                os.makedirs(full, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "wb") as f:
                    f.write(payload)

    def write_tar(self, path):
        write_tar(path, self.members())


def concat_gzip(data):
    """Two gzip members, as pigz or appended layers can produce."""
    half = len(data) // 2
    return gz(data[:half]) + gz(data[half:])


def oci_basic():
    lay = Layout()
    a_gz = gz(LAYER_A)
    b_gz = concat_gzip(LAYER_B)
    cfg = config([sha(LAYER_A), sha(LAYER_B)])
    desc, raw = lay.image(cfg, [(a_gz, MT_LAYER_GZ), (b_gz, MT_LAYER_GZ)])
    desc["annotations"] = {"org.opencontainers.image.ref.name": "v1"}
    lay.index["manifests"].append(desc)
    lay.write_dir("oci-dir")
    lay.write_tar("oci.tar")
    layers = [
        layer_expect(a_gz, LAYER_A, "gzip", "ADD rootfs.tar /", MT_LAYER_GZ),
        layer_expect(b_gz, LAYER_B, "gzip", "RUN echo hello", MT_LAYER_GZ),
    ]
    for name, form in (("oci-dir", "oci"), ("oci.tar", "oci-archive")):
        expect(name, form, "v1", cfg, layers, manifest=desc["digest"])
    return lay, cfg, desc


def docker_oci():
    """docker save since Docker 25: an OCI layout plus manifest.json whose
    paths point into blobs/sha256."""
    lay = Layout()
    cfg = config([sha(LAYER_A), sha(LAYER_B)])
    desc, raw = lay.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    desc["annotations"] = {"org.opencontainers.image.ref.name": "latest",
                           "io.containerd.image.name": "docker.io/strata/test:latest"}
    lay.index["manifests"].append(desc)
    manifest = [{"Config": "blobs/sha256/" + hashlib.sha256(cfg).hexdigest(),
                 "RepoTags": ["strata/test:latest"],
                 "Layers": ["blobs/sha256/" + hashlib.sha256(d).hexdigest()
                            for d in (LAYER_A, LAYER_B)]}]
    members = lay.members() + [("manifest.json", "file", jdump(manifest)),
                               ("repositories", "file", b"{}")]
    write_tar("docker-oci.tar", members)
    expect("docker-oci.tar", "docker-archive", "strata/test:latest", cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ], manifest=desc["digest"])

    # The same manifest.json beside an index.json of another image, whose
    # blobs are all present: containerd would load that image instead.
    other = Layout()
    cfg_other = config([sha(LAYER_C)], history=HISTORY[:1])
    other_desc, _ = other.image(cfg_other, [(LAYER_C, MT_LAYER)])
    other.index["manifests"].append(other_desc)
    members = [m for m in lay.members() if m[0] != "index.json"]
    names = {m[0] for m in members}
    members += [m for m in other.members() if m[0] not in names]
    members.append(("manifest.json", "file", jdump(manifest)))
    write_tar("bad-docker-oci-mismatch.tar", members)
    named["bad-docker-oci-mismatch.tar"] = sha(cfg)

    # index.json lists the image of manifest.json under another name, and
    # another image under the name that manifest.json's RepoTags gives.
    both = Layout()
    mine, _ = both.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    theirs, _ = both.image(cfg_other, [(LAYER_C, MT_LAYER)])
    mine["annotations"] = {"io.containerd.image.name": "docker.io/strata/decoy:1"}
    # Written as Docker reads it: the Hub index host and the default tag.
    theirs["annotations"] = {"io.containerd.image.name": "index.docker.io/strata/test"}
    both.index["manifests"] += [mine, theirs]
    write_tar("bad-docker-oci-named.tar",
              both.members() + [("manifest.json", "file", jdump(manifest))])
    named["bad-docker-oci-named.tar"] = sha(cfg)

    # docker save by image id: manifest.json has no RepoTags, and
    # index.json lists the image and, under a name, another one that
    # containerd would import with it. The scan reads the first and warns.
    extra = Layout()
    mine_extra, _ = extra.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    theirs, _ = extra.image(cfg_other, [(LAYER_C, MT_LAYER)])
    theirs["annotations"] = {"io.containerd.image.name": "docker.io/strata/other:1"}
    extra.index["manifests"] += [mine_extra, theirs]
    untagged = [dict(manifest[0], RepoTags=None)]
    write_tar("docker-oci-extra.tar",
              extra.members() + [("manifest.json", "file", jdump(untagged))])
    expect("docker-oci-extra.tar", "docker-archive", None, cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ], manifest=mine_extra["digest"])

    # The same with the image one index below index.json: the warning
    # names the other image, not the index of the scanned one.
    nested = Layout()
    mine, _ = nested.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    mine["platform"] = {"os": "linux", "architecture": "amd64"}
    theirs, _ = nested.image(cfg_other, [(LAYER_C, MT_LAYER)])
    theirs["annotations"] = {"io.containerd.image.name": "docker.io/strata/other:1"}
    top = nested.add(jdump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [mine]}),
                     MT_INDEX)
    nested.index["manifests"] += [top, theirs]
    write_tar("docker-oci-extra-nested.tar",
              nested.members() + [("manifest.json", "file", jdump(untagged))])
    expect("docker-oci-extra-nested.tar", "docker-archive", None, cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ], manifest=mine["digest"])

    # Without oci-layout containerd does not load index.json, so the extra
    # image gives no warning. An image that manifest.json lists twice
    # counts once, so the extra image in index.json still does.
    write_tar("docker-oci-extra-nolayout.tar",
              [m for m in extra.members() if m[0] != "oci-layout"]
              + [("manifest.json", "file", jdump(untagged))])
    expect("docker-oci-extra-nolayout.tar", "docker-archive", None, cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ], manifest=mine_extra["digest"])
    write_tar("docker-oci-extra-twice.tar",
              extra.members() + [("manifest.json", "file", jdump(untagged * 2))])

    # manifest.json lists two images and index.json three: the warning
    # names the one that manifest.json does not list.
    three = Layout()
    mine3, _ = three.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    listed3, _ = three.image(cfg_other, [(LAYER_C, MT_LAYER)])
    listed3["annotations"] = {"io.containerd.image.name": "docker.io/strata/other:1"}
    cfg_third = config([sha(LAYER_B)], history=HISTORY[:1])
    third, _ = three.image(cfg_third, [(LAYER_B, MT_LAYER)])
    third["annotations"] = {"io.containerd.image.name": "docker.io/strata/third:1"}
    three.index["manifests"] += [mine3, listed3, third]
    other_entry = {"Config": "blobs/sha256/" + hashlib.sha256(cfg_other).hexdigest(),
                   "RepoTags": None,
                   "Layers": ["blobs/sha256/" + hashlib.sha256(LAYER_C).hexdigest()]}
    write_tar("docker-oci-extra-three.tar",
              three.members() + [("manifest.json", "file", jdump(untagged + [other_entry]))])

    # An index.json that does not parse beside oci-layout: containerd would
    # read it, so the scan cannot compare it with manifest.json.
    members = [("index.json", "file", b"{") if m[0] == "index.json" else m
               for m in lay.members()]
    members.append(("manifest.json", "file", jdump(manifest)))
    write_tar("bad-docker-oci-index.tar", members)
    named["bad-docker-oci-index.tar"] = "index.json: invalid JSON"


def docker_oci_attested():
    """docker save with the containerd image store: index.json lists an
    index of the image's platforms and its BuildKit attestation, and the
    archive holds only the blobs of the saved platform."""
    lay = Layout()

    # The saved amd64 image, and an arm64 one whose blobs are left out.
    cfg = config([sha(LAYER_A), sha(LAYER_B)])
    amd, _ = lay.image(cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    amd["platform"] = {"os": "linux", "architecture": "amd64"}
    cfg_arm = config([sha(LAYER_C)], arch="arm64", history=HISTORY[:1])
    arm, _ = lay.image(cfg_arm, [(gz(LAYER_C), MT_LAYER_GZ)])
    arm["platform"] = {"os": "linux", "architecture": "arm64"}
    for digest in (arm["digest"], json.loads(lay.blobs[arm["digest"][7:]])["config"]["digest"],
                   sha(gz(LAYER_C))):
        del lay.blobs[digest[7:]]

    # The attestation of the amd64 image; its blob is absent too.
    att = {"mediaType": MT_MANIFEST, "digest": "sha256:" + "5" * 64, "size": 840,
           "platform": {"os": "unknown", "architecture": "unknown"},
           "annotations": {"vnd.docker.reference.type": "attestation-manifest",
                           "vnd.docker.reference.digest": amd["digest"]}}
    inner = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [amd, arm, att]}
    top = lay.add(jdump(inner), MT_INDEX,
                  annotations={"io.containerd.image.name": "docker.io/strata/test:attested"})
    lay.index["manifests"].append(top)

    manifest = [{"Config": "blobs/sha256/" + hashlib.sha256(cfg).hexdigest(),
                 "RepoTags": ["strata/test:attested"],
                 "Layers": ["blobs/sha256/" + hashlib.sha256(d).hexdigest()
                            for d in (LAYER_A, LAYER_B)]}]
    write_tar("docker-oci-attested.tar",
              lay.members() + [("manifest.json", "file", jdump(manifest))])
    expect("docker-oci-attested.tar", "docker-archive", "strata/test:attested", cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", size_known=False),
        layer_expect(LAYER_B, LAYER_B, "none", "RUN echo hello", size_known=False),
    ], manifest=amd["digest"])


def oci_multi():
    """index.json -> an image index for linux/amd64 and linux/arm64/v8,
    with a BuildKit attestation entry that must be skipped."""
    lay = Layout()
    a_gz, c_gz = gz(LAYER_A), gz(LAYER_C)
    cfg_amd = config([sha(LAYER_A)], history=HISTORY[:2])
    cfg_arm = config([sha(LAYER_A), sha(LAYER_C)], arch="arm64", variant="v8")
    amd, _ = lay.image(cfg_amd, [(a_gz, MT_LAYER_GZ)])
    arm, _ = lay.image(cfg_arm, [(a_gz, MT_LAYER_GZ), (c_gz, MT_LAYER_GZ)])
    att = lay.add(b'{"schemaVersion":2}', MT_MANIFEST)
    amd["platform"] = {"os": "linux", "architecture": "amd64"}
    arm["platform"] = {"os": "linux", "architecture": "arm64", "variant": "v8"}
    att["platform"] = {"os": "unknown", "architecture": "unknown"}
    att["annotations"] = {"vnd.docker.reference.type": "attestation-manifest"}
    inner = {"schemaVersion": 2, "mediaType": MT_INDEX,
             "manifests": [att, amd, arm]}
    top = lay.add(jdump(inner), MT_INDEX,
                  annotations={"org.opencontainers.image.ref.name": "multi"})
    lay.index["manifests"].append(top)
    lay.write_dir("oci-multi")
    expect("oci-multi:amd64", "oci", "multi", cfg_amd, [
        layer_expect(a_gz, LAYER_A, "gzip", "ADD rootfs.tar /", MT_LAYER_GZ)],
        manifest=amd["digest"])
    expect("oci-multi:arm64", "oci", "multi", cfg_arm, [
        layer_expect(a_gz, LAYER_A, "gzip", "ADD rootfs.tar /", MT_LAYER_GZ),
        layer_expect(c_gz, LAYER_C, "gzip", "RUN echo hello", MT_LAYER_GZ)],
        arch="arm64", variant="v8", manifest=arm["digest"])


# Broken images -------------------------------------------------------

def oci_single(path, cfg, layers, index=None, post=None):
    """Writes a one-image OCI directory; POST(lay, desc) may edit blobs."""
    lay = Layout()
    desc, raw = lay.image(cfg, layers)
    lay.index["manifests"].append(desc)
    if index is not None:
        lay.index = index
    if post is not None:
        post(lay, desc)
    lay.write_dir(path)
    return lay, desc


def bad_images(classic_members, classic_manifest):
    # A docker-archive cut inside the data of its last layer.
    whole = tar_bytes(classic_members)
    cut = whole.index(b"hello from layer b") + 5
    with open(os.path.join(OUT, "bad-truncated.tar"), "wb") as f:
        f.write(whole[:cut])
    named["bad-truncated.tar"] = "bad-truncated.tar"

    cfg = config([sha(LAYER_A), sha(LAYER_B)])

    # gzip layers whose digests match but whose gzip stream is broken.
    def gz_bad(path, blob):
        oci_single(path, cfg, [(gz(LAYER_A), MT_LAYER_GZ), (blob, MT_LAYER_GZ)])
    good_b = gz(LAYER_B)
    gz_bad("bad-gzip-truncated", good_b[:-12])
    named["bad-gzip-truncated"] = sha(good_b[:-12])
    crc = bytearray(good_b)
    crc[-8] ^= 0xff
    gz_bad("bad-gzip-crc", bytes(crc))
    named["bad-gzip-crc"] = sha(bytes(crc))

    # A layer blob changed after its manifest was written (same size).
    def tamper(lay, desc):
        hexd = hashlib.sha256(LAYER_B).hexdigest()
        data = bytearray(lay.blobs[hexd])
        data[data.index(b"hello")] = ord("j")
        lay.blobs[hexd] = bytes(data)
    oci_single("bad-digest", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)],
               post=tamper)
    named["bad-digest"] = sha(LAYER_B)

    # A config blob changed after its manifest was written.
    def tamper_cfg(lay, desc):
        hexd = hashlib.sha256(cfg).hexdigest()
        lay.blobs[hexd] = lay.blobs[hexd].replace(b"amd64", b"arm64")
    oci_single("bad-config-digest", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)],
               post=tamper_cfg)
    named["bad-config-digest"] = sha(cfg)

    # A config whose second diff_id is not that of the layer.
    wrong = config([sha(LAYER_A), sha(LAYER_C)])
    oci_single("bad-diffid", wrong, [(gz(LAYER_A), MT_LAYER_GZ), (gz(LAYER_B), MT_LAYER_GZ)])
    named["bad-diffid"] = sha(gz(LAYER_B))

    # More layers than diff_ids.
    oci_single("bad-count", config([sha(LAYER_A)]),
               [(gz(LAYER_A), MT_LAYER_GZ), (gz(LAYER_B), MT_LAYER_GZ)])
    named["bad-count"] = sha(config([sha(LAYER_A)]))

    # A layer blob missing from the layout.
    def drop(lay, desc):
        del lay.blobs[hashlib.sha256(gz(LAYER_B)).hexdigest()]
    oci_single("bad-missing-blob", cfg,
               [(gz(LAYER_A), MT_LAYER_GZ), (gz(LAYER_B), MT_LAYER_GZ)], post=drop)
    named["bad-missing-blob"] = sha(gz(LAYER_B))

    # manifest.json naming a layer outside the archive.
    escape = [dict(classic_manifest[0])]
    escape[0]["Layers"] = ["../x"] + escape[0]["Layers"][1:]
    members = [m for m in classic_members if m[0] != "manifest.json"]
    write_tar("bad-escape.tar", members + [("manifest.json", "file", jdump(escape))])
    named["bad-escape.tar"] = "'../x'"

    # A layer.tar that is a symbolic link climbing out of the tar.
    write_tar("bad-link-escape.tar", [
        m if m[0] != "3" * 64 + "/layer.tar" else (m[0], "symlink", "../../x")
        for m in classic_members])
    named["bad-link-escape.tar"] = "3" * 64 + "/layer.tar"

    # manifest.json twice: tools that keep the first and the last differ.
    write_tar("bad-dup-member.tar",
              classic_members + [("manifest.json", "file", b"[]")])
    named["bad-dup-member.tar"] = "'manifest.json' appears twice"

    # manifest.json naming a layer that the tar lacks.
    missing = [dict(classic_manifest[0])]
    missing[0]["Layers"] = missing[0]["Layers"][:2] + ["4" * 64 + "/layer.tar"]
    write_tar("bad-missing-member.tar",
              members + [("manifest.json", "file", jdump(missing))])
    named["bad-missing-member.tar"] = "4" * 64 + "/layer.tar"

    # Malformed JSON: index.json of a directory, manifest.json of a tar.
    oci_single("bad-json", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    with open(os.path.join(OUT, "bad-json", "index.json"), "wb") as f:
        f.write(b'{"schemaVersion":2,"manifests":[{"digest":')
    write_tar("bad-json.tar", members + [("manifest.json", "file", b"[{\"Config\":")])
    named["bad-json"] = "index.json"
    named["bad-json.tar"] = "manifest.json"

    # A key given twice: readers that keep the first and the last differ.
    dup = (b'{"schemaVersion":2,"manifests":[],"manifests":[]}')
    oci_single("bad-dupkey", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    with open(os.path.join(OUT, "bad-dupkey", "index.json"), "wb") as f:
        f.write(dup)
    named["bad-dupkey"] = "index.json"

    # index.json nested 10,000 levels deep.
    oci_single("bad-deep", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)])
    with open(os.path.join(OUT, "bad-deep", "index.json"), "wb") as f:
        f.write(b'{"schemaVersion":2,"manifests":' + b"[" * 10000 + b"]" * 10000 + b"}")
    named["bad-deep"] = "index.json"

    # A layer blob that is a symbolic link out of the layout, to a blob
    # of oci-dir with the same content: only the link check rejects it.
    a_gz = gz(LAYER_A)
    oci_single("bad-symlink", cfg, [(a_gz, MT_LAYER_GZ), (gz(LAYER_B), MT_LAYER_GZ)])
    link = os.path.join(OUT, "bad-symlink", "blobs", "sha256",
                        hashlib.sha256(a_gz).hexdigest())
    os.remove(link)
    os.symlink("../../../oci-dir/blobs/sha256/" + hashlib.sha256(a_gz).hexdigest(), link)
    named["bad-symlink"] = "blobs/sha256/" + hashlib.sha256(a_gz).hexdigest()

    # 4 MiB of zeros in a few KiB of gzip: a bomb under a lowered
    # ratio_min_bytes. Under the defaults it passes like a layer with a
    # lastlog file, so it is not in "errors".
    zeros_gz = gz(ZEROS)
    oci_single("bad-bomb", config([sha(ZEROS)], history=HISTORY[:1]),
               [(zeros_gz, MT_LAYER_GZ)])

    # A zstd layer whose frame header is invalid: the image opens, the
    # layer is corrupt.
    zstd = b"\x28\xb5\x2f\xfd not really zstd"
    oci_single("zstd-layer", config([sha(LAYER_A)], history=HISTORY[:1]),
               [(zstd, MT_LAYER + "+zstd")])
    named["zstd-layer"] = sha(zstd)

    # Docker v2 schema 1, which strata does not read.
    def schema1(lay, desc):
        raw = b'{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}'
        lay.index["manifests"] = [lay.add(raw, MT_MANIFEST)]
    oci_single("bad-schema1", cfg, [(LAYER_A, MT_LAYER), (LAYER_B, MT_LAYER)],
               post=schema1)
    named["bad-schema1"] = sha(b'{"schemaVersion":1,"name":"x","tag":"y","fsLayers":[]}')


def more_images():
    # A docker-archive whose layer.tar is gzip: no name gives its stored
    # digest, which is measured when the layer is read.
    a_gz = gz(LAYER_A)
    cfg = config([sha(LAYER_A)], history=HISTORY[:1])
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["strata/test:gzip"],
                 "Layers": ["5" * 64 + "/layer.tar"]}]
    write_tar("docker-gzip.tar", [
        (cfg_name, "file", cfg), ("5" * 64 + "/layer.tar", "file", a_gz),
        ("manifest.json", "file", jdump(manifest))])
    expect("docker-gzip.tar", "docker-archive", "strata/test:gzip", cfg, [
        layer_expect(a_gz, LAYER_A, "gzip", "ADD rootfs.tar /", size_known=False)])

    # An index with one image, for arm64: chosen without a platform.
    lay = Layout()
    cfg_arm = config([sha(LAYER_C)], arch="arm64", history=HISTORY[:1])
    arm, _ = lay.image(cfg_arm, [(gz(LAYER_C), MT_LAYER_GZ)])
    arm["platform"] = {"os": "linux", "architecture": "arm64"}
    lay.index["manifests"].append(arm)
    lay.write_dir("oci-arm64-only")
    expect("oci-arm64-only", "oci", None, cfg_arm, [
        layer_expect(gz(LAYER_C), LAYER_C, "gzip", "ADD rootfs.tar /", MT_LAYER_GZ)],
        arch="arm64", manifest=arm["digest"])

    # Two images with the same tag and no platform: only a digest can
    # select one.
    lay = Layout()
    first, _ = lay.image(cfg_arm, [(gz(LAYER_C), MT_LAYER_GZ)])
    second, _ = lay.image(config([sha(LAYER_A)], history=HISTORY[:1]), [(gz(LAYER_A), MT_LAYER_GZ)])
    for desc in (first, second):
        desc["annotations"] = {"org.opencontainers.image.ref.name": "v1"}
        lay.index["manifests"].append(desc)
    # The same tag on an attestation and on a repeated entry, which the
    # error leaves out of its count.
    att = dict(first, annotations={"org.opencontainers.image.ref.name": "v1",
                                   "vnd.docker.reference.type": "attestation-manifest"})
    lay.index["manifests"] += [att, dict(first)]
    lay.write_dir("bad-dup-tag")
    named["bad-dup-tag"] = first["digest"] + ", " + second["digest"]

    # One image listed twice with the same tag: the same image, selected.
    lay = Layout()
    twice, _ = lay.image(cfg_arm, [(gz(LAYER_C), MT_LAYER_GZ)])
    twice["annotations"] = {"org.opencontainers.image.ref.name": "v1"}
    lay.index["manifests"] += [twice, dict(twice)]
    lay.write_dir("oci-repeated")
    expect("oci-repeated", "oci", "v1", cfg_arm, [
        layer_expect(gz(LAYER_C), LAYER_C, "gzip", "ADD rootfs.tar /", MT_LAYER_GZ)],
        arch="arm64", manifest=twice["digest"])

    # Indexes nested 6 deep below index.json.
    lay = Layout()
    desc, _ = lay.image(cfg_arm, [(gz(LAYER_C), MT_LAYER_GZ)])
    for _ in range(6):
        desc = lay.add(jdump({"schemaVersion": 2, "mediaType": MT_INDEX,
                              "manifests": [desc]}), MT_INDEX)
    lay.index["manifests"].append(desc)
    lay.write_dir("bad-nested")
    named["bad-nested"] = "index sha256:"

    # A layer descriptor one byte longer than its blob.
    def grow(lay, desc):
        m = json.loads(lay.blobs[desc["digest"][7:]])
        m["layers"][0]["size"] += 1
        raw = jdump(m)
        lay.index["manifests"] = [lay.add(raw, MT_MANIFEST)]
    size_cfg = config([sha(LAYER_A)], history=HISTORY[:1])
    oci_single("bad-size", size_cfg, [(gz(LAYER_A), MT_LAYER_GZ)], post=grow)
    named["bad-size"] = sha(gz(LAYER_A))

    # A descriptor that calls an index a manifest.
    def mislabel(lay, desc):
        raw = jdump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [desc]})
        lay.index["manifests"] = [lay.add(raw, MT_MANIFEST)]
        named["bad-mediatype"] = sha(raw)
    oci_single("bad-mediatype", size_cfg, [(gz(LAYER_A), MT_LAYER_GZ)], post=mislabel)


MT_FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"


def docker_foreign():
    """docker-archives of an image on a foreign base layer, listed in
    manifest.json's LayerSources: Docker writes the layer's file, and
    go-containerregistry's tarball.Write leaves it out."""
    base = sha(b"a Windows base layer that is not in the archive")
    absent = "sha256:" + "4" * 64
    ids = ["6" * 64, "7" * 64]
    source = {"mediaType": MT_FOREIGN, "size": 5000, "digest": absent,
              "urls": ["https://mcr.example/a", "https://mcr.example/b"]}

    cfg = config([base, sha(LAYER_B)], history=[HISTORY[0], HISTORY[2]])
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["strata/test:foreign"],
                 "Layers": [i + "/layer.tar" for i in ids],
                 "LayerSources": {base: source}}]
    write_tar("docker-foreign.tar", [
        (cfg_name, "file", cfg), (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])

    # The same shape with the foreign layer's file present: it is read.
    cfg = config([sha(LAYER_A), sha(LAYER_B)], history=[HISTORY[0], HISTORY[2]])
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["strata/test:foreign-present"],
                 "Layers": [i + "/layer.tar" for i in ids],
                 "LayerSources": {sha(LAYER_A): dict(source, digest=sha(gz(LAYER_A)))}}]
    write_tar("docker-foreign-present.tar", [
        (cfg_name, "file", cfg), (ids[0] + "/layer.tar", "file", LAYER_A),
        (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])

    # LayerSources that is not an object.
    manifest[0]["LayerSources"] = ["not", "an", "object"]
    write_tar("bad-layer-sources.tar", [
        (cfg_name, "file", cfg), (ids[0] + "/layer.tar", "file", LAYER_A),
        (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])
    named["bad-layer-sources.tar"] = "\"LayerSources\" is not an object"

    # A LayerSources key that is not a digest.
    manifest[0]["LayerSources"] = {"../../etc/passwd": source}
    write_tar("bad-layer-sources-key.tar", [
        (cfg_name, "file", cfg), (ids[0] + "/layer.tar", "file", LAYER_A),
        (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])
    named["bad-layer-sources-key.tar"] = "invalid digest '../../etc/passwd'"

    # An absent layer file that LayerSources does not list stays an error,
    # even when it lists another layer.
    manifest[0]["LayerSources"] = {sha(LAYER_B): source}
    write_tar("bad-layer-sources-absent.tar", [
        (cfg_name, "file", cfg), (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])
    named["bad-layer-sources-absent.tar"] = ids[0] + "/layer.tar"

    # The LayerSources entry of an absent layer without a mediaType (a
    # crash that fuzz_image_archive found).
    manifest[0]["LayerSources"] = {sha(LAYER_A): {"size": 5000, "digest": absent}}
    write_tar("bad-layer-sources-no-type.tar", [
        (cfg_name, "file", cfg), (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])
    named["bad-layer-sources-no-type.tar"] = absent

    # A classic archive whose config gives layer 0 a wrong diff_id: no
    # name gives the layer's digest, so the error names the member.
    cfg_bad = config(["sha256:" + "1" * 64, sha(LAYER_B)], history=[HISTORY[0], HISTORY[2]])
    bad_name = hashlib.sha256(cfg_bad).hexdigest() + ".json"
    manifest = [{"Config": bad_name, "RepoTags": None,
                 "Layers": [i + "/layer.tar" for i in ids]}]
    write_tar("bad-diffid.tar", [
        (bad_name, "file", cfg_bad), (ids[0] + "/layer.tar", "file", LAYER_A),
        (ids[1] + "/layer.tar", "file", LAYER_B),
        ("manifest.json", "file", jdump(manifest))])
    named["bad-diffid.tar"] = "(member '" + ids[0] + "/layer.tar')"


# zstd layers -----------------------------------------------------------

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZSTD_BLOCK_MAX = 128 << 10


def zstd_frame(data):
    """One zstd frame (RFC 8878) of raw and RLE blocks, written here so
    that the bytes do not depend on a zstd version: each 512-byte piece
    of one repeated byte joins an RLE block, any other a raw block."""
    pieces = []
    for i in range(0, len(data), 512):
        piece = data[i:i + 512]
        rle = piece.count(piece[0]) == len(piece)
        kind = ("rle", piece[0]) if rle else ("raw", None)
        if pieces and pieces[-1][0] == kind and \
                len(pieces[-1][1]) + len(piece) <= ZSTD_BLOCK_MAX:
            pieces[-1][1].extend(piece)
        else:
            pieces.append((kind, bytearray(piece)))
    if not pieces:
        pieces.append((("raw", None), bytearray()))
    # Frame header: no content size, checksum or dictionary, and a
    # window descriptor of 2^17 bytes (exponent 17 - 10, mantissa 0).
    out = bytearray(ZSTD_MAGIC + bytes([0x00, (17 - 10) << 3]))
    for n, ((kind, byte), payload) in enumerate(pieces):
        last = 1 if n == len(pieces) - 1 else 0
        block_type = 1 if kind == "rle" else 0
        out += (last | block_type << 1 | len(payload) << 3).to_bytes(3, "little")
        out += bytes([byte]) if kind == "rle" else payload
    return bytes(out)


def zstd_skippable(payload):
    return (0x184D2A50).to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload


def zstd_images():
    mt_zstd = MT_LAYER + "+zstd"
    cfg = config([sha(LAYER_A), sha(LAYER_B)])

    # A skippable frame and two frames in one layer, then a gzip layer.
    half = len(LAYER_A) // 2
    a_zst = (zstd_skippable(b"strata test") + zstd_frame(LAYER_A[:half]) +
             zstd_frame(LAYER_A[half:]))
    b_gz = gz(LAYER_B)
    lay, desc = oci_single("zstd-oci", cfg, [(a_zst, mt_zstd), (b_gz, MT_LAYER_GZ)])
    expect("zstd-oci", "oci", None, cfg, [
        layer_expect(a_zst, LAYER_A, "zstd", "ADD rootfs.tar /", mt_zstd),
        layer_expect(b_gz, LAYER_B, "gzip", "RUN echo hello", MT_LAYER_GZ)],
        manifest=desc["digest"])

    # A docker-archive whose layer.tar is zstd, found by its magic number.
    b_zst = zstd_frame(LAYER_B)
    one = config([sha(LAYER_B)], history=HISTORY[:1])
    cfg_name = hashlib.sha256(one).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["strata/test:zstd"],
                 "Layers": ["6" * 64 + "/layer.tar"]}]
    write_tar("docker-zstd.tar", [
        (cfg_name, "file", one), ("6" * 64 + "/layer.tar", "file", b_zst),
        ("manifest.json", "file", jdump(manifest))])
    expect("docker-zstd.tar", "docker-archive", "strata/test:zstd", one, [
        layer_expect(b_zst, LAYER_B, "zstd", "ADD rootfs.tar /", size_known=False)])

    # A zstd layer cut 5 bytes short, inside its last block.
    cut = b_zst[:-5]
    oci_single("bad-zstd-truncated", one, [(cut, mt_zstd)])
    named["bad-zstd-truncated"] = sha(cut)

    # 4 MiB of zeros in RLE blocks: a bomb under a lowered
    # ratio_min_bytes, which passes the defaults like bad-bomb.
    zeros_zst = zstd_frame(ZEROS)
    oci_single("bad-zstd-bomb", config([sha(ZEROS)], history=HISTORY[:1]),
               [(zeros_zst, mt_zstd)])


def mislabelled():
    """Layers whose media type names another compression than their
    bytes: an uncompressed tar labelled gzip, then gzip labelled tar.
    strata reads them by their bytes, with a warning."""
    cfg = config([sha(LAYER_A), sha(LAYER_B)])
    b_gz = gz(LAYER_B)
    _, desc = oci_single("oci-mislabelled", cfg, [(LAYER_A, MT_LAYER_GZ), (b_gz, MT_LAYER)])
    expect("oci-mislabelled", "oci", None, cfg, [
        layer_expect(LAYER_A, LAYER_A, "none", "ADD rootfs.tar /", MT_LAYER_GZ),
        layer_expect(b_gz, LAYER_B, "gzip", "RUN echo hello", MT_LAYER)],
        manifest=desc["digest"])

    # A plain tar whose first entry name starts with the bytes of a gzip
    # header (1f 8b 08): its valid tar header wins, in an OCI layout and
    # in a docker-archive.
    named = tar_bytes([("\x1f\udc8b\x08gzip-named", "file", b"not gzip\n")])
    named_cfg = config([sha(named)], history=HISTORY[:1])
    _, desc = oci_single("oci-gzip-named", named_cfg, [(named, MT_LAYER)])
    expect("oci-gzip-named", "oci", None, named_cfg, [
        layer_expect(named, named, "none", "ADD rootfs.tar /", MT_LAYER)],
        manifest=desc["digest"])
    cfg_name = hashlib.sha256(named_cfg).hexdigest() + ".json"
    manifest = [{"Config": cfg_name, "RepoTags": ["strata/test:gzip-named"],
                 "Layers": ["7" * 64 + "/layer.tar"]}]
    write_tar("docker-gzip-named.tar", [
        (cfg_name, "file", named_cfg), ("7" * 64 + "/layer.tar", "file", named),
        ("manifest.json", "file", jdump(manifest))])
    expect("docker-gzip-named.tar", "docker-archive", "strata/test:gzip-named", named_cfg, [
        layer_expect(named, named, "none", "ADD rootfs.tar /", size_known=False)])


classic_members, classic_manifest = docker_classic()
more_images()
docker_foreign()
docker_diffid()
docker_oci()
docker_oci_attested()
oci_basic()
oci_multi()
bad_images(classic_members, classic_manifest)
zstd_images()
mislabelled()

with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump({"images": expected, "errors": named}, f, indent=1, sort_keys=True)
    f.write("\n")
PY
