"""Which kernels this PyTorch process runs: ATen's CPU capability and the BLAS library's core type.

Shared by the benchmark peer scripts so every table names the kernels it compared (the `--isa avx2` runs
set OPENBLAS_CORETYPE=Haswell and ATEN_CPU_CAPABILITY=avx2). Not a test dependency.
"""
import ctypes

import torch


def blas_core() -> str:
    """OpenBLAS's openblas_get_corename() of the BLAS library loaded by torch, or why it is unknown."""
    try:
        with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
            paths = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    except OSError:
        paths = []
    for path in paths + ["libopenblas.so.0", "libblas.so.3"]:
        try:
            lib = ctypes.CDLL(path)
            name = lib.openblas_get_corename
        except (OSError, AttributeError):
            continue
        name.restype = ctypes.c_char_p
        return "OpenBLAS " + name().decode()
    return "unknown (no OpenBLAS loaded)"


def describe() -> dict:
    """torch version, ATen CPU capability and BLAS core, as JSON-ready fields."""
    config = torch.__config__.show()
    capability = config.split("CPU capability usage:")[1].split("\n")[0].strip() if "CPU capability usage:" in config else "?"
    return {"torch": torch.__version__, "aten_capability": capability, "blas_core": blas_core()}
