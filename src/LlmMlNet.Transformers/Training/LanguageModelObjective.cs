// MLM and CLM as one objective: mean cross-entropy over the positions that have a target (the masked ~15% for MLM,
// non-padding positions for CLM), with the vocabulary head on those rows only (TargetedRows). Which targets exist is
// the collator's choice. Not a masker or a data pipeline.
using LlmMlNet.Tensors.Kernels;
using LlmMlNet.Tensors.Memory;

namespace LlmMlNet.Transformers.Training;

/// <summary>Language-model loss over the positions that have targets.</summary>
public sealed class LanguageModelObjective : ITrainableModel<LanguageModelBatch>
{
    private readonly ISequenceEncoder _body;
    private readonly TargetedRows _rows;

    /// <summary>Joins a body and a head that share one <see cref="ParameterSet"/>.</summary>
    /// <exception cref="ArgumentException">The head's vocabulary is not positive.</exception>
    public LanguageModelObjective(ISequenceEncoder body, IVocabularyHead head)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(head);
        _body = body;
        _rows = new TargetedRows(body, head);
    }

    /// <inheritdoc />
    public ParameterSet Parameters => _body.Parameters;

    /// <summary>
    /// Mean cross-entropy over positions whose target is not -100 (0 when there are none, with no gradient).
    /// Tokens counts real (unpadded) input tokens; Targets counts predicted positions.
    /// </summary>
    /// <exception cref="ArgumentException">A target outside the vocabulary (naming the row and column).</exception>
    public BatchLoss Forward(LanguageModelBatch batch, ForwardContext context)
    {
        float loss = _rows.Forward(batch, context);
        return new BatchLoss(loss, batch.TokenCount, _rows.Count);
    }

    /// <summary>Differentiates lossScale · loss of the last Forward into the body's and head's gradients.</summary>
    public void Backward(float lossScale)
    {
        var dLogits = _rows.LogitGradients();
        if (_rows.Count > 0)
            CrossEntropy.Backward(dLogits, _rows.Logits, _rows.LogSumExp, _rows.Targets, _rows.Count, _rows.Vocabulary, lossScale);
        _rows.Backward();
    }
}
