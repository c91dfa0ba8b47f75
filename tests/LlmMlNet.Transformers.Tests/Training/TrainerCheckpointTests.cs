// Checkpoint and resume: a run stopped half-way (by cancellation) and resumed ends bit-identical to
// one never stopped; cancelling leaves the last checkpoint whole; a NaN loss stops with a clear
// error and keeps what was written; same seed and threads give the same bits; early stopping and
// best-checkpoint keeping follow the metric.
using LlmMlNet.Transformers.Training;
using Xunit;
using static LlmMlNet.Transformers.Tests.Training.TrainingTestSupport;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class TrainerCheckpointTests
{
    private const int Vocabulary = 24, Length = 12;

    // 40 examples, batch 4, accumulation 2: 5 steps per epoch, 3 epochs = 15 steps; dropout,
    // shuffling and dynamic masking are all on, so every piece of resumable state matters.
    private static TrainerOptions Options(string output) => new()
    {
        LearningRate = 5e-3f, BatchSize = 4, GradientAccumulationSteps = 2, Epochs = 3, WarmupSteps = 3,
        ShuffleBufferSize = 7, Seed = 11, CheckpointEverySteps = 7, OutputDirectory = output, Threads = 1,
    };

    private static (TinyLanguageModel Model, LanguageModelObjective Objective) NewModel()
    {
        var model = new TinyLanguageModel(Vocabulary, 16, Length, causal: false, dropout: 0.1f, seed: 5);
        return (model, new LanguageModelObjective(model, model));
    }

    [Fact]
    public void StoppedAndResumedRunEndsBitIdenticalToAnUninterruptedOne()
    {
        var data = BigramBlocks(40, Length, Vocabulary);
        using var straightDir = new TempFolder();
        var (straight, straightObjective) = NewModel();
        var full = new Trainer(Options(straightDir.Path)).Train(straightObjective, data, MlmCollator(Vocabulary));
        Assert.Equal(15, full.GlobalStep);

        using var stoppedDir = new TempFolder();
        var (first, firstObjective) = NewModel();
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Step == 7) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Trainer(Options(stoppedDir.Path)).Train(firstObjective, data, MlmCollator(Vocabulary), progress: progress, cancellationToken: cancel.Token));

        // Cancelling left checkpoint-7 whole and nothing half-written beside it.
        var checkpoint = Path.Combine(stoppedDir.Path, "checkpoint-7");
        Assert.Equal([checkpoint], Directory.GetDirectories(stoppedDir.Path));
        Assert.Equal(3, Directory.GetFiles(checkpoint).Length);
        Assert.Empty(Directory.GetFileSystemEntries(stoppedDir.Path, ".*"));

        var (resumed, resumedObjective) = NewModel();
        var rest = new Trainer(Options(stoppedDir.Path)).Train(resumedObjective, data, MlmCollator(Vocabulary), resumeFrom: checkpoint);
        Assert.Equal(15, rest.GlobalStep);
        Assert.Equal(8, rest.History.Count);
        AssertBitIdentical(straight.Parameters, resumed.Parameters);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straightDir.Path, "checkpoint-15", TrainerCheckpoint.ParametersFile)),
            File.ReadAllBytes(Path.Combine(stoppedDir.Path, "checkpoint-15", TrainerCheckpoint.ParametersFile)));
    }

    [Fact]
    public void CheckpointOnCancelSavesTheLastFinishedStepEvenMidAccumulation()
    {
        var data = BigramBlocks(40, Length, Vocabulary);
        using var straightDir = new TempFolder();
        var (straight, straightObjective) = NewModel();
        new Trainer(Options(straightDir.Path)).Train(straightObjective, data, MlmCollator(Vocabulary));

        // Cancelled while the data is read, so the stop lands between the micro-batches of one accumulated step.
        using var stoppedDir = new TempFolder();
        var (first, firstObjective) = NewModel();
        using var cancel = new CancellationTokenSource();
        int read = 0, lastStep = 0;
        IEnumerable<T> CancelAfter<T>(IEnumerable<T> source, int count)
        {
            foreach (var item in source)
            {
                if (++read == count) cancel.Cancel();
                yield return item;
            }
        }
        var options = Options(stoppedDir.Path) with { CheckpointEverySteps = null, CheckpointOnCancel = true };
        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(options).Train(firstObjective, CancelAfter(data, 70), MlmCollator(Vocabulary),
            progress: new SyncProgress(p => lastStep = p.Step), cancellationToken: cancel.Token));
        Assert.InRange(lastStep, 1, 14);
        var checkpoint = Path.Combine(stoppedDir.Path, $"checkpoint-{lastStep}");
        Assert.Equal([checkpoint], Directory.GetDirectories(stoppedDir.Path));

        var (resumed, resumedObjective) = NewModel();
        var rest = new Trainer(options).Train(resumedObjective, data, MlmCollator(Vocabulary), resumeFrom: checkpoint);
        Assert.Equal(15, rest.GlobalStep);
        AssertBitIdentical(straight.Parameters, resumed.Parameters);
    }

    [Fact]
    public void CheckpointRoundTripsStateAndRejectsAnotherModel()
    {
        using var dir = new TempFolder();
        var (model, objective) = NewModel();
        new Trainer(Options(dir.Path) with { Epochs = 1 }).Train(objective, BigramBlocks(40, Length, Vocabulary), MlmCollator(Vocabulary));
        var latest = TrainerCheckpoint.FindLatest(dir.Path)!;
        Assert.EndsWith("checkpoint-5", latest);
        var (copy, _) = NewModel();
        var state = TrainerCheckpoint.Load(latest, copy.Parameters);
        Assert.Equal((5, 0, 10L, 10L), (state.GlobalStep, state.Epoch, state.BatchesInEpoch, state.MicroBatch));
        AssertBitIdentical(model.Parameters, copy.Parameters);
        var other = new TinyLanguageModel(Vocabulary + 1, 16, Length, causal: false);
        var error = Assert.Throws<InvalidDataException>(() => TrainerCheckpoint.Load(latest, other.Parameters));
        Assert.Contains("'word'", error.Message);
        Assert.Contains("[25, 16]", error.Message);
    }

    [Fact]
    public void SameSeedAndThreadsGiveTheSameBitsAndAnotherSeedDoesNot()
    {
        var data = BigramBlocks(40, Length, Vocabulary);
        TinyLanguageModel Run(ulong seed)
        {
            var (model, objective) = NewModel();
            new Trainer(Options(null!) with { OutputDirectory = null, CheckpointEverySteps = null, Seed = seed, Epochs = 1 })
                .Train(objective, data, MlmCollator(Vocabulary));
            return model;
        }
        var a = Run(1);
        AssertBitIdentical(a.Parameters, Run(1).Parameters);
        Assert.NotEqual(a.Parameters.Values, Run(2).Parameters.Values);
    }

    [Fact]
    public void NonFiniteLossStopsWithStepAndValueAndKeepsEarlierCheckpoints()
    {
        using var dir = new TempFolder();
        var model = new TrainerLearningTests.FixedGradientModel([1f, -1f], step => step == 3 ? float.NaN : 1f);
        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(new TrainerOptions
        {
            BatchSize = 1, MaxSteps = 10, CheckpointEverySteps = 2, OutputDirectory = dir.Path, LearningRate = 0.1f,
        }).Train(model, Enumerable.Range(0, 20), new TrainerLearningTests.IdentityCollator()));
        Assert.Equal(3, error.Step);
        Assert.Contains("step 3", error.Message);
        Assert.Contains("NaN", error.Message);
        // Weights are those after step 3's predecessor: the bad update was never applied.
        var saved = new TrainerLearningTests.FixedGradientModel([0f, 0f]);
        TrainerCheckpoint.Load(Path.Combine(dir.Path, "checkpoint-2"), saved.Parameters);
        Assert.Equal(["checkpoint-2"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
        Assert.All(model.Parameters.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void EarlyStoppingKeepsTheBestCheckpointAndLoadsItAtTheEnd()
    {
        using var dir = new TempFolder();
        var model = new TrainerLearningTests.FixedGradientModel([1f, 2f]);
        double[] scripted = [3.0, 2.0, 2.5, 2.6, 1.0];
        int calls = 0;
        float[]? bestValues = null;
        TrainingEvaluator evaluate = _ =>
        {
            if (calls == 1) bestValues = model.Parameters.Values.ToArray();
            return new Dictionary<string, double> { ["eval_loss"] = scripted[calls++] };
        };
        var result = new Trainer(new TrainerOptions
        {
            BatchSize = 1, MaxSteps = 20, EvaluateEverySteps = 2, EarlyStoppingPatience = 2, OutputDirectory = dir.Path,
            LoadBestAtEnd = true, LearningRate = 0.1f,
        }).Train(model, Enumerable.Range(0, 50), new TrainerLearningTests.IdentityCollator(), evaluate);
        Assert.True(result.StoppedEarly);
        Assert.Equal(8, result.GlobalStep);
        Assert.Equal((2.0, 4), (result.BestMetric!.Value, result.BestStep!.Value));
        Assert.Equal(bestValues, model.Parameters.Values);
        var best = new TrainerLearningTests.FixedGradientModel([0f, 0f]);
        Assert.Equal(4, TrainerCheckpoint.Load(Path.Combine(dir.Path, Trainer.BestFolder), best.Parameters).GlobalStep);
        Assert.Equal(bestValues, best.Parameters.Values);
        var missing = Assert.Throws<InvalidOperationException>(() => new Trainer(new TrainerOptions
        {
            BatchSize = 1, MaxSteps = 2, EvaluateEverySteps = 1, MetricForBestModel = "accuracy",
        }).Train(model, [1, 2], new TrainerLearningTests.IdentityCollator(), evaluate));
        Assert.Contains("accuracy", missing.Message);
    }

    [Fact]
    public void ProgressReportsEveryStepWithRateAndEta()
    {
        var reports = new List<TrainingProgress>();
        var model = new TrainerLearningTests.FixedGradientModel([1f]);
        new Trainer(new TrainerOptions { BatchSize = 2, Epochs = 2, WarmupSteps = 2, LearningRate = 1f })
            .Train(model, Enumerable.Range(0, 7), new TrainerLearningTests.IdentityCollator(), progress: new SyncProgress(reports.Add));
        // 7 examples, batch 2: 4 batches (the last short) per epoch, 8 steps.
        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(8, r.TotalSteps));
        Assert.Equal([0f, 0.5f, 1f], reports.Take(3).Select(r => r.LearningRate));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], reports.Select(r => r.Epoch));
        Assert.Equal(TimeSpan.Zero, reports[^1].EstimatedRemaining);
        Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions()).Train(model, Array.Empty<int>(), new TrainerLearningTests.IdentityCollator()));
    }
}
