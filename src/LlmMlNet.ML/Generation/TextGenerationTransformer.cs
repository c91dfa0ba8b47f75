// The fitted text-generation step: a batched row-to-row mapping from a prompt column to a completion column,
// BatchSize prompts per generate call (left-padded, KV cache). Saves its model folder and options; also hands
// out an IChatClient over the same model. Not a trainer: SFT/DPO estimators fine-tune, this one only runs.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Generation;

/// <summary>
/// Adds a String column with each row's generated continuation (the prompt not repeated). Row-to-row (works in PredictionEngine);
/// cursors generate <c>BatchSize</c> rows at a time. Save it with <see cref="LlmModelCatalog.SaveWithLlm"/>.
/// </summary>
public sealed class TextGenerationTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.TextGeneration/1";

    private readonly TextGenerationEstimator.Options _options;
    private readonly BatchedRowMapping<string, string> _mapping;

    internal TextGenerationTransformer(TextGenerator generator, TextGenerationEstimator.Options options)
    {
        Generator = generator;
        _options = options;
        var generation = options.ToGenerationOptions();
        _mapping = new BatchedRowMapping<string, string>(
            schema => [SchemaChecks.Require(schema, options.InputColumnName!, ColumnExpectation.Scalar(TextDataViewType.Instance))],
            row => RowReaders.Text(row, options.InputColumnName!),
            prompts => Generator.Generate(prompts, generation).Select(r => r.Text).ToArray(),
            [BatchOutputColumn<string>.Create(options.OutputColumnName, TextDataViewType.Instance,
                (string text, ref ReadOnlyMemory<char> dst) => dst = text.AsMemory())],
            options.BatchSize);
    }

    /// <summary>The generator (model and tokenizer) this transformer runs.</summary>
    public TextGenerator Generator { get; }

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// An <see cref="Microsoft.Extensions.AI.IChatClient"/> over this transformer's model (chat template from the model folder,
    /// ChatML by default), with this transformer's generation options as its defaults.
    /// </summary>
    public CausalLmChatClient AsChatClient() => new(Generator, _options.ModelPath, _options.ToGenerationOptions());

    /// <summary>The input schema plus the completion column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prompt column is missing or not String.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy view whose completions are generated batch by batch, when the column is read.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The prompt column is missing or not String.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: ML.NET cannot store transformers defined outside its assemblies; use <see cref="LlmModelCatalog.SaveWithLlm"/>.</summary>
    /// <exception cref="NotSupportedException">Always (a file ML.NET's Save created for it is removed first).</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(TextGenerationTransformer));

    /// <summary>Writes the model folder "model" (config.json, model.safetensors, tokenizer files) and the options (llmmlnet.json).</summary>
    public void SaveTo(string directory)
    {
        string model = Path.Combine(directory, SavedModelFolder.Model);
        Pretraining.Save(Generator.Tokens.Model.Parameters, Generator.Tokenizer, model);
        ComponentSettings.Write(directory, _options);
    }

    internal static TextGenerationTransformer LoadFrom(string directory)
    {
        var options = ComponentSettings.Read<TextGenerationEstimator.Options>(directory);
        string model = SavedModelFolder.RequireModel(directory);
        options.ModelPath = model;
        options.TokenizerPath = null;
        options = TextGenerationEstimator.Validate(options);
        var tokenizer = LocalModelPaths.LoadTokenizer(model, "saved tokenizer");
        return new TextGenerationTransformer(new TextGenerator(Pretraining.FromCheckpoint(model, out _), tokenizer), options);
    }
}
