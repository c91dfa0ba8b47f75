// The simplest downstream model for feature extraction: multinomial logistic regression on fixed
// embeddings, logits = W·e + b, trained full-batch with AdamW (every step sees all embeddings, so the run
// is deterministic and needs no shuffling). The embeddings are computed once by the caller, not per epoch.
// Not a general optimizer and not the encoder.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Settings of <see cref="SoftmaxRegression.Train"/>.</summary>
public sealed record SoftmaxRegressionOptions
{
    /// <summary>The defaults (read by the ML.NET linear-head trainer too).</summary>
    public static class Defaults
    {
        /// <summary>Full-batch AdamW steps: 300.</summary>
        public const int Steps = 300;

        /// <summary>Constant AdamW learning rate: 0.05.</summary>
        public const float LearningRate = 0.05f;
    }

    /// <summary>Full-batch AdamW steps. Default <see cref="Defaults.Steps"/> (300).</summary>
    public int Steps { get; init; } = Defaults.Steps;

    /// <summary>AdamW learning rate (constant). Default <see cref="Defaults.LearningRate"/> (0.05).</summary>
    public float LearningRate { get; init; } = Defaults.LearningRate;

    /// <summary>AdamW decoupled weight decay on W (not b). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">Steps negative, or a rate that is not positive and finite, or a negative decay.</exception>
    public SoftmaxRegressionOptions Validate()
    {
        if (Steps < 0) throw new ArgumentException($"Steps must be >= 0, got {Steps}.", nameof(Steps));
        if (!(LearningRate > 0f) || !float.IsFinite(LearningRate)) throw new ArgumentException($"LearningRate must be positive, got {LearningRate}.", nameof(LearningRate));
        if (!(WeightDecay >= 0f)) throw new ArgumentException($"WeightDecay must be >= 0, got {WeightDecay}.", nameof(WeightDecay));
        return this;
    }
}

/// <summary>Softmax regression over embeddings [N, C] into K classes.</summary>
public sealed class SoftmaxRegression
{
    private const string WeightName = "weight", BiasName = "bias";
    private readonly Linear _linear;

    /// <summary>Creates a zero-initialised model (the loss is convex, so zeros are a fine start).</summary>
    /// <exception cref="ArgumentException">A size is not positive.</exception>
    public SoftmaxRegression(int features, int classes)
    {
        if (features <= 0) throw new ArgumentException($"features must be positive, got {features}.", nameof(features));
        if (classes < 2) throw new ArgumentException($"classes must be at least 2, got {classes}.", nameof(classes));
        Features = features;
        Classes = classes;
        Parameters = new ParameterSet(new ParameterLayout.Builder().Add(WeightName, [classes, features]).Add(BiasName, [classes]).Build());
        _linear = new Linear(Parameters, WeightName, BiasName);
    }

    /// <summary>Embedding width C.</summary>
    public int Features { get; }

    /// <summary>Number of classes K.</summary>
    public int Classes { get; }

    /// <summary>W [K, C] and b [K] with their gradients and moments.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>
    /// Trains on embeddings [N, C] (row-major) and class ids [N]; returns the mean cross-entropy after each step
    /// (the last entry is the final training loss).
    /// </summary>
    /// <exception cref="ArgumentException">Shapes do not match, no examples, or a label outside [0, K) (naming the row); thrown before any work.</exception>
    public IReadOnlyList<float> Train(ReadOnlySpan<float> embeddings, ReadOnlySpan<int> labels, SoftmaxRegressionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var o = (options ?? new SoftmaxRegressionOptions()).Validate();
        int n = labels.Length;
        if (n == 0) throw new ArgumentException("Softmax regression needs at least one example.", nameof(labels));
        if (embeddings.Length != (long)n * Features)
            throw new ArgumentException($"embeddings hold {embeddings.Length} values; {n} labels × {Features} features need {(long)n * Features}.", nameof(embeddings));
        for (int i = 0; i < n; i++)
            if ((uint)labels[i] >= (uint)Classes) throw new ArgumentException($"label[{i}] = {labels[i]} is outside [0, {Classes}).", nameof(labels));
        var arena = new ActivationArena();
        var loss = new CrossEntropyLoss(Classes, arena, n);
        arena.Commit();
        var logits = new float[n * Classes];
        var dLogits = new float[n * Classes];
        var history = new List<float>(o.Steps);
        for (int step = 1; step <= o.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _linear.Forward(embeddings, logits, n);
            history.Add(loss.Forward(logits, labels, n));
            Array.Clear(dLogits);
            loss.Backward(logits, labels, dLogits, n);
            Parameters.ZeroGradients();
            _linear.Backward(embeddings, dLogits, [], n);
            Parameters.AdamWStep(o.LearningRate, 0.9f, 0.999f, 1e-8f, o.WeightDecay, step);
        }
        return history;
    }

    /// <summary>Class probabilities [N, K] (softmax of the logits) for embeddings [N, C].</summary>
    /// <exception cref="ArgumentException">The embeddings are not a whole number of rows.</exception>
    public float[] PredictProbabilities(ReadOnlySpan<float> embeddings)
    {
        if (embeddings.Length % Features != 0)
            throw new ArgumentException($"embeddings hold {embeddings.Length} values, not a multiple of {Features} features.", nameof(embeddings));
        int n = embeddings.Length / Features;
        var probabilities = new float[n * Classes];
        _linear.Forward(embeddings, probabilities, n);
        for (int i = 0; i < n; i++) Softmax.InPlace(probabilities.AsSpan(i * Classes, Classes));
        return probabilities;
    }
}
