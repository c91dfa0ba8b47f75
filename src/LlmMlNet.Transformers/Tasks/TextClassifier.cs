// Text classification (binary or multiclass, single texts or pairs) trained by any of the four methods
// behind one API: full fine-tuning, LoRA and bottleneck adapters through the Trainer, feature extraction as
// pooled embeddings computed once plus a softmax regression. Predictions are softmax probabilities, never raw
// logits; metrics come from Evaluation. Not the ML.NET estimator (LlmMlNet.ML wraps this).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A trained text classifier.</summary>
public sealed class TextClassifier
{
    private readonly ClassificationFeaturizer _featurizer;
    private readonly ClassificationObjective? _objective;
    private readonly FeatureExtractor? _extractor;
    private readonly SoftmaxRegression? _featureHead;
    private readonly int _batchSize;

    private TextClassifier(TaskModelOptions options, ClassificationFeaturizer featurizer, ClassificationObjective? objective,
        FeatureExtractor? extractor, SoftmaxRegression? featureHead, TrainingResult? result, IReadOnlyList<float>? featureHeadLosses)
    {
        Options = options;
        _featurizer = featurizer;
        _objective = objective;
        _extractor = extractor;
        _featureHead = featureHead;
        _batchSize = options.Trainer.BatchSize;
        TrainingResult = result;
        FeatureHeadLosses = featureHeadLosses;
    }

    /// <summary>The settings it was trained with.</summary>
    public TaskModelOptions Options { get; }

    /// <summary>Label names ↔ class indices (the probability columns' order).</summary>
    public LabelMap Labels => _featurizer.Labels;

    /// <summary>The trainer's result (null for feature extraction).</summary>
    public TrainingResult? TrainingResult { get; }

    /// <summary>Feature extraction: the softmax regression's training loss per step (null otherwise).</summary>
    public IReadOnlyList<float>? FeatureHeadLosses { get; }

    /// <summary>Feature extraction: the softmax regression trained on the pooled embeddings (pooling per <see cref="TaskModelOptions.Pooling"/>); null otherwise.</summary>
    public SoftmaxRegression? FeatureHead => _featureHead;

    /// <summary>The LoRA adapter (method Lora), else null.</summary>
    public LoraAdapter? Lora => _objective?.Task.Lora;

    /// <summary>The bottleneck adapters (method Adapter), else null.</summary>
    public BottleneckAdapter? Adapter => _objective?.Task.Bottleneck;

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

    private ITaskInferenceSession Session() => _engine.Session(() => new TaskInferenceModel(Parameters, HeadKind.Classification,
        Lora is { IsMerged: false } lora ? lora : null, Adapter, _featureHead, Options.Pooling, Options.NormalizeEmbeddings));

    /// <summary>The model's parameters (base, head), or the frozen encoder's for feature extraction.</summary>
    public TransformerParameters Parameters => _objective?.Task.Parameters ?? _extractor!.Task.Parameters;

    /// <summary>
    /// Makes <see cref="Parameters"/>, <see cref="Lora"/> and <see cref="Adapter"/> hold the trained values. LoRA and bottleneck
    /// training step a separate copy of the head and adapter tensors, which is pushed into the model before each forward, so
    /// right after an optimizer step those tensors are one step behind. <c>Train</c>, <c>Save</c> and <c>SaveAdapter</c> call this;
    /// call it before reading or copying those tensors yourself. A no-op for full fine-tuning and feature extraction; cheap otherwise
    /// (the head and adapter only).
    /// </summary>
    public void SyncTrainableState() => _objective?.Task.SyncValues();

    /// <summary>
    /// Trains a classifier on <paramref name="train"/> (enumerated once per epoch, so it may stream from a file).
    /// </summary>
    /// <param name="source">The base model.</param>
    /// <param name="tokenizer">The base model's tokenizer.</param>
    /// <param name="train">Labeled examples.</param>
    /// <param name="options">Method, lengths and trainer settings; null uses the defaults (full fine-tuning).</param>
    /// <param name="labels">Label names; null collects them from <paramref name="train"/> (sorted ordinally).</param>
    /// <param name="validation">Examples for the trainer's evaluation every <c>EvaluateEverySteps</c> (metrics eval_loss, accuracy, macro_f1, log_loss).</param>
    /// <param name="progress">Trainer progress; feature extraction reports its embedding pass (loss NaN), batch by batch.</param>
    /// <param name="cancellationToken">Cancels training.</param>
    /// <param name="resumeFrom">
    /// A trainer checkpoint (under <c>Trainer.OutputDirectory</c>) of an earlier run with the same source, data and options: training
    /// continues from it and ends as the uninterrupted run would. Feature extraction has no checkpoints and ignores it.
    /// </param>
    /// <exception cref="ArgumentException">Invalid options, fewer than two labels, or an example with an unknown label (naming its line).</exception>
    /// <exception cref="InvalidDataException"><paramref name="resumeFrom"/> does not fit this model.</exception>
    public static TextClassifier Train(ModelSource source, Tokenizer tokenizer, IEnumerable<TextClassificationExample> train,
        TaskModelOptions? options = null, LabelMap? labels = null, IEnumerable<TextClassificationExample>? validation = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, string? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        var o = (options ?? new TaskModelOptions()).Validate();
        labels ??= LabelMap.FromExamples(train);
        if (labels.Count < 2) throw new ArgumentException($"Classification needs at least two labels; the data has {labels.Count}.", nameof(train));
        var config = source.Config with { Labels = labels.Labels.ToArray() };
        int maxLength = Math.Min(o.MaxLength, config.MaxPositions - config.PositionOffset);
        var featurizer = new ClassificationFeaturizer(tokenizer, labels, maxLength);
        var inputs = CountedSequence<ClassificationInput>.Map(train, featurizer.Featurize);

        if (o.Method == FineTuningMethod.FeatureExtraction)
        {
            var task = TaskModel.Build(source, config, KeyGroup.Classification, o.Pooling == PoolingMode.Pooler, o, o.Trainer.BatchSize, maxLength);
            var extractor = new FeatureExtractor(task, o.Pooling, o.NormalizeEmbeddings);
            var (embeddings, gold) = extractor.Embed(inputs, featurizer, o.Trainer.BatchSize, progress, cancellationToken);
            var head = new SoftmaxRegression(config.HiddenSize, labels.Count);
            var losses = head.Train(embeddings, gold, o.FeatureHead, cancellationToken);
            return new TextClassifier(o, featurizer, null, extractor, head, null, losses);
        }

        var model = TaskModel.Build(source, config, KeyGroup.Classification, needPooler: true, o, o.Trainer.BatchSize, maxLength);
        var objective = new ClassificationObjective(model);
        var classifier = new TextClassifier(o, featurizer, objective, null, null, null, null);
        TrainingEvaluator? evaluate = validation is null ? null : token => MetricsTable(classifier.Evaluate(validation, token));
        var result = new Trainer(o.Trainer).Train(objective, inputs, featurizer, evaluate, resumeFrom, progress, cancellationToken);
        model.SyncValues();
        return new TextClassifier(o, featurizer, objective, null, null, result, null);
    }

    /// <summary>Class probabilities (softmax) of one text or pair, in <see cref="Labels"/> order.</summary>
    public float[] PredictProbabilities(string text, string? pair = null) => PredictProbabilities([(text, pair)])[0];

    /// <summary>Class probabilities (softmax) of each text or pair, in <see cref="Labels"/> order.</summary>
    public IReadOnlyList<float[]> PredictProbabilities(IReadOnlyList<(string Text, string? Pair)> inputs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Probabilities(inputs.Select(i => _featurizer.Featurize(i.Text, i.Pair)), cancellationToken).Select(p => p.Probabilities).ToList();
    }

    /// <summary>The predicted label of one text or pair.</summary>
    public string Predict(string text, string? pair = null)
    {
        var p = PredictProbabilities(text, pair);
        return Labels[Array.IndexOf(p, p.Max())];
    }

    /// <summary>Accuracy, macro-F1, AUC (binary) and log-loss on labeled examples.</summary>
    /// <param name="examples">Labeled examples, streamed.</param>
    /// <param name="cancellationToken">Checked between batches.</param>
    /// <param name="progress">Receives the number of examples scored so far, after each batch; or null.</param>
    /// <exception cref="ArgumentException">An example's label is unknown (naming its line).</exception>
    public ClassificationMetrics Evaluate(IEnumerable<TextClassificationExample> examples, CancellationToken cancellationToken = default, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var evaluator = new ClassificationEvaluator(Labels.Count);
        int done = 0;
        foreach (var (p, gold) in Probabilities(examples.Select(_featurizer.Featurize), cancellationToken))
        {
            evaluator.Add(p, gold);
            if (++done % _batchSize == 0) progress?.Report(done);
        }
        progress?.Report(done);
        return evaluator.Compute();
    }

    /// <summary>
    /// Saves the adapter beside the base checkpoint: LoRA in PEFT's layout (with the classifier head as modules_to_save),
    /// bottleneck adapters in their own format. Returns the files written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The method has no adapter (full fine-tuning: save <see cref="Parameters"/>; feature extraction).</exception>
    public IReadOnlyList<string> SaveAdapter(string directory, string? baseModelNameOrPath = null)
    {
        SyncTrainableState();
        if (Lora is { } lora)
            return PeftLoraFormat.Save(lora, directory, baseModelNameOrPath, "SEQ_CLS", HeadTensors.Of(Parameters, KeyGroup.Classification));
        if (Adapter is { } adapter) return BottleneckAdapterFormat.Save(adapter, directory);
        throw new InvalidOperationException($"Method {Options.Method} has no adapter to save.");
    }

    /// <summary>
    /// Saves everything <see cref="Load"/> needs into <paramref name="directory"/>: the base model with the trained head as a
    /// Hugging Face folder (labels in config.json) and the tokenizer; LoRA unmerged in adapter/ (PEFT's layout, loadable by
    /// PEFT over this folder); bottleneck adapters in adapter/; the feature-extraction head in feature_head.safetensors;
    /// and llmmlnet-task.json. Files are written atomically, the manifest last.
    /// </summary>
    /// <param name="directory">The folder (created if needed).</param>
    /// <param name="baseModelNameOrPath">Recorded as the base model (PEFT's base_model_name_or_path), or null.</param>
    public void Save(string directory, string? baseModelNameOrPath = null)
    {
        var manifest = new TaskModelManifest(TaskModelManifest.Classification, TaskModelManifest.MethodName(Options.Method), _featurizer.MaxLength, baseModelNameOrPath)
        {
            Pooling = Options.Pooling.ToString(),
            NormalizeEmbeddings = Options.NormalizeEmbeddings,
        };
        SyncTrainableState();
        bool hasAdapter = Lora is not null || Adapter is not null;
        TaskModelFiles.Save(directory, Parameters, _featurizer.Tokenizer, manifest, hasAdapter ? folder => SaveAdapter(folder, baseModelNameOrPath) : null);
        if (_featureHead is not null) TaskModelFiles.SaveFeatureHead(Path.Combine(directory, TaskModelManifest.FeatureHeadFile), _featureHead);
    }

    /// <summary>
    /// Loads a classifier saved by <see cref="Save"/> (any method), or a plain Hugging Face sequence-classification folder
    /// (config.json with id2label, model.safetensors with the head, tokenizer files), for prediction and evaluation.
    /// </summary>
    /// <param name="directory">The folder.</param>
    /// <param name="tokenizer">The tokenizer; null loads the folder's.</param>
    /// <param name="batchSize">Inputs per inference batch. Default 16.</param>
    /// <exception cref="InvalidDataException">A missing or malformed file, a folder of another task, fewer than two labels, or weights without a trained head.</exception>
    public static TextClassifier Load(string directory, Tokenizer? tokenizer = null, int batchSize = 16)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!System.IO.Directory.Exists(directory)) throw new DirectoryNotFoundException($"Model folder '{directory}' does not exist.");
        var manifest = TaskModelManifest.Load(directory);
        if (manifest.Task != TaskModelManifest.Classification)
            throw new InvalidDataException($"{directory} holds a '{manifest.Task}' model, not a text classifier.");
        var config = TaskModelFiles.ReadConfig(directory);
        if (config.Labels is not { Count: >= 2 } names)
            throw new InvalidDataException($"{directory}: config.json names no labels (id2label); not a sequence classifier.");
        var labels = new LabelMap(names);
        int maxLength = Math.Min(manifest.MaxLength, config.MaxPositions - config.PositionOffset);
        var (o, adapters) = TaskModelFiles.ReadAdapters(directory, config, manifest.ToOptions(batchSize));
        var featurizer = new ClassificationFeaturizer(tokenizer ?? Tokenizer.Load(directory), labels, maxLength);
        var source = ModelSource.FromCheckpoint(directory);
        if (o.Method == FineTuningMethod.FeatureExtraction)
        {
            var task = TaskModel.Build(source, config, KeyGroup.Classification, o.Pooling == PoolingMode.Pooler, o, batchSize, maxLength, adapters);
            var head = TaskModelFiles.LoadFeatureHead(Path.Combine(directory, TaskModelManifest.FeatureHeadFile), config.HiddenSize, labels.Count);
            return new TextClassifier(o, featurizer, null, new FeatureExtractor(task, o.Pooling, o.NormalizeEmbeddings), head, null, null);
        }
        var model = TaskModel.Build(source, config, KeyGroup.Classification, needPooler: true, o, batchSize, maxLength, adapters);
        return new TextClassifier(o, featurizer, new ClassificationObjective(model), null, null, null, null);
    }

    /// <summary>The trainer's metric names for classification metrics: eval_loss (= log_loss), accuracy, macro_f1, log_loss, auc (binary).</summary>
    public static IReadOnlyDictionary<string, double> MetricsTable(ClassificationMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var table = new Dictionary<string, double>
        {
            [LossEvaluation.LossMetric] = metrics.LogLoss,
            ["accuracy"] = metrics.Accuracy,
            ["macro_f1"] = metrics.MacroF1,
            ["log_loss"] = metrics.LogLoss,
        };
        if (metrics.Auc is { } auc) table["auc"] = auc;
        return table;
    }

    private IEnumerable<(float[] Probabilities, int Gold)> Probabilities(IEnumerable<ClassificationInput> inputs, CancellationToken cancellationToken)
    {
        foreach (var chunk in inputs.Chunk(_batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _featurizer.Collate(chunk, default);
            int k = Labels.Count;
            float[] all;
            if (_engine.Engine is not null) all = Session().Run(batch.Inputs)["probabilities"];
            else if (_extractor is not null) all = _featureHead!.PredictProbabilities(_extractor.Pool(batch.Inputs));
            else
            {
                _objective!.Task.BeginInference();
                all = _objective.Logits(batch).ToArray();
                for (int i = 0; i < chunk.Length; i++) Softmax.InPlace(all.AsSpan(i * k, k));
            }
            for (int i = 0; i < chunk.Length; i++) yield return (all.AsSpan(i * k, k).ToArray(), chunk[i].Label);
        }
    }
}
