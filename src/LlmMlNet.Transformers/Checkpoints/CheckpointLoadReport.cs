// What a checkpoint load did, reported the way Hugging Face's from_pretrained warns: which weights were
// loaded, which head weights were missing and must be initialized fresh, which checkpoint keys were
// not used, and which were skipped on purpose (buffers, stored copies of tied weights). Data only.
using System.Text;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>The outcome of <see cref="CheckpointLoader.Load"/>.</summary>
/// <param name="Source">The folder loaded.</param>
/// <param name="Loaded">Our parameter names filled from the checkpoint.</param>
/// <param name="Initialized">Our head parameter names absent from the checkpoint (or of another size, when allowed): the caller initializes them fresh.</param>
/// <param name="MissingHfKeys">The Hugging Face keys behind <paramref name="Initialized"/>.</param>
/// <param name="Unexpected">Checkpoint keys no parameter of this model uses (e.g. another task's head).</param>
/// <param name="Ignored">Buffers Hugging Face also ignores (position_ids, attn.bias, ...).</param>
/// <param name="TiedSkipped">Stored copies of tied weights, not loaded because the tie defines them.</param>
public sealed record CheckpointLoadReport(string Source, IReadOnlyList<string> Loaded, IReadOnlyList<string> Initialized,
    IReadOnlyList<string> MissingHfKeys, IReadOnlyList<string> Unexpected, IReadOnlyList<string> Ignored,
    IReadOnlyList<string> TiedSkipped)
{
    /// <summary>True when every parameter came from the checkpoint and nothing was unused.</summary>
    public bool IsExact => Initialized.Count == 0 && Unexpected.Count == 0;

    /// <summary>A human-readable summary in the spirit of Hugging Face's load warnings.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"Loaded {Loaded.Count} tensors from {Source}.");
        if (Unexpected.Count > 0)
            text.Append($" Some weights of the checkpoint were not used: {string.Join(", ", Unexpected)}.");
        if (MissingHfKeys.Count > 0)
            text.Append($" Some weights were not in the checkpoint and are newly initialized: {string.Join(", ", MissingHfKeys)}." +
                        " You should probably train this model on a downstream task.");
        return text.ToString();
    }
}
