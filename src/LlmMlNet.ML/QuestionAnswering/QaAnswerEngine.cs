// Batched inference of an extractive QA model from plain parameters: the Tasks API's windows (QaFeaturizer), many
// windows per forward pass through body + QA head, then top-K n-best spans across an example's windows (start logit
// + end logit, answer within the context, at most MaxAnswerLength tokens, distinct texts). One forward at a time.
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;

namespace LlmMlNet.ML.QuestionAnswering;

internal sealed record QaAnswers(string[] Texts, float[] Scores);

internal sealed class QaAnswerEngine
{
    private const int NBest = 20, MaxAnswerTokens = 30;
    private readonly TransformerModel _model;
    private readonly QuestionAnsweringHead _head;
    private readonly QaFeaturizer _featurizer;
    private readonly object _gate = new();
    private int _forwardPasses;

    public QaAnswerEngine(TransformerParameters parameters, BottleneckAdapter? adapter, Tokenizer tokenizer, int maxSequenceLength, int stride, int batchSize, int topK)
    {
        Parameters = parameters;
        Adapter = adapter;
        Tokenizer = tokenizer;
        int length = InferenceBody.SequenceLength(parameters.Config, maxSequenceLength);
        _model = InferenceBody.Create(parameters, adapter, batchSize, length);
        _head = new QuestionAnsweringHead(_model);
        _model.Commit();
        _featurizer = new QaFeaturizer(tokenizer, new QaFeaturizerOptions { MaxLength = length, Stride = Math.Min(stride, length / 2) });
        BatchSize = batchSize;
        TopK = topK;
    }

    public TransformerParameters Parameters { get; }

    public BottleneckAdapter? Adapter { get; }

    public Tokenizer Tokenizer { get; }

    public int BatchSize { get; }

    public int TopK { get; }

    /// <summary>Forward passes run so far (a test hook: batching means one per <see cref="BatchSize"/> windows).</summary>
    public int ForwardPasses => Volatile.Read(ref _forwardPasses);

    /// <summary>The top-K answers (best first) of each (context, question), with their scores (start + end logits).</summary>
    public QaAnswers[] Answer(IReadOnlyList<(string Context, string Question)> inputs)
    {
        var examples = inputs.Select((x, i) => new QaExample(i.ToString(System.Globalization.CultureInfo.InvariantCulture), x.Question ?? "", x.Context ?? "", [])).ToList();
        var features = _featurizer.Featurize(examples).ToList();
        var windows = new List<(QaFeature Feature, float[] Start, float[] End)>();
        lock (_gate)
        {
            _model.IsTraining = false;
            foreach (var chunk in features.Chunk(BatchSize))
            {
                int t = chunk.Max(f => f.Length);
                var ids = new int[chunk.Length * t];
                var mask = new int[ids.Length];
                var types = new int[ids.Length];
                for (int i = 0; i < chunk.Length; i++)
                {
                    chunk[i].InputIds.CopyTo(ids, i * t);
                    chunk[i].AttentionMask.CopyTo(mask, i * t);
                    chunk[i].TypeIds.CopyTo(types, i * t);
                }
                Interlocked.Increment(ref _forwardPasses);
                _head.Forward(_model.Forward(new ModelBatch(chunk.Length, t, ids, mask, Parameters.Config.TypeVocabSize > 0 ? types : null)));
                var start = _head.StartLogits;
                var end = _head.EndLogits;
                for (int i = 0; i < chunk.Length; i++)
                    windows.Add((chunk[i], start.Slice(i * t, chunk[i].Length).ToArray(), end.Slice(i * t, chunk[i].Length).ToArray()));
            }
        }
        var result = new QaAnswers[examples.Count];
        foreach (var group in windows.GroupBy(w => w.Feature.ExampleIndex))
            result[group.Key] = TopAnswers(examples[group.Key].Context, group.ToList());
        for (int i = 0; i < result.Length; i++) result[i] ??= new QaAnswers([], []);
        return result;
    }

    private QaAnswers TopAnswers(string context, List<(QaFeature Feature, float[] Start, float[] End)> windows)
    {
        var candidates = new List<(string Text, float Score)>();
        foreach (var (feature, start, end) in windows)
        {
            var offsets = feature.ContextOffsets;
            foreach (int s in Best(start, offsets))
                foreach (int e in Best(end, offsets))
                {
                    if (e < s || e - s + 1 > MaxAnswerTokens) continue;
                    var (charStart, _) = offsets[s]!.Value;
                    var (_, charEnd) = offsets[e]!.Value;
                    candidates.Add((context[charStart..charEnd], start[s] + end[e]));
                }
        }
        var top = candidates.OrderByDescending(c => c.Score).DistinctBy(c => c.Text).Take(TopK).ToArray();
        return new QaAnswers(top.Select(c => c.Text).ToArray(), top.Select(c => c.Score).ToArray());
    }

    // The NBest highest logits among the window's context tokens (tokens with offsets).
    private static IEnumerable<int> Best(float[] logits, (int Start, int End)?[] offsets) =>
        Enumerable.Range(0, logits.Length).Where(i => i < offsets.Length && offsets[i] != null)
            .OrderByDescending(i => logits[i]).Take(NBest);
}
