// The small contract through which the Trainer drives any model: forward + loss on a batch,
// backward of that loss into the ParameterSet's gradients, and the ParameterSet itself. MLM, CLM,
// classification and QA objectives all implement it. Not a module system or an autograd tape.
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Training;

/// <summary>Where a forward pass sits in the run; keys dropout masks and other per-call randomness.</summary>
/// <param name="Step">0-based optimizer step the micro-batch contributes to.</param>
/// <param name="MicroBatch">Global 0-based micro-batch counter (unique per forward in the run; use it to key dropout).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="IsTraining">True in training (dropout active); false in evaluation.</param>
public readonly record struct ForwardContext(long Step, long MicroBatch, ulong Seed, bool IsTraining)
{
    /// <summary>An evaluation context (dropout off).</summary>
    public static ForwardContext Evaluation(ulong seed = 0) => new(0, 0, seed, false);
}

/// <summary>The loss of one batch and the work it stands for.</summary>
/// <param name="Loss">Mean loss over the batch's targets.</param>
/// <param name="Tokens">Input tokens processed (for tokens/s).</param>
/// <param name="Targets">Targets the mean runs over (masked tokens, next tokens, examples); weights evaluation means.</param>
public readonly record struct BatchLoss(float Loss, long Tokens, long Targets);

/// <summary>A model with a loss, as the <see cref="Trainer"/> sees it.</summary>
/// <typeparam name="TBatch">The batch type its collator builds.</typeparam>
public interface ITrainableModel<in TBatch>
{
    /// <summary>Values, gradients and AdamW moments; only trainable tensors get gradients.</summary>
    ParameterSet Parameters { get; }

    /// <summary>Runs forward on <paramref name="batch"/> and returns its mean loss; caches what <see cref="Backward"/> needs.</summary>
    BatchLoss Forward(TBatch batch, ForwardContext context);

    /// <summary>Adds <paramref name="lossScale"/> · d(loss of the last Forward)/dθ into <c>Parameters.Gradients</c>.</summary>
    void Backward(float lossScale);
}
