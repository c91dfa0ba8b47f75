// Saving the ML.NET way: mlContext.Model.SaveWithLlm / LoadWithLlm store a chain that mixes ML.NET's transforms
// and trainers (MapValueToKey, Concatenate, SdcaMaximumEntropy, MapKeyToValue) with ours in one file, and a fresh
// MLContext and a fresh process (LlmMlNet.PipelineRunner) predict exactly the same; plain mlContext.Model.Save of
// such a chain fails naming SaveWithLlm and leaves no file behind (ML.NET creates the file before it reaches our step).
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using LlmMlNet.ML.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Persistence;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public sealed class Review
    {
        public string Text = "";
        public string Label = "";
        public float Stars;
    }

    public sealed class Scored
    {
        public float[] Score = [];
        public string PredictedText = "";
    }

    private static Review[] Reviews() =>
    [
        new() { Text = "a wonderful warm film", Label = "good", Stars = 5 },
        new() { Text = "dull and far too long", Label = "bad", Stars = 1 },
        new() { Text = "great acting and a fine story", Label = "good", Stars = 4 },
        new() { Text = "boring plot, weak ending", Label = "bad", Stars = 2 },
        new() { Text = "lovely music, lovely cast", Label = "good", Stars = 5 },
        new() { Text = "the worst film this year", Label = "bad", Stars = 1 },
    ];

    private static (MLContext, IDataView, ITransformer) Fitted()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews());
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.ExtractTransformerFeatures("Embedding", TestModels.BertTiny, "Text", batchSize: 4))
            .Append(ml.Transforms.Concatenate("Features", "Embedding", "Stars"))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features", maximumNumberOfIterations: 20))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"))
            .Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void AChainOfMlNetTrainersAndOursRoundTripsToIdenticalPredictions()
    {
        var (ml, data, model) = Fitted();
        string path = _temp.Sub("model.zip");
        ml.Model.SaveWithLlm(model, data.Schema, path);

        var fresh = new MLContext(99);
        var loaded = fresh.Model.LoadWithLlm(path, out var inputSchema);
        Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
        var before = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).ToArray();
        var after = fresh.Data.CreateEnumerable<Scored>(loaded.Transform(fresh.Data.LoadFromEnumerable(Reviews())), false).ToArray();
        Assert.Equal(before.Select(s => s.Score), after.Select(s => s.Score));
        Assert.Equal(before.Select(s => s.PredictedText), after.Select(s => s.PredictedText));
        Assert.All(before, s => Assert.Contains(s.PredictedText, new[] { "good", "bad" }));

        var engine = fresh.Model.CreatePredictionEngine<Review, Scored>(loaded, inputSchema);
        Assert.Equal(before[1].Score, engine.Predict(Reviews()[1]).Score);

        // One file: a versioned manifest, ML.NET's own entries for its steps, a folder for ours; no temporary file left.
        using var zip = ZipFile.OpenRead(path);
        var manifest = new StreamReader(zip.GetEntry("manifest.json")!.Open()).ReadToEnd();
        Assert.Contains("\"version\": 1", manifest);
        Assert.Contains(zip.Entries, e => e.FullName == "steps/003.mlnet.zip");
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith("steps/001/model/", StringComparison.Ordinal));
        Assert.Equal(["model.zip"], Directory.GetFiles(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AFreshProcessLoadsTheFileAndPredictsTheSameScores()
    {
        var (ml, data, model) = Fitted();
        string path = _temp.Sub("model.zip"), input = _temp.Sub("input.tsv");
        ml.Model.SaveWithLlm(model, data.Schema, path);
        File.WriteAllLines(input, Reviews().Select(r => $"{r.Text}\t{r.Label}\t{r.Stars.ToString(CultureInfo.InvariantCulture)}").Prepend("Text\tLabel\tStars"));
        var expected = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false)
            .Select(s => string.Join(' ', s.Score.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))).ToArray();

        // The runner is built beside this test project (same configuration and framework folders).
        string runner = Path.Combine(AppContext.BaseDirectory.Replace("LlmMlNet.ML.Tests", "LlmMlNet.PipelineRunner"), "LlmMlNet.PipelineRunner.dll");
        var info = new ProcessStartInfo("dotnet", [runner, path, input, "Score"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await error);
        Assert.Equal(expected, (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void PlainModelSaveFailsNamingSaveWithLlmAndLeavesNoFile()
    {
        var (ml, data, model) = Fitted();
        string path = _temp.Sub("plain.zip");
        var error = Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, path));
        Assert.Contains("SaveWithLlm", error.Message);
        Assert.False(File.Exists(path), "ML.NET's half-written file is still there");
        Assert.Empty(Directory.GetFiles(_temp.Path));

        // A stream the caller owns is left to the caller (ML.NET wrote into it; nothing is closed or deleted).
        using var stream = new MemoryStream();
        Assert.Contains("SaveWithLlm", Assert.ThrowsAny<Exception>(() => ml.Model.Save(model, data.Schema, stream)).Message);
        Assert.True(stream.CanWrite);
    }
}
