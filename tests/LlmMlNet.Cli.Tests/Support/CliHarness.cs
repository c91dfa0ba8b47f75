// Runs `llmmlnet` in-process with standard output and error captured, and builds the small synthetic
// inputs (WordPiece vocabulary, corpus, labeled sets) the command tests train on. Commands that swap
// Console writers run one at a time (the CliCommands collection).
using System.Text.Json;
using LlmMlNet.Cli.Running;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Workbench.Synthetic;
using Xunit;

namespace LlmMlNet.Cli.Tests.Support;

/// <summary>Tests in this collection capture the console; they never run in parallel with each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection
{
    public const string Name = "CliCommands";
}

/// <summary>The outcome of one in-process run.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>The last non-empty stdout line parsed as JSON.</summary>
    public JsonElement Json()
    {
        var last = Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return JsonDocument.Parse(last).RootElement.Clone();
    }
}

public static class CliHarness
{
    private static readonly object Gate = new();

    public static CliRun Run(params string[] args) => RunUntil(null, args);

    /// <summary>
    /// Runs a command and, when its standard output first contains <paramref name="trigger"/> (a progress line), cancels it
    /// exactly as Ctrl+C does; null never cancels.
    /// </summary>
    public static CliRun RunUntil(string? trigger, params string[] args)
    {
        lock (Gate)
        {
            var (oldOut, oldError) = (Console.Out, Console.Error);
            using var cancel = new CancellationTokenSource();
            var (output, error) = (new TriggerWriter(trigger, cancel), new StringWriter());
            CommandRunner.TestCancellation = cancel.Token;
            Console.SetOut(output);
            Console.SetError(error);
            try
            {
                int code = CliApp.Run(args);
                return new CliRun(code, output.ToString(), error.ToString());
            }
            finally
            {
                CommandRunner.TestCancellation = default;
                Console.SetOut(oldOut);
                Console.SetError(oldError);
            }
        }
    }

    /// <summary>A SQuAD file of synthetic questions (v2.0 when <paramref name="unanswerable"/> is above 0).</summary>
    public static string WriteSquad(string folder, string name, int seed, int contexts, double unanswerable = 0)
    {
        var path = Path.Combine(folder, name);
        QaDatasetGenerator.Write(path, seed, new QaDatasetOptions { ContextCount = contexts, QuestionsPerContext = 2, LongContextFraction = 0, UnanswerableFraction = unanswerable });
        return path;
    }

    /// <summary>A folder with vocab.txt covering every synthetic word (a WordPiece tokenizer folder).</summary>
    public static string WriteTokenizer(string folder)
    {
        var dir = Path.Combine(folder, "tokenizer");
        Directory.CreateDirectory(dir);
        WordPieceVocabularyBuilder.Write(Path.Combine(dir, "vocab.txt"), WordPieceVocabularyBuilder.FromLexicon());
        return dir;
    }

    /// <summary>A small unlabeled corpus.</summary>
    public static string WriteCorpus(string folder, int documents = 12)
    {
        var path = Path.Combine(folder, "corpus.txt");
        SyntheticCorpusGenerator.Write(path, seed: 3, new SyntheticCorpusOptions { Documents = documents });
        return path;
    }

    /// <summary>A small binary sentiment TSV (train) and its validation split.</summary>
    public static (string Train, string Valid) WriteSentiment(string folder, int train = 24, int valid = 12)
    {
        var data = SentimentDatasetGenerator.Generate(5, new SentimentDatasetOptions { TrainCount = train, ValidationCount = valid, TestCount = 4 });
        var (trainPath, validPath) = (Path.Combine(folder, "train.tsv"), Path.Combine(folder, "valid.tsv"));
        TextClassificationWriter.Write(trainPath, data.Train);
        TextClassificationWriter.Write(validPath, data.Validation);
        return (trainPath, validPath);
    }
}

/// <summary>Captures standard output and cancels a token once the text written so far contains a trigger.</summary>
internal sealed class TriggerWriter(string? trigger, CancellationTokenSource cancel) : StringWriter
{
    public override void Write(char value)
    {
        base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Check();
    }

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        Check();
    }

    private void Check()
    {
        if (trigger is not null && !cancel.IsCancellationRequested && ToString().Contains(trigger, StringComparison.Ordinal)) cancel.Cancel();
    }
}
