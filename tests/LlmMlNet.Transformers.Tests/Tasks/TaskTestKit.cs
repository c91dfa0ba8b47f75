// Small synthetic worlds for the task tests: a WordPiece tokenizer over the generated lexicon and texts, and
// a tiny BERT config sized to it, so each method trains within seconds. Not a test by itself.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Tests.Tasks;

internal static class TaskTestKit
{
    public static Tokenizer Tokenizer(IEnumerable<string> texts) =>
        LlmMlNet.Tokenizers.Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.Build(
            SyntheticLexicon.Default.AllWords().Concat(texts.SelectMany(WordPieceVocabularyBuilder.BasicTokenize)).Distinct()));

    /// <summary>
    /// A tiny BERT. <paramref name="initializerRange"/> above BERT's 0.02 gives a frozen random body activations of the scale a
    /// pre-trained one has, so methods that keep the body frozen (LoRA, adapters, feature extraction) have features to work with.
    /// </summary>
    public static TransformerConfig TinyBert(Tokenizer tokenizer, int hidden = 32, int layers = 2, int positions = 128, double initializerRange = 0.02) => new()
    {
        ExtraFields = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["initializer_range"] = System.Text.Json.JsonSerializer.SerializeToElement(initializerRange),
        },
        Family = ModelFamily.Bert,
        VocabSize = tokenizer.VocabularySize,
        HiddenSize = hidden,
        NumLayers = layers,
        NumHeads = 2,
        IntermediateSize = 2 * hidden,
        ActivationName = "gelu",
        LayerNormEps = 1e-12,
        MaxPositions = positions,
        TypeVocabSize = 2,
        PadTokenId = tokenizer.PadTokenId,
        HiddenDropout = 0.1,
        AttentionDropout = 0.1,
        EmbeddingDropout = 0.1,
    };

    public static TaskModelOptions Options(FineTuningMethod method, float learningRate, int epochs, int batch = 16) => new()
    {
        Method = method,
        MaxLength = 48,
        Lora = new() { Rank = 8, Alpha = 16, TargetModules = ["query", "value"] },
        Bottleneck = new() { BottleneckSize = 16 },
        Pooling = LlmMlNet.Transformers.Heads.PoolingMode.Mean,
        Trainer = new TrainerOptions { LearningRate = learningRate, Epochs = epochs, BatchSize = batch, Seed = 7, WarmupRatio = 0.1, Threads = 1 },
    };
}
