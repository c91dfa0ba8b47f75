// `finetune --task sft|dpo` and `evaluate` on causal-LM data as the CLI runs them: read the JSONL, train
// through CausalLmTuning with the trainer's progress display, evaluate on the validation file, save the folder;
// and the three evaluations (text perplexity, SFT exact match and response perplexity, DPO preference
// accuracy), the data kind told by the file. Composition and bookkeeping only; no training or decoding logic.
using System.Diagnostics;
using System.Text.Json;
using LlmMlNet.Cli.Display;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Running;

/// <summary>Runs of the generative tasks.</summary>
internal static class GenerativeRuns
{
    /// <summary>The tasks `finetune` runs here.</summary>
    public static readonly string[] Tasks = ["sft", "dpo"];

    /// <summary>The kinds of data `evaluate` scores a causal LM on.</summary>
    public enum DataKind
    {
        /// <summary>Plain text: perplexity.</summary>
        Text,

        /// <summary>SFT JSONL: exact match and response perplexity.</summary>
        Sft,

        /// <summary>Preference JSONL: preference accuracy.</summary>
        Preferences,
    }

    /// <summary>The learning rate of a task and method when --lr is not given (the library's defaults).</summary>
    public static float DefaultLearningRate(string task, FineTuningMethod method) =>
        task == "dpo" ? DpoOptions.Defaults.LearningRateOf(method) : SftOptions.Defaults.LearningRateOf(method);

    /// <summary>Trains SFT or DPO, evaluates on the validation file and saves; see <see cref="FineTuneOutcome"/>.</summary>
    /// <exception cref="UsageException">A method other than full or lora.</exception>
    /// <exception cref="DataFormatException">A malformed line.</exception>
    public static FineTuneOutcome FineTune(FineTuneRequest request, float beta, bool packing, int? maxPromptLength, CancellationToken token)
    {
        var method = FineTuning.MethodOf(request.Method);
        if (method is not (FineTuningMethod.Full or FineTuningMethod.Lora))
            throw new UsageException($"--task {request.Task} supports --method full or lora, not {request.Method}.");
        int rank = request.LoraRank ?? TaskModelOptions.Defaults.LoraRank;
        var lora = new Transformers.Adapters.LoraOptions { Rank = rank, Alpha = request.LoraAlpha ?? rank, TargetModules = ["c_attn"] };
        var clock = Stopwatch.StartNew();
        CausalLanguageModel model;
        var metrics = new List<KeyValuePair<string, double>>();
        int examples;
        if (request.Task == "dpo")
        {
            var train = PreferenceDataReader.ReadAll(request.TrainPath);
            examples = train.Count;
            var options = new DpoOptions { Method = method, Lora = lora, MaxLength = request.MaxLength, MaxPromptLength = maxPromptLength, Beta = beta, Trainer = request.Trainer };
            model = TrainingDisplay.Run(request.Title, progress => CausalLmTuning.Dpo(request.Model.Source, request.Model.Tokenizer, train, options, null, progress, token));
            if (model.PreferenceHistory.Count > 0)
                metrics.AddRange(model.PreferenceHistory[^1].ToTable().Select(kv => new KeyValuePair<string, double>("train_" + kv.Key, kv.Value)));
            if (request.ValidPath is not null)
            {
                var reference = ReferenceOf(request.Model.Source);
                var m = CausalLmEvaluation.Preferences(model.MergedParameters(), reference, model.Featurizer, PreferenceDataReader.ReadAll(request.ValidPath), beta,
                    request.Trainer.BatchSize, token);
                metrics.AddRange(m.ToTable().Select(kv => new KeyValuePair<string, double>("eval_" + kv.Key, kv.Value)));
            }
        }
        else
        {
            var train = SftDataReader.ReadAll(request.TrainPath);
            examples = train.Count;
            var options = new SftOptions { Method = method, Lora = lora, MaxLength = request.MaxLength, MaxPromptLength = maxPromptLength, Packing = packing, Trainer = request.Trainer };
            model = TrainingDisplay.Run(request.Title, progress => CausalLmTuning.Sft(request.Model.Source, request.Model.Tokenizer, train, options, null, null, progress, token));
            if (request.ValidPath is not null)
            {
                var m = CausalLmEvaluation.Sft(model.MergedParameters(), model.Featurizer, SftDataReader.ReadAll(request.ValidPath), cancellationToken: token);
                metrics.Add(new("exact_match", m.ExactMatch));
                metrics.Add(new("response_loss", m.Response.Loss));
                metrics.Add(new("response_perplexity", m.Response.Perplexity));
            }
        }
        clock.Stop();
        string? note = null;
        if (request.OutputDirectory is not null)
        {
            model.Save(request.OutputDirectory, request.Model.Description);
            note = method == FineTuningMethod.Lora
                ? "Hugging Face folder with the LoRA update merged, and the adapter alone in adapter/ (PEFT layout)"
                : "Hugging Face folder (GPT-2 LM)";
        }
        long total = model.Parameters.Set.Layout.TotalLength + (model.Lora?.ParameterCount ?? 0);
        var curve = model.TrainingResult?.History.Select(h => (h.Step, h.Loss)).ToList() ?? [];
        return new FineTuneOutcome(model.TrainingResult, clock.Elapsed, model.TrainingResult?.TokensPerSecond, model.TrainableParameterCount, total,
            metrics, curve, 0, note, examples);
    }

    /// <summary>The data kind of a file: .jsonl with "chosen" is preferences, other .jsonl is SFT, anything else text.</summary>
    /// <exception cref="DataFormatException">A .jsonl file whose first record is not a JSON object.</exception>
    public static DataKind KindOf(string path)
    {
        if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) return DataKind.Text;
        if (!File.Exists(path)) throw new UsageException($"Data file not found: {path}");
        long line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("chosen", out _) ? DataKind.Preferences : DataKind.Sft;
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, line, null, $"not valid JSON: {e.Message}", e);
            }
        }
        throw new DataFormatException(path, null, null, "the file has no records.");
    }

    /// <summary>
    /// Scores a causal LM folder on <paramref name="path"/>: perplexity of text; exact match and response perplexity of SFT data; DPO
    /// metrics of preference data against <paramref name="referencePath"/> (default: the starting model the manifest records, when
    /// it is a folder here; without one the implicit reward is β·log π).
    /// </summary>
    public static List<KeyValuePair<string, object?>> Evaluate(string directory, TaskModelManifest manifest, string path, string? referencePath, float beta,
        int maxNewTokens, int batchSize, CancellationToken token)
    {
        var parameters = Pretraining.FromCheckpoint(directory, out _);
        var tokenizer = ModelInputs.LoadTokenizer(directory);
        int maxLength = Math.Min(manifest.MaxLength > 0 ? manifest.MaxLength : 1024, parameters.Config.MaxPositions);
        var featurizer = new CausalLmFeaturizer(tokenizer, ChatTemplate.FromFolder(directory), maxLength);
        var fields = new List<KeyValuePair<string, object?>>();
        switch (KindOf(path))
        {
            case DataKind.Text:
            {
                if (!File.Exists(path)) throw new UsageException($"Data file not found: {path}");
                var m = CausalLmEvaluation.Perplexity(parameters, tokenizer, new TextCorpusReader([path]), maxLength, batchSize, token);
                fields.Add(new("data", "text"));
                fields.Add(new("loss", Math.Round(m.Loss, 6)));
                fields.Add(new("perplexity", Math.Round(m.Perplexity, 4)));
                break;
            }
            case DataKind.Sft:
            {
                var examples = SftDataReader.ReadAll(path);
                var m = CausalLmEvaluation.Sft(parameters, featurizer, examples, maxNewTokens, batchSize, token);
                fields.Add(new("data", "sft"));
                fields.Add(new("exact_match", Math.Round(m.ExactMatch, 6)));
                fields.Add(new("response_loss", Math.Round(m.Response.Loss, 6)));
                fields.Add(new("response_perplexity", Math.Round(m.Response.Perplexity, 4)));
                fields.Add(new("examples", m.Examples));
                break;
            }
            default:
            {
                var pairs = PreferenceDataReader.ReadAll(path);
                referencePath ??= manifest.BaseModel is { } b && File.Exists(Path.Combine(b, "config.json")) ? b : null;
                var reference = referencePath is null ? null : Pretraining.FromCheckpoint(referencePath, out _);
                var m = CausalLmEvaluation.Preferences(parameters, reference, featurizer, pairs, beta, batchSize, token);
                fields.Add(new("data", "preferences"));
                fields.Add(new("preference_accuracy", Math.Round(m.RewardsAccuracy, 6)));
                fields.Add(new("reference", referencePath ?? "none (reward = beta * log p)"));
                fields.AddRange(m.ToTable().Select(kv => new KeyValuePair<string, object?>(kv.Key, Math.Round(kv.Value, 6))));
                fields.Add(new("examples", pairs.Count));
                break;
            }
        }
        return fields;
    }

    // The starting weights as the reference of a post-training evaluation.
    private static TransformerParameters? ReferenceOf(ModelSource source) =>
        source.Parameters ?? (source.Directory is { } d ? Pretraining.FromCheckpoint(d, out _) : null);
}
