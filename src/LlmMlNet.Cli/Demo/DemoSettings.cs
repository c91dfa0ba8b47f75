// The sizes of the demo: the full run (a few minutes on 2 cores) and --quick (seconds, what the tests
// run). Data sizes, model preset, steps and learning rates live here so the story stays in one place.
using LlmMlNet.Workbench.Synthetic;

namespace LlmMlNet.Cli.Demo;

/// <summary>Sizes and rates of one demo run.</summary>
internal sealed record DemoSettings
{
    /// <summary>Size preset of the encoder (pre-trained and from-scratch alike).</summary>
    public string Preset { get; init; } = "tiny";

    /// <summary>Synthetic data sizes.</summary>
    public SyntheticSuiteOptions Data { get; init; } = new();

    /// <summary>Masked-LM pre-training steps.</summary>
    public int PretrainSteps { get; init; }

    /// <summary>Tokens per pre-training example: each corpus line is one example (line by line), truncated to this.</summary>
    public int BlockSize { get; init; }

    /// <summary>Corpus lines per pre-training batch.</summary>
    public int PretrainBatchSize { get; init; }

    /// <summary>Blocks (or examples) per batch.</summary>
    public int BatchSize { get; init; }

    /// <summary>Epochs over the sentiment training set.</summary>
    public int SentimentEpochs { get; init; }

    /// <summary>Epochs over the QA training set.</summary>
    public int QaEpochs { get; init; }

    /// <summary>Tokens per classification input.</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>Tokens per QA window.</summary>
    public int QaMaxLength { get; init; } = 128;

    /// <summary>
    /// The lexicon of the demo: 8 made-up words per polarity. Masked-LM pre-training of a tiny BERT learns their polarity
    /// from the corpus in 4000 steps of 64 lines (the probe rises from chance around step 1000-1500 while the learning rate is
    /// still high; a 2500-step run, whose rate decays sooner, stayed at chance); with the default 80 per polarity each word is too rare to be
    /// learned in a few minutes (the cue probe stays at chance), and the demo could not show what pre-training buys.
    /// </summary>
    public static SyntheticLexicon Lexicon { get; } = new(seed: 0, wordsPerPolarity: 8);

    /// <summary>The full demo: a few minutes on 2 cores.</summary>
    public static DemoSettings Full(int seed) => new()
    {
        Data = new SyntheticSuiteOptions
        {
            Seed = seed,
            Lexicon = Lexicon,
            // Reviews only: biographies and filler lines would only slow down what the sentiment task needs.
            Corpus = new SyntheticCorpusOptions { Documents = 3000, ReviewFraction = 1, FactFraction = 0 },
            Sentiment = new SentimentDatasetOptions { TrainCount = 300, ValidationCount = 100, TestCount = 400 },
            QaTrain = new QaDatasetOptions { ContextCount = 200, UnanswerableFraction = 0, IdPrefix = "train" },
            QaDev = new QaDatasetOptions { ContextCount = 50, UnanswerableFraction = 0, IdPrefix = "dev" },
        },
        PretrainSteps = 4000, BlockSize = 32, PretrainBatchSize = 64, BatchSize = 16, SentimentEpochs = 6, QaEpochs = 10,
    };

    /// <summary>The seconds-long version the tests run.</summary>
    public static DemoSettings Quick(int seed) => new()
    {
        Data = new SyntheticSuiteOptions
        {
            Seed = seed,
            Lexicon = Lexicon,
            Corpus = new SyntheticCorpusOptions { Documents = 60, ReviewFraction = 1, FactFraction = 0 },
            Sentiment = new SentimentDatasetOptions { TrainCount = 32, ValidationCount = 32, TestCount = 16 },
            QaTrain = new QaDatasetOptions { ContextCount = 6, UnanswerableFraction = 0, IdPrefix = "train", LongContextFraction = 0 },
            QaDev = new QaDatasetOptions { ContextCount = 4, UnanswerableFraction = 0, IdPrefix = "dev", LongContextFraction = 0 },
        },
        PretrainSteps = 8, BlockSize = 32, PretrainBatchSize = 8, BatchSize = 8, SentimentEpochs = 1, QaEpochs = 1, MaxLength = 32, QaMaxLength = 64,
    };
}
