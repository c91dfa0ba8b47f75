// `llmmlnet bench` (issue 4): throughput of a 2-class sequence classifier of a size preset in inference,
// full training or LoRA training on random ids, median over timed steps after a warm-up, as one JSON line
// with --json. Argument handling and display only: the library's ThroughputBenchmark measures, the same
// runner the `bert` benchmark suite compares with PyTorch, so both report the same numbers.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Tensors;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Workbench.Diagnostics;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `bench` command.</summary>
public static class BenchCommand
{
    /// <summary>Creates the `bench` command.</summary>
    public static Command Create()
    {
        var preset = CommonOptions.Choice("--preset", "Model size (vocabulary 30522).", true, [.. SizePresets.Names]);
        var mode = CommonOptions.Choice("--mode", "infer (forward), train (full step with AdamW) or lora (rank 8 on query/value + head).", true, "infer", "train", "lora");
        var batchSize = CommonOptions.Int("--batch-size", "Sequences per step (default 32).");
        var maxLength = CommonOptions.Int("--max-length", "Tokens per sequence (default 128).", minimum: 8);
        var steps = CommonOptions.Int("--steps", "Timed steps (default 5).");
        var warmup = CommonOptions.Int("--warmup", "Untimed warm-up steps (default 2).", minimum: 0);
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("bench", "Measure tokens/s of a sequence classifier in inference, full training or LoRA training.")
        {
            preset, mode, batchSize, maxLength, steps, warmup, threads, json,
        };
        command.SetAction(parse => CommandRunner.Execute("bench", token =>
        {
            var options = new ThroughputBenchmarkOptions
            {
                Preset = parse.GetValue(preset)!,
                Mode = Enum.Parse<ThroughputMode>(parse.GetValue(mode)!, ignoreCase: true),
                BatchSize = parse.GetValue(batchSize) ?? 32,
                MaxLength = parse.GetValue(maxLength) ?? 128,
                Steps = parse.GetValue(steps) ?? 5,
                Warmup = parse.GetValue(warmup) ?? 2,
                Threads = parse.GetValue(threads) ?? EngineSettings.Threads,
            };
            var result = ThroughputBenchmark.Run(options, token);
            Console.Out.WriteLine($"bench: {result.Preset} {result.Mode}, batch {result.BatchSize} x {result.MaxLength}, threads {result.Threads}: "
                + $"{result.TokensPerSecond:N0} tokens/s, median step {result.StepMs:F1} ms over {result.StepMsAll.Count} steps, "
                + $"peak memory {result.PeakMemoryMb:F0} MB (this process's peak resident set)");
            if (parse.GetValue(json))
            {
                JsonResult.Write(new List<KeyValuePair<string, object?>>
                {
                    new("preset", result.Preset), new("mode", result.Mode), new("batch_size", result.BatchSize), new("max_length", result.MaxLength),
                    new("threads", result.Threads), new("steps", result.StepMsAll.Count), new("warmup", options.Warmup),
                    new("tokens_per_second", Math.Round(result.TokensPerSecond, 1)), new("step_ms", Math.Round(result.StepMs, 3)),
                    new("step_ms_all", result.StepMsAll.Select(s => Math.Round(s, 3)).ToArray()),
                    new("peak_memory_mb", Math.Round(result.PeakMemoryMb, 1)), new("trainable_parameters", result.TrainableParameters),
                    new("total_parameters", result.TotalParameters), new("dropout", options.Mode == ThroughputMode.Infer ? 0 : options.Dropout),
                });
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
