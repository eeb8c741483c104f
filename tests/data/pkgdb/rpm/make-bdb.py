#!/usr/bin/env python3
"""Build the generated Berkeley DB rpm databases under bdb/generated-*.

Each one contains the first COUNT header blobs of the CBL-Mariner 2.0
rpmdb.sqlite fixture, keyed as rpm keys its Packages database: a 4-byte
header instance number in the byte order of the machine, plus rpm's
record 0 (the next free instance number). Berkeley DB's own db5.3_load
(Debian package db5.3-util) writes the little-endian hash files; the
big-endian one is the 4 KiB file with every Berkeley DB number swapped,
as a big-endian machine (s390x) would have written it.

Run from this directory:  python3 make-bdb.py
Then regenerate the expected lists with make-expected.sh.
"""
import os
import sqlite3
import struct
import subprocess
import tempfile

SOURCE = "sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite"
COUNT = 24

P_HASH_UNSORTED, P_OVERFLOW, P_HASHMETA, P_HASH = 2, 7, 8, 13
H_KEYDATA, H_OFFPAGE = 1, 3


def headers():
    con = sqlite3.connect("file:%s?mode=ro&immutable=1" % SOURCE, uri=True)
    rows = con.execute("SELECT hnum, blob FROM Packages ORDER BY hnum LIMIT ?", (COUNT,))
    return [(hnum, bytes(blob)) for hnum, blob in rows]


def write_dump(path, rows, key_format):
    """Writes db_load's "bytevalue" dump format."""
    with open(path, "w") as out:
        out.write("VERSION=3\nformat=bytevalue\ntype=hash\nHEADER=END\n")
        out.write(" %s\n %s\n" % (struct.pack(key_format, 0).hex(),
                                   struct.pack(key_format, rows[-1][0] + 1).hex()))
        for hnum, blob in rows:
            out.write(" %s\n %s\n" % (struct.pack(key_format, hnum).hex(), blob.hex()))
        out.write("DATA=END\n")


def load(target, rows, pagesize, ffactor):
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "dump")
        write_dump(dump, rows, "<I")
        if os.path.exists(target):
            os.remove(target)
        subprocess.run(["db5.3_load", "-c", "db_pagesize=%d" % pagesize,
                        "-c", "h_ffactor=%d" % ffactor, "-f", dump, target],
                       check=True)


def swap32(page, off):
    page[off:off + 4] = page[off:off + 4][::-1]


def swap16(page, off):
    page[off:off + 2] = page[off:off + 2][::-1]


def swap_page(page, pagesize):
    kind = page[25]
    if kind == P_HASHMETA:
        for off in range(8, 224, 4):
            if off != 24:  # encrypt_alg, type, metaflags, unused: bytes
                swap32(page, off)
        return
    entries = struct.unpack_from("<H", page, 20)[0]
    offsets = [struct.unpack_from("<H", page, 26 + 2 * i)[0] for i in range(entries)]
    for off in (8, 12, 16):
        swap32(page, off)
    swap16(page, 20)
    swap16(page, 22)
    if kind not in (P_HASH, P_HASH_UNSORTED):
        return
    for i, off in enumerate(offsets):
        swap16(page, 26 + 2 * i)
        end = pagesize if i == 0 else offsets[i - 1]
        if page[off] == H_OFFPAGE:
            swap32(page, off + 4)
            swap32(page, off + 8)
        elif page[off] == H_KEYDATA and i % 2 == 0 and end - off == 5:
            swap32(page, off + 1)  # the instance number key


def swap_file(source, target, pagesize):
    data = bytearray(open(source, "rb").read())
    for start in range(0, len(data), pagesize):
        page = data[start:start + pagesize]
        swap_page(page, pagesize)
        data[start:start + pagesize] = page
    open(target, "wb").write(data)


def main():
    rows = headers()
    # A fill factor of 2 spreads the 4 KiB file over many buckets; at 64 KiB
    # most headers fit on the hash pages themselves.
    for name, pagesize, ffactor in (("generated-le-4k", 4096, 2),
                                    ("generated-le-64k", 65536, 8)):
        os.makedirs("bdb/" + name, exist_ok=True)
        load("bdb/%s/Packages" % name, rows, pagesize, ffactor)
    os.makedirs("bdb/generated-be-4k", exist_ok=True)
    swap_file("bdb/generated-le-4k/Packages", "bdb/generated-be-4k/Packages", 4096)


if __name__ == "__main__":
    main()
