// Benchmark harness entry point: `dotnet run -c Release --project tests/LlmMlNet.Benchmarks -- <suite>`.
// Each suite prints our numbers beside PyTorch's (Debian python3-torch, 2 threads) when installed.
using LlmMlNet.Benchmarks;

return BenchmarkSuites.Run(args);
