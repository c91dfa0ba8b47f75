// A task head's tensors under their Hugging Face keys (e.g. "classifier.weight"), gathered from our layout
// through the family's key table, for PEFT's modules_to_save. Not a checkpoint writer (CheckpointSaver).
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Head tensors in Hugging Face layout.</summary>
public static class HeadTensors
{
    /// <summary>Every tensor of <paramref name="group"/> in <paramref name="parameters"/>, keyed and shaped as Hugging Face stores it.</summary>
    public static IReadOnlyList<SafetensorsTensor> Of(TransformerParameters parameters, KeyGroup group)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new List<SafetensorsTensor>();
        foreach (var byKey in KeyTable.For(parameters.Config.Family).Expand(parameters.Config, new HashSet<KeyGroup> { group }).GroupBy(m => m.HfName))
        {
            var first = byKey.First();
            var values = new float[first.HfShape.Aggregate(1L, (a, b) => a * b)];
            foreach (var mapping in byKey) mapping.Scatter(parameters[mapping.OurName], values);
            result.Add(new SafetensorsTensor(byKey.Key, first.HfShape, values));
        }
        return result;
    }
}
