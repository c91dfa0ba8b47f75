// Runs a saved extractive-QA model (a Hugging Face folder with a qa_outputs head, as `finetune --task qa`
// writes) over SQuAD-style examples: the library's window featurizer, model and span head in eval mode,
// and its n-best decoder back to character spans. Glue over public library types only; not training.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Cli.Models;

/// <summary>An extractive-QA model loaded from a folder for inference.</summary>
internal sealed class SavedQuestionAnswering
{
    private const int BatchSize = 8;
    private readonly TransformerModel _model;
    private readonly QuestionAnsweringHead _head;
    private readonly QaFeaturizer _featurizer;

    private SavedQuestionAnswering(TransformerModel model, QuestionAnsweringHead head, QaFeaturizer featurizer)
    {
        _model = model;
        _head = head;
        _featurizer = featurizer;
    }

    /// <summary>Loads config, encoder and span head, and the tokenizer from <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">Bad config or weights, or no trained span head.</exception>
    public static SavedQuestionAnswering Load(string directory, int maxLength)
    {
        var config = TransformerConfigReader.Read(Path.Combine(directory, CheckpointFolder.ConfigFileName));
        var parameters = TransformerParameters.FromPretrained(directory, new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.QuestionAnswering }, out var report);
        if (report.Initialized.Count > 0)
            throw new InvalidDataException($"{directory}: not a trained QA model; missing {string.Join(", ", report.Initialized)}.");
        maxLength = Math.Min(maxLength, config.MaxPositions - config.PositionOffset);
        var model = new TransformerModel(parameters, BatchSize, maxLength);
        var head = new QuestionAnsweringHead(model);
        model.IsTraining = false;
        var featurizer = new QaFeaturizer(Tokenizer.Load(directory), new QaFeaturizerOptions { MaxLength = maxLength, Stride = maxLength / 4 });
        return new SavedQuestionAnswering(model, head, featurizer);
    }

    /// <summary>The answer of each example ("" when the model predicts no answer and <paramref name="allowNoAnswer"/>).</summary>
    public IReadOnlyList<QaPrediction> Predict(IReadOnlyList<QaExample> examples, bool allowNoAnswer, CancellationToken cancellationToken = default)
    {
        var windows = examples.SelectMany((e, i) => _featurizer.Featurize(e, i)).ToList();
        var collator = new QaCollator();
        var logits = new List<(QaFeature Feature, float[] Start, float[] End)>();
        foreach (var chunk in windows.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = collator.Collate(chunk, default);
            _head.Forward(_model.Forward(batch.Inputs));
            int t = chunk[0].Length;
            var (start, end) = (_head.StartLogits.ToArray(), _head.EndLogits.ToArray());
            for (int i = 0; i < chunk.Length; i++) logits.Add((chunk[i], start[(i * t)..((i + 1) * t)], end[(i * t)..((i + 1) * t)]));
        }
        var decoding = new QaDecodingOptions { AllowNoAnswer = allowNoAnswer };
        return logits.GroupBy(l => l.Feature.ExampleIndex).OrderBy(g => g.Key)
            .Select(g => QaPostprocessor.Decode(examples[g.Key], g.ToList(), decoding)).ToList();
    }

    /// <summary>Exact match and F1 (0-100) against the gold answers.</summary>
    public QaMetrics Evaluate(IReadOnlyList<QaExample> examples, SquadVersion version, CancellationToken cancellationToken = default)
    {
        var predictions = Predict(examples, version == SquadVersion.V2_0, cancellationToken);
        var evaluator = new QaEvaluator(version);
        for (int i = 0; i < examples.Count; i++) evaluator.Add(examples[i], predictions[i].Text);
        return evaluator.Compute();
    }
}
