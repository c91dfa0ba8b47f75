// The cue-conditioned [MASK] probe: it rejects words that have no polarity, and a tiny BERT pre-trained by
// masked LM on a few hundred lines that pair each hidden-polarity word with cue words of its class learns
// to prefer the right cue class, while the same model before pre-training does not (the probe can fail).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Synthetic;

public sealed class PolarityProbeTests
{
    private static readonly SyntheticLexicon Lexicon = new(seed: 5, wordsPerPolarity: 4, nameCount: 4, cityCount: 4);

    [Fact]
    public void ProbeRejectsWordsWithoutPolarity()
    {
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.FromLexicon(Lexicon));
        var model = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 1);
        Assert.Throws<ArgumentException>(() => PolarityProbe.Measure(model, tokenizer, Lexicon, ["film"]));
        Assert.Throws<ArgumentException>(() => PolarityProbe.Measure(model, tokenizer, Lexicon, [Lexicon.NeutralWords[0]]));
    }

    [Fact]
    public void MaskedLmPreTrainingOnCueSentencesTeachesThePolarityOfEachWord()
    {
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.FromLexicon(Lexicon));
        var model = Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 1);
        var before = PolarityProbe.Measure(model, tokenizer, Lexicon);
        var random = new Random(3);
        var lines = new List<string>();
        for (int i = 0; i < 600; i++)
        {
            var polarity = i % 2 == 0 ? SentimentClass.Positive : SentimentClass.Negative;
            string Word() => Lexicon.Words(polarity)[random.Next(Lexicon.Words(polarity).Count)];
            string Cue() => SyntheticLexicon.Cues(polarity)[random.Next(8)];
            lines.Add($"the film was {Word()} and {Cue()} .");
        }
        var options = new PretrainingOptions
        {
            Objective = PretrainingObjective.MaskedLm,
            BlockSize = 16,
            LineByLine = true,
            Trainer = new TrainerOptions { LearningRate = 1e-3f, WarmupRatio = 0.06, BatchSize = 32, MaxSteps = 600, Epochs = 100, Seed = 1, Threads = 2 },
        };
        Pretraining.Train(model, tokenizer, lines.Select((text, i) => new CorpusLine(text, i, true, 0, i + 1, default)), options);
        var after = PolarityProbe.Measure(model, tokenizer, Lexicon);
        Assert.True(after.Accuracy == 1.0, $"probe after pre-training {after.Accuracy:F3} (before {before.Accuracy:F3}); scores {string.Join(", ", after.Scores.Select(p => $"{p.Key}:{Lexicon.PolarityOf(p.Key)}:{p.Value:F3}"))}");
        Assert.True(before.Accuracy < 1.0, $"probe before pre-training {before.Accuracy:F3}");
    }
}
