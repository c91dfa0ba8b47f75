#!/usr/bin/env bash
# Issue 15's comparison in one command: GEMM and BERT-mini (infer / train / LoRA) against PyTorch, first with both
# engines restricted to AVX2 (--isa avx2), then on the machine's native ISA (AVX-512 where present), then the
# training step beside one busy process. Prints `uptime` before and after: numbers from a loaded machine are
# marked by it. TIMING=cpu times by process CPU time (for a machine shared with other work; use THREADS=1 there).
# Usage: tests/LlmMlNet.Benchmarks/isa-comparison.sh            (quiet machine: wall clock, 1 and 2 threads)
#        TIMING=cpu THREADS=1 tests/LlmMlNet.Benchmarks/isa-comparison.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build tests/LlmMlNet.Benchmarks -c Release -v q -nologo
bench=tests/LlmMlNet.Benchmarks/bin/Release/net10.0/LlmMlNet.Benchmarks
timing=()
[ "${TIMING:-wall}" = cpu ] && timing=(--cpu-time)
gemm_threads=()
[ -n "${THREADS:-}" ] && gemm_threads=(--threads "$THREADS")
uptime
for isa in avx2 native; do
  echo "== gemm, --isa $isa"
  "$bench" gemm --isa "$isa" --rounds "${ROUNDS:-3}" --reps 5 "${gemm_threads[@]}" "${timing[@]}"
  echo "== bert, --isa $isa"
  "$bench" bert --isa "$isa" --repeats "${ROUNDS:-3}" --steps 5 --warmup 2 --threads "${THREADS:-2}" --profile "${timing[@]}"
done
echo "== bert train beside one busy process (wall clock), --isa avx2"
"$bench" bert --isa avx2 --modes train --repeats 1 --steps 5 --warmup 2 --threads "${THREADS:-2}" --contend
uptime
