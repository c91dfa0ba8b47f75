// `llmmlnet bench` (issue 4): throughput of a 2-class sequence classifier of a size preset in inference,
// full training or LoRA training, median over timed steps after a warm-up, as one JSON line with --json.
// Argument handling and display only; Running.ThroughputBench measures.
using System.CommandLine;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Checkpoints;

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
            var request = new BenchRequest(parse.GetValue(preset)!, parse.GetValue(mode)!, parse.GetValue(batchSize) ?? 32, parse.GetValue(maxLength) ?? 128,
                parse.GetValue(steps) ?? 5, parse.GetValue(warmup) ?? 2, parse.GetValue(threads));
            var result = ThroughputBench.Run(request, token);
            double tokensPerSecond = result.TokensPerSecond(request);
            Console.Out.WriteLine($"bench: {request.Preset} {request.Mode}, batch {request.BatchSize} x {request.MaxLength}, threads {request.Threads?.ToString() ?? "default"}: "
                + $"{tokensPerSecond:N0} tokens/s, median step {result.MedianStepSeconds * 1000:F1} ms over {result.StepSeconds.Count} steps");
            if (parse.GetValue(json))
            {
                JsonResult.Write(new List<KeyValuePair<string, object?>>
                {
                    new("preset", request.Preset), new("mode", request.Mode), new("batch_size", request.BatchSize), new("max_length", request.MaxLength),
                    new("threads", request.Threads), new("steps", result.StepSeconds.Count), new("warmup", request.Warmup),
                    new("tokens_per_second", Math.Round(tokensPerSecond, 1)), new("step_ms", Math.Round(result.MedianStepSeconds * 1000, 3)),
                    new("step_ms_all", result.StepSeconds.Select(s => Math.Round(s * 1000, 3)).ToArray()),
                    new("peak_memory_mb", JsonResult.PeakMemoryMb()), new("trainable_parameters", result.TrainableParameters),
                    new("total_parameters", result.TotalParameters), new("includes_tokenization", result.IncludesTokenization),
                });
            }
            return ExitCodes.Success;
        }));
        return command;
    }
}
