// Backward of every family's body with each of its heads against central finite differences of the
// loss, on a tiny random config in training mode with dropout 0.1 (masks are keyed by the step, so
// both sides of a difference see the same mask). For each parameter tensor the element with the
// largest gradient and one random element are checked. The model runs in float32; the difference
// quotient is formed in double with h = 1e-2, and the tolerance is |fd - g| <= 2e-3 + 3e-2·|fd|,
// the float32 rounding of the loss divided by 2h plus the O(h²) truncation.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Models;

public sealed class ModelGradientTests
{
    private const int Batch = 2, Sequence = 6;

    public static TheoryData<ModelFamily, string> Cases => new()
    {
        { ModelFamily.Bert, "mlm" }, { ModelFamily.Bert, "classification" }, { ModelFamily.Bert, "qa" },
        { ModelFamily.Roberta, "mlm" }, { ModelFamily.Roberta, "classification" }, { ModelFamily.Roberta, "qa" },
        { ModelFamily.DistilBert, "mlm" }, { ModelFamily.DistilBert, "classification" }, { ModelFamily.DistilBert, "qa" },
        { ModelFamily.Gpt2, "clm" }, { ModelFamily.Gpt2, "classification" }, { ModelFamily.Gpt2, "qa" },
    };

    internal static TransformerConfig TinyConfig(ModelFamily family, double dropout = 0.1) =>
        SizePresets.Create("tiny", family, vocabSize: 17, numLabels: 3) with
        {
            HiddenSize = 8, NumHeads = 2, IntermediateSize = 12, NumLayers = 2, MaxPositions = 12,
            HiddenDropout = dropout, AttentionDropout = dropout, EmbeddingDropout = dropout, ClassifierDropout = dropout, QaDropout = dropout,
        };

    // N(0, 0.3²) weights: with Hugging Face's 0.02 the tiny embeddings' LayerNorm sees a near-zero variance and
    // is so curved that a central difference with h = 1e-2 no longer measures the gradient.
    internal static TransformerConfig WideInit(TransformerConfig config) => config with
    {
        ExtraFields = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["initializer_range"] = System.Text.Json.JsonDocument.Parse("0.3").RootElement.Clone(),
        },
    };

    internal static ModelBatch TinyBatch(TransformerConfig config)
    {
        var pad = config.PadTokenId ?? 0;
        int[] ids = [3, 5, 7, 9, 11, 4, 6, 8, 10, pad, pad, pad];
        int[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0];
        // GPT-2 embeds token types with wte, so its backward must add their gradient into the word embedding too.
        int[]? types = config.TypeVocabSize > 1 ? [0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1]
            : config.Family == ModelFamily.Gpt2 ? [2, 2, 13, 13, 5, 5, 2, 2, 13, 13, 5, 5] : null;
        return new ModelBatch(Batch, Sequence, ids, mask, types);
    }

    private static (HashSet<KeyGroup> Groups, Func<TransformerModel, TransformerHead> Head, int[] Labels) Task(ModelFamily family, string head, ModelBatch batch) => head switch
    {
        "mlm" => ([KeyGroup.Encoder, KeyGroup.MaskedLm], m => new MaskedLmHead(m), [-100, 2, -100, 14, -100, 1, 5, -100, 3, -100, -100, -100]),
        "clm" => ([KeyGroup.Encoder], m => new CausalLmHead(m), batch.InputIds.Select((id, i) => batch.AttentionMask![i] == 1 ? id : -100).ToArray()),
        "classification" => (family == ModelFamily.Bert ? [KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification] : [KeyGroup.Encoder, KeyGroup.Classification],
            m => new SequenceClassificationHead(m), [2, 0]),
        _ => ([KeyGroup.Encoder, KeyGroup.QuestionAnswering], m => new QuestionAnsweringHead(m), [1, 2, 3, 4]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BackwardMatchesFiniteDifferences(ModelFamily family, string head)
    {
        var config = TinyConfig(family);
        var batch = TinyBatch(config);
        var (groups, createHead, labels) = Task(family, head, batch);
        var parameters = TransformerParameters.Create(WideInit(config), groups, seed: 7);
        var task = new TransformerTask(new TransformerModel(parameters, Batch, Sequence, seed: 3) { IsTraining = true }, createHead);
        task.Model.State.Step = 5;
        var set = parameters.Set;
        set.ZeroGradients();
        task.ForwardLoss(batch, labels);
        task.Backward();
        var gradients = set.Gradients.ToArray();
        var random = new Random(11);
        const float h = 1e-2f;
        var checkedCount = 0;
        foreach (var handle in set.Layout.Tensors)
        {
            var grad = gradients.AsSpan(handle.Offset, handle.Length);
            var largest = 0;
            for (var i = 1; i < grad.Length; i++) if (Math.Abs(grad[i]) > Math.Abs(grad[largest])) largest = i;
            foreach (var index in new[] { largest, random.Next(handle.Length) })
            {
                var at = handle.Offset + index;
                var fd = CentralDifference(task, at, batch, labels, h);
                var analytic = gradients[at];
                Assert.True(Math.Abs(fd - analytic) <= 2e-3 + 3e-2 * Math.Abs(fd),
                    $"{family}/{head}: {handle.Name}[{index}]: backward {analytic} vs finite difference {fd}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 2 * set.Layout.Tensors.Count);
        Assert.Contains(gradients, g => g != 0);
    }

    // (L(θ + h) - L(θ - h)) / 2h for the flat parameter `at`, restoring it afterwards.
    private static double CentralDifference(TransformerTask task, int at, ModelBatch batch, int[] labels, float h)
    {
        var values = task.Model.Parameters.Set.Values;
        var original = values[at];
        values[at] = original + h;
        double plus = task.ForwardLoss(batch, labels);
        values[at] = original - h;
        double minus = task.ForwardLoss(batch, labels);
        values[at] = original;
        return (plus - minus) / (2.0 * h);
    }

    [Fact]
    public void Gpt2TokenTypesAreEmbeddedWithWteAndTheirGradientReachesIt()
    {
        var config = TinyConfig(ModelFamily.Gpt2, dropout: 0);
        var batch = TinyBatch(config);
        var parameters = TransformerParameters.Create(WideInit(config), new HashSet<KeyGroup> { KeyGroup.Encoder }, seed: 7);
        var task = new TransformerTask(new TransformerModel(parameters, Batch, Sequence), m => new CausalLmHead(m));
        var labels = batch.InputIds.Select((id, i) => batch.AttentionMask![i] == 1 ? id : -100).ToArray();
        var set = parameters.Set;
        set.ZeroGradients();
        task.ForwardLoss(batch, labels);
        task.Backward();
        var word = set.Layout.Tensors.Single(t => t.Name == "embeddings.word");
        var gradients = set.Gradients.ToArray();
        const float h = 1e-2f;
        // Rows 2 and 13 are used only as token types (never as ids), so every element of them is checked.
        foreach (var row in new[] { 2, 13 })
            for (var c = 0; c < config.HiddenSize; c++)
            {
                var at = word.Offset + row * config.HiddenSize + c;
                var fd = CentralDifference(task, at, batch, labels, h);
                Assert.True(Math.Abs(fd - gradients[at]) <= 2e-3 + 3e-2 * Math.Abs(fd), $"wte[{row}, {c}]: backward {gradients[at]} vs finite difference {fd}");
            }
    }

    [Theory]
    [InlineData(PoolingMode.Mean, true)]
    [InlineData(PoolingMode.Cls, false)]
    [InlineData(PoolingMode.Pooler, true)]
    public void PoolingBackwardMatchesFiniteDifferences(PoolingMode mode, bool normalize)
    {
        var config = TinyConfig(ModelFamily.Bert, dropout: 0);
        var batch = TinyBatch(config);
        var parameters = TransformerParameters.Create(WideInit(config), new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler }, seed: 5);
        var model = new TransformerModel(parameters, Batch, Sequence);
        var pooling = new FeaturePooling(model, mode, normalize);
        model.Commit();
        var weights = Enumerable.Range(0, Batch * config.HiddenSize).Select(i => (float)Math.Sin(i + 1)).ToArray();
        double Loss()
        {
            var features = pooling.Forward(model.Forward(batch));
            double sum = 0;
            for (var i = 0; i < weights.Length; i++) sum += features[i] * weights[i];
            return sum;
        }
        var set = parameters.Set;
        set.ZeroGradients();
        Loss();
        var hiddenGradient = new float[batch.TokenCount * config.HiddenSize];
        pooling.Backward(model.LastHiddenState, weights, hiddenGradient);
        model.Backward(hiddenGradient);
        var gradients = set.Gradients.ToArray();
        const float h = 1e-2f;
        foreach (var name in new[] { "layers.1.ffn.down.weight", "embeddings.word", "layers.0.attention.value.bias" }
                     .Concat(mode == PoolingMode.Pooler ? ["pooler.dense.weight"] : []))
        {
            var handle = set.Handle(name);
            var grad = gradients.AsSpan(handle.Offset, handle.Length);
            var index = 0;
            for (var i = 1; i < grad.Length; i++) if (Math.Abs(grad[i]) > Math.Abs(grad[index])) index = i;
            var at = handle.Offset + index;
            var original = set.Values[at];
            set.Values[at] = original + h;
            var plus = Loss();
            set.Values[at] = original - h;
            var minus = Loss();
            set.Values[at] = original;
            var fd = (plus - minus) / (2.0 * h);
            Assert.True(Math.Abs(fd - gradients[at]) <= 2e-3 + 3e-2 * Math.Abs(fd), $"{mode}: {name}[{index}]: backward {gradients[at]} vs finite difference {fd}");
        }
    }
}
