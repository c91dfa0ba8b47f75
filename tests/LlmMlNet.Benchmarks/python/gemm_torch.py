# PyTorch side of the `gemm` benchmark suite: times torch.mm / torch.matmul for the shapes given on the
# command line and prints one JSON object per line. Not a test: run by GemmBenchmark.cs with /usr/bin/python3.
# Usage: gemm_torch.py THREADS REPS SHAPE...   where SHAPE is m,n,k,ta,tb[,batch] (ta/tb 0 or 1, row-major
# BLAS meaning; batch > 1 times torch.bmm over that many independent products).
import json
import os
import sys
import time

try:
    import torch
    from engine_info import describe
except ImportError as error:  # the C# side reports PyTorch as missing and prints ours only
    print(json.dumps({"error": f"torch not importable: {error}"}))
    sys.exit(0)


def main() -> None:
    threads, reps = int(sys.argv[1]), int(sys.argv[2])
    # GEMM_TORCH_CPU_TIME=1 (the suite's --cpu-time): process CPU time over threads instead of the wall clock.
    cpu = os.environ.get("GEMM_TORCH_CPU_TIME") == "1"
    clock = (lambda: time.process_time() / threads) if cpu else time.perf_counter
    torch.set_num_threads(threads)
    print(json.dumps({"engine": describe()}), flush=True)
    generator = torch.Generator().manual_seed(1234)
    for shape in sys.argv[3:]:
        values = [int(v) for v in shape.split(",")]
        m, n, k, ta, tb = values[:5]
        batch = values[5] if len(values) > 5 else 1
        a = torch.rand((batch, k, m) if ta else (batch, m, k), generator=generator, dtype=torch.float32)
        b = torch.rand((batch, n, k) if tb else (batch, k, n), generator=generator, dtype=torch.float32)
        opa, opb = (a.transpose(1, 2) if ta else a), (b.transpose(1, 2) if tb else b)
        out = torch.empty((batch, m, n), dtype=torch.float32)
        if batch == 1:
            opa, opb, out = opa[0], opb[0], out[0]
        product = torch.bmm if batch > 1 else torch.mm
        for _ in range(3):
            product(opa, opb, out=out)
        times = []
        for _ in range(reps):
            start = clock()
            inner = 0
            while inner == 0 or clock() - start < 0.02:  # >= 20 ms per rep, for the clock's resolution
                product(opa, opb, out=out)
                inner += 1
            times.append((clock() - start) / inner)
        times.sort()
        median = times[len(times) // 2]
        print(json.dumps({"shape": shape, "threads": threads, "seconds": median,
                          "gflops": 2.0 * batch * m * n * k / median / 1e9,
                          "best_gflops": 2.0 * batch * m * n * k / times[0] / 1e9,
                          "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
