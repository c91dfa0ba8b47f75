// The transformer body our inference engines run (classification, QA): the sequence length capped by the position
// table, and the encoder with the bottleneck adapters wrapped in when the model was tuned with them. Left
// uncommitted so the caller can attach its head first. Not a head, not a trainer (training bodies: Tasks' TaskModel).
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.ML.Infrastructure;

/// <summary>Builds the inference body shared by the task engines.</summary>
internal static class InferenceBody
{
    /// <summary>Tokens per input: the requested length capped by the position table.</summary>
    public static int SequenceLength(TransformerConfig config, int maxSequenceLength) =>
        Math.Min(maxSequenceLength, config.MaxPositions - config.PositionOffset);

    /// <summary>An uncommitted body for <paramref name="batchSize"/> inputs of <paramref name="length"/> tokens, adapters wrapped in when given.</summary>
    public static TransformerModel Create(TransformerParameters parameters, BottleneckAdapter? adapter, int batchSize, int length)
    {
        var arena = new ActivationArena();
        DenseLayerFactory? dense = null;
        if (adapter != null)
        {
            var factory = adapter.CreateLayerFactory(parameters.Set, arena, batchSize * length);
            dense = prefix => factory(prefix);
        }
        return new TransformerModel(parameters, batchSize, length, 0, dense, arena);
    }
}
