// Extractive question answering (SQuAD v1.1 and v2.0) behind one API: examples featurized into overlapping
// windows, a span head trained through the Trainer by full fine-tuning, LoRA or bottleneck adapters, and
// answers decoded across windows back to exact character spans of the context; metrics EM/F1 from Evaluation.
// Feature extraction freezes the whole body and trains only the span head on its token states.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A trained extractive-QA model.</summary>
public sealed class QuestionAnswering
{
    private readonly QaFeaturizer _featurizer;
    private readonly QaObjective _objective;
    private readonly QaCollator _collator = new();

    private QuestionAnswering(TaskModelOptions options, QaFeaturizer featurizer, QaObjective objective, TrainingResult? result)
    {
        Options = options;
        _featurizer = featurizer;
        _objective = objective;
        TrainingResult = result;
    }

    /// <summary>The settings it was trained with.</summary>
    public TaskModelOptions Options { get; }

    /// <summary>The trainer's result.</summary>
    public TrainingResult? TrainingResult { get; }

    /// <summary>The LoRA adapter (method Lora), else null.</summary>
    public LoraAdapter? Lora => _objective.Task.Lora;

    /// <summary>The bottleneck adapters (method Adapter), else null.</summary>
    public BottleneckAdapter? Adapter => _objective.Task.Bottleneck;

    /// <summary>The model's parameters.</summary>
    public TransformerParameters Parameters => _objective.Task.Parameters;

    /// <summary>Trains on SQuAD-style examples (streamed: featurized lazily, once per epoch).</summary>
    /// <param name="source">The base model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="train">Examples; impossible ones (v2.0) train the CLS position.</param>
    /// <param name="options">Method and trainer settings; <c>MaxLength</c> is the window length.</param>
    /// <param name="stride">Context tokens shared by consecutive windows (doc_stride); default 128, capped below the window.</param>
    /// <param name="progress">Trainer progress.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <param name="validation">Examples whose mean span loss the trainer evaluates every <c>EvaluateEverySteps</c> (metric eval_loss), or null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    public static QuestionAnswering Train(ModelSource source, Tokenizer tokenizer, IEnumerable<QaExample> train, TaskModelOptions? options = null,
        int stride = 128, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, IEnumerable<QaExample>? validation = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        var o = (options ?? new TaskModelOptions()).Validate();
        var config = source.Config;
        int maxLength = Math.Min(o.MaxLength, config.MaxPositions - config.PositionOffset);
        var featurizer = new QaFeaturizer(tokenizer, new QaFeaturizerOptions { MaxLength = maxLength, Stride = Math.Min(stride, maxLength / 2) });
        var task = TaskModel.Build(source, config, KeyGroup.QuestionAnswering, needPooler: false, o, o.Trainer.BatchSize, maxLength);
        var objective = new QaObjective(task);
        var collator = new QaCollator();
        TrainingEvaluator? evaluate = null;
        if (validation is not null)
        {
            var batches = featurizer.Featurize(validation).Chunk(o.Trainer.BatchSize).Select(chunk => collator.Collate(chunk, default)).ToList();
            evaluate = LossEvaluation.For(objective, batches);
        }
        var result = new Trainer(o.Trainer).Train(objective, featurizer.Featurize(train), collator, evaluate, null, progress, cancellationToken);
        return new QuestionAnswering(o, featurizer, objective, result);
    }

    /// <summary>Answers each example (n-best decoding across its windows).</summary>
    /// <param name="examples">Questions with contexts.</param>
    /// <param name="decoding">Decoding settings (set AllowNoAnswer for SQuAD v2.0).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public IReadOnlyList<QaPrediction> Predict(IEnumerable<QaExample> examples, QaDecodingOptions? decoding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var predictions = new List<QaPrediction>();
        var list = examples.ToList();
        var pending = new List<(QaFeature Feature, float[] Start, float[] End)>();
        var features = _featurizer.Featurize(list).ToList();
        foreach (var chunk in features.Chunk(Options.Trainer.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            _objective.Task.BeginInference();
            var (start, end) = _objective.Logits(_collator.Collate(chunk, default));
            int t = chunk[0].Length;
            for (int i = 0; i < chunk.Length; i++) pending.Add((chunk[i], start[(i * t)..((i + 1) * t)], end[(i * t)..((i + 1) * t)]));
        }
        foreach (var group in pending.GroupBy(p => p.Feature.ExampleIndex))
            predictions.Add(QaPostprocessor.Decode(list[group.Key], group.ToList(), decoding));
        return predictions;
    }

    /// <summary>Exact match and F1 (SQuAD normalization) of the predictions against the gold answers.</summary>
    public QaMetrics Evaluate(IReadOnlyList<QaExample> examples, SquadVersion version = SquadVersion.V1_1, QaDecodingOptions? decoding = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        decoding ??= new QaDecodingOptions { AllowNoAnswer = version == SquadVersion.V2_0 };
        var predictions = Predict(examples, decoding, cancellationToken);
        var evaluator = new QaEvaluator(version);
        for (int i = 0; i < examples.Count; i++) evaluator.Add(examples[i], predictions[i].Text);
        return evaluator.Compute();
    }

    /// <summary>Saves the adapter (LoRA in PEFT's layout with qa_outputs as modules_to_save; bottleneck in its own format).</summary>
    /// <exception cref="InvalidOperationException">Full fine-tuning has no adapter (save <see cref="Parameters"/>).</exception>
    public IReadOnlyList<string> SaveAdapter(string directory, string? baseModelNameOrPath = null)
    {
        if (Lora is { } lora)
            return PeftLoraFormat.Save(lora, directory, baseModelNameOrPath, "QUESTION_ANS", HeadTensors.Of(Parameters, KeyGroup.QuestionAnswering));
        if (Adapter is { } adapter) return BottleneckAdapterFormat.Save(adapter, directory);
        throw new InvalidOperationException($"Method {Options.Method} has no adapter to save.");
    }
}
