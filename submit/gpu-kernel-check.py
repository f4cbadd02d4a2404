#!/usr/bin/env python3
"""Can this machine's GPU run the CUDA kernels of a library (libtorch_cuda.so, libnd4jcuda.so, libcublas.so.11, ...)?

Lists the GPU architectures a library's fat binaries carry (machine code per sm_XY, PTX per compute_XY), then asks
the CUDA driver to load each fat binary on GPU 0, as the CUDA runtime does when the library first launches a
kernel. A fat binary with neither machine code for the GPU's major architecture nor PTX the driver can compile
fails with CUDA_ERROR_NO_BINARY_FOR_GPU, and so does every kernel in it. With a compute capability (the GPU's, or
one given with --capability for a GPU that is not here) it also says how many fat binaries carry code for it and
whether the library runs there: machine code sm_XY runs on X.Z for Z >= Y, PTX compute_XY on any X.Y or newer.

A jar (the torch engine's org.bytedeco:pytorch:*:linux-x86_64-gpu, or the -Ptorch-gpu cluster jar) is read as the
libraries inside it: `gpu-kernel-check.py pytorch-2.10.0-1.5.13-linux-x86_64-gpu.jar` says whether libtorch's
CUDA build has code for the local GPU.

Usage: gpu-kernel-check.py [--capability MAJOR.MINOR] FILE...   (shared libraries with a .nv_fatbin section, single
.fatbin files, or jars holding such libraries)
Needs only Python 3 and the NVIDIA driver (libcuda.so.1); with no GPU it lists the architectures, and judges them
against --capability when given.
"""
import collections
import ctypes
import re
import struct
import sys
import zipfile

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


def fatbins(data):
    """Yields each fat binary in a file's bytes: the whole file if it is one, else those in its .nv_fatbin section."""
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


def libraries(path):
    """Yields (name, bytes) of the file, or of each shared library inside it when it is a jar."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as f:
            yield path, f.read()
        return
    with zipfile.ZipFile(path) as jar:
        for member in jar.namelist():
            if re.search(r"\.so(\.[\d.]+)?$", member):
                yield f"{path}!/{member}", jar.read(member)


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
        self.capability = (major.value, minor.value)
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


def runs_on(arches, capability):
    """Whether a fat binary with these entries has code a GPU of compute capability (major, minor) can run."""
    major, minor = capability
    for arch in arches:
        kind, number = arch.split("_")
        number = int(number)
        if kind == "sm" and number // 10 == major and number % 10 <= minor:
            return True
        if kind == "compute" and (number // 10, number % 10) <= (major, minor):
            return True
    return False


def parse_args(argv):
    capability, paths = None, []
    args = iter(argv)
    for arg in args:
        if arg == "--capability":
            value = next(args, "")
            match = re.fullmatch(r"(\d+)\.(\d)", value)
            if not match:
                raise SystemExit(f"--capability needs MAJOR.MINOR, such as 9.0 for an H100/H200; got '{value}'")
            capability = (int(match.group(1)), int(match.group(2)))
        else:
            paths.append(arg)
    if not paths:
        raise SystemExit(__doc__)
    return capability, paths


def main(argv):
    capability, paths = parse_args(argv)
    try:
        driver = Driver()
        print("GPU 0:", driver.description)
        capability = capability or driver.capability
    except (OSError, RuntimeError) as e:
        driver = None
        print("no usable GPU here (" + str(e) + "): listing architectures only, loading nothing")
    for path in paths:
        found = False
        for name, data in libraries(path):
            found |= report(name, data, driver, capability)
        if not found:
            raise SystemExit(f"{path}: no fat binary found (expected a CUDA library, a .fatbin file or a jar of them)")


def report(name, data, driver, capability):
    """Prints one library's architectures, what loading them gave, and the verdict; False if it has no fat binary."""
    arch_count, outcomes, total, runnable = collections.Counter(), collections.Counter(), 0, 0
    for fatbin in fatbins(data):
        total += 1
        arches = architectures(fatbin)
        arch_count.update(arches)
        if capability and runs_on(arches, capability):
            runnable += 1
        if driver:
            outcomes[driver.load(fatbin)] += 1
    if total == 0:
        return False
    by_kind_then_number = sorted(arch_count.items(), key=lambda kv: (kv[0].split("_")[0], int(kv[0].split("_")[1])))
    archs = ", ".join(f"{arch} x{n}" for arch, n in by_kind_then_number)
    print(f"{name}: {total} fat binaries carrying {archs}")
    if driver:
        print("  on this GPU: " + ", ".join(f"{outcome} x{n}" for outcome, n in outcomes.most_common()))
    if capability:
        sm = f"sm_{capability[0]}{capability[1]}"
        verdict = "runs there" if runnable == total else "does NOT run there"
        print(f"  code for {sm}: in {runnable} of {total} fat binaries: {verdict}")
    return True


if __name__ == "__main__":
    main(sys.argv[1:])
