// Extractive question answering (SQuAD v1.1 and v2.0) behind one API: examples featurized into overlapping
// windows, a span head trained through the Trainer by full fine-tuning, LoRA or bottleneck adapters, and
// answers decoded across windows back to exact character spans of the context; metrics EM/F1 from Evaluation.
// Feature extraction freezes the whole body and trains only the span head on its token states.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Heads;
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

    /// <summary>
    /// The engine predictions run on: null (the default) is ours; another (e.g. LlmMlNet.Onnx's OnnxRuntimeEngine) gets the
    /// model once, at the first prediction after it is set. Training always runs on ours.
    /// </summary>
    public ITaskInferenceEngine? InferenceEngine
    {
        get => _engine.Engine;
        set => _engine.Set(value);
    }

    private readonly InferenceEngineSlot _engine = new();

    private ITaskInferenceSession Session() => _engine.Session(() =>
    {
        _objective.Task.SyncValues();
        return new TaskInferenceModel(Parameters, HeadKind.QuestionAnswering, Lora is { IsMerged: false } lora ? lora : null,
            Adapter, null, PoolingMode.Cls, false);
    });

    /// <summary>The model's parameters.</summary>
    public TransformerParameters Parameters => _objective.Task.Parameters;

    /// <summary>
    /// Makes <see cref="Parameters"/>, <see cref="Lora"/> and <see cref="Adapter"/> hold the trained values. LoRA and bottleneck
    /// training step a separate copy of the head and adapter tensors, which is pushed into the model before each forward, so
    /// right after an optimizer step those tensors are one step behind. <c>Train</c>, <c>Save</c> and <c>SaveAdapter</c> call this;
    /// call it before reading or copying those tensors yourself. A no-op for full fine-tuning and feature extraction; cheap otherwise
    /// (the head and adapter only).
    /// </summary>
    public void SyncTrainableState() => _objective.Task.SyncValues();

    /// <summary>Trains on SQuAD-style examples (streamed: featurized lazily, once per epoch).</summary>
    /// <param name="source">The base model.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="train">Examples; impossible ones (v2.0) train the CLS position.</param>
    /// <param name="options">Method and trainer settings; <c>MaxLength</c> is the window length.</param>
    /// <param name="stride">Context tokens shared by consecutive windows (doc_stride); default 128, capped below the window.</param>
    /// <param name="progress">Trainer progress.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <param name="resumeFrom">A trainer checkpoint of an earlier run with the same source, data and options to continue from, or null.</param>
    /// <param name="validation">Examples whose mean span loss the trainer evaluates every <c>EvaluateEverySteps</c> (metric eval_loss), or null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="InvalidDataException"><paramref name="resumeFrom"/> does not fit this model.</exception>
    public static QuestionAnswering Train(ModelSource source, Tokenizer tokenizer, IEnumerable<QaExample> train, TaskModelOptions? options = null,
        int stride = 128, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, string? resumeFrom = null,
        IEnumerable<QaExample>? validation = null)
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
        var result = new Trainer(o.Trainer).Train(objective, featurizer.Featurize(train), collator, evaluate, resumeFrom, progress, cancellationToken);
        task.SyncValues();
        return new QuestionAnswering(o, featurizer, objective, result);
    }

    /// <summary>Answers each example (n-best decoding across its windows), in order.</summary>
    /// <param name="examples">Questions with contexts; streamed (a few examples' windows are in memory at a time).</param>
    /// <param name="decoding">Decoding settings (set AllowNoAnswer for SQuAD v2.0).</param>
    /// <param name="cancellationToken">Cancels between batches.</param>
    public IReadOnlyList<QaPrediction> Predict(IEnumerable<QaExample> examples, QaDecodingOptions? decoding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return PredictEach(examples, decoding, cancellationToken).ToList();
    }

    /// <summary>
    /// Answers each example lazily, in order: windows of consecutive examples are batched and each example is decoded as soon as
    /// its windows are scored, so memory stays bounded by the batch size whatever the number of examples.
    /// </summary>
    public IEnumerable<QaPrediction> PredictEach(IEnumerable<QaExample> examples, QaDecodingOptions? decoding = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return AnswerEach(examples, decoding, cancellationToken).Select(a => a.Prediction);
    }

    /// <summary>
    /// The <paramref name="count"/> best answers of each example with distinct texts, best first (<see cref="QaPostprocessor.DecodeTop"/>),
    /// lazily and in order, batched as <see cref="PredictEach"/>. An example with no span inside its context gets an empty list.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1.</exception>
    public IEnumerable<IReadOnlyList<QaPrediction>> PredictTop(IEnumerable<QaExample> examples, int count, QaDecodingOptions? decoding = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Decoded(examples, (e, w) => QaPostprocessor.DecodeTop(e, w, count, decoding), cancellationToken).Select(a => a.Answer);
    }

    private IEnumerable<(QaExample Example, QaPrediction Prediction)> AnswerEach(IEnumerable<QaExample> examples, QaDecodingOptions? decoding, CancellationToken cancellationToken) =>
        Decoded(examples, (e, w) => QaPostprocessor.Decode(e, w, decoding), cancellationToken);

    // Windows of consecutive examples are scored BatchSize at a time; each example is decoded as soon as its windows are scored.
    private IEnumerable<(QaExample Example, T Answer)> Decoded<T>(IEnumerable<QaExample> examples,
        Func<QaExample, List<(QaFeature Feature, float[] Start, float[] End)>, T> decode, CancellationToken cancellationToken)
    {
        int batch = Options.Trainer.BatchSize;
        var pending = new List<QaExample>();
        var windows = new List<QaFeature>();
        foreach (var example in examples)
        {
            windows.AddRange(_featurizer.Featurize(example, pending.Count));
            pending.Add(example);
            if (windows.Count < batch) continue;
            foreach (var p in Score(pending, windows, decode, cancellationToken)) yield return p;
            pending.Clear();
            windows.Clear();
        }
        if (pending.Count > 0)
            foreach (var p in Score(pending, windows, decode, cancellationToken)) yield return p;
    }

    private List<(QaExample, T)> Score<T>(List<QaExample> examples, List<QaFeature> features,
        Func<QaExample, List<(QaFeature Feature, float[] Start, float[] End)>, T> decode, CancellationToken cancellationToken)
    {
        var scored = new List<(QaFeature Feature, float[] Start, float[] End)>(features.Count);
        foreach (var chunk in features.Chunk(Options.Trainer.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var collated = _collator.Collate(chunk, default);
            float[] start, end;
            if (_engine.Engine is not null)
            {
                var outputs = Session().Run(collated.Inputs);
                (start, end) = (outputs["start_logits"], outputs["end_logits"]);
            }
            else
            {
                _objective.Task.BeginInference();
                (start, end) = _objective.Logits(collated);
            }
            int t = chunk[0].Length;
            for (int i = 0; i < chunk.Length; i++) scored.Add((chunk[i], start[(i * t)..((i + 1) * t)], end[(i * t)..((i + 1) * t)]));
        }
        var byExample = scored.ToLookup(p => p.Feature.ExampleIndex);
        return examples.Select((e, i) => (e, decode(e, byExample[i].ToList()))).ToList();
    }

    /// <summary>Exact match and F1 (SQuAD normalization) of the predictions against the gold answers (the best over several golds).</summary>
    /// <param name="examples">Questions with their gold answers, streamed (enumerated once).</param>
    /// <param name="version">v1.1, or v2.0 (no-answer predictions allowed and scored).</param>
    /// <param name="decoding">Decoding settings; null allows no-answer exactly for v2.0.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <param name="progress">Receives the number of questions answered so far; or null.</param>
    public QaMetrics Evaluate(IEnumerable<QaExample> examples, SquadVersion version = SquadVersion.V1_1, QaDecodingOptions? decoding = null,
        CancellationToken cancellationToken = default, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        decoding ??= new QaDecodingOptions { AllowNoAnswer = version == SquadVersion.V2_0 };
        var evaluator = new QaEvaluator(version);
        int done = 0;
        foreach (var (example, prediction) in AnswerEach(examples, decoding, cancellationToken))
        {
            evaluator.Add(example, prediction.Text);
            if (++done % 64 == 0) progress?.Report(done);
        }
        progress?.Report(done);
        return evaluator.Compute();
    }

    /// <summary>
    /// Saves everything <see cref="Load"/> needs into <paramref name="directory"/>: the base model with the trained span head as a
    /// Hugging Face folder and the tokenizer, the adapter in adapter/ (LoRA unmerged in PEFT's layout, or bottleneck), and
    /// llmmlnet-task.json (window length and stride) last. Files are written atomically.
    /// </summary>
    public void Save(string directory, string? baseModelNameOrPath = null)
    {
        var manifest = new TaskModelManifest(TaskModelManifest.QuestionAnswering, TaskModelManifest.MethodName(Options.Method), _featurizer.Options.MaxLength, baseModelNameOrPath)
        {
            Stride = _featurizer.Options.Stride,
        };
        SyncTrainableState();
        bool hasAdapter = Lora is not null || Adapter is not null;
        TaskModelFiles.Save(directory, Parameters, _featurizer.Tokenizer, manifest, hasAdapter ? folder => SaveAdapter(folder, baseModelNameOrPath) : null);
    }

    /// <summary>Loads a model saved by <see cref="Save"/> (full, LoRA or bottleneck adapters) for prediction and evaluation.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="tokenizer">The tokenizer; null loads the folder's.</param>
    /// <param name="batchSize">Windows per inference batch. Default 8.</param>
    /// <exception cref="InvalidDataException">A missing or malformed file, a folder of another task, or weights without a trained span head.</exception>
    public static QuestionAnswering Load(string directory, Tokenizer? tokenizer = null, int batchSize = 8)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"Model folder '{directory}' does not exist.");
        var manifest = TaskModelManifest.Load(directory);
        if (manifest.Task != TaskModelManifest.QuestionAnswering)
            throw new InvalidDataException($"{directory} holds a '{manifest.Task}' model, not a question-answering one.");
        var config = TaskModelFiles.ReadConfig(directory);
        int maxLength = Math.Min(manifest.MaxLength, config.MaxPositions - config.PositionOffset);
        var (o, adapters) = TaskModelFiles.ReadAdapters(directory, config, manifest.ToOptions(batchSize));
        int stride = manifest.Stride > 0 ? Math.Min(manifest.Stride, maxLength / 2) : maxLength / 4;
        var featurizer = new QaFeaturizer(tokenizer ?? Tokenizer.Load(directory), new QaFeaturizerOptions { MaxLength = maxLength, Stride = stride });
        var task = TaskModel.Build(ModelSource.FromCheckpoint(directory), config, KeyGroup.QuestionAnswering, needPooler: false, o, batchSize, maxLength, adapters);
        return new QuestionAnswering(o, featurizer, new QaObjective(task), null);
    }

    /// <summary>Saves the adapter (LoRA in PEFT's layout with qa_outputs as modules_to_save; bottleneck in its own format).</summary>
    /// <exception cref="InvalidOperationException">Full fine-tuning has no adapter (save <see cref="Parameters"/>).</exception>
    public IReadOnlyList<string> SaveAdapter(string directory, string? baseModelNameOrPath = null)
    {
        SyncTrainableState();
        if (Lora is { } lora)
            return PeftLoraFormat.Save(lora, directory, baseModelNameOrPath, "QUESTION_ANS", HeadTensors.Of(Parameters, KeyGroup.QuestionAnswering));
        if (Adapter is { } adapter) return BottleneckAdapterFormat.Save(adapter, directory);
        throw new InvalidOperationException($"Method {Options.Method} has no adapter to save.");
    }
}
