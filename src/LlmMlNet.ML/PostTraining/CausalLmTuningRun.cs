// What the SFT and DPO estimators share: option checks, reading String columns into rows, the starting model
// (a folder or a preset), the trainer's options and the hand-over to the GenerateText transformer over the saved
// tuned model. Internal plumbing; the estimators are the public face.
using LlmMlNet.ML.Generation;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tasks.Generative;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.PostTraining;

/// <summary>What the two estimators share: checks, column reading, the starting model and the hand-over to GenerateText.</summary>
internal static class CausalLmTuningRun
{
    public static void Check(CausalLmTuningOptions o)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(o.PromptColumnName, nameof(CausalLmTuningOptions.PromptColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(o.OutputColumnName, nameof(CausalLmTuningOptions.OutputColumnName));
        if (o.Method is not (FineTuningMethod.Full or FineTuningMethod.Lora))
            throw new ArgumentOutOfRangeException(nameof(CausalLmTuningOptions.Method), o.Method, "SFT and DPO train by Full or Lora.");
        if (o.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(CausalLmTuningOptions.BatchSize), o.BatchSize, "The batch size must be at least 1.");
        if (o.MaxEpochs < 1) throw new ArgumentOutOfRangeException(nameof(CausalLmTuningOptions.MaxEpochs), o.MaxEpochs, "MaxEpochs must be at least 1.");
        if (o.ModelPath != null) LocalModelPaths.RequireCheckpointFolder(o.ModelPath, nameof(CausalLmTuningOptions.ModelPath));
        else if (o.Preset is null || !SizePresets.Names.Contains(o.Preset) || o.TokenizerPath is null)
            throw new ArgumentException($"Set {nameof(CausalLmTuningOptions.ModelPath)}, or {nameof(CausalLmTuningOptions.Preset)} (one of {string.Join(", ", SizePresets.Names)}) "
                + $"with {nameof(CausalLmTuningOptions.TokenizerPath)}.", nameof(o));
        LocalModelPaths.LoadTokenizer(o.TokenizerPath ?? o.ModelPath, nameof(CausalLmTuningOptions.TokenizerPath));
    }

    public static SchemaShape OutputSchema(SchemaShape inputSchema, CausalLmTuningOptions o, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var column in columns) SchemaChecks.Require(inputSchema, column, ColumnExpectation.Scalar(TextDataViewType.Instance));
        return SchemaShapes.With(inputSchema, SchemaShapes.Column(o.OutputColumnName, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance));
    }

    public static List<string[]> Read(IDataView input, params string[] names)
    {
        var columns = names.Select(n => SchemaChecks.Require(input.Schema, n, ColumnExpectation.Scalar(TextDataViewType.Instance))).ToArray();
        var rows = new List<string[]>();
        using var cursor = input.GetRowCursor(columns);
        var readers = columns.Select(c => RowReaders.Text(cursor, c.Name)).ToArray();
        while (cursor.MoveNext()) rows.Add(readers.Select(r => r()).ToArray());
        return rows;
    }

    public static (ModelSource Source, Tokenizers.Tokenizer Tokenizer) Source(CausalLmTuningOptions o)
    {
        var tokenizer = LocalModelPaths.LoadTokenizer(o.TokenizerPath ?? o.ModelPath, nameof(CausalLmTuningOptions.TokenizerPath));
        var source = o.ModelPath != null
            ? ModelSource.FromCheckpoint(o.ModelPath, (ulong)o.Seed)
            : ModelSource.FromParameters(Pretraining.FromScratch(o.Preset!, o.Family, tokenizer, (ulong)o.Seed), (ulong)o.Seed);
        return (source, tokenizer);
    }

    public static LoraOptions Lora(CausalLmTuningOptions o) => new() { Rank = o.LoraRank, Alpha = 2f * o.LoraRank, TargetModules = ["c_attn"] };

    public static TrainerOptions Trainer(CausalLmTuningOptions o, float learningRate) => new()
    {
        LearningRate = learningRate,
        BatchSize = o.BatchSize,
        Epochs = o.MaxEpochs,
        MaxSteps = o.MaxSteps,
        Seed = (ulong)o.Seed,
    };

    public static TextGenerationTransformer Finish(CausalLanguageModel model, CausalLmTuningOptions o, IDataView input)
    {
        var folder = o.OutputPath ?? Path.Combine(Path.GetTempPath(), "llmmlnet-tuned-" + Guid.NewGuid().ToString("N"));
        model.Save(folder, o.ModelPath ?? $"fresh {o.Preset}");
        return new TextGenerationEstimator(new TextGenerationEstimator.Options
        {
            ModelPath = folder,
            InputColumnName = o.PromptColumnName,
            OutputColumnName = o.OutputColumnName,
            MaxNewTokens = o.MaxNewTokens,
            BatchSize = o.BatchSize,
        }).Fit(input);
    }
}
