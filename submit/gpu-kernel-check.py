#!/usr/bin/env python3
"""Can this machine's GPU run the CUDA kernels of a library (libnd4jcuda.so, libcublas.so.11, ...)?

Lists the GPU architectures a library's fat binaries carry (machine code per sm_XY, PTX per compute_XY), then asks
the CUDA driver to load each fat binary on GPU 0, as the CUDA runtime does when the library first launches a
kernel. A fat binary with neither machine code for the GPU's major architecture nor PTX the driver can compile
fails with CUDA_ERROR_NO_BINARY_FOR_GPU, and so does every kernel in it.

Usage: gpu-kernel-check.py FILE...   (shared libraries with a .nv_fatbin section, or single .fatbin files)
Needs only Python 3 and the NVIDIA driver (libcuda.so.1); with no GPU it lists the architectures and stops.
"""
import collections
import ctypes
import struct
import sys

FATBIN_MAGIC = 0xBA55ED50
KIND = {1: "compute", 2: "sm"}  # entry kind 1 is PTX, 2 is machine code (an ELF cubin)


def elf_section(data, wanted):
    """Returns the bytes of a 64-bit little-endian ELF file's section, or None."""
    if data[:4] != b"\x7fELF":
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    def header(i):
        name, _, _, _, offset, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
        return name, offset, size
    _, names_offset, _ = header(shstrndx)
    for i in range(shnum):
        name, offset, size = header(i)
        end = data.index(b"\0", names_offset + name)
        if data[names_offset + name:end].decode() == wanted:
            return data[offset:offset + size]
    return None


def fatbins(path):
    """Yields each fat binary in a file: the whole file if it is one, else those in its .nv_fatbin section."""
    with open(path, "rb") as f:
        data = f.read()
    section = elf_section(data, ".nv_fatbin")
    if section is None:
        section = data
    pos = 0
    while pos + 16 <= len(section):
        magic, _, header_size, body_size = struct.unpack_from("<IHHQ", section, pos)
        if magic != FATBIN_MAGIC:
            pos += 8
            continue
        yield section[pos:pos + header_size + body_size]
        pos += header_size + body_size


def architectures(fatbin):
    """The fat binary's entries as 'sm_86' (machine code) or 'compute_86' (PTX)."""
    _, _, header_size, body_size = struct.unpack_from("<IHHQ", fatbin, 0)
    pos, found = header_size, set()
    while pos < header_size + body_size:
        kind, _, entry_header_size, payload_size = struct.unpack_from("<HHIQ", fatbin, pos)
        arch, = struct.unpack_from("<I", fatbin, pos + 28)
        found.add(f"{KIND.get(kind, 'kind' + str(kind))}_{arch}")
        pos += entry_header_size + payload_size
    return found


class Driver:
    """The few CUDA driver calls needed to load a module on GPU 0."""

    def __init__(self):
        self.lib = ctypes.CDLL("libcuda.so.1")
        self.check(self.lib.cuInit(0), "cuInit")
        self.device = ctypes.c_int()
        self.check(self.lib.cuDeviceGet(ctypes.byref(self.device), 0), "cuDeviceGet")
        name = ctypes.create_string_buffer(256)
        self.lib.cuDeviceGetName(name, 256, self.device)
        major, minor, version = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        self.lib.cuDeviceGetAttribute(ctypes.byref(major), 75, self.device)  # COMPUTE_CAPABILITY_MAJOR
        self.lib.cuDeviceGetAttribute(ctypes.byref(minor), 76, self.device)  # COMPUTE_CAPABILITY_MINOR
        self.lib.cuDriverGetVersion(ctypes.byref(version))
        self.description = (f"{name.value.decode()}, compute capability {major.value}.{minor.value} (sm_{major.value}"
                            f"{minor.value}), driver CUDA {version.value // 1000}.{version.value % 1000 // 10}")
        context = ctypes.c_void_p()
        self.check(self.lib.cuDevicePrimaryCtxRetain(ctypes.byref(context), self.device), "cuDevicePrimaryCtxRetain")
        self.check(self.lib.cuCtxSetCurrent(context), "cuCtxSetCurrent")

    def error_name(self, code):
        name = ctypes.c_char_p()
        self.lib.cuGetErrorName(code, ctypes.byref(name))
        return name.value.decode() if name.value else f"CUresult {code}"

    def check(self, code, call):
        if code != 0:
            raise RuntimeError(f"{call} failed: {self.error_name(code)}")

    def load(self, fatbin):
        module = ctypes.c_void_p()
        code = self.lib.cuModuleLoadData(ctypes.byref(module), ctypes.c_char_p(fatbin))
        if code == 0:
            self.lib.cuModuleUnload(module)
            return "loaded"
        return self.error_name(code)


def main(paths):
    if not paths:
        raise SystemExit(__doc__)
    try:
        driver = Driver()
        print("GPU 0:", driver.description)
    except (OSError, RuntimeError) as e:
        driver = None
        print("no usable GPU here (" + str(e) + "): listing architectures only")
    for path in paths:
        arch_count, outcomes, total = collections.Counter(), collections.Counter(), 0
        for fatbin in fatbins(path):
            total += 1
            arch_count.update(architectures(fatbin))
            if driver:
                outcomes[driver.load(fatbin)] += 1
        if total == 0:
            raise SystemExit(f"{path}: no fat binary found (expected a CUDA library or a .fatbin file)")
        by_kind_then_number = sorted(arch_count.items(), key=lambda kv: (kv[0].split("_")[0], int(kv[0].split("_")[1])))
        archs = ", ".join(f"{arch} x{n}" for arch, n in by_kind_then_number)
        print(f"{path}: {total} fat binaries carrying {archs}")
        if driver:
            print("  on this GPU: " + ", ".join(f"{outcome} x{n}" for outcome, n in outcomes.most_common()))


if __name__ == "__main__":
    main(sys.argv[1:])
