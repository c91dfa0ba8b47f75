// The registry of benchmark suites, chosen by name on the command line.
namespace LlmMlNet.Benchmarks;

/// <summary>Dispatches `dotnet run -- NAME` to a benchmark suite.</summary>
public static class BenchmarkSuites
{
    private static readonly Dictionary<string, (string Description, Func<string[], int> Run)> Suites = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gemm"] = ("SGEMM GFLOP/s vs fp32 peak and PyTorch (1 and 2 threads)", GemmBenchmark.Run),
        ["bert"] = ("BERT mini infer / train / LoRA tokens/s and peak memory vs PyTorch (2 threads)", BertBenchmark.Run),
        ["ort"] = ("BERT mini inference: ours vs the ONNX export on ONNX Runtime, tokens/s at 32x128 and batch-1 latency", OnnxRuntimeComparison.Run),
        ["tokenizers"] = ("WordPiece / byte-level BPE throughput, MB/s and tokens/s, 1 thread and batched", TokenizerBenchmarks.Run),
        ["training"] = ("MLM pre-training tokens/s on the tiny and mini presets (batch 32 x 128)", TrainingBenchmark.Run),
        ["finetuning"] = ("Step time of full fine-tuning vs LoRA vs adapters vs feature extraction, BERT mini 32x128", FineTuningBenchmark.Run),
        ["dpo"] = ("Issue 12: a DPO step vs an SFT step on the same pairs, GPT-2 mini with the 50,257 vocabulary, full and LoRA", DpoStepBenchmark.Run),
        ["generation"] = ("Greedy generation new tokens/s with the KV cache, GPT-2 mini + 50,257 vocab, 128 + 128 tokens, batch 1 and 8, vs PyTorch past_key_values", GenerationBenchmark.Run),
        ["fuzz"] = ("Issue 13: long fixed-or-clock-seeded mutation fuzzing of every file parser (--cases N --seed S --target NAME)", FuzzBenchmark.Run),
        ["pretraining-benefit"] = ("Issue 5: MLM pre-trained then fine-tuned vs from scratch, few-label synthetic sentiment (--quick)", PretrainingBenefitBenchmark.Run),
    };

    /// <summary>Runs the suite named by the first argument, or lists the suites.</summary>
    public static int Run(string[] args)
    {
        if (args.Length == 0 || !Suites.TryGetValue(args[0], out var suite))
        {
            Console.WriteLine("usage: LlmMlNet.Benchmarks <suite> [options]");
            foreach (var (name, (description, _)) in Suites) Console.WriteLine($"  {name,-14} {description}");
            return args.Length == 0 ? 0 : 1;
        }
        if (IsaRestriction.RerunIfRequested(args) is int code) return code;
        return suite.Run(IsaRestriction.Strip(args[1..]));
    }
}
