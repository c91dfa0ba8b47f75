// A model's parameters in one ParameterSet, laid out from its family's key table (our names and
// shapes for the encoder and the chosen heads), with Hugging Face's initialisation for fresh
// tensors and checkpoint load/save. Not the forward pass (TransformerModel) and not an optimizer.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Tensors;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Models;

/// <summary>Parameters of one transformer with its heads, in flat buffers with named views.</summary>
public sealed class TransformerParameters
{
    private TransformerParameters(TransformerConfig config, IReadOnlySet<KeyGroup> groups, ParameterSet set)
    {
        Config = config;
        Groups = groups;
        Set = set;
    }

    /// <summary>The configuration.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The parts present (encoder plus heads).</summary>
    public IReadOnlySet<KeyGroup> Groups { get; }

    /// <summary>Values, gradients and AdamW moments.</summary>
    public ParameterSet Set { get; }

    /// <summary>
    /// Allocates the parameters of <paramref name="groups"/> and initialises them as Hugging Face's
    /// <c>_init_weights</c> does: weights and embeddings N(0, initializer_range) (default 0.02; the
    /// padding row of the word embedding zero), biases 0, LayerNorm gains 1.
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="groups">Parts to allocate; must include <see cref="KeyGroup.Encoder"/>.</param>
    /// <param name="seed">Initialisation seed; each tensor draws from a stream keyed by its name.</param>
    /// <param name="trainable">Which tensors get gradients (null: all).</param>
    /// <param name="weightDecay">Which tensors AdamW decays (null: matrices and embeddings, as the layout's default).</param>
    /// <exception cref="ArgumentException">The encoder group is missing.</exception>
    public static TransformerParameters Create(TransformerConfig config, IReadOnlySet<KeyGroup> groups, ulong seed = 0,
        Func<string, bool>? trainable = null, Func<string, bool>? weightDecay = null)
    {
        if (!groups.Contains(KeyGroup.Encoder)) throw new ArgumentException("groups must include the encoder", nameof(groups));
        var builder = new ParameterLayout.Builder();
        var mappings = KeyTable.For(config.Family).Expand(config, groups);
        foreach (var mapping in mappings)
            builder.Add(mapping.OurName, mapping.OurShape.ToArray(), trainable?.Invoke(mapping.OurName) ?? !IsFixedSinusoid(config, mapping.OurName),
                weightDecay?.Invoke(mapping.OurName));
        var parameters = new TransformerParameters(config, groups.ToHashSet(), new ParameterSet(builder.Build()));
        foreach (var mapping in mappings) parameters.Initialize(mapping.OurName, seed);
        return parameters;
    }

    /// <summary>
    /// The same tensors (values, gradients, moments shared) under a configuration whose hidden, attention and embedding
    /// dropout are <paramref name="dropout"/>: a model built over it trains these parameters with that dropout, while
    /// saving this instance keeps the original configuration.
    /// </summary>
    internal TransformerParameters WithDropout(double dropout)
        => new(Config with { HiddenDropout = dropout, AttentionDropout = dropout, EmbeddingDropout = dropout }, Groups, Set);

    /// <summary>The named tensor's values.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public Span<float> this[string name] => Set.View(name);

    /// <summary>True when the model has a tensor of that name.</summary>
    public bool Contains(string name) => Set.Layout.Contains(name);

    /// <summary>Re-initialises one tensor as <see cref="Create"/> does.</summary>
    public void Initialize(string name, ulong seed)
    {
        var values = Set.View(name);
        if (IsFixedSinusoid(Config, name)) FillSinusoid(values, Config.MaxPositions, Config.HiddenSize);
        else if (name.EndsWith("norm.weight", StringComparison.Ordinal)) values.Fill(1f);
        else if (name.EndsWith("bias", StringComparison.Ordinal)) values.Clear();
        else
        {
            ParameterInit.Normal(values, (float)InitializerRange(Config), seed, ParameterInit.StreamOf(name));
            if (name == "embeddings.word" && Config.PadTokenId is { } pad && Config.Family != ModelFamily.Gpt2)
                values.Slice(pad * Config.HiddenSize, Config.HiddenSize).Clear();
        }
    }

    /// <summary>
    /// Loads a Hugging Face folder's weights; head tensors the checkpoint lacks keep their fresh
    /// initialisation and are listed in the report.
    /// </summary>
    /// <param name="directory">Folder with model.safetensors (or shards).</param>
    /// <param name="ignoreMismatchedHeadSizes">Re-initialise head tensors of another size instead of failing.</param>
    /// <exception cref="InvalidDataException">Missing encoder weight or shape mismatch (see <see cref="CheckpointLoader.Load"/>).</exception>
    public CheckpointLoadReport Load(string directory, bool ignoreMismatchedHeadSizes = false)
    {
        using var folder = CheckpointFolder.Open(directory);
        return CheckpointLoader.Load(folder, Config, Groups, name => Set.View(name), ignoreMismatchedHeadSizes);
    }

    /// <summary>
    /// Creates the parameters for <paramref name="groups"/> from a Hugging Face folder (config.json + weights).
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="groups">Parts the model has.</param>
    /// <param name="report">What was loaded, initialised and unused.</param>
    /// <param name="seed">Seed for freshly initialised heads.</param>
    /// <param name="configure">Optional change to the config before allocation (e.g. another label set).</param>
    /// <exception cref="InvalidDataException">Bad config or weights.</exception>
    public static TransformerParameters FromPretrained(string directory, IReadOnlySet<KeyGroup> groups, out CheckpointLoadReport report,
        ulong seed = 0, Func<TransformerConfig, TransformerConfig>? configure = null)
    {
        var config = TransformerConfigReader.Read(Path.Combine(directory, CheckpointFolder.ConfigFileName));
        if (configure != null) config = configure(config).Validate(directory);
        // The config's sizes are compared with the weight files' headers before a model of those sizes is allocated.
        Check(directory, config, groups, ignoreMismatchedHeadSizes: configure != null);
        var parameters = Create(config, groups, seed);
        report = parameters.Load(directory, ignoreMismatchedHeadSizes: configure != null);
        return parameters;
    }

    /// <summary>
    /// Compares <paramref name="config"/>'s tensor shapes for <paramref name="groups"/> with the headers of <paramref name="directory"/>'s
    /// weights without allocating or reading any tensor (a vocab_size or num_hidden_layers the weights do not have fails here).
    /// </summary>
    /// <exception cref="InvalidDataException">A missing encoder weight or a shape mismatch, naming the file and tensor.</exception>
    public static CheckpointLoadReport Check(string directory, TransformerConfig config, IReadOnlySet<KeyGroup> groups, bool ignoreMismatchedHeadSizes = false)
    {
        using var folder = CheckpointFolder.Open(directory);
        return CheckpointLoader.Check(folder, config, groups, ignoreMismatchedHeadSizes);
    }

    /// <summary>Saves config.json + model.safetensors (and tokenizer files from <paramref name="tokenizerDirectory"/>) atomically.</summary>
    public IReadOnlyList<string> Save(string directory, string? tokenizerDirectory = null) =>
        CheckpointSaver.Save(directory, Config, Groups, name => Set.View(name), tokenizerDirectory);

    // DistilBERT with sinusoidal_pos_embds: a fixed table Hugging Face fills once and never trains.
    private static bool IsFixedSinusoid(TransformerConfig config, string name) =>
        config.SinusoidalPositions && name == "embeddings.position";

    /// <summary>Hugging Face's create_sinusoidal_embeddings: sin at even columns, cos at odd, angle pos / 10000^(2⌊j/2⌋/dim).</summary>
    private static void FillSinusoid(Span<float> table, int positions, int dim)
    {
        for (var pos = 0; pos < positions; pos++)
            for (var j = 0; j < dim; j++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * (j / 2) / dim);
                table[pos * dim + j] = (float)(j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
    }

    private static double InitializerRange(TransformerConfig config) =>
        config.ExtraFields.TryGetValue("initializer_range", out var range) && range.ValueKind == System.Text.Json.JsonValueKind.Number
            ? range.GetDouble()
            : 0.02;
}
