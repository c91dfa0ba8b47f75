// Saves a model as a Hugging Face folder: config.json + model.safetensors under the family's key
// names (GPT-2's Q/K/V joined back into c_attn and transposed to Conv1D layout; tied weights not stored,
// as save_pretrained does), plus tokenizer files copied alongside. Every file is written atomically.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>Returns the float32 values of one of our parameters, by name.</summary>
/// <param name="ourName">Our parameter name.</param>
public delegate ReadOnlySpan<float> ParameterRead(string ourName);

/// <summary>Writes checkpoints Python's <c>from_pretrained</c> loads.</summary>
public static class CheckpointSaver
{
    /// <summary>Tokenizer files copied when a tokenizer folder is given.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt"];

    /// <summary>Writes config.json and model.safetensors for the given parts of a model.</summary>
    /// <param name="directory">Target folder (created when missing; existing files of the same names are replaced atomically).</param>
    /// <param name="config">The configuration to write.</param>
    /// <param name="groups">The parts the model has; their parameters are written.</param>
    /// <param name="source">Values of each of our parameters.</param>
    /// <param name="tokenizerDirectory">When given, the tokenizer files found there are copied alongside.</param>
    /// <returns>The Hugging Face keys written, sorted.</returns>
    /// <exception cref="InvalidOperationException">A parameter's length differs from its shape in the config; thrown before writing.</exception>
    public static IReadOnlyList<string> Save(string directory, TransformerConfig config, IReadOnlySet<KeyGroup> groups,
        ParameterRead source, string? tokenizerDirectory = null)
    {
        var table = KeyTable.For(config.Family);
        var tensors = new List<SafetensorsTensor>();
        foreach (var group in table.Expand(config, groups).GroupBy(m => m.HfName))
        {
            var shape = group.First().HfShape;
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            foreach (var mapping in group)
            {
                var ours = source(mapping.OurName);
                if (ours.Length != mapping.ElementCount)
                    throw new InvalidOperationException(
                        $"parameter '{mapping.OurName}' has {ours.Length} elements but [{string.Join(", ", mapping.OurShape)}] needs {mapping.ElementCount}");
                if (mapping.IsDirect) ours.CopyTo(values);
                else mapping.Scatter(ours, values);
            }
            tensors.Add(new SafetensorsTensor(group.Key, shape, values));
        }
        var head = groups.FirstOrDefault(g => g is KeyGroup.MaskedLm or KeyGroup.Classification or KeyGroup.QuestionAnswering, KeyGroup.Encoder);
        Directory.CreateDirectory(directory);
        SafetensorsWriter.Write(Path.Combine(directory, CheckpointFolder.WeightsFileName), tensors);
        TransformerConfigWriter.Write(Path.Combine(directory, CheckpointFolder.ConfigFileName), config, [table.ArchitectureName(head)]);
        if (tokenizerDirectory != null)
            foreach (var name in TokenizerFiles)
            {
                var from = Path.Combine(tokenizerDirectory, name);
                if (File.Exists(from) && Path.GetFullPath(from) != Path.GetFullPath(Path.Combine(directory, name)))
                    AtomicFile.Write(Path.Combine(directory, name), stream =>
                    {
                        using var input = File.OpenRead(from);
                        input.CopyTo(stream);
                    });
            }
        return tensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
    }
}
