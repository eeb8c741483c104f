#!/usr/bin/env python3
"""Build container image layers from root filesystem trees and pack images.

strata's acceptance images are built without a container engine: the build
script makes one root filesystem tree per build step, and this tool turns
consecutive trees into OCI layer tars and packs the layers into every image
form strata reads. Standard library only.

Subcommands:
  layer-diff     write the layer tar that turns tree OLD into tree NEW
  pack           write an image as OCI layout, oci-archive, classic
                 docker-archive and Docker 25+ docker-archive
  npm-list       list the npm packages (node_modules/*/package.json) of a tree
  compare-trees  report how two trees differ (type, mode, owner, content)
  layer-of       give each package of a final list the layer that added it

Layer tars follow the OCI image layer specification (image-spec layer.md):
changed and added entries with their parent directories, a ".wh.NAME" file
for each removed top-most path and ".wh..wh..opq" for an opaque directory.
Owners are numeric (no user or group names).
"""

import argparse
import gzip
import hashlib
import json
import os
import stat
import sys
import tarfile
import time

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name"
ANNOTATION_CONTAINERD_NAME = "io.containerd.image.name"

WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"
CHUNK = 1 << 20
ALL_FORMS = ("oci", "oci-archive", "docker-archive", "docker-oci-archive")


def fail(message):
    """Print MESSAGE as an error and exit with status 1."""
    print(f"pack-image: error: {message}", file=sys.stderr)
    sys.exit(1)


def json_bytes(value):
    """Serialize VALUE as JSON without whitespace, as container engines do."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# Trees ---------------------------------------------------------------------


def walk_tree(root):
    """Return {relative path: lstat result} for everything below ROOT.

    Symlinks are recorded, never followed. The root itself is left out.
    Paths use "/" and have no leading "./".
    """
    if not os.path.isdir(root) or os.path.islink(root):
        fail(f"tree root is not a directory: {root}")
    entries = {}
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        abs_dir = os.path.join(root, rel_dir) if rel_dir else root
        with os.scandir(abs_dir) as it:
            for dirent in it:
                rel = f"{rel_dir}/{dirent.name}" if rel_dir else dirent.name
                st = dirent.stat(follow_symlinks=False)
                entries[rel] = st
                if stat.S_ISDIR(st.st_mode):
                    stack.append(rel)
    return entries


def same_content(path_a, path_b):
    """Return True when the two regular files hold the same bytes."""
    flags = os.O_RDONLY | os.O_NOFOLLOW
    fd_a = os.open(path_a, flags)
    fd_b = os.open(path_b, flags)
    try:
        while True:
            chunk_a = os.read(fd_a, CHUNK)
            chunk_b = os.read(fd_b, CHUNK)
            if chunk_a != chunk_b:
                return False
            if not chunk_a:
                return True
    finally:
        os.close(fd_a)
        os.close(fd_b)


def entry_changed(old_root, new_root, rel, old, new):
    """Return True when NEW differs from OLD in anything a layer records.

    Type, permission bits, owner, file content, symlink target and device
    numbers count; timestamps do not, so a file rewritten with the same
    bytes is unchanged. Files of equal size are always read: trees made by
    separate mmdebstrap runs with SOURCE_DATE_EPOCH hold files of equal
    size and mtime but different content (etc/group-, for one).
    """
    if stat.S_IFMT(old.st_mode) != stat.S_IFMT(new.st_mode):
        return True
    if stat.S_IMODE(old.st_mode) != stat.S_IMODE(new.st_mode):
        return True
    if old.st_uid != new.st_uid or old.st_gid != new.st_gid:
        return True
    if stat.S_ISREG(new.st_mode):
        if old.st_size != new.st_size:
            return True
        return not same_content(os.path.join(old_root, rel),
                                os.path.join(new_root, rel))
    if stat.S_ISLNK(new.st_mode):
        return (os.readlink(os.path.join(old_root, rel))
                != os.readlink(os.path.join(new_root, rel)))
    if stat.S_ISCHR(new.st_mode) or stat.S_ISBLK(new.st_mode):
        return old.st_rdev != new.st_rdev
    return False


def parent_of(rel):
    """Return the parent of a relative path, "" for a top-level entry."""
    return rel.rpartition("/")[0]


def path_key(rel):
    """Sort key that puts a directory before its content."""
    return tuple(rel.split("/"))


# Layer diff ----------------------------------------------------------------


def plan_layer(old_root, new_root, opaque_first, opaque_last):
    """Return the sorted list of (kind, path) records of one layer tar.

    KIND is "entry" (a file system object copied from NEW), "whiteout"
    (path is the removed object) or "opaque" (path is the directory).
    OLD_ROOT may be None for the first layer.
    """
    new = walk_tree(new_root)
    old = walk_tree(old_root) if old_root else {}
    opaque = set(opaque_first) | set(opaque_last)
    for rel in opaque:
        if rel not in new or not stat.S_ISDIR(new[rel].st_mode):
            fail(f"opaque directory {rel!r} is not a directory in {new_root}")

    def under_opaque(rel):
        return any(rel.startswith(d + "/") for d in opaque)

    emitted = set()
    whiteouts = set()
    for rel, st in new.items():
        previous = old.get(rel)
        if (previous is None or rel in opaque or under_opaque(rel)
                or entry_changed(old_root, new_root, rel, previous, st)):
            emitted.add(rel)
            # A directory replaced by a non-directory: hide the lower
            # directory and its content, then add the new object.
            if (previous is not None and stat.S_ISDIR(previous.st_mode)
                    and not stat.S_ISDIR(st.st_mode)
                    and not under_opaque(rel)):
                whiteouts.add(rel)

    for rel in old:
        if rel in new or under_opaque(rel):
            continue
        parent = parent_of(rel)
        # Only the top-most removed path gets a whiteout: a removed
        # directory's whiteout already hides everything below it.
        if parent == "" or (parent in new and stat.S_ISDIR(new[parent].st_mode)):
            whiteouts.add(rel)

    # Parent directories of every record go in too, so that a reader meets
    # each directory, with its NEW metadata, before the directory's content.
    for rel in list(emitted) + list(whiteouts) + list(opaque):
        parent = parent_of(rel)
        while parent and parent not in emitted:
            emitted.add(parent)
            parent = parent_of(parent)

    # The layer specification asks for whiteouts before their sibling
    # entries: "\0" sorts them first, since no file name contains NUL.
    records = [(path_key(rel), "entry", rel) for rel in emitted]
    for rel in whiteouts:
        parent = parent_of(rel)
        name = rel.rpartition("/")[2]
        key = (path_key(parent) if parent else ()) + ("\0" + name,)
        records.append((key, "whiteout", rel))
    for rel in opaque_first:
        records.append((path_key(rel) + ("",), "opaque", rel))
    for rel in opaque_last:
        records.append((path_key(rel) + ("\U0010ffff",), "opaque", rel))
    records.sort(key=lambda r: r[0])
    return new, [(kind, rel) for _, kind, rel in records]


def clamp_mtime(mtime, clamp):
    """Return MTIME as whole seconds, at most CLAMP when CLAMP is set."""
    seconds = int(mtime)
    if clamp is not None and seconds > clamp:
        return clamp
    return max(seconds, 0)


def add_tree_entry(tf, new_root, rel, st, links, clamp):
    """Append the object REL of NEW_ROOT to tar TF.

    A regular file already written to this layer under another name (same
    inode) becomes a hard link to that first name. Sockets are skipped
    because tar cannot hold them.
    """
    info = tarfile.TarInfo(rel)
    info.mode = stat.S_IMODE(st.st_mode)
    info.uid = st.st_uid
    info.gid = st.st_gid
    info.uname = ""
    info.gname = ""
    info.mtime = clamp_mtime(st.st_mtime, clamp)
    path = os.path.join(new_root, rel)
    mode = st.st_mode

    if stat.S_ISDIR(mode):
        info.type = tarfile.DIRTYPE
    elif stat.S_ISLNK(mode):
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(path)
    elif stat.S_ISREG(mode):
        inode = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and inode in links:
            info.type = tarfile.LNKTYPE
            info.linkname = links[inode]
        else:
            links[inode] = rel
            info.type = tarfile.REGTYPE
            info.size = st.st_size
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as f:
                tf.addfile(info, f)
            return
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(mode) else tarfile.BLKTYPE
        info.devmajor = os.major(st.st_rdev)
        info.devminor = os.minor(st.st_rdev)
    elif stat.S_ISFIFO(mode):
        info.type = tarfile.FIFOTYPE
    else:
        print(f"pack-image: warning: skipping socket {rel}", file=sys.stderr)
        return
    tf.addfile(info)


def add_marker(tf, name, clamp):
    """Append an empty whiteout or opaque marker file NAME to tar TF."""
    info = tarfile.TarInfo(name)
    info.type = tarfile.REGTYPE
    info.mode = 0o644
    info.uname = ""
    info.gname = ""
    info.mtime = clamp if clamp is not None else 0
    tf.addfile(info)


def cmd_layer_diff(args):
    """Write the layer tar that turns tree OLD into tree NEW."""
    new, records = plan_layer(args.old, args.new, args.opaque, args.opaque_last)
    clamp = args.clamp_mtime
    links = {}
    counts = {"entry": 0, "whiteout": 0, "opaque": 0}
    tmp = args.out + ".tmp"
    # NOTE: extended attributes (security.capability and the like) are not
    # copied. The base.tar that mmdebstrap wrote for the acceptance images
    # has no xattr records, so nothing is lost there.
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tf:
        for kind, rel in records:
            counts[kind] += 1
            if kind == "entry":
                add_tree_entry(tf, args.new, rel, new[rel], links, clamp)
                continue
            if kind == "opaque":
                add_marker(tf, f"{rel}/{OPAQUE_MARKER}", clamp)
                continue
            parent = parent_of(rel)
            name = WHITEOUT_PREFIX + rel.rpartition("/")[2]
            add_marker(tf, f"{parent}/{name}" if parent else name, clamp)
    os.replace(tmp, args.out)
    print(f"{args.out}: {counts['entry']} entries, {counts['whiteout']} "
          f"whiteouts, {counts['opaque']} opaque markers", file=sys.stderr)


# Blobs ---------------------------------------------------------------------


class HashingWriter:
    """File wrapper that hashes and counts the bytes written through it."""

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


def sha256_file(path):
    """Return ("sha256:HEX", size) of the file at PATH."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            sha.update(chunk)
            size += len(chunk)
    return "sha256:" + sha.hexdigest(), size


def put_blob(blob_dir, data):
    """Store DATA in BLOB_DIR under its sha256 name; return (digest, size)."""
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = os.path.join(blob_dir, digest[7:])
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
    return digest, len(data)


def gzip_layer(tar_path, blob_dir, level):
    """Compress layer TAR_PATH into BLOB_DIR.

    Returns (diff_id, uncompressed size, blob digest, blob size). The gzip
    header carries no name and mtime 0, so equal layers give equal blobs.
    """
    raw_sha = hashlib.sha256()
    raw_size = 0
    tmp = os.path.join(blob_dir, ".layer.tmp")
    with open(tmp, "wb") as out:
        writer = HashingWriter(out)
        with gzip.GzipFile(filename="", mode="wb", compresslevel=level,
                           fileobj=writer, mtime=0) as gz:
            with open(tar_path, "rb") as src:
                while True:
                    chunk = src.read(CHUNK)
                    if not chunk:
                        break
                    raw_sha.update(chunk)
                    raw_size += len(chunk)
                    gz.write(chunk)
    digest = "sha256:" + writer.sha.hexdigest()
    os.replace(tmp, os.path.join(blob_dir, digest[7:]))
    return "sha256:" + raw_sha.hexdigest(), raw_size, digest, writer.size


# Archive writing -------------------------------------------------------------


class ArchiveWriter:
    """Deterministic tar writer for the image archives (not for layers)."""

    def __init__(self, path, mtime):
        self.path = path
        self.tmp = path + ".tmp"
        self.mtime = mtime
        self.tf = tarfile.open(self.tmp, "w", format=tarfile.PAX_FORMAT)

    def _info(self, name, kind, mode):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.mode = mode
        info.mtime = self.mtime
        info.uname = ""
        info.gname = ""
        return info

    def add_dir(self, name):
        self.tf.addfile(self._info(name, tarfile.DIRTYPE, 0o755))

    def add_bytes(self, name, data):
        info = self._info(name, tarfile.REGTYPE, 0o644)
        info.size = len(data)
        self.tf.addfile(info, _BytesReader(data))

    def add_file(self, name, path):
        info = self._info(name, tarfile.REGTYPE, 0o644)
        info.size = os.path.getsize(path)
        with open(path, "rb") as f:
            self.tf.addfile(info, f)

    def close(self):
        self.tf.close()
        os.replace(self.tmp, self.path)


class _BytesReader:
    """Minimal file object over bytes for tarfile.addfile."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def read(self, size=-1):
        if size is None or size < 0:
            size = len(self.data) - self.pos
        chunk = self.data[self.pos:self.pos + size]
        self.pos += len(chunk)
        return chunk


# Image packing ---------------------------------------------------------------


class HistoryAction(argparse.Action):
    """Collect --layer TAR CREATED_BY and --empty CREATED_BY in order."""

    def __call__(self, parser, namespace, values, option_string=None):
        steps = getattr(namespace, "steps", None) or []
        if option_string == "--layer":
            steps.append({"tar": values[0], "created_by": values[1]})
        else:
            steps.append({"tar": None, "created_by": values})
        namespace.steps = steps


def rfc3339(epoch):
    """Format EPOCH seconds as an RFC 3339 UTC timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def chain_ids(diff_ids):
    """Return the OCI ChainID of each layer prefix (image-spec config.md)."""
    chains = []
    for diff_id in diff_ids:
        if not chains:
            chains.append(diff_id)
            continue
        text = f"{chains[-1]} {diff_id}".encode()
        chains.append("sha256:" + hashlib.sha256(text).hexdigest())
    return chains


def build_config(args, diff_ids, created):
    """Return the image configuration (OCI config, Docker-compatible)."""
    history = []
    for step in args.steps:
        entry = {"created": created, "created_by": step["created_by"]}
        if step["tar"] is None:
            entry["empty_layer"] = True
        history.append(entry)
    container = {"Env": args.env or [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    if args.cmd:
        container["Cmd"] = json.loads(args.cmd)
    if args.workdir:
        container["WorkingDir"] = args.workdir
    config = {
        "architecture": args.architecture,
        "os": "linux",
        "created": created,
        "config": container,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }
    if args.variant:
        config["variant"] = args.variant
    return config


def platform_of(args):
    """Return the OCI platform object of the image."""
    platform = {"architecture": args.architecture, "os": "linux"}
    if args.variant:
        platform["variant"] = args.variant
    return platform


def write_oci_layout(args, layers, out_dir, created):
    """Write the OCI image layout directory with gzip layers.

    LAYERS gets each layer's "diff_id", "size", "oci_digest" and
    "oci_size" filled in. Returns (config bytes, config digest, manifest
    digest).
    """
    layout = os.path.join(out_dir, "oci")
    blob_dir = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blob_dir)
    for layer in layers:
        diff_id, size, digest, gz_size = gzip_layer(layer["tar"], blob_dir,
                                                    args.gzip_level)
        layer.update(diff_id=diff_id, size=size, oci_digest=digest,
                     oci_size=gz_size)
        print(f"layer {layer['tar']}: {size} bytes, gzip {gz_size}",
              file=sys.stderr)

    config = json_bytes(build_config(args, [l["diff_id"] for l in layers],
                                     created))
    config_digest, config_size = put_blob(blob_dir, config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": config_digest,
                   "size": config_size},
        "layers": [{"mediaType": MT_LAYER_GZIP, "digest": l["oci_digest"],
                    "size": l["oci_size"]} for l in layers],
    }
    manifest_digest, manifest_size = put_blob(blob_dir, json_bytes(manifest))
    index = {
        "schemaVersion": 2,
        "mediaType": MT_INDEX,
        "manifests": [{
            "mediaType": MT_MANIFEST,
            "digest": manifest_digest,
            "size": manifest_size,
            "annotations": {ANNOTATION_REF_NAME: args.tag},
            "platform": platform_of(args),
        }],
    }
    with open(os.path.join(layout, "index.json"), "wb") as f:
        f.write(json_bytes(index))
    with open(os.path.join(layout, "oci-layout"), "wb") as f:
        f.write(json_bytes({"imageLayoutVersion": "1.0.0"}))
    return config, config_digest, manifest_digest


def write_oci_archive(out_dir, created):
    """Tar the OCI layout directory, members in lexical order."""
    layout = os.path.join(out_dir, "oci")
    blob_dir = os.path.join(layout, "blobs", "sha256")
    archive = ArchiveWriter(os.path.join(out_dir, "oci-archive.tar"), created)
    archive.add_dir("blobs")
    archive.add_dir("blobs/sha256")
    for name in sorted(os.listdir(blob_dir)):
        archive.add_file(f"blobs/sha256/{name}", os.path.join(blob_dir, name))
    archive.add_file("index.json", os.path.join(layout, "index.json"))
    archive.add_file("oci-layout", os.path.join(layout, "oci-layout"))
    archive.close()


def write_docker_archive(args, layers, config, config_digest, out_dir, created):
    """Write a docker-archive as `docker save` wrote it up to Docker 24.

    Layout: one directory per layer with VERSION, json and an uncompressed
    layer.tar, the config as HEX.json, then manifest.json and repositories.
    Members are in lexical order, as in Docker, which tars its export
    directory with archive.Tar (moby image/tarexport/save.go).
    The layer directory names are legacy v1 ids; Docker derives them from
    v1 image JSON, here they are the sha256 of the layer's ChainID and its
    parent id, which is stable but not Docker's exact value.
    """
    members = {}
    parent = ""
    layer_paths = []
    for layer, chain in zip(layers, chain_ids([l["diff_id"] for l in layers])):
        v1_id = hashlib.sha256(f"{chain} {parent}".encode()).hexdigest()
        v1 = {"id": v1_id, "created": rfc3339(0), "os": "linux"}
        if parent:
            v1["parent"] = parent
        members[f"{v1_id}/"] = None
        members[f"{v1_id}/VERSION"] = b"1.0"
        members[f"{v1_id}/json"] = json_bytes(v1)
        members[f"{v1_id}/layer.tar"] = layer["tar"]
        layer_paths.append(f"{v1_id}/layer.tar")
        parent = v1_id
    config_name = config_digest[7:] + ".json"
    members[config_name] = config
    repo_tag = f"{args.name}:{args.tag}"
    manifest = [{"Config": config_name, "RepoTags": [repo_tag],
                 "Layers": layer_paths}]
    members["manifest.json"] = json_bytes(manifest) + b"\n"
    members["repositories"] = json_bytes({args.name: {args.tag: parent}}) + b"\n"
    write_members(os.path.join(out_dir, "docker-archive.tar"), members, created)


def write_docker_oci_archive(args, layers, config, config_digest, out_dir,
                             created):
    """Write a docker-archive as `docker save` writes it since Docker 25.

    The tar is an OCI image layout whose layer blobs are the uncompressed
    layer tars (named by diff_id), plus manifest.json whose Config and
    Layers point into blobs/sha256/, and the legacy repositories file.
    Returns the digest of the OCI manifest inside.
    """
    members = {"blobs/": None, "blobs/sha256/": None}
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": config_digest,
                   "size": len(config)},
        "layers": [{"mediaType": MT_LAYER_TAR, "digest": l["diff_id"],
                    "size": l["size"]} for l in layers],
    }
    manifest_bytes = json_bytes(manifest)
    manifest_digest = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
    for layer in layers:
        members["blobs/sha256/" + layer["diff_id"][7:]] = layer["tar"]
    members["blobs/sha256/" + config_digest[7:]] = config
    members["blobs/sha256/" + manifest_digest[7:]] = manifest_bytes

    repo_tag = f"{args.name}:{args.tag}"
    index = {
        "schemaVersion": 2,
        "mediaType": MT_INDEX,
        "manifests": [{
            "mediaType": MT_MANIFEST,
            "digest": manifest_digest,
            "size": len(manifest_bytes),
            "annotations": {
                ANNOTATION_CONTAINERD_NAME: f"docker.io/{repo_tag}",
                ANNOTATION_REF_NAME: args.tag,
            },
            "platform": platform_of(args),
        }],
    }
    members["index.json"] = json_bytes(index)
    legacy = [{"Config": "blobs/sha256/" + config_digest[7:],
               "RepoTags": [repo_tag],
               "Layers": ["blobs/sha256/" + l["diff_id"][7:] for l in layers]}]
    members["manifest.json"] = json_bytes(legacy) + b"\n"
    members["oci-layout"] = json_bytes({"imageLayoutVersion": "1.0.0"})
    members["repositories"] = json_bytes(
        {args.name: {args.tag: layers[-1]["diff_id"][7:]}}) + b"\n"
    write_members(os.path.join(out_dir, "docker-oci-archive.tar"), members,
                  created)
    return manifest_digest


def write_members(path, members, mtime):
    """Write MEMBERS {name: None (dir) | bytes | file path} in name order.

    Names are sorted as a directory walk visits them, so a directory comes
    right before its content.
    """
    archive = ArchiveWriter(path, mtime)
    for name in sorted(members, key=lambda n: path_key(n.rstrip("/"))):
        value = members[name]
        if value is None:
            archive.add_dir(name.rstrip("/"))
        elif isinstance(value, bytes):
            archive.add_bytes(name, value)
        else:
            archive.add_file(name, value)
    archive.close()


def cmd_pack(args):
    """Pack the layers given by --layer/--empty into the requested forms."""
    steps = getattr(args, "steps", None) or []
    layers = [dict(step) for step in steps if step["tar"] is not None]
    if not layers:
        fail("pack needs at least one --layer")
    forms = args.forms.split(",")
    for form in forms:
        if form not in ALL_FORMS:
            fail(f"unknown form {form!r}; known: {', '.join(ALL_FORMS)}")
    if os.path.exists(args.out):
        fail(f"output directory {args.out} already exists")
    os.makedirs(args.out)
    created = rfc3339(args.created)

    config, config_digest, oci_manifest = write_oci_layout(args, layers,
                                                           args.out, created)
    summary_forms = {}
    if "oci" in forms:
        summary_forms["oci"] = {"path": "oci", "form": "oci",
                                "manifest_digest": oci_manifest,
                                "layer_media_type": MT_LAYER_GZIP}
    if "oci-archive" in forms:
        write_oci_archive(args.out, args.created)
        summary_forms["oci-archive"] = {"path": "oci-archive.tar",
                                        "form": "oci-archive",
                                        "manifest_digest": oci_manifest,
                                        "layer_media_type": MT_LAYER_GZIP}
    if "docker-archive" in forms:
        write_docker_archive(args, layers, config, config_digest, args.out,
                             args.created)
        summary_forms["docker-archive"] = {"path": "docker-archive.tar",
                                           "form": "docker-archive",
                                           "manifest_digest": None,
                                           "layer_media_type": None}
    if "docker-oci-archive" in forms:
        digest = write_docker_oci_archive(args, layers, config, config_digest,
                                          args.out, args.created)
        summary_forms["docker-oci-archive"] = {
            "path": "docker-oci-archive.tar", "form": "docker-archive",
            "manifest_digest": digest, "layer_media_type": MT_LAYER_TAR}
    if "oci" not in forms:
        # The layout was only the staging area for the gzip blobs.
        remove_layout(os.path.join(args.out, "oci"))

    summary = {
        "name": args.name,
        "tag": args.tag,
        "config_digest": config_digest,
        "layers": [{k: l[k] for k in ("diff_id", "size", "oci_digest",
                                      "oci_size", "created_by")}
                   for l in layers],
        "history": [{"created_by": s["created_by"],
                     "empty_layer": s["tar"] is None} for s in steps],
        "forms": summary_forms,
    }
    with open(os.path.join(args.out, "image.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")


def remove_layout(layout):
    """Delete an OCI layout directory this tool wrote."""
    blob_dir = os.path.join(layout, "blobs", "sha256")
    for name in os.listdir(blob_dir):
        os.unlink(os.path.join(blob_dir, name))
    os.rmdir(blob_dir)
    os.rmdir(os.path.join(layout, "blobs"))
    os.unlink(os.path.join(layout, "index.json"))
    os.unlink(os.path.join(layout, "oci-layout"))
    os.rmdir(layout)


# Expected results ------------------------------------------------------------


def npm_package_file(rel):
    """Return True for node_modules/NAME/package.json and the @SCOPE form."""
    parts = rel.split("/")
    if len(parts) < 3 or parts[-1] != "package.json":
        return False
    if parts[-3] == "node_modules":
        return not parts[-2].startswith((".", "@"))
    return (len(parts) >= 4 and parts[-4] == "node_modules"
            and parts[-3].startswith("@") and len(parts[-3]) > 1
            and not parts[-2].startswith("."))


def cmd_npm_list(args):
    """Print "NAME VERSION PATH" for each npm package of tree ROOT.

    PATH is relative to the root, without a leading "/". Files without a
    string name and version are reported on stderr and left out.
    """
    lines = []
    for rel, st in walk_tree(args.root).items():
        if not stat.S_ISREG(st.st_mode) or not npm_package_file(rel):
            continue
        try:
            with open(os.path.join(args.root, rel), "rb") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"pack-image: warning: {rel}: {e}", file=sys.stderr)
            continue
        name = doc.get("name") if isinstance(doc, dict) else None
        version = doc.get("version") if isinstance(doc, dict) else None
        if not isinstance(name, str) or not isinstance(version, str):
            print(f"pack-image: warning: {rel}: no name or version",
                  file=sys.stderr)
            continue
        lines.append(f"{name} {version} {rel}")
    for line in sorted(lines):
        print(line)


def file_digest(path):
    """Return the sha256 hex digest of a regular file, symlinks not followed."""
    sha = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            sha.update(chunk)
    return sha.hexdigest()


def describe(root, rel, st):
    """Return the comparable facts of one tree entry (no timestamps)."""
    mode = st.st_mode
    facts = (stat.S_IFMT(mode), stat.S_IMODE(mode), st.st_uid, st.st_gid)
    path = os.path.join(root, rel)
    if stat.S_ISREG(mode):
        return facts + (st.st_size, file_digest(path))
    if stat.S_ISLNK(mode):
        return facts + (os.readlink(path),)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return facts + (st.st_rdev,)
    return facts


def cmd_compare_trees(args):
    """Print each difference between trees A and B; exit 1 if any."""
    tree_a = walk_tree(args.a)
    tree_b = walk_tree(args.b)
    differences = []
    for rel in sorted(set(tree_a) | set(tree_b), key=path_key):
        if rel not in tree_b:
            differences.append(f"only in {args.a}: {rel}")
        elif rel not in tree_a:
            differences.append(f"only in {args.b}: {rel}")
        else:
            facts_a = describe(args.a, rel, tree_a[rel])
            facts_b = describe(args.b, rel, tree_b[rel])
            if facts_a != facts_b:
                differences.append(f"differs: {rel}: {facts_a} != {facts_b}")
    for line in differences[:args.max]:
        print(line)
    if len(differences) > args.max:
        print(f"... {len(differences) - args.max} more differences")
    print(f"{len(tree_a)} entries compared, {len(differences)} differences",
          file=sys.stderr)
    sys.exit(1 if differences else 0)


def read_lines(path):
    """Return the non-empty lines of a text file as a set."""
    with open(path) as f:
        return {line.rstrip("\n") for line in f if line.strip()}


def cmd_layer_of(args):
    """Print each line of FINAL followed by the layer that introduced it.

    STEPS are the lists after each layer (0 first). A line belongs to the
    lowest layer from which it is present in every later list, so a
    package removed and added again belongs to the layer that added it
    again.
    """
    steps = [read_lines(p) for p in args.steps]
    final = sorted(read_lines(args.final))
    for line in final:
        if line not in steps[-1]:
            fail(f"{line!r} of {args.final} is missing from {args.steps[-1]}")
        layer = len(steps) - 1
        while layer > 0 and line in steps[layer - 1]:
            layer -= 1
        print(f"{line} {layer}")


# Command line ----------------------------------------------------------------


def parse_args(argv):
    """Parse the command line of the subcommands."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("layer-diff", help="write the layer tar from OLD to NEW")
    p.add_argument("--old", help="tree before the step (omit for a first layer)")
    p.add_argument("--new", required=True, help="tree after the step")
    p.add_argument("--out", required=True, help="layer tar to write")
    p.add_argument("--opaque", action="append", default=[], metavar="DIR",
                   help="mark DIR (relative) opaque, marker before its content")
    p.add_argument("--opaque-last", action="append", default=[], metavar="DIR",
                   help="mark DIR (relative) opaque, marker after its content")
    p.add_argument("--clamp-mtime", type=int, metavar="EPOCH",
                   default=_env_epoch(),
                   help="cap timestamps at EPOCH seconds "
                        "(default: $SOURCE_DATE_EPOCH when set)")
    p.set_defaults(func=cmd_layer_diff)

    p = sub.add_parser("pack", help="pack layers into image forms")
    p.add_argument("--out", required=True, help="new output directory")
    p.add_argument("--name", required=True, help="repository, e.g. strata/demo")
    p.add_argument("--tag", default="latest")
    p.add_argument("--created", type=int, default=_env_epoch() or 0,
                   help="creation time in epoch seconds "
                        "(default: $SOURCE_DATE_EPOCH, else 0)")
    p.add_argument("--architecture", default="amd64", help="OCI architecture")
    p.add_argument("--variant", help="OCI architecture variant, e.g. v7")
    p.add_argument("--env", action="append", help="config Env entry")
    p.add_argument("--cmd", help="config Cmd as a JSON array")
    p.add_argument("--workdir", help="config WorkingDir")
    p.add_argument("--layer", nargs=2, action=HistoryAction,
                   metavar=("TAR", "CREATED_BY"),
                   help="add an uncompressed layer tar and its history line")
    p.add_argument("--empty", action=HistoryAction, metavar="CREATED_BY",
                   help="add a history line without a layer (empty_layer)")
    p.add_argument("--forms", default=",".join(ALL_FORMS),
                   help="comma-separated forms to write (default: all)")
    p.add_argument("--gzip-level", type=int, default=6,
                   help="gzip compression level of OCI layer blobs")
    p.set_defaults(func=cmd_pack)

    p = sub.add_parser("npm-list", help="list npm packages of a tree")
    p.add_argument("root")
    p.set_defaults(func=cmd_npm_list)

    p = sub.add_parser("compare-trees", help="compare two trees")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--max", type=int, default=50,
                   help="maximum number of differences to print")
    p.set_defaults(func=cmd_compare_trees)

    p = sub.add_parser("layer-of", help="attribute packages to layers")
    p.add_argument("final", help="package list of the final tree")
    p.add_argument("steps", nargs="+", help="package list after each layer")
    p.set_defaults(func=cmd_layer_of)
    return parser.parse_args(argv)


def _env_epoch():
    """Return $SOURCE_DATE_EPOCH as an int, or None when unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not value.isdigit():
        fail(f"SOURCE_DATE_EPOCH is not a number of seconds: {value!r}")
    return int(value)


def main(argv):
    args = parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(sys.argv[1:])
