// The DPO trainer as an ML.NET estimator: Fit reads prompt, chosen and rejected columns, preference-tunes a causal LM
// through CausalLmTuning.Dpo against the frozen starting model, saves it, and returns the GenerateText transformer over
// the tuned model. Reading columns and composing; the training is the library's.
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

/// <summary>Direct Preference Optimization of a causal LM on prompt/chosen/rejected columns (TRL's DPOTrainer).</summary>
public sealed class LlmDpoEstimator : IEstimator<TextGenerationTransformer>
{
    /// <summary>Options of DPO.</summary>
    public sealed class Options : CausalLmTuningOptions
    {
        /// <summary>The preferred response column. Default "Chosen".</summary>
        public string ChosenColumnName = "Chosen";

        /// <summary>The dispreferred response column. Default "Rejected".</summary>
        public string RejectedColumnName = "Rejected";

        /// <summary>β. Default 0.1.</summary>
        public float Beta = DpoOptions.Defaults.Beta;
    }

    private readonly Options _options;

    /// <summary>Checks the options and local paths.</summary>
    /// <exception cref="ArgumentException">Neither a model nor a preset with a tokenizer, β not positive, or a value out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public LlmDpoEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CausalLmTuningRun.Check(options);
        if (!(options.Beta > 0)) throw new ArgumentOutOfRangeException(nameof(Options.Beta), options.Beta, "Beta must be positive.");
        _options = options;
    }

    /// <summary>The input shape plus the generated-text column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        CausalLmTuningRun.OutputSchema(inputSchema, _options, _options.PromptColumnName, _options.ChosenColumnName, _options.RejectedColumnName);

    /// <summary>Preference-tunes on every row against the frozen starting model, saves it and returns the generation transformer over it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not String.</exception>
    public TextGenerationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rows = CausalLmTuningRun.Read(input, _options.PromptColumnName, _options.ChosenColumnName, _options.RejectedColumnName);
        var pairs = rows.Select((r, i) => new PreferenceExample(r[0], r[1], r[2], i + 1)).ToList();
        var (source, tokenizer) = CausalLmTuningRun.Source(_options);
        var options = new DpoOptions
        {
            Method = _options.Method,
            Lora = CausalLmTuningRun.Lora(_options),
            MaxLength = _options.MaxLength,
            Beta = _options.Beta,
            Trainer = CausalLmTuningRun.Trainer(_options, _options.LearningRate ?? DpoOptions.Defaults.LearningRateOf(_options.Method)),
        };
        var model = CausalLmTuning.Dpo(source, tokenizer, pairs, options);
        return CausalLmTuningRun.Finish(model, _options, input);
    }
}
