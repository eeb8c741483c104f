#!/usr/bin/env bash
# Builds an OCI image layout with one gzip layer of 3,000,000 empty regular
# files in nested directories (100 x 100 directories of 300 files each),
# to measure the per-entry cost of the layer walk. The tar is written as a
# stream by python3 and never unpacked, so no file tree lands on disk.
#
# Usage: bench/make-many-files-image.sh OUTDIR
#
# Writes, once (later runs reuse a complete result):
#   OUTDIR/oci/             OCI image layout, tag latest
#   OUTDIR/complete.stamp   written last
# About 1.5 GB of tar compresses to about 30 MB of gzip; the build takes
# about a minute of one core.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: bench/make-many-files-image.sh OUTDIR}

fingerprint() {
	sha256sum "$top/bench/make-many-files-image.sh" | cut -d' ' -f1
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
want=$(fingerprint)
if [ "$(cat "$out/complete.stamp" 2>/dev/null)" = "$want" ]; then
	echo "make-many-files-image: reusing $out/oci" >&2
	exit 0
fi
rm -f "$out/complete.stamp"
rm -rf --one-file-system -- "$out/oci"

python3 - "$out/oci" <<'EOF_PY'
import gzip
import hashlib
import json
import os
import sys

TOP_DIRS = 100
SUB_DIRS = 100
FILES = 300
MTIME = 1717200000

root = sys.argv[1]
blobs = os.path.join(root, "blobs", "sha256")
os.makedirs(blobs)


class HashingFile:
    """Counts and hashes the bytes written to an underlying file."""

    def __init__(self, f):
        self.f = f
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.f.write(data)

    def flush(self):
        self.f.flush()


def header(name, typeflag, mode):
    """Returns one ustar header block for an empty entry."""
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"00000000000\0"
    h[136:148] = b"%011o\0" % MTIME
    h[148:156] = b"        "
    h[156:157] = typeflag
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


tmp = os.path.join(blobs, "layer.tmp")
with open(tmp, "wb") as raw:
    compressed = HashingFile(raw)
    with gzip.GzipFile(fileobj=compressed, mode="wb", compresslevel=6, mtime=0) as gz:
        tar = HashingFile(gz)
        batch = []
        for i in range(TOP_DIRS):
            top = b"usr/share/d%03d" % i
            batch.append(header(top + b"/", b"5", 0o755))
            for j in range(SUB_DIRS):
                sub = top + b"/s%03d" % j
                batch.append(header(sub + b"/", b"5", 0o755))
                for k in range(FILES):
                    batch.append(header(sub + b"/file-%05d.txt" % k, b"0", 0o644))
                tar.write(b"".join(batch))
                batch = []
        tar.write(bytes(1024))
diff_id = "sha256:" + tar.sha.hexdigest()
layer_digest = compressed.sha.hexdigest()
os.rename(tmp, os.path.join(blobs, layer_digest))


def put(obj):
    data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


config = put({
    "architecture": "amd64",
    "os": "linux",
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "config": {},
})
config["mediaType"] = "application/vnd.oci.image.config.v1+json"
manifest = put({
    "schemaVersion": 2,
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": config,
    "layers": [{
        "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
        "digest": "sha256:" + layer_digest,
        "size": compressed.size,
    }],
})
manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
manifest["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
with open(os.path.join(root, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [manifest]}, f)
with open(os.path.join(root, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
print("make-many-files-image: %d entries, %d tar bytes, %d gzip bytes"
      % (TOP_DIRS * (1 + SUB_DIRS * (1 + FILES)), tar.size, compressed.size),
      file=sys.stderr)
EOF_PY
printf '%s\n' "$want" >"$out/complete.stamp"
