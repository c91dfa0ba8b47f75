// The `dpo` benchmark suite (issue 12): the cost of a DPO optimizer step beside an SFT step on the same pairs, on a
// GPT-2 of the `mini` shape with the real 50,257-entry vocabulary, through the public CausalLmTuning API, for full
// fine-tuning and LoRA. A DPO step runs the policy forward/backward over chosen and rejected and the reference
// forward over both without gradients; it is compared with SFT on the chosen responses (per pair) and with SFT on
// both responses (the same tokens as DPO's policy pass). Medians after warm-up of the process's CPU time per step (robust
// to other jobs sharing the cores, which wall time is not) beside wall time; nothing asserted (not a test).
using System.Globalization;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using LlmMlNet.Workbench.Synthetic;

namespace LlmMlNet.Benchmarks;

/// <summary>DPO step vs SFT step.</summary>
public static class DpoStepBenchmark
{
    /// <summary>
    /// Runs the suite. Options: --pairs N (per step, default 8), --prompt N and --response N (tokens, default 64 each), --vocab N (default 50257),
    /// --steps N (timed, default 4), --warmup N (default 1), --threads N (default 1: CPU time per step is then the work of one step).
    /// </summary>
    public static int Run(string[] args)
    {
        int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int pairs = Option("--pairs", 8), promptLength = Option("--prompt", 64), responseLength = Option("--response", 64), vocab = Option("--vocab", 50257);
        int steps = Option("--steps", 4), warmup = Option("--warmup", 1), threads = Option("--threads", 1);
        var random = new Random(1);
        var words = Enumerable.Range(0, 400).Select(i => "w" + string.Concat(Enumerable.Range(0, 5).Select(_ => (char)('a' + random.Next(26))))).Distinct().ToArray();
        string Text(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => " " + words[random.Next(words.Length)]));
        var tokenizer = ByteLevelVocabularyBuilder.Build(words);
        int total = (warmup + steps) * pairs;
        // Every word is one token and the response gets EOS: prompt + response - 1 words + EOS = the stated lengths.
        var data = Enumerable.Range(0, total).Select(i => new PreferenceExample(Text(promptLength), Text(responseLength - 1), Text(responseLength - 1), i + 1)).ToList();
        var chosen = data.Select(p => SftExample.Of(p.Prompt, p.Chosen)).ToList();
        var both = data.SelectMany(p => new[] { SftExample.Of(p.Prompt, p.Chosen), SftExample.Of(p.Prompt, p.Rejected) }).ToList();
        var config = SizePresets.Create("mini", ModelFamily.Gpt2, vocab) with { EosTokenId = tokenizer.EosTokenId, BosTokenId = tokenizer.EosTokenId };
        var source = ModelSource.FromScratch(config, seed: 1);
        int length = promptLength + responseLength;
        Console.WriteLine($"dpo: GPT-2 mini (4 layers, hidden 256, vocab {vocab}), {pairs} pairs of {promptLength} + {responseLength} tokens per step, "
            + $"{threads} threads, median of {steps} steps after {warmup} warm-up (CPU time; wall time in brackets); {Environment.ProcessorCount} logical CPUs");
        foreach (var method in new[] { FineTuningMethod.Full, FineTuningMethod.Lora })
        {
            var lora = new Transformers.Adapters.LoraOptions { Rank = 8, Alpha = 16, TargetModules = ["c_attn"] };
            TrainerOptions Trainer(int batch) => new() { BatchSize = batch, MaxSteps = warmup + steps, Threads = threads, ShuffleBufferSize = 1, LearningRate = 1e-5f };
            var (sftChosen, sftChosenWall) = Timed(warmup, p => CausalLmTuning.Sft(source, tokenizer, chosen,
                new SftOptions { Method = method, Lora = lora, MaxLength = length, Trainer = Trainer(pairs) }, null, null, p));
            var (sftBoth, sftBothWall) = Timed(warmup, p => CausalLmTuning.Sft(source, tokenizer, both,
                new SftOptions { Method = method, Lora = lora, MaxLength = length, Trainer = Trainer(2 * pairs) }, null, null, p));
            var (dpo, dpoWall) = Timed(warmup, p => CausalLmTuning.Dpo(source, tokenizer, data,
                new DpoOptions { Method = method, Lora = lora, MaxLength = length, Trainer = Trainer(pairs) }, null, p));
            string name = method == FineTuningMethod.Lora ? "lora" : "full";
            Console.WriteLine($"dpo: {name,-4}  SFT step on the chosen responses {sftChosen * 1000,7:F0} ms ({sftChosenWall * 1000:F0})   "
                + $"SFT step on chosen + rejected {sftBoth * 1000,7:F0} ms ({sftBothWall * 1000:F0})   DPO step {dpo * 1000,7:F0} ms ({dpoWall * 1000:F0})");
            Console.WriteLine($"dpo: {name,-4}  DPO / SFT on the same sequences (chosen + rejected) = {dpo / sftBoth:F2}x (target <= 2.2x);  "
                + $"DPO / SFT on the chosen responses = {dpo / sftChosen:F2}x");
        }
        return 0;
    }

    // Median CPU and wall seconds per optimizer step after the warm-up steps, sampled at each step's progress report.
    private static (double Cpu, double Wall) Timed(int warmup, Func<IProgress<TrainingProgress>, CausalLanguageModel> train)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = new List<double>();
        var wall = new List<double>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        train(new Sampler(() =>
        {
            process.Refresh();
            cpu.Add(process.TotalProcessorTime.TotalSeconds);
            wall.Add(clock.Elapsed.TotalSeconds);
        }));
        static double Median(List<double> t, int skip)
        {
            var deltas = t.Skip(skip).Select((v, i) => v - t[skip + i - 1]).OrderBy(d => d).ToList();
            return deltas[deltas.Count / 2];
        }
        return (Median(cpu, warmup), Median(wall, warmup));
    }

    // Reports synchronously on the training thread (Progress<T> would post to the thread pool and sample late).
    private sealed class Sampler(Action sample) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => sample();
    }
}
