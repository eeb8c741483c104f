#!/usr/bin/env python3
"""Write hostile OCI image layouts for tests/cli/hostile_test.sh.

Usage: make-hostile.py OUTDIR CASE...

Each CASE becomes the OCI image layout OUTDIR/CASE: one linux/amd64 image
whose layers are built here, byte by byte where Python's tarfile cannot
write the entry (GNU sparse maps, 3,000,000 headers at speed). Nothing is
downloaded. Run with --list to print the case names.
"""

import gzip
import hashlib
import io
import json
import os
import sys
import tarfile
import zlib

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_TAR_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"

BLOCK = 512
END_OF_ARCHIVE = b"\0" * (2 * BLOCK)


# Layout writing ---------------------------------------------------------


class Layout:
    """An OCI image layout being written to the directory PATH."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')

    def blob_path(self, digest):
        return os.path.join(self.path, "blobs", "sha256", digest[7:])

    def put(self, data):
        """Store DATA as a blob; return (digest, size)."""
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with open(self.blob_path(digest), "wb") as f:
            f.write(data)
        return digest, len(data)

    def image(self, layers):
        """Write the image: LAYERS is a list of (media type, blob digest,
        blob size, diff_id)."""
        config = {
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [l[3] for l in layers]},
        }
        cfg_digest, cfg_size = self.put(json.dumps(config).encode())
        manifest = {
            "schemaVersion": 2,
            "mediaType": MT_MANIFEST,
            "config": {"mediaType": MT_CONFIG, "digest": cfg_digest, "size": cfg_size},
            "layers": [
                {"mediaType": mt, "digest": d, "size": n} for mt, d, n, _ in layers
            ],
        }
        m_digest, m_size = self.put(json.dumps(manifest).encode())
        index = {
            "schemaVersion": 2,
            "mediaType": MT_INDEX,
            "manifests": [{"mediaType": MT_MANIFEST, "digest": m_digest, "size": m_size}],
        }
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump(index, f)
        return m_digest

    def tar_layer(self, tar_bytes):
        """Store an uncompressed layer; return its layer tuple."""
        digest, size = self.put(tar_bytes)
        return (MT_TAR, digest, size, digest)

    def gzip_layer(self, tar_bytes):
        diff_id = "sha256:" + hashlib.sha256(tar_bytes).hexdigest()
        digest, size = self.put(gzip.compress(tar_bytes, 9, mtime=0))
        return (MT_TAR_GZ, digest, size, diff_id)


def tar_of(members):
    """A tar of MEMBERS: (TarInfo fields as a dict, content bytes)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for fields, data in members:
            info = tarfile.TarInfo(fields.pop("name"))
            info.mtime = 0
            for key, value in fields.items():
                setattr(info, key, value)
            info.size = len(data) if data is not None else 0
            t.addfile(info, io.BytesIO(data) if data else None)
    return out.getvalue()


def reg(name, data=b"", mode=0o644):
    return ({"name": name, "type": tarfile.REGTYPE, "mode": mode}, data)


def dirent(name):
    return ({"name": name, "type": tarfile.DIRTYPE, "mode": 0o755}, None)


def symlink(name, target):
    return ({"name": name, "type": tarfile.SYMTYPE, "linkname": target}, None)


def hardlink(name, target):
    return ({"name": name, "type": tarfile.LNKTYPE, "linkname": target}, None)


def device(name, kind, major, minor):
    return ({"name": name, "type": kind, "devmajor": major, "devminor": minor}, None)


OS_RELEASE = b'ID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME="Alpine Linux v3.18"\n'


# Raw tar headers ----------------------------------------------------------


def octal(value, width):
    """A NUL-terminated octal field of WIDTH bytes."""
    return ("%0*o" % (width - 1, value)).encode() + b"\0"


def raw_header(name, size, typeflag=b"0", mode=0o644):
    """A ustar header block for NAME (at most 100 bytes)."""
    h = bytearray(BLOCK)
    name = name.encode()
    h[0 : len(name)] = name
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = octal(size, 12)
    h[136:148] = octal(0, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    checksum = sum(h)
    h[148:156] = ("%06o" % checksum).encode() + b"\0 "
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % BLOCK)


def pax_record(key, value):
    """One "LEN KEY=VALUE\\n" record of a pax extended header."""
    body = " %s=%s\n" % (key, value)
    n = len(body) + 1
    while len(str(n)) + len(body) != n:
        n += 1
    return ("%d%s" % (n, body)).encode()


def sparse_tar(name, real_size):
    """A tar with one PAX 1.0 sparse entry (GNU tar's format): REAL_SIZE
    bytes of which only the last one is stored. The sparse map opens the
    entry's data: the count of regions, then offset and size of each."""
    records = b"".join(
        pax_record(k, v)
        for k, v in [
            ("GNU.sparse.major", "1"),
            ("GNU.sparse.minor", "0"),
            ("GNU.sparse.name", name),
            ("GNU.sparse.realsize", str(real_size)),
        ]
    )
    sparse_map = pad(b"1\n%d\n1\n" % (real_size - 1))
    data = sparse_map + pad(b"x")
    return (
        raw_header("./PaxHeaders/sparse", len(records), b"x")
        + pad(records)
        + raw_header("GNUSparseFile.0/" + name.split("/")[-1], len(data), mode=0o4755)
        + data
        + END_OF_ARCHIVE
    )


def many_files_gzip(path, count):
    """Stream a gzip tar of COUNT empty files, 10,000 per directory, to
    PATH. Returns (diff_id, digest, size). Only the name and the checksum
    of a template header change from file to file."""
    template = bytearray(raw_header("x", 0))
    template[0:100] = b"\0" * 100
    template[148:156] = b" " * 8
    base_sum = sum(template)
    diff = hashlib.sha256()
    blob = hashlib.sha256()
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)
    size = 0
    with open(path, "wb") as f:

        def emit(data):
            nonlocal size
            diff.update(data)
            out = comp.compress(data)
            blob.update(out)
            size += len(out)
            f.write(out)

        chunk = []
        for i in range(count):
            if i % 10000 == 0:
                d = ("d%03d/" % (i // 10000)).encode()
                h = bytearray(raw_header(d.decode(), 0, b"5", 0o755))
                chunk.append(bytes(h))
            name = b"d%03d/f%07d" % (i // 10000, i)
            h = bytearray(template)
            h[0 : len(name)] = name
            h[148:156] = ("%06o" % (base_sum + sum(name))).encode() + b"\0 "
            chunk.append(bytes(h))
            if len(chunk) >= 4096:
                emit(b"".join(chunk))
                chunk = []
        chunk.append(END_OF_ARCHIVE)
        emit(b"".join(chunk))
        out = comp.flush()
        blob.update(out)
        size += len(out)
        f.write(out)
    return "sha256:" + diff.hexdigest(), "sha256:" + blob.hexdigest(), size


# Cases ------------------------------------------------------------------


def case_abs_path(lay):
    tar = tar_of([reg("etc/os-release", OS_RELEASE), reg("/etc/shadow", b"root::0:0\n")])
    lay.image([lay.tar_layer(tar)])


def case_dotdot(lay):
    tar = tar_of([reg("etc/os-release", OS_RELEASE), reg("usr/../../../escape", b"x")])
    lay.image([lay.tar_layer(tar)])


def case_symlink_escape(lay):
    # os-release points out of the root, at the host's own file.
    tar = tar_of(
        [
            dirent("etc"),
            symlink("etc/os-release", "../../../../../../etc/os-release"),
            symlink("usr/lib/os-release", "/etc/hostname"),
        ]
    )
    lay.image([lay.tar_layer(tar)])


def case_hardlink_escape(lay):
    # Hard links to the host's os-release: climbing out, and absolute.
    tar = tar_of(
        [
            hardlink("etc/os-release", "../../../../etc/os-release"),
            hardlink("usr/lib/os-release", "/etc/os-release"),
        ]
    )
    lay.image([lay.tar_layer(tar)])


def case_devices(lay):
    tar = tar_of(
        [
            reg("etc/os-release", OS_RELEASE),
            dirent("dev"),
            device("dev/sda", tarfile.BLKTYPE, 8, 0),
            device("dev/mem", tarfile.CHRTYPE, 1, 1),
            ({"name": "dev/fifo", "type": tarfile.FIFOTYPE}, None),
            # A device node where a cataloger looks for a file.
            device("var/lib/dpkg/status", tarfile.CHRTYPE, 1, 3),
        ]
    )
    lay.image([lay.tar_layer(tar)])


def case_setuid(lay):
    low = tar_of(
        [
            reg("etc/os-release", OS_RELEASE),
            reg("usr/bin/su", b"\x7fELF su", 0o4755),
            reg("usr/bin/wall", b"\x7fELF wall", 0o2755),
            reg("usr/bin/ls", b"\x7fELF ls", 0o755),
            reg("usr/bin/gone", b"\x7fELF gone", 0o4711),
        ]
    )
    # The upper layer deletes one setuid file and replaces another with a
    # plain one: only su and the new mount stay in the final image.
    high = tar_of(
        [
            reg("usr/bin/.wh.gone"),
            reg("usr/bin/wall", b"\x7fELF wall 2", 0o755),
            reg("usr/bin/mount", b"\x7fELF mount", 0o6755),
        ]
    )
    lay.image([lay.tar_layer(low), lay.tar_layer(high)])


def gzip_of_zeros(head, zero_mib, tail):
    """Return (blob, diff_id) for a gzip stream of HEAD, ZERO_MIB MiB of
    zeros and TAIL: gzip members one after another, 16 MiB of zeros
    compressed once and repeated, so that gigabytes are written at once.
    Members of 16 MiB keep deflate's ratio of about 1030 on zeros."""
    diff = hashlib.sha256()
    chunk = 16
    zeros = b"\0" * (chunk << 20)
    zeros_gz = gzip.compress(zeros, compresslevel=9, mtime=0)
    parts = [gzip.compress(head, compresslevel=9, mtime=0)]
    diff.update(head)
    for _ in range(zero_mib // chunk):
        parts.append(zeros_gz)
        diff.update(zeros)
    last = b"\0" * ((zero_mib % chunk) << 20) + tail
    parts.append(gzip.compress(last, compresslevel=9, mtime=0))
    diff.update(last)
    return b"".join(parts), "sha256:" + diff.hexdigest()


def case_gzip_bomb(lay):
    # 1.25 GiB of zeros: gzip stores them at about 1:1030, over the default
    # compression_ratio limit of 1000 once the layer is past the 1 GiB of
    # ratio_min_bytes.
    blob, diff_id = gzip_of_zeros(raw_header("zeros", 1280 << 20), 1280, END_OF_ARCHIVE)
    digest, size = lay.put(blob)
    lay.image([(MT_TAR_GZ, digest, size, diff_id)])


def case_lastlog(lay):
    # The lastlog file that useradd writes for UID 1,000,000: (UID + 1)
    # records of 292 bytes, all zeros, stored at about the same ratio as
    # the bomb. Real images carry such layers, and they must pass.
    size = 1000001 * 292
    mib = size >> 20
    rest = size - (mib << 20)
    passwd = b"app:x:1000000:1000000::/home/app:/bin/sh\n"
    head = raw_header("etc/passwd", len(passwd)) + pad(passwd)
    head += raw_header("var/log/lastlog", size)
    tail = pad(b"\0" * rest) + END_OF_ARCHIVE
    blob, diff_id = gzip_of_zeros(head, mib, tail)
    digest, blob_size = lay.put(blob)
    lay.image([(MT_TAR_GZ, digest, blob_size, diff_id)])


def case_sparse(lay):
    # 10 GiB files stored in a few blocks each: one that no cataloger
    # reads, one that the OS cataloger requests, and one Java archive.
    layers = []
    for name in ["data/huge.bin", "etc/os-release", "app/huge.jar"]:
        layers.append(lay.tar_layer(sparse_tar(name, 10 << 30)))
    lay.image(layers)


def case_deep_path(lay):
    # 4,096 components of "a": 8,191 bytes, over both path_depth (256)
    # and path_bytes (4,096).
    name = "/".join(["a"] * 4096)
    tar = tar_of([reg("etc/os-release", OS_RELEASE), reg(name, b"deep")])
    lay.image([lay.tar_layer(tar)])


def case_many_files(lay):
    tmp = os.path.join(lay.path, "layer.tmp")
    diff_id, digest, size = many_files_gzip(tmp, 3_000_000)
    os.rename(tmp, lay.blob_path(digest))
    lay.image([(MT_TAR_GZ, digest, size, diff_id)])


def case_many_layers(lay):
    layers = []
    for i in range(10_000):
        layers.append(lay.tar_layer(tar_of([reg("l/%05d" % i)])))
    lay.image(layers)


def case_blob_symlink(lay):
    # The layer blob is a link to a file outside the layout.
    tar = tar_of([reg("etc/os-release", OS_RELEASE)])
    layer = lay.tar_layer(tar)
    lay.image([layer])
    outside = lay.path + ".outside"
    with open(outside, "wb") as f:
        f.write(tar)
    os.unlink(lay.blob_path(layer[1]))
    os.symlink(outside, lay.blob_path(layer[1]))


def case_blobs_dir_symlink(lay):
    # blobs/sha256 is a link to a directory outside the layout.
    tar = tar_of([reg("etc/os-release", OS_RELEASE)])
    lay.image([lay.tar_layer(tar)])
    inner = os.path.join(lay.path, "blobs", "sha256")
    outside = lay.path + ".outside-blobs"
    os.rename(inner, outside)
    os.symlink(outside, inner)


def case_foreign_missing(lay):
    # A Windows-style foreign layer whose blob the layout does not carry,
    # under an ordinary layer.
    tar = tar_of([reg("etc/os-release", OS_RELEASE)])
    absent = "sha256:" + "4" * 64
    foreign = (
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        absent,
        5000,
        absent,
    )
    m_digest = lay.image([foreign, lay.tar_layer(tar)])
    manifest_path = lay.blob_path(m_digest)
    with open(manifest_path) as f:
        manifest = json.load(f)
    manifest["layers"][0]["urls"] = ["https://mcr.example/layer"]
    os.unlink(manifest_path)
    m_digest, m_size = lay.put(json.dumps(manifest).encode())
    with open(os.path.join(lay.path, "index.json"), "w") as f:
        json.dump(
            {
                "schemaVersion": 2,
                "manifests": [{"mediaType": MT_MANIFEST, "digest": m_digest, "size": m_size}],
            },
            f,
        )


def case_attested(lay):
    # A BuildKit-style index: the image, its attestation manifest (whose
    # blob is left out) and an OCI 1.1 signature naming its artifactType.
    tar = tar_of([reg("etc/os-release", OS_RELEASE)])
    m_digest = lay.image([lay.tar_layer(tar)])
    with open(os.path.join(lay.path, "index.json")) as f:
        index = json.load(f)
    index["manifests"][0]["platform"] = {"os": "linux", "architecture": "amd64"}
    index["manifests"].append(
        {
            "mediaType": MT_MANIFEST,
            "digest": "sha256:" + "a" * 64,
            "size": 840,
            "platform": {"os": "unknown", "architecture": "unknown"},
            "annotations": {
                "vnd.docker.reference.type": "attestation-manifest",
                "vnd.docker.reference.digest": m_digest,
            },
        }
    )
    index["manifests"].append(
        {
            "mediaType": MT_MANIFEST,
            "digest": "sha256:" + "b" * 64,
            "size": 610,
            "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json",
        }
    )
    with open(os.path.join(lay.path, "index.json"), "w") as f:
        json.dump(index, f)


CASES = {
    "foreign-missing": case_foreign_missing,
    "attested": case_attested,
    "abs-path": case_abs_path,
    "dotdot": case_dotdot,
    "symlink-escape": case_symlink_escape,
    "hardlink-escape": case_hardlink_escape,
    "devices": case_devices,
    "setuid": case_setuid,
    "gzip-bomb": case_gzip_bomb,
    "lastlog": case_lastlog,
    "sparse": case_sparse,
    "deep-path": case_deep_path,
    "many-files": case_many_files,
    "many-layers": case_many_layers,
    "blob-symlink": case_blob_symlink,
    "blobs-dir-symlink": case_blobs_dir_symlink,
}


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    for name in argv[2:]:
        if name not in CASES:
            print("make-hostile.py: unknown case %s" % name, file=sys.stderr)
            return 2
        CASES[name](Layout(os.path.join(out, name)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
