// Runs a saved sequence classifier (a Hugging Face folder with a classification head and id2label,
// as `finetune` writes for full fine-tuning and merged LoRA) over texts: the library's featurizer,
// model and head in eval mode, softmax probabilities. Glue over public library types only.
// Not training, and not adapters kept separate from the base (bottleneck, features): see the README.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Evaluation;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.Cli.Models;

/// <summary>A classifier loaded from a folder for inference.</summary>
internal sealed class SavedClassifier
{
    private const int BatchSize = 16;
    private readonly TransformerTask _task;
    private readonly ClassificationFeaturizer _featurizer;

    private SavedClassifier(TransformerTask task, ClassificationFeaturizer featurizer)
    {
        _task = task;
        _featurizer = featurizer;
    }

    /// <summary>Label names in probability order.</summary>
    public LabelMap Labels => _featurizer.Labels;

    /// <summary>Loads config, weights (encoder, pooler, head) and tokenizer from <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">Bad config or weights, or a missing head tensor.</exception>
    public static SavedClassifier Load(string directory, int maxLength)
    {
        var config = TransformerConfigReader.Read(Path.Combine(directory, CheckpointFolder.ConfigFileName));
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Classification };
        if (config.Family is ModelFamily.Bert or ModelFamily.Roberta) groups.Add(KeyGroup.Pooler);
        var parameters = TransformerParameters.FromPretrained(directory, groups, out var report);
        if (report.Initialized.Count > 0)
            throw new InvalidDataException($"{directory}: not a trained classifier; missing {string.Join(", ", report.Initialized)}.");
        maxLength = Math.Min(maxLength, config.MaxPositions - config.PositionOffset);
        var model = new TransformerModel(parameters, BatchSize, maxLength);
        var task = new TransformerTask(model, m => new SequenceClassificationHead(m));
        model.IsTraining = false;
        var tokenizer = Tokenizer.Load(directory);
        return new SavedClassifier(task, new ClassificationFeaturizer(tokenizer, new LabelMap(config.Labels), maxLength));
    }

    /// <summary>Softmax probabilities of each input, in <see cref="Labels"/> order.</summary>
    public IEnumerable<float[]> Probabilities(IEnumerable<(string Text, string? Pair)> inputs, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in inputs.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = _featurizer.Collate(chunk.Select(i => _featurizer.Featurize(i.Text, i.Pair)).ToList(), default);
            var logits = _task.Forward(batch.Inputs).ToArray();
            int k = Labels.Count;
            for (int i = 0; i < chunk.Length; i++)
            {
                var row = logits.AsSpan(i * k, k).ToArray();
                Softmax.InPlace(row);
                yield return row;
            }
        }
    }

    /// <summary>Accuracy, macro-F1, AUC (binary) and log-loss over labeled examples.</summary>
    /// <exception cref="ArgumentException">An example's label is unknown to the model (naming its line).</exception>
    public ClassificationMetrics Evaluate(IReadOnlyList<TextClassificationExample> examples, CancellationToken cancellationToken = default)
    {
        var evaluator = new ClassificationEvaluator(Labels.Count);
        var gold = examples.Select(e => Labels.TryGetIndex(e.Label ?? "", out int i) ? i
            : throw new ArgumentException($"Example at line {e.LineNumber}: unknown label '{e.Label}'; the model knows [{string.Join(", ", Labels.Labels)}].")).ToList();
        int n = 0;
        foreach (var p in Probabilities(examples.Select(e => (e.Text, e.TextPair)), cancellationToken)) evaluator.Add(p, gold[n++]);
        return evaluator.Compute();
    }
}
