// The encoder/decoder body of every family on the Layers: embeddings, N blocks (post-LN for BERT,
// RoBERTa and DistilBERT; pre-LN with a causal mask and a final LayerNorm for GPT-2), sized once for
// a maximum batch and sequence length so a step allocates nothing. Blocks share one scratch arena, and
// an eval-mode Forward overlays every block's activations (nothing is kept for a backward), so
// inference holds about one block's activations. Heads are separate (Heads/). Not a trainer or tokenizer.
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Layers;

namespace LlmMlNet.Transformers.Models;

/// <summary>A transformer body as a Forward/Backward pair over a <see cref="ModelBatch"/>.</summary>
public sealed class TransformerModel
{
    private readonly TransformerEmbeddings _embeddings;
    private readonly TransformerBlock[] _blocks;
    private readonly LayerNorm? _finalNorm;
    private readonly ArenaBuffer _gradA, _gradB, _finalOutput;
    private readonly ActivationArena _scratch = new();
    private readonly int[] _positions, _ones, _maskCopy;
    private ModelBatch? _batch;
    private bool _activationsShared;
    private int[] _mask = [];

    /// <summary>Builds the body over <paramref name="parameters"/> for batches up to maxBatch × maxSequence.</summary>
    /// <param name="parameters">The parameters (they must include the encoder).</param>
    /// <param name="maxBatch">Largest batch a Forward accepts.</param>
    /// <param name="maxSequence">Longest sequence a Forward accepts (at most the position table).</param>
    /// <param name="seed">Dropout seed.</param>
    /// <param name="dense">Builds each block's dense layers; null uses plain <see cref="Linear"/> layers (LoRA passes wrappers).</param>
    /// <param name="arena">Arena to reserve activations in; null creates one (committed by <see cref="Commit"/> or the first Forward).</param>
    /// <exception cref="ArgumentException">A size is not positive or maxSequence exceeds the position table.</exception>
    /// <exception cref="NotSupportedException">The config's activation or attention scaling is not supported.</exception>
    public TransformerModel(TransformerParameters parameters, int maxBatch, int maxSequence, ulong seed = 0,
        DenseLayerFactory? dense = null, ActivationArena? arena = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (maxBatch <= 0) throw new ArgumentException($"maxBatch must be positive, got {maxBatch}", nameof(maxBatch));
        var config = parameters.Config;
        if (maxSequence <= 0 || maxSequence > config.MaxPositions - config.PositionOffset)
            throw new ArgumentException(
                $"maxSequence must be in [1, {config.MaxPositions - config.PositionOffset}] (the position table), got {maxSequence}", nameof(maxSequence));
        ActivationBudget.Check(config, maxBatch, maxSequence);
        Parameters = parameters;
        MaxBatch = maxBatch;
        MaxSequence = maxSequence;
        State = new TrainingState(seed);
        Arena = arena ?? new ActivationArena();
        var maxRows = maxBatch * maxSequence;
        var n = checked(maxRows * config.HiddenSize);
        _positions = new int[maxRows];
        _ones = Enumerable.Repeat(1, maxRows).ToArray();
        _maskCopy = new int[maxRows];
        dense ??= prefix => new Linear(parameters.Set, prefix + ".weight", prefix + ".bias");
        _embeddings = new TransformerEmbeddings(parameters, State, Arena, maxRows);
        _blocks = new TransformerBlock[config.NumLayers];
        for (var i = 0; i < _blocks.Length; i++)
        {
            // Each block's kept activations form an arena group (overlaid in eval mode); its scratch overlaps every other block's.
            var scratchStart = _scratch.Position;
            Arena.BeginGroup();
            _blocks[i] = new TransformerBlock(parameters, i, dense, State, Arena, _scratch, maxBatch, maxSequence);
            Arena.EndGroup();
            _scratch.Rewind(scratchStart);
        }
        if (parameters.Contains("final_norm.weight"))
            _finalNorm = new LayerNorm(parameters.Set, "final_norm.weight", "final_norm.bias", (float)config.LayerNormEps, Arena, maxRows);
        _finalOutput = Arena.Reserve(n);
        _gradA = Arena.Reserve(n);
        _gradB = Arena.Reserve(n);
    }

    /// <summary>The configuration.</summary>
    public TransformerConfig Config => Parameters.Config;

    /// <summary>The parameters (values, gradients, moments).</summary>
    public TransformerParameters Parameters { get; }

    /// <summary>Mode, step and seed shared by the dropout sites.</summary>
    public TrainingState State { get; }

    /// <summary>The activation arena (heads reserve their buffers here before the first Forward).</summary>
    public ActivationArena Arena { get; }

    /// <summary>Largest batch.</summary>
    public int MaxBatch { get; }

    /// <summary>Longest sequence.</summary>
    public int MaxSequence { get; }

    /// <summary>Training mode (dropout on) or eval mode (dropout off, the default).</summary>
    public bool IsTraining
    {
        get => State.IsTraining;
        set => State.IsTraining = value;
    }

    /// <summary>The batch of the last Forward.</summary>
    public ModelBatch Batch => _batch ?? throw new InvalidOperationException("Forward has not run");

    /// <summary>The attention mask of the last Forward (all ones when none was given).</summary>
    public ReadOnlySpan<int> AttentionMask => _mask.AsSpan(0, Batch.TokenCount);

    /// <summary>Allocates the arena and the blocks' shared scratch (after every head has reserved its buffers).</summary>
    public void Commit()
    {
        Arena.Commit();
        _scratch.Commit();
    }

    /// <summary>
    /// Runs the body: returns last_hidden_state [B·T, C] (after GPT-2's ln_f), valid until the next Forward.
    /// Positions: explicit ids when the batch has them, else <see cref="PositionIds.For"/>. In eval mode
    /// (<see cref="IsTraining"/> false) the blocks overwrite each other's activations, as no backward is
    /// expected; a <see cref="Backward"/> after such a Forward first recomputes it keeping them (same values).
    /// </summary>
    /// <exception cref="ArgumentException">The batch is larger than the model was sized for, or an id, type or position is out of range; thrown before any work.</exception>
    public ReadOnlySpan<float> Forward(ModelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Batch > MaxBatch || batch.SequenceLength > MaxSequence)
            throw new ArgumentException(
                $"batch [{batch.Batch}, {batch.SequenceLength}] exceeds the [{MaxBatch}, {MaxSequence}] this model was sized for", nameof(batch));
        int b = batch.Batch, t = batch.SequenceLength, rows = b * t;
        PositionIds.Fill(Config, batch, _positions);
        batch.Validate(Config, _positions.AsSpan(0, rows));
        Commit();
        _batch = batch;
        // The mask is packed to [B, T] of this batch (a copy, so a caller reusing its array cannot change Backward's view).
        _mask = _maskCopy;
        (batch.AttentionMask ?? _ones).AsSpan(0, rows).CopyTo(_maskCopy);
        _hiddenStates.Clear();
        return RunBody(batch, shareActivations: !IsTraining, KeepHiddenStates);
    }

    private Span<float> RunBody(ModelBatch batch, bool shareActivations, bool keepHiddenStates)
    {
        int b = batch.Batch, t = batch.SequenceLength, rows = b * t;
        Arena.SharedGroups = shareActivations;
        _activationsShared = shareActivations;
        Span<float> x = _embeddings.Forward(batch.InputIds, _positions, batch.TokenTypeIds, rows);
        if (keepHiddenStates) _hiddenStates.Add(x.ToArray());
        foreach (var block in _blocks)
        {
            x = block.Forward(x, AttentionMask, b, t, forBackward: !shareActivations);
            if (keepHiddenStates) _hiddenStates.Add(x.ToArray());
        }
        if (_finalNorm != null)
        {
            x = _finalNorm.Forward(x, rows);
            if (keepHiddenStates) _hiddenStates[^1] = x.ToArray();
        }
        var output = _finalOutput.Slice(rows * Config.HiddenSize);
        x.CopyTo(output);
        return output;
    }

    private readonly List<float[]> _hiddenStates = [];

    /// <summary>last_hidden_state [B·T, C] of the last Forward.</summary>
    public ReadOnlySpan<float> LastHiddenState => _finalOutput.Slice(Batch.TokenCount * Config.HiddenSize);

    /// <summary>When true, Forward copies every hidden state (for inspection and parity tests). Default false.</summary>
    public bool KeepHiddenStates { get; set; }

    /// <summary>
    /// Hugging Face's output_hidden_states of the last Forward (needs <see cref="KeepHiddenStates"/>): index 0 the
    /// embedding output, then each block's output; for GPT-2 the last entry is ln_f of the last block, as Hugging Face stacks it.
    /// </summary>
    public IReadOnlyList<float[]> HiddenStates => _hiddenStates;

    /// <summary>
    /// Differentiates the last Forward: from dL/d(last_hidden_state) [B·T, C], accumulates every
    /// parameter gradient (clear them first with <c>Parameters.Set.ZeroGradients()</c>). After an eval-mode
    /// Forward it first reruns that Forward keeping every block's activations (one extra forward pass).
    /// </summary>
    public void Backward(ReadOnlySpan<float> lastHiddenGradient)
    {
        var batch = Batch;
        if (_activationsShared) RunBody(batch, shareActivations: false, keepHiddenStates: false);
        int b = batch.Batch, t = batch.SequenceLength, rows = b * t, n = rows * Config.HiddenSize;
        var gradient = _gradA.Slice(n);
        var other = _gradB.Slice(n);
        if (_finalNorm != null)
        {
            gradient.Clear();
            _finalNorm.Backward(BlockOutput(_blocks.Length - 1), lastHiddenGradient, gradient, rows);
        }
        else lastHiddenGradient[..n].CopyTo(gradient);
        for (var i = _blocks.Length - 1; i >= 0; i--)
        {
            // With frozen embeddings nothing consumes the first block's input gradient, so it is not computed.
            var inputGradient = i == 0 && !_embeddings.IsTrainable ? Span<float>.Empty : other;
            _blocks[i].Backward(BlockInput(i), AttentionMask, gradient, inputGradient, b, t);
            var swap = gradient;
            gradient = other;
            other = swap;
        }
        _embeddings.Backward(gradient, rows);
    }

    // Each stage keeps its output until its next Forward, so Backward reads block inputs from the previous stage.
    private ReadOnlySpan<float> BlockInput(int index) => index == 0 ? _embeddings.LastOutput : _blocks[index - 1].LastOutput;

    private ReadOnlySpan<float> BlockOutput(int index) => _blocks[index].LastOutput;

    // Each block's output buffer as the arena resolves it now (tests check which memory an eval pass touched).
    internal List<float[]> BlockOutputCopies() => _blocks.Select(b => b.LastOutput.ToArray()).ToList();
}
