// Extractive-QA featurization and decoding with the real bert-base-uncased tokenizer: overlapping
// windows over a long context, start/end labels that map back to the exact answer characters, CLS labels
// outside the window and for impossible questions, and n-best decoding (max answer length, v2.0 null answers).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class QaFeaturesTests
{
    private static readonly Lazy<Tokenizer> Bert = new(() => Tokenizer.FromFolder(RepoPaths.Fixture("tokenizers", "bert-base-uncased")));

    private static QaExample LongExample(bool impossible = false)
    {
        var filler = string.Join(" ", Enumerable.Range(0, 40).Select(i => $"word{i % 7} filler{i % 5}."));
        const string answer = "Ada Lovelace";
        var context = filler + " The first programmer was " + answer + ", who wrote notes. " + filler;
        int start = context.IndexOf(answer, StringComparison.Ordinal);
        return new QaExample("q1", "  Who was the first programmer?", context,
            impossible ? [] : [new QaAnswer(answer, start)], impossible);
    }

    [Fact]
    public void Long_contexts_split_into_overlapping_windows_with_exact_span_labels()
    {
        var featurizer = new QaFeaturizer(Bert.Value, new QaFeaturizerOptions { MaxLength = 48, Stride = 16 });
        var example = LongExample();
        var features = featurizer.Featurize(example);
        Assert.True(features.Count >= 4, $"{features.Count} windows");
        Assert.All(features, f => Assert.Equal(48, f.Length));
        Assert.All(features, f => Assert.Equal(0, f.ClsIndex));
        int withAnswer = 0;
        foreach (var f in features)
        {
            if (!f.HasAnswer) { Assert.Equal((0, 0), (f.StartPosition, f.EndPosition)); continue; }
            withAnswer++;
            var (s, e) = (f.ContextOffsets[f.StartPosition]!.Value.Start, f.ContextOffsets[f.EndPosition]!.Value.End);
            Assert.Equal("Ada Lovelace", example.Context[s..e]);
        }
        Assert.InRange(withAnswer, 1, 2);
        // Consecutive windows share Stride context tokens.
        for (int w = 1; w < features.Count; w++)
        {
            var previous = features[w - 1].ContextOffsets.Where(o => o is not null).Select(o => o!.Value).ToList();
            var current = features[w].ContextOffsets.Where(o => o is not null).Select(o => o!.Value).ToList();
            Assert.Equal(previous.TakeLast(16), current.Take(16));
        }
        // Question tokens carry no context offsets; the question is left-stripped as run_qa.py does.
        Assert.Null(features[0].ContextOffsets[1]);
        Assert.Equal(Bert.Value.TokenToId("who"), features[0].InputIds[1]);
    }

    [Fact]
    public void Impossible_questions_label_every_window_with_cls()
    {
        var features = new QaFeaturizer(Bert.Value, new QaFeaturizerOptions { MaxLength = 48, Stride = 16 }).Featurize(LongExample(impossible: true));
        Assert.All(features, f => Assert.False(f.HasAnswer));
    }

    [Fact]
    public void Decoding_maps_the_best_span_back_to_context_characters()
    {
        var example = LongExample();
        var features = new QaFeaturizer(Bert.Value, new QaFeaturizerOptions { MaxLength = 48, Stride = 16 }).Featurize(example);
        var windows = features.Select(f =>
        {
            var start = new float[f.Length];
            var end = new float[f.Length];
            if (f.HasAnswer) { start[f.StartPosition] = 5; end[f.EndPosition] = 5; }
            start[f.ClsIndex] = 1;
            end[f.ClsIndex] = 1;
            return (f, start, end);
        }).ToList();
        var v1 = QaPostprocessor.Decode(example, windows);
        Assert.Equal("Ada Lovelace", v1.Text);
        Assert.Equal(example.Answers[0].Start, v1.Start);
        Assert.True(float.IsNaN(v1.NullScoreDiff));

        var v2 = QaPostprocessor.Decode(example, windows, new QaDecodingOptions { AllowNoAnswer = true });
        Assert.Equal("Ada Lovelace", v2.Text);
        Assert.Equal(2f - 10f, v2.NullScoreDiff);
        foreach (var (_, start, end) in windows) { start[0] = 20; end[0] = 20; }
        Assert.Equal("", QaPostprocessor.Decode(example, windows, new QaDecodingOptions { AllowNoAnswer = true }).Text);
        Assert.Equal("Ada Lovelace", QaPostprocessor.Decode(example, windows, new QaDecodingOptions { AllowNoAnswer = true, NullScoreDiffThreshold = 100 }).Text);
    }

    [Fact]
    public void Spans_longer_than_max_answer_length_or_reversed_are_never_chosen()
    {
        var example = LongExample();
        var f = new QaFeaturizer(Bert.Value, new QaFeaturizerOptions { MaxLength = 48, Stride = 16 }).Featurize(example).First(x => x.HasAnswer);
        int firstContext = Array.FindIndex(f.ContextOffsets, o => o is not null);
        int lastContext = Array.FindLastIndex(f.ContextOffsets, o => o is not null);
        Assert.True(firstContext < f.StartPosition && f.EndPosition < lastContext);
        foreach (var (highStart, highEnd) in new[] { (firstContext, lastContext), (lastContext, firstContext) }) // too long; reversed
        {
            var start = new float[f.Length];
            var end = new float[f.Length];
            Array.Fill(start, -10f);
            Array.Fill(end, -10f);
            start[highStart] = 10; end[highEnd] = 10;
            start[f.StartPosition] = 4; end[f.EndPosition] = 4;
            var prediction = QaPostprocessor.Decode(example, [(f, start, end)], new QaDecodingOptions { MaxAnswerLength = 3 });
            Assert.Equal("Ada Lovelace", prediction.Text);
        }
    }

    [Fact]
    public void A_question_that_leaves_no_room_fails_naming_the_example()
    {
        var example = new QaExample("long-q", string.Join(" ", Enumerable.Repeat("why", 60)), "short context", []);
        var e = Assert.Throws<ArgumentException>(() => new QaFeaturizer(Bert.Value, new QaFeaturizerOptions { MaxLength = 32, Stride = 8 }).Featurize(example));
        Assert.Contains("long-q", e.Message);
        Assert.Throws<ArgumentException>(() => new QaFeaturizerOptions { MaxLength = 8, Stride = 8 }.Validate());
    }
}
