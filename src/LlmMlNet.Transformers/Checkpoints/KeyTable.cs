// The shape of a family's key table: each row maps one Hugging Face tensor (or one part of it) to one
// of our parameters, with its shape in symbolic dimensions, the head it belongs to, and whether it is
// transposed or split. Rows are data (see BertKeys, RobertaKeys, DistilBertKeys, Gpt2Keys); this file
// only expands "{i}" per layer and resolves dimensions against a config. It reads no tensors.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Which part of a model a parameter belongs to; only <see cref="Encoder"/> keys are required in a checkpoint.</summary>
public enum KeyGroup
{
    /// <summary>Embeddings and transformer blocks (and GPT-2's final LayerNorm).</summary>
    Encoder,
    /// <summary>BERT/RoBERTa pooler (dense + tanh on the first token).</summary>
    Pooler,
    /// <summary>Masked-LM head (transform, LayerNorm, decoder bias; decoder weight tied to the word embedding).</summary>
    MaskedLm,
    /// <summary>Sequence-classification head, in the family's own layout.</summary>
    Classification,
    /// <summary>Extractive QA head (start/end logits).</summary>
    QuestionAnswering,
}

/// <summary>One row of a key table. "{i}" in both names stands for the layer index.</summary>
/// <param name="HfName">Hugging Face key with the family prefix, e.g. "bert.encoder.layer.{i}.attention.self.query.weight".</param>
/// <param name="OurName">Our parameter name, e.g. "layers.{i}.attention.query.weight".</param>
/// <param name="Shape">Our shape as comma-separated symbols: vocab, hidden, positions, types, ffn, labels, or a number.</param>
/// <param name="Group">The part of the model the parameter belongs to.</param>
/// <param name="Transpose">The Hugging Face tensor is stored [in, out] (GPT-2 Conv1D); ours is [out, in].</param>
/// <param name="SplitIndex">Which part of the Hugging Face tensor's last dimension this parameter is (GPT-2 c_attn: 0 = Q, 1 = K, 2 = V).</param>
/// <param name="SplitCount">Into how many equal parts that dimension is split (1: not split).</param>
public sealed record KeyEntry(string HfName, string OurName, string Shape, KeyGroup Group,
    bool Transpose = false, int SplitIndex = 0, int SplitCount = 1);

/// <summary>A family's complete checkpoint vocabulary.</summary>
/// <param name="Family">The family.</param>
/// <param name="Prefix">The base-model prefix ("bert."); checkpoints without it are accepted for encoder keys.</param>
/// <param name="Entries">Every parameter row.</param>
/// <param name="IgnoredSuffixes">Buffers Hugging Face stores but does not load (position_ids, attn.bias, ...).</param>
/// <param name="TiedKeys">Keys that, when stored, are copies of a tied parameter (lm_head.weight, cls.predictions.decoder.weight).</param>
/// <param name="Aliases">Alternative names for the same tensor (a decoder bias stored twice), alias → canonical key.</param>
/// <param name="Renames">Older layouts' name fragments, old → new (LayerNorm.gamma → LayerNorm.weight).</param>
public sealed record KeyTable(ModelFamily Family, string Prefix, IReadOnlyList<KeyEntry> Entries,
    IReadOnlyList<string> IgnoredSuffixes, IReadOnlyList<string> TiedKeys,
    IReadOnlyDictionary<string, string> Aliases, IReadOnlyDictionary<string, string> Renames)
{
    /// <summary>The table of <paramref name="family"/>.</summary>
    public static KeyTable For(ModelFamily family) => family switch
    {
        ModelFamily.Bert => BertKeys.Table,
        ModelFamily.Roberta => RobertaKeys.Table,
        ModelFamily.DistilBert => DistilBertKeys.Table,
        ModelFamily.Gpt2 => Gpt2Keys.Table,
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    /// <summary>True when <paramref name="key"/> is a buffer of <see cref="IgnoredSuffixes"/> (matched on whole dotted components).</summary>
    public bool IsIgnored(string key) =>
        IgnoredSuffixes.Any(s => key == s || key.EndsWith("." + s, StringComparison.Ordinal));

    /// <summary>
    /// The Hugging Face class name ("BertForMaskedLM") of a model with this head, for config.json's
    /// "architectures"; a head-less GPT-2 is named GPT2LMHeadModel, since its LM head has no weights of its own.
    /// </summary>
    public string ArchitectureName(KeyGroup head)
    {
        var stem = Family switch
        {
            ModelFamily.Bert => "Bert",
            ModelFamily.Roberta => "Roberta",
            ModelFamily.DistilBert => "DistilBert",
            _ => "GPT2",
        };
        return head switch
        {
            KeyGroup.MaskedLm => stem + "ForMaskedLM",
            KeyGroup.Classification => stem + "ForSequenceClassification",
            KeyGroup.QuestionAnswering => stem + "ForQuestionAnswering",
            _ => Family == ModelFamily.Gpt2 ? "GPT2LMHeadModel" : stem + "Model",
        };
    }

    /// <summary>The concrete mappings of the given groups for <paramref name="config"/> (layers expanded, shapes resolved).</summary>
    public IReadOnlyList<TensorMapping> Expand(TransformerConfig config, IReadOnlySet<KeyGroup> groups)
    {
        var result = new List<TensorMapping>();
        foreach (var entry in Entries.Where(e => groups.Contains(e.Group)))
        {
            var layers = entry.HfName.Contains("{i}", StringComparison.Ordinal) ? config.NumLayers : 1;
            for (var i = 0; i < layers; i++)
            {
                var layer = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var ours = ResolveShape(entry.Shape, config);
                result.Add(new TensorMapping(entry.HfName.Replace("{i}", layer), entry.OurName.Replace("{i}", layer),
                    ours, HfShape(ours, entry), entry.Group, entry.Transpose, entry.SplitIndex, entry.SplitCount));
            }
        }
        return result;
    }

    private static int[] ResolveShape(string shape, TransformerConfig config) =>
        shape.Split(',').Select(symbol => symbol.Trim() switch
        {
            "vocab" => config.VocabSize,
            "hidden" => config.HiddenSize,
            "positions" => config.MaxPositions,
            "types" => config.TypeVocabSize,
            "ffn" => config.IntermediateSize,
            "labels" => config.NumLabels,
            var number => int.Parse(number, System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray();

    private static long[] HfShape(int[] ours, KeyEntry entry)
    {
        var shape = ours.Select(d => (long)d).ToArray();
        if (entry.Transpose) Array.Reverse(shape);
        shape[^1] *= entry.SplitCount;
        return shape;
    }
}

/// <summary>One concrete HF tensor (part) ↔ our parameter mapping.</summary>
/// <param name="HfName">Hugging Face key (with prefix).</param>
/// <param name="OurName">Our parameter name.</param>
/// <param name="OurShape">Our shape ([out, in] for weights).</param>
/// <param name="HfShape">The whole Hugging Face tensor's shape.</param>
/// <param name="Group">The part of the model.</param>
/// <param name="Transpose">Stored transposed in the checkpoint.</param>
/// <param name="SplitIndex">Part of the checkpoint tensor's last dimension.</param>
/// <param name="SplitCount">Number of parts.</param>
public sealed record TensorMapping(string HfName, string OurName, IReadOnlyList<int> OurShape, IReadOnlyList<long> HfShape,
    KeyGroup Group, bool Transpose, int SplitIndex, int SplitCount)
{
    /// <summary>Elements of our parameter.</summary>
    public int ElementCount => OurShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Copies this mapping's part of a whole HF tensor (row-major <paramref name="hf"/>) into our layout.</summary>
    public void Gather(ReadOnlySpan<float> hf, Span<float> ours)
    {
        // View the HF tensor as [rows, SplitCount * cols]; our part is the column block SplitIndex.
        var cols = (int)(HfShape[^1] / SplitCount);
        var rows = hf.Length / (int)HfShape[^1];
        var stride = (int)HfShape[^1];
        var offset = SplitIndex * cols;
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                ours[Transpose ? c * rows + r : r * cols + c] = hf[r * stride + offset + c];
    }

    /// <summary>Inverse of <see cref="Gather"/>: writes our parameter into its part of the whole HF tensor.</summary>
    public void Scatter(ReadOnlySpan<float> ours, Span<float> hf)
    {
        var cols = (int)(HfShape[^1] / SplitCount);
        var rows = hf.Length / (int)HfShape[^1];
        var stride = (int)HfShape[^1];
        var offset = SplitIndex * cols;
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                hf[r * stride + offset + c] = ours[Transpose ? c * rows + r : r * cols + c];
    }

    /// <summary>True when our layout equals the checkpoint's (no transpose, no split): a direct copy.</summary>
    public bool IsDirect => !Transpose && SplitCount == 1;
}
