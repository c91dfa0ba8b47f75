// A frozen dense layer plus its low-rank update, as PEFT's lora.Linear: y = W·x + b + s·B·A·dropout(x)
// with s = alpha / r. For a fused module (GPT-2 c_attn) each part uses the shared A and its own row block
// of B. When the adapter is merged into W the update path is skipped. Not the weights' owner (LoraAdapter).
using LlmMlNet.Tensors;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Layers;
using DropoutKernel = LlmMlNet.Tensors.Kernels.Dropout;

namespace LlmMlNet.Transformers.Adapters;

/// <summary>A base dense layer wrapped with one LoRA update (see <see cref="LoraAdapter"/>).</summary>
public sealed class LoraLinear : IDenseLayer
{
    private readonly LoraAdapter _adapter;
    private readonly IDenseLayer _base;
    private readonly ParameterHandle _a, _b;
    private readonly int _rowOffset, _rank;
    private readonly Func<TrainingState> _state;
    private readonly ulong _dropoutStream;
    private readonly ArenaBuffer _hidden, _dropped, _dHidden, _dDropped;

    internal LoraLinear(LoraAdapter adapter, LoraModule module, LoraPart part, IDenseLayer baseLayer, Func<TrainingState> state,
        ActivationArena arena, int maxRows)
    {
        _adapter = adapter;
        _base = baseLayer;
        _a = adapter.Parameters.Handle(module.AName);
        _b = adapter.Parameters.Handle(module.BName);
        _rank = adapter.Options.Rank;
        _rowOffset = part.RowOffset;
        _state = state;
        Module = module;
        Part = part;
        if (baseLayer.InFeatures != module.InFeatures || baseLayer.OutFeatures != part.Rows)
            throw new ArgumentException(
                $"Base layer '{part.OurPrefix}' maps {baseLayer.InFeatures}→{baseLayer.OutFeatures}; LoRA module '{module.ModuleName}' expects {module.InFeatures}→{part.Rows}.",
                nameof(baseLayer));
        // Every part of a fused module draws the same dropout mask, as PEFT drops the module input once.
        _dropoutStream = ParameterInit.StreamOf(module.ModuleName + ".lora_dropout");
        bool dropout = adapter.Options.Dropout > 0f;
        _hidden = arena.Reserve(checked(maxRows * _rank));
        _dHidden = arena.Reserve(checked(maxRows * _rank));
        _dropped = arena.Reserve(dropout ? checked(maxRows * InFeatures) : 0);
        _dDropped = arena.Reserve(dropout ? checked(maxRows * InFeatures) : 0);
    }

    /// <summary>The adapted module.</summary>
    public LoraModule Module { get; }

    /// <summary>Which part of the module this layer is.</summary>
    public LoraPart Part { get; }

    /// <inheritdoc />
    public int InFeatures => _base.InFeatures;

    /// <inheritdoc />
    public int OutFeatures => _base.OutFeatures;

    private bool DropoutActive => _adapter.Options.Dropout > 0f && _state().IsTraining;

    /// <summary>output[rows, out] = W·x + b + s·B_part·(A·dropout(x)); only W·x + b once merged or while disabled.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape, or rows exceed the sizing.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        _base.Forward(input, output, rows);
        if (_adapter.IsMerged || !_adapter.IsEnabled || rows == 0) return;
        var values = _adapter.Parameters.Values;
        ReadOnlySpan<float> x = AdapterInput(input, rows);
        var hidden = _hidden.Slice(rows * _rank);
        Gemm.Sgemm(false, true, rows, _rank, InFeatures, 1f, x, InFeatures, values.AsSpan(_a.Offset, _a.Length), InFeatures, 0f, hidden, _rank);
        Gemm.Sgemm(false, true, rows, OutFeatures, _rank, _adapter.Options.Scaling, hidden, _rank, BPart(values), _rank, 1f, output, OutFeatures);
    }

    /// <summary>
    /// Differentiates y = W·x + b + s·B·h with h = A·x̃, x̃ = dropout(x): the base layer's input gradient (its frozen
    /// weights skip their GEMMs), dB += s·dyᵀ·h, dh = s·dy·B, dA += dhᵀ·x̃, dx += dropoutᵀ(dh·A).
    /// </summary>
    /// <exception cref="InvalidOperationException">The adapter is merged (merged adapters are for inference).</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        if (_adapter.IsMerged) throw new InvalidOperationException("A merged LoRA adapter cannot be trained; Unmerge it first.");
        if (!_adapter.IsEnabled) throw new InvalidOperationException("A disabled LoRA adapter cannot be trained; enable it before the forward to differentiate.");
        _base.Backward(input, outputGradient, inputGradient, rows);
        if (rows == 0) return;
        var set = _adapter.Parameters;
        var values = set.Values;
        float s = _adapter.Options.Scaling;
        var hidden = _hidden.Slice(rows * _rank);
        ReadOnlySpan<float> x = DropoutActive ? _dropped.Slice(rows * InFeatures) : input;
        var gradB = set.Gradient(_b).Slice(_rowOffset * _rank, OutFeatures * _rank);
        Gemm.Sgemm(true, false, OutFeatures, _rank, rows, s, outputGradient, OutFeatures, hidden, _rank, 1f, gradB, _rank);
        var dHidden = _dHidden.Slice(rows * _rank);
        Gemm.Sgemm(false, false, rows, _rank, OutFeatures, s, outputGradient, OutFeatures, BPart(values), _rank, 0f, dHidden, _rank);
        var a = values.AsSpan(_a.Offset, _a.Length);
        Gemm.Sgemm(true, false, _rank, InFeatures, rows, 1f, dHidden, _rank, x, InFeatures, 1f, set.Gradient(_a), InFeatures);
        if (inputGradient.IsEmpty) return;
        if (!DropoutActive)
        {
            Gemm.Sgemm(false, false, rows, InFeatures, _rank, 1f, dHidden, _rank, a, InFeatures, 1f, inputGradient, InFeatures);
            return;
        }
        var dDropped = _dDropped.Slice(rows * InFeatures);
        Gemm.Sgemm(false, false, rows, InFeatures, _rank, 1f, dHidden, _rank, a, InFeatures, 0f, dDropped, InFeatures);
        var state = _state();
        DropoutKernel.Backward(inputGradient[..(rows * InFeatures)], dDropped, _adapter.Options.Dropout, state.SiteSeed(_dropoutStream), state.Step);
    }

    private ReadOnlySpan<float> AdapterInput(ReadOnlySpan<float> input, int rows)
    {
        if (!DropoutActive) return input;
        var dropped = _dropped.Slice(rows * InFeatures);
        var state = _state();
        DropoutKernel.Forward(dropped, input[..(rows * InFeatures)], _adapter.Options.Dropout, state.SiteSeed(_dropoutStream), state.Step);
        return dropped;
    }

    private ReadOnlySpan<float> BPart(float[] values) => values.AsSpan(_b.Offset + _rowOffset * _rank, OutFeatures * _rank);
}
