#!/usr/bin/env python3
"""Mark chosen symbol-version requirements of an ELF shared library as weak.

TorchSharp 0.107.0's libLibTorchSharp.so was linked against GCC 13's libstdc++ and therefore requires the version
GLIBCXX_3.4.32, which Debian 12's libstdc++ (3.4.30) lacks. The only symbol that needs it is
_ZSt21ios_base_library_initv, a link-time marker GCC 13 emits for <iostream> users that nothing calls. The dynamic
loader refuses a library whose *required* version is missing, but only notes (with LD_DEBUG/ldd -v) a missing *weak*
one. This script sets the weak flag (VER_FLG_WEAK = 0x2) on the named entries of the .gnu.version_r section.

The file is never modified in place: the result is written to a temporary file beside it and renamed over it, so a
hard link into the NuGet cache is broken rather than written through. Running it twice changes nothing the second time.

Usage:
  weaken-version-needs.py [--version NAME ...] [--list] FILE [FILE ...]

  --version NAME   a version requirement to weaken (repeatable); default GLIBCXX_3.4.32
  --list           print every version requirement (file, version, flags) and change nothing
Exit code 0 on success (including "nothing to do"), 1 on an error such as a file that is not a 64-bit ELF.
"""

import argparse
import os
import struct
import sys
import tempfile

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


class ElfError(Exception):
    """The file is not something this script can patch."""


def _cstring(data, offset):
    end = data.index(b"\0", offset)
    return data[offset:end].decode("ascii", "replace")


def version_needs(data):
    """Yields (flags_offset, file_name, version_name, flags) for every Vernaux entry of the file."""
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise ElfError("only 64-bit little-endian ELF files are supported")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    if e_shoff == 0 or e_shnum == 0:
        raise ElfError("the file has no section headers")
    sections = []
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        _name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, sh_info = struct.unpack_from("<IIQQQQII", data, base)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    found = False
    for sh_type, sh_offset, _size, sh_link, sh_info in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        found = True
        strtab = sections[sh_link][1]
        need = sh_offset
        for _ in range(sh_info):
            _version, count, file_off, aux_off, next_off = struct.unpack_from("<HHIII", data, need)
            file_name = _cstring(data, strtab + file_off)
            aux = need + aux_off
            for _ in range(count):
                _hash, flags, _other, name_off, aux_next = struct.unpack_from("<IHHII", data, aux)
                yield aux + 4, file_name, _cstring(data, strtab + name_off), flags
                if aux_next == 0:
                    break
                aux += aux_next
            if next_off == 0:
                break
            need += next_off
    if not found:
        raise ElfError("the file has no .gnu.version_r section")


def weaken(path, versions):
    """Sets VER_FLG_WEAK on the requirements named in versions; returns the names changed."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    changed = []
    for flags_offset, file_name, name, flags in list(version_needs(data)):
        if name in versions and not flags & VER_FLG_WEAK:
            struct.pack_into("<H", data, flags_offset, flags | VER_FLG_WEAK)
            changed.append(f"{name} (from {file_name})")
    if changed:
        directory = os.path.dirname(os.path.abspath(path))
        mode = os.stat(path).st_mode & 0o7777
        fd, temp = tempfile.mkstemp(prefix=".weaken-", dir=directory)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(temp, mode)
            os.replace(temp, path)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
    return changed


def main(argv):
    parser = argparse.ArgumentParser(description="Mark ELF symbol-version requirements as weak.")
    parser.add_argument("--version", action="append", dest="versions", metavar="NAME")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args(argv)
    versions = set(args.versions or ["GLIBCXX_3.4.32"])
    status = 0
    for path in args.files:
        try:
            if args.list:
                with open(path, "rb") as f:
                    data = f.read()
                for _offset, file_name, name, flags in version_needs(data):
                    weak = " weak" if flags & VER_FLG_WEAK else ""
                    print(f"{path}: {file_name} {name} flags=0x{flags:x}{weak}")
                continue
            changed = weaken(path, versions)
            if changed:
                print(f"{path}: marked weak: {', '.join(changed)}")
            else:
                print(f"{path}: nothing to do")
        except (OSError, ElfError, struct.error, ValueError, IndexError) as e:
            print(f"{path}: error: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
