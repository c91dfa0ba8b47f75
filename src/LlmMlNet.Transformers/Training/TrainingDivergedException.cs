// Thrown when a loss or gradient norm turns NaN or infinite: training stops before the bad update
// touches the weights, and checkpoints already on disk are left as they were.
namespace LlmMlNet.Transformers.Training;

/// <summary>A non-finite loss or gradient norm stopped the run.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for <paramref name="quantity"/> = <paramref name="value"/> at optimizer step <paramref name="step"/>.</summary>
    public TrainingDivergedException(int step, string quantity, double value)
        : base($"Training diverged at optimizer step {step}: the {quantity} is {value}. The weights were not updated with it; " +
               "checkpoints already written are intact. Lower the learning rate or check the data.")
    {
        Step = step;
        Quantity = quantity;
        Value = value;
    }

    /// <summary>0-based optimizer step whose micro-batch produced the value.</summary>
    public int Step { get; }

    /// <summary>"loss" or "gradient norm".</summary>
    public string Quantity { get; }

    /// <summary>The non-finite value.</summary>
    public double Value { get; }
}
