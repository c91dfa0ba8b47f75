// The SFT trainer as an ML.NET estimator: Fit reads prompt and response columns, fine-tunes a causal LM through
// CausalLmTuning.Sft (loss on the responses), saves it, and returns the GenerateText transformer over the tuned
// model, so `Transform` answers prompts. Reading columns and composing; the training is the library's.
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

/// <summary>Supervised fine-tuning of a causal LM on prompt/response columns (TRL's SFTTrainer).</summary>
public sealed class LlmSftEstimator : IEstimator<TextGenerationTransformer>
{
    /// <summary>Options of SFT.</summary>
    public sealed class Options : CausalLmTuningOptions
    {
        /// <summary>The reference response column (String). Default "Response".</summary>
        public string ResponseColumnName = "Response";

        /// <summary>Pack examples into full blocks of <see cref="CausalLmTuningOptions.MaxLength"/> tokens. Default false.</summary>
        public bool Packing;
    }

    private readonly Options _options;

    /// <summary>Checks the options and local paths.</summary>
    /// <exception cref="ArgumentException">Neither a model nor a preset with a tokenizer, or a value out of range.</exception>
    /// <exception cref="FileNotFoundException">A model or tokenizer file is missing.</exception>
    public LlmSftEstimator(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CausalLmTuningRun.Check(options);
        _options = options;
    }

    /// <summary>The input shape plus the generated-text column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        CausalLmTuningRun.OutputSchema(inputSchema, _options, _options.PromptColumnName, _options.ResponseColumnName);

    /// <summary>Fine-tunes on every row, saves the model to <c>OutputPath</c> and returns the generation transformer over it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not String.</exception>
    public TextGenerationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var rows = CausalLmTuningRun.Read(input, _options.PromptColumnName, _options.ResponseColumnName);
        var examples = rows.Select((r, i) => SftExample.Of(r[0], r[1], i + 1)).ToList();
        var (source, tokenizer) = CausalLmTuningRun.Source(_options);
        var options = new SftOptions
        {
            Method = _options.Method,
            Lora = CausalLmTuningRun.Lora(_options),
            MaxLength = _options.MaxLength,
            Packing = _options.Packing,
            Trainer = CausalLmTuningRun.Trainer(_options, _options.LearningRate ?? SftOptions.Defaults.LearningRateOf(_options.Method)),
        };
        var model = CausalLmTuning.Sft(source, tokenizer, examples, options);
        return CausalLmTuningRun.Finish(model, _options, input);
    }
}
