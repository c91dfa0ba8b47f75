// Writes the whole synthetic world to a folder in the file formats the readers and the CLI take:
// corpus, sentiment (binary, 3-class, pairs), SQuAD v2.0 QA, and a vocab.txt. The demo, notebooks
// and tests call this; it adds no generation logic of its own.

using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Workbench.Synthetic;

/// <summary>Options for <see cref="SyntheticSuite.Write"/>; the defaults suit a few-minute demo on 2 cores.</summary>
public sealed record SyntheticSuiteOptions
{
    /// <summary>Seed of every generator (each uses its own stream, so they do not repeat each other); default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The lexicon; null means <see cref="SyntheticLexicon.Default"/>.</summary>
    public SyntheticLexicon? Lexicon { get; init; }

    /// <summary>Corpus options.</summary>
    public SyntheticCorpusOptions Corpus { get; init; } = new();

    /// <summary>Sentiment options; <see cref="SentimentDatasetOptions.ClassCount"/> is overridden (2 and 3 are both written).</summary>
    public SentimentDatasetOptions Sentiment { get; init; } = new();

    /// <summary>QA training set options; default 200 contexts, 25% unanswerable, 20% long.</summary>
    public QaDatasetOptions QaTrain { get; init; } = new() { ContextCount = 200, UnanswerableFraction = 0.25, IdPrefix = "train" };

    /// <summary>QA dev set options; default 50 contexts, 25% unanswerable, 20% long.</summary>
    public QaDatasetOptions QaDev { get; init; } = new() { ContextCount = 50, UnanswerableFraction = 0.25, IdPrefix = "dev" };
}

/// <summary>Paths of a train/validation/test trio.</summary>
/// <param name="Train">Training file.</param>
/// <param name="Validation">Validation file.</param>
/// <param name="Test">Test file.</param>
public sealed record SplitFiles(string Train, string Validation, string Test);

/// <summary>The files <see cref="SyntheticSuite.Write"/> produced.</summary>
/// <param name="Folder">The folder holding them.</param>
/// <param name="Corpus">corpus.txt: unlabeled documents separated by blank lines.</param>
/// <param name="Sentiment">sentiment-{train,valid,test}.tsv: binary, columns text, label.</param>
/// <param name="Sentiment3">sentiment3-{train,valid,test}.tsv: negative/neutral/positive.</param>
/// <param name="Pairs">pairs-{train,valid,test}.jsonl: text, text_pair, label same/different.</param>
/// <param name="QaTrain">qa-train.json: SQuAD v2.0.</param>
/// <param name="QaDev">qa-dev.json: SQuAD v2.0.</param>
/// <param name="Vocabulary">vocab.txt: WordPiece vocabulary covering every generated word.</param>
public sealed record SyntheticSuiteFiles(
    string Folder, string Corpus, SplitFiles Sentiment, SplitFiles Sentiment3, SplitFiles Pairs, string QaTrain, string QaDev, string Vocabulary);

/// <summary>Generates and writes every synthetic dataset at once.</summary>
public static class SyntheticSuite
{
    /// <summary>Writes all files into <paramref name="folder"/> (created if missing; existing files replaced atomically).</summary>
    public static SyntheticSuiteFiles Write(string folder, SyntheticSuiteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new SyntheticSuiteOptions();
        var lexicon = options.Lexicon ?? SyntheticLexicon.Default;
        Directory.CreateDirectory(folder);
        string At(string name) => Path.Combine(folder, name);

        var corpus = At("corpus.txt");
        SyntheticCorpusGenerator.Write(corpus, options.Seed, options.Corpus, lexicon);

        SplitFiles WriteSplits(string stem, string extension, SentimentDataset dataset)
        {
            var files = new SplitFiles(At($"{stem}-train{extension}"), At($"{stem}-valid{extension}"), At($"{stem}-test{extension}"));
            TextClassificationWriter.Write(files.Train, dataset.Train);
            TextClassificationWriter.Write(files.Validation, dataset.Validation);
            TextClassificationWriter.Write(files.Test, dataset.Test);
            return files;
        }

        var sentiment = WriteSplits("sentiment", ".tsv",
            SentimentDatasetGenerator.Generate(options.Seed, options.Sentiment with { ClassCount = 2 }, lexicon));
        var sentiment3 = WriteSplits("sentiment3", ".tsv",
            SentimentDatasetGenerator.Generate(options.Seed, options.Sentiment with { ClassCount = 3 }, lexicon));
        var pairs = WriteSplits("pairs", ".jsonl", SentimentDatasetGenerator.GeneratePairs(options.Seed, options.Sentiment, lexicon));

        var qaTrain = At("qa-train.json");
        var qaDev = At("qa-dev.json");
        SquadWriter.Write(qaTrain, QaDatasetGenerator.Generate(options.Seed, options.QaTrain, lexicon), SquadVersion.V2_0);
        SquadWriter.Write(qaDev, QaDatasetGenerator.Generate(options.Seed + 1, options.QaDev, lexicon), SquadVersion.V2_0);

        var vocabulary = At("vocab.txt");
        WordPieceVocabularyBuilder.Write(vocabulary, WordPieceVocabularyBuilder.FromLexicon(lexicon));
        return new SyntheticSuiteFiles(folder, corpus, sentiment, sentiment3, pairs, qaTrain, qaDev, vocabulary);
    }
}
