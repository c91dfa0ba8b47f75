// `demo --generative`: the finance-bot story, measured. A made-up bank's rules become a corpus; a tiny GPT
// is pre-trained on it; SFT on question → answer pairs teaches it to answer, and exact match on questions
// about rules SFT never saw shows what pre-training contributed (against the same SFT from a model that
// skipped pre-training); DPO on pairs preferring answers that cite their rule then shifts what it says.
// Composition only: every step is a library call (Pretraining, CausalLmTuning, CausalLmEvaluation).
using System.Diagnostics;
using System.Text.Json;
using LlmMlNet.Cli.Display;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using LlmMlNet.Workbench.Synthetic;

namespace LlmMlNet.Cli.Demo;

/// <summary>Sizes of the generative demo.</summary>
/// <param name="Preset">GPT-2 size preset.</param>
/// <param name="Accounts">Accounts of the bank (4 rules each).</param>
/// <param name="PretrainSteps">Causal-LM steps on the corpus.</param>
/// <param name="SftSteps">SFT steps.</param>
/// <param name="DpoSteps">DPO steps.</param>
internal sealed record GenerativeDemoSettings(string Preset, int Accounts, int PretrainSteps, int SftSteps, int DpoSteps)
{
    /// <summary>The full run (a few minutes on 2 cores).</summary>
    public static GenerativeDemoSettings Full { get; } = new("tiny", 12, 1500, 300, 60);

    /// <summary>Seconds: what the tests run.</summary>
    public static GenerativeDemoSettings Quick { get; } = new("tiny", 4, 40, 10, 4);
}

/// <summary>What the generative demo measured.</summary>
/// <param name="Rows">The table.</param>
/// <param name="MarkdownPath">results-generative.md.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Metrics">The headline numbers by name (exact matches, preference accuracies, citation rates).</param>
internal sealed record GenerativeDemoReport(IReadOnlyList<DemoRow> Rows, string MarkdownPath, TimeSpan Elapsed, IReadOnlyDictionary<string, double> Metrics);

/// <summary>Runs the generative demo.</summary>
internal sealed class GenerativeDemo(GenerativeDemoSettings settings, string outputDirectory, int? threads, ulong seed)
{
    private const int MaxLength = 48, BatchSize = 16;
    private readonly List<DemoRow> _rows = [];
    private readonly Dictionary<string, double> _metrics = [];

    /// <summary>Runs every step; progress goes to the console.</summary>
    public GenerativeDemoReport Run(CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        var data = FinanceBotDataset.Generate(new FinanceBotOptions { Accounts = settings.Accounts, Seed = (int)seed });
        var folder = Path.Combine(outputDirectory, "data");
        WriteData(folder, data);
        var tokenizer = ByteLevelVocabularyBuilder.Build(data.Corpus.Concat(data.SftTrain.Select(e => e.Prompt + e.Response)).Concat(data.DpoTrain.Select(p => p.Chosen)));
        Say($"data: {data.Rules.Count} bank rules, {data.Corpus.Count} corpus lines, {data.SftTrain.Count} SFT pairs ({data.SftHeldOut.Count} held-out questions), "
            + $"{data.DpoTrain.Count} preference pairs in {folder}; vocabulary of {tokenizer.VocabularySize} tokens");
        var featurizer = new CausalLmFeaturizer(tokenizer, ChatTemplate.ChatMl, MaxLength);

        var pretrained = Pretrain(tokenizer, Path.Combine(folder, "corpus.txt"), token);
        Score("pre-trained, no SFT", "-", 0, TimeSpan.Zero, null, pretrained, featurizer, data, "em_pretrained", token);
        var scratch = Pretraining.FromScratch(settings.Preset, ModelFamily.Gpt2, tokenizer, seed);
        var sftScratch = Sft(ModelSource.FromParameters(scratch, seed), tokenizer, data, token);
        Score("SFT, no pre-training", "full", sftScratch.TrainableParameterCount, sftScratch.TrainingResult!.Elapsed, sftScratch.TrainingResult.TokensPerSecond,
            sftScratch.MergedParameters(), featurizer, data, "em_sft_scratch", token);
        var sft = Sft(ModelSource.FromParameters(pretrained, seed), tokenizer, data, token);
        var sftWeights = sft.MergedParameters();
        Score("pre-trained + SFT", "full", sft.TrainableParameterCount, sft.TrainingResult!.Elapsed, sft.TrainingResult.TokensPerSecond,
            sftWeights, featurizer, data, "em_sft", token);
        sft.Save(Path.Combine(outputDirectory, "models", "sft"), "pre-trained tiny GPT-2");
        Dpo(sftWeights, tokenizer, featurizer, data, token);

        var markdown = Path.Combine(outputDirectory, "results-generative.md");
        DataFiles.WriteAtomically(markdown, (TextWriter w) => w.Write(DemoRow.Markdown(_rows)));
        return new GenerativeDemoReport(_rows, markdown, clock.Elapsed, _metrics);
    }

    private TransformerParameters Pretrain(Tokenizer tokenizer, string corpus, CancellationToken token)
    {
        var parameters = Pretraining.FromScratch(settings.Preset, ModelFamily.Gpt2, tokenizer, seed);
        var options = new PretrainingOptions
        {
            Objective = PretrainingObjective.CausalLm,
            BlockSize = MaxLength,
            LineByLine = true,
            Trainer = Trainer(2e-3f, settings.PretrainSteps),
        };
        var result = TrainingDisplay.Run("pre-train (causal LM)",
            progress => Pretraining.Train(parameters, tokenizer, new TextCorpusReader([corpus]), options, null, null, progress, token));
        Pretraining.Save(parameters, tokenizer, Path.Combine(outputDirectory, "models", "pretrained"));
        _rows.Add(new DemoRow("pre-training", "causal LM on the rules", parameters.Set.Layout.TrainableLength, result.Elapsed, result.TokensPerSecond,
            $"loss {result.History[0].Loss:F2} → {result.LastLoss:F2}", Path.Combine(outputDirectory, "models", "pretrained")));
        return parameters;
    }

    private CausalLanguageModel Sft(ModelSource source, Tokenizer tokenizer, FinanceBotData data, CancellationToken token)
    {
        var options = new SftOptions { MaxLength = MaxLength, Trainer = Trainer(1e-3f, settings.SftSteps) };
        return TrainingDisplay.Run("SFT", progress => CausalLmTuning.Sft(source, tokenizer, data.SftTrain, options, null, ChatTemplate.ChatMl, progress, token));
    }

    private void Dpo(TransformerParameters sft, Tokenizer tokenizer, CausalLmFeaturizer featurizer, FinanceBotData data, CancellationToken token)
    {
        var before = CausalLmEvaluation.Preferences(sft, null, featurizer, data.DpoHeldOut, cancellationToken: token);
        double citedBefore = Cites(sft, featurizer, data, token);
        var options = new DpoOptions
        {
            Method = FineTuningMethod.Lora,
            MaxLength = MaxLength,
            Lora = new() { TargetModules = ["c_attn"], Rank = 8, Alpha = 16 },
            Trainer = Trainer(5e-3f, settings.DpoSteps) with { BatchSize = 8 },
        };
        var dpo = TrainingDisplay.Run("DPO (LoRA)", progress => CausalLmTuning.Dpo(ModelSource.FromParameters(sft, seed), tokenizer, data.DpoTrain, options, null, progress, token));
        var merged = dpo.MergedParameters();
        var after = CausalLmEvaluation.Preferences(merged, sft, featurizer, data.DpoHeldOut, cancellationToken: token);
        var likelihoodAfter = CausalLmEvaluation.Preferences(merged, null, featurizer, data.DpoHeldOut, cancellationToken: token);
        double citedAfter = Cites(merged, featurizer, data, token);
        var correct = CausalLmEvaluation.Sft(merged, featurizer, data.SftHeldOut.Select((e, i) => SftExample.Of(e.Prompt!, data.DpoHeldOut[i].Chosen)).ToList(),
            cancellationToken: token);
        dpo.Save(Path.Combine(outputDirectory, "models", "dpo"), "the SFT model");
        _metrics["pref_likelihood_before"] = before.RewardsAccuracy;
        _metrics["pref_likelihood_after"] = likelihoodAfter.RewardsAccuracy;
        _metrics["pref_reward_after"] = after.RewardsAccuracy;
        _metrics["cites_before"] = citedBefore;
        _metrics["cites_after"] = citedAfter;
        _metrics["em_cited_after"] = correct.ExactMatch;
        _rows.Add(new DemoRow("DPO: prefer citing the rule", "lora", dpo.TrainableParameterCount, dpo.TrainingResult!.Elapsed, dpo.TrainingResult.TokensPerSecond,
            $"held-out pairs: chosen more likely {before.RewardsAccuracy:P0} → {likelihoodAfter.RewardsAccuracy:P0}, reward accuracy {after.RewardsAccuracy:P0}, "
            + $"margin {after.RewardsMargin:F2}; answers citing a rule {citedBefore:P0} → {citedAfter:P0} (right value and rule {correct.ExactMatch:P0})",
            Path.Combine(outputDirectory, "models", "dpo")));
    }

    // The fraction of greedy answers to held-out questions that cite a rule ("under rule N"): DPO's win rate for the chosen style.
    private static double Cites(TransformerParameters model, CausalLmFeaturizer featurizer, FinanceBotData data, CancellationToken token) =>
        CausalLmEvaluation.Greedy(model, featurizer, data.SftHeldOut, 16, BatchSize, token).Count(g => g.Contains("under rule", StringComparison.Ordinal))
        / (double)data.SftHeldOut.Count;

    private void Score(string stage, string method, long trainable, TimeSpan time, double? tokensPerSecond, TransformerParameters model, CausalLmFeaturizer featurizer,
        FinanceBotData data, string key, CancellationToken token)
    {
        var held = CausalLmEvaluation.Sft(model, featurizer, data.SftHeldOut, 16, BatchSize, token);
        var seen = CausalLmEvaluation.Sft(model, featurizer, data.SftTrain.Take(data.SftHeldOut.Count).ToList(), 16, BatchSize, token);
        _metrics[key] = held.ExactMatch;
        _metrics[key + "_seen"] = seen.ExactMatch;
        Say($"{stage}: held-out exact match {held.ExactMatch:P0} (e.g. \"{data.SftHeldOut[0].Prompt!.Split('\n')[0]}\" → \"{held.Generations[0].Trim()}\", "
            + $"expected \"{data.SftHeldOut[0].Response!.Trim()}\")");
        _rows.Add(new DemoRow(stage, method, trainable, time, tokensPerSecond,
            $"exact match: held-out rules {held.ExactMatch:P0}, SFT rules {seen.ExactMatch:P0}; held-out response perplexity {held.Response.Perplexity:F2}", null));
    }

    private TrainerOptions Trainer(float rate, int steps) => new()
    {
        LearningRate = rate,
        MaxSteps = steps,
        BatchSize = BatchSize,
        WarmupRatio = 0.05,
        Seed = seed,
        Threads = threads,
    };

    private static void WriteData(string folder, FinanceBotData data)
    {
        Directory.CreateDirectory(folder);
        DataFiles.WriteAtomically(Path.Combine(folder, "corpus.txt"), (TextWriter w) =>
        {
            foreach (var line in data.Corpus) w.WriteLine(line);
        });
        void Jsonl<T>(string name, IEnumerable<T> rows, Func<T, object> shape) => DataFiles.WriteAtomically(Path.Combine(folder, name), (TextWriter w) =>
        {
            foreach (var row in rows) w.WriteLine(JsonSerializer.Serialize(shape(row)));
        });
        Jsonl("sft_train.jsonl", data.SftTrain, e => new { prompt = e.Prompt, response = e.Response });
        Jsonl("sft_heldout.jsonl", data.SftHeldOut, e => new { prompt = e.Prompt, response = e.Response });
        Jsonl("dpo_train.jsonl", data.DpoTrain, p => new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected });
        Jsonl("dpo_heldout.jsonl", data.DpoHeldOut, p => new { prompt = p.Prompt, chosen = p.Chosen, rejected = p.Rejected });
    }

    private static void Say(string line) => Console.Out.WriteLine($"demo: {line}");
}
