// Helpers for the adapter tests: a small config of each family, the base model's frozen parameters laid
// out from the family's key table with seeded values, and a temporary folder. Not a test by itself.
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Tests.Adapters;

internal static class AdapterTestKit
{
    public static TransformerConfig SmallConfig(ModelFamily family = ModelFamily.Bert, int hidden = 8, int layers = 2) => new()
    {
        Family = family,
        VocabSize = 40,
        HiddenSize = hidden,
        NumLayers = layers,
        NumHeads = 2,
        IntermediateSize = 2 * hidden,
        ActivationName = family == ModelFamily.Gpt2 ? "gelu_new" : "gelu",
        LayerNormEps = 1e-12,
        MaxPositions = 32,
        TypeVocabSize = family == ModelFamily.Gpt2 ? 0 : 2,
        PadTokenId = 0,
    };

    /// <summary>The encoder's parameters, all frozen (no gradient storage), filled with U(-scale, scale).</summary>
    public static ParameterSet FrozenBase(TransformerConfig config, float scale = 0.5f, ulong seed = 11)
    {
        var builder = new ParameterLayout.Builder();
        foreach (var m in KeyTable.For(config.Family).Expand(config, new HashSet<KeyGroup> { KeyGroup.Encoder }))
            builder.Add(m.OurName, m.OurShape.ToArray(), trainable: false);
        var set = new ParameterSet(builder.Build());
        foreach (var h in set.Layout.Tensors) ParameterInit.Uniform(set.Value(h), scale, seed, ParameterInit.StreamOf(h.Name));
        return set;
    }

    public static void Randomize(ParameterSet set, float scale, ulong seed)
    {
        foreach (var h in set.Layout.Tensors) ParameterInit.Uniform(set.Value(h), scale, seed, ParameterInit.StreamOf(h.Name));
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmmlnet-adapters-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
