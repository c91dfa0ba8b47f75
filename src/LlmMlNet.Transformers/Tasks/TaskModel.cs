// Builds a transformer body for a task with the chosen fine-tuning method: the task layout (encoder, head,
// BERT's pooler) with the right tensors frozen, the base weights copied in, the dense layers wrapped by LoRA
// or bottleneck adapters, and the one ParameterSet the trainer steps. Shared by the classifier and QA.
// Not a head and not a trainer.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>A body wired for one fine-tuning method.</summary>
internal sealed class TaskModel
{
    private readonly TrainableMirror? _mirror;
    private float[] _stash = [];
    private float[] _hidden = [], _hiddenGradient = [];

    private TaskModel(TransformerParameters parameters, TransformerModel model, LoraAdapter? lora, BottleneckAdapter? bottleneck, TrainableMirror? mirror)
    {
        Parameters = parameters;
        Model = model;
        Lora = lora;
        Bottleneck = bottleneck;
        _mirror = mirror;
    }

    public TransformerParameters Parameters { get; }

    public TransformerModel Model { get; }

    public LoraAdapter? Lora { get; }

    public BottleneckAdapter? Bottleneck { get; }

    /// <summary>What the trainer steps: the model's set (full), or the mirror of head + adapter (LoRA, adapters).</summary>
    public ParameterSet TrainableSet => _mirror?.Set ?? Parameters.Set;

    /// <summary>
    /// Builds the task model; the head group's tensors train with every method (feature extraction freezes the whole body, so a
    /// span head can train on its token states; classification's feature extraction trains its own SoftmaxRegression instead).
    /// </summary>
    /// <param name="source">The base weights.</param>
    /// <param name="config">The task's config (labels set).</param>
    /// <param name="head">The head's key group; null for a causal LM (its head is tied to the encoder's word embedding).</param>
    /// <param name="needPooler">BERT's pooler is part of the model.</param>
    /// <param name="options">Method and adapter settings.</param>
    /// <param name="maxBatch">Largest batch.</param>
    /// <param name="maxSequence">Longest sequence.</param>
    /// <param name="saved">A saved model being loaded: its adapter (when the method has one) replaces a fresh one, and
    /// <paramref name="source"/> must hold every head tensor.</param>
    /// <exception cref="InvalidDataException">Loading a saved model whose folder lacks head tensors.</exception>
    public static TaskModel Build(ModelSource source, TransformerConfig config, KeyGroup? head, bool needPooler, TaskModelOptions options, int maxBatch, int maxSequence,
        SavedAdapters? saved = null)
    {
        ActivationBudget.Check(config, maxBatch, maxSequence);
        // No head group: a causal LM, whose LM head is the tied word embedding of the encoder.
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        if (head is { } h) groups.Add(h);
        if (needPooler && config.Family is ModelFamily.Bert or ModelFamily.Roberta) groups.Add(KeyGroup.Pooler);
        var headNames = head is { } g
            ? KeyTable.For(config.Family).Expand(config, new HashSet<KeyGroup> { g }).Select(m => m.OurName).ToHashSet(StringComparer.Ordinal)
            : [];
        Func<string, bool>? trainable = options.Method switch
        {
            FineTuningMethod.Full => null,
            FineTuningMethod.Adapter when options.Bottleneck.TrainLayerNorms => name => headNames.Contains(name) || IsLayerNorm(name),
            _ => headNames.Contains,
        };
        // A saved task model must match its weights exactly; a base checkpoint may carry a head of another size.
        source.CheckShapes(config, groups, exactHeads: saved is not null && options.Method != FineTuningMethod.FeatureExtraction);
        var parameters = TransformerParameters.Create(config, groups, source.Seed, trainable);
        var report = source.LoadInto(parameters);
        if (saved is not null && options.Method != FineTuningMethod.FeatureExtraction && report is { Initialized.Count: > 0 })
            throw new InvalidDataException($"{source.Directory}: not a trained {head} model; the weights lack {string.Join(", ", report.MissingHfKeys)}.");
        var arena = new ActivationArena();
        int maxRows = checked(maxBatch * maxSequence);
        ulong seed = options.Trainer.Seed;
        switch (options.Method)
        {
            case FineTuningMethod.Lora:
            {
                var lora = saved?.Lora ?? LoraAdapter.Create(config, options.Lora);
                var factory = lora.CreateLayerFactory(parameters.Set, arena, maxRows);
                var model = new TransformerModel(parameters, maxBatch, maxSequence, seed, factory.Create, arena);
                factory.State = model.State;
                return new TaskModel(parameters, model, lora, null, new TrainableMirror(parameters.Set, lora.Parameters));
            }
            case FineTuningMethod.Adapter:
            {
                var adapter = saved?.Bottleneck ?? BottleneckAdapter.Create(config, options.Bottleneck);
                var factory = adapter.CreateLayerFactory(parameters.Set, arena, maxRows);
                var model = new TransformerModel(parameters, maxBatch, maxSequence, seed, prefix => factory(prefix), arena);
                return new TaskModel(parameters, model, null, adapter, new TrainableMirror(parameters.Set, adapter.Parameters));
            }
            default:
                return new TaskModel(parameters, new TransformerModel(parameters, maxBatch, maxSequence, seed, null, arena), null, null, null);
        }
    }

    /// <summary>
    /// A frozen body (encoder, plus BERT's pooler when <paramref name="pooler"/>) for feature extraction without a head: every
    /// tensor must come from <paramref name="source"/>, since an embedding of random weights means nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The source lacks a tensor of the body (or the pooler); the message names them.</exception>
    public static TaskModel ForFeatures(ModelSource source, bool pooler, int maxBatch, int maxSequence)
    {
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        if (pooler) groups.Add(KeyGroup.Pooler);
        var parameters = TransformerParameters.Create(source.Config, groups, source.Seed, _ => false);
        if (source.LoadInto(parameters) is { Initialized.Count: > 0 } report)
            throw new InvalidDataException($"{source.Directory}: the weights lack {string.Join(", ", report.MissingHfKeys)}.");
        var model = new TransformerModel(parameters, maxBatch, maxSequence, source.Seed, null, new ActivationArena());
        return new TaskModel(parameters, model, null, null, null);
    }

    // Our LayerNorm tensors are named "*norm.weight" / "*norm.bias" (embeddings.norm, layers.{i}.attention_norm, ffn_norm, final_norm).
    private static bool IsLayerNorm(string name) =>
        name.EndsWith("norm.weight", StringComparison.Ordinal) || name.EndsWith("norm.bias", StringComparison.Ordinal);

    /// <summary>Sets the mode and dropout keys for one forward and pushes the trainer's values into the model.</summary>
    public void BeginForward(Training.ForwardContext context)
    {
        _mirror?.PushValues();
        Model.State.IsTraining = context.IsTraining;
        Model.State.Step = context.MicroBatch;
        Model.State.Seed = context.Seed;
    }

    /// <summary>
    /// Copies the trainer's latest values into the model's and the adapter's own sets (LoRA, adapters: the mirror is one
    /// optimizer step ahead of them until the next forward), so what is read or saved from those sets is current.
    /// </summary>
    public void SyncValues() => _mirror?.PushValues();

    /// <summary>Eval mode with current values (after training, for inference).</summary>
    public void BeginInference() => BeginForward(Training.ForwardContext.Evaluation(Model.State.Seed));

    /// <summary>Runs the body on <paramref name="batch"/> and keeps its last hidden states for <see cref="BackwardThroughHead"/>.</summary>
    public ReadOnlySpan<float> ForwardBody(ModelBatch batch)
    {
        var hidden = Model.Forward(batch);
        if (_hidden.Length == 0)
        {
            int n = Model.MaxBatch * Model.MaxSequence * Model.Config.HiddenSize;
            _hidden = new float[n];
            _hiddenGradient = new float[n];
        }
        hidden.CopyTo(_hidden);
        return hidden;
    }

    /// <summary>Back-propagates the last <see cref="ForwardBody"/> through <paramref name="head"/> and the body (see <see cref="Backward"/>).</summary>
    public void BackwardThroughHead(float scale, TransformerHead head) => Backward(scale, () =>
    {
        int n = Model.Batch.TokenCount * Model.Config.HiddenSize;
        var gradient = _hiddenGradient.AsSpan(0, n);
        gradient.Clear();
        head.Backward(_hidden.AsSpan(0, n), gradient);
        Model.Backward(gradient);
    });

    /// <summary>Back-propagates an already scaled gradient of the last hidden states through the body into the trainer's set.</summary>
    public void BackwardBody(ReadOnlySpan<float> hiddenGradient)
    {
        Model.Backward(hiddenGradient);
        _mirror?.GatherGradients(1f);
    }

    /// <summary>
    /// Runs <paramref name="backward"/> (which accumulates unscaled gradients into the model's sets) so that the trainer's set
    /// gains exactly <paramref name="scale"/> × this batch's gradient.
    /// </summary>
    public void Backward(float scale, Action backward)
    {
        if (_mirror is not null)
        {
            backward();
            _mirror.GatherGradients(scale);
            return;
        }
        var gradients = Parameters.Set.Gradients;
        if (scale == 1f)
        {
            backward();
            return;
        }
        // Earlier micro-batches' gradients are set aside so only this batch's share is scaled.
        if (_stash.Length != gradients.Length) _stash = new float[gradients.Length];
        gradients.CopyTo(_stash, 0);
        Array.Clear(gradients);
        backward();
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradients, scale, _stash, gradients);
    }
}

/// <summary>Adapters read from a saved model's folder, handed to <see cref="TaskModel.Build"/> instead of fresh ones.</summary>
internal sealed record SavedAdapters(LoraAdapter? Lora, BottleneckAdapter? Bottleneck);
