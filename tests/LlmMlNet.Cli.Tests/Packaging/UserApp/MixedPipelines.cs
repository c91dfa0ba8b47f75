// The throwaway user app's second file (the first is the README's example): our components beside ML.NET's own
// TextLoader, MapValueToKey, AppendCacheCheckpoint, SdcaMaximumEntropy, evaluator, Preview and CrossValidate,
// all from the packed NuGet packages. Throws on a wrong result; prints "mixed pipelines ok" at the end.
using LlmMlNet.ML;
using LlmMlNet.Tokenizers;
using LlmMlNet.Tokenizers.MLTokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Training;
using LlmMlNet.Workbench.Synthetic;
using Microsoft.ML;
using Microsoft.ML.Data;

public static class MixedPipelines
{
    public static void Run()
    {
        string folder = Directory.CreateTempSubdirectory("llmmlnet-userapp-").FullName;
        var tokenizer = Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.FromLexicon());
        string modelPath = Path.Combine(folder, "bert");
        Pretraining.Save(Pretraining.FromScratch("tiny", ModelFamily.Bert, tokenizer, seed: 7), tokenizer, modelPath);

        // A TSV file read by ML.NET's TextLoader, as a user's data would be.
        var reviews = SentimentDatasetGenerator.Generate(seed: 2);
        var rows = reviews.Train.Concat(reviews.Validation).ToList();
        string tsv = Path.Combine(folder, "reviews.tsv");
        File.WriteAllLines(tsv, rows.Select(e => $"{e.Label}\t{e.Text}").Prepend("Label\tSentence1"));
        var ml = new MLContext(seed: 3);
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true,
            Separators = ['\t'],
            Columns = [new TextLoader.Column("Label", DataKind.String, 0), new TextLoader.Column("Sentence1", DataKind.String, 1)],
        });
        IDataView data = loader.Load(tsv);

        // Our embeddings feed ML.NET's own trainer.
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.Text.ExtractTransformerFeatures("Features", modelPath, "Sentence1"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Features", maximumNumberOfIterations: 30))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 4);
        var model = pipeline.Fit(split.TrainSet);
        var scored = model.Transform(split.TestSet);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        long testRows = CountRows(split.TestSet);
        long counted = Enumerable.Range(0, metrics.ConfusionMatrix.NumberOfClasses)
            .Sum(i => metrics.ConfusionMatrix.Counts[i].Sum(c => (long)c));
        Check(counted == testRows, $"the confusion matrix counts {counted} rows, the test set has {testRows}");
        double majority = ml.Data.CreateEnumerable<LabelRow>(split.TestSet, reuseRowObject: false).GroupBy(r => r.Label).Max(g => g.Count()) / (double)testRows;
        Check(metrics.MicroAccuracy > majority, $"SDCA on our features: micro-accuracy {metrics.MicroAccuracy:F3} is not above the majority rate {majority:F3}");
        Console.WriteLine($"sdca-on-features micro-accuracy {metrics.MicroAccuracy:F3} (majority {majority:F3})");

        // Preview shows our column beside ML.NET's.
        var preview = scored.Preview(maxRows: 4); // hidden columns too: the last of a name is the visible one
        Check(preview.RowView.Length == 4, $"Preview returned {preview.RowView.Length} rows");
        var featureType = (VectorDataViewType)scored.Schema["Features"].Type;
        Check(featureType.Size > 0 && featureType.ItemType == NumberDataViewType.Single, $"Features is {featureType}");
        foreach (var row in preview.RowView)
        {
            var features = (VBuffer<float>)row.Values.Last(kv => kv.Key == "Features").Value;
            Check(features.Length == featureType.Size && features.DenseValues().Any(v => v != 0), "a previewed embedding is empty");
            string predicted = row.Values.Last(kv => kv.Key == "PredictedLabel").Value.ToString()!;
            Check(predicted is "negative" or "positive", $"previewed PredictedLabel '{predicted}'");
        }

        // Cross-validation refits our transformer and ML.NET's trainer on every fold.
        var folds = ml.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3, labelColumnName: "Label");
        Check(folds.Count == 3, $"CrossValidate returned {folds.Count} folds");
        long foldRows = folds.Sum(f => CountRows(f.ScoredHoldOutSet));
        Check(foldRows == rows.Count, $"the folds' hold-out sets hold {foldRows} rows, the file {rows.Count}");
        Check(folds.All(f => f.Metrics.MicroAccuracy is > 0 and <= 1 && f.Metrics.LogLoss > 0), "a fold's metrics are out of range");
        Console.WriteLine($"cross-validation micro-accuracy {string.Join(", ", folds.Select(f => f.Metrics.MicroAccuracy.ToString("F3")))}");

        // The Microsoft.ML.Tokenizers view of our tokenizer counts what the model reads.
        Microsoft.ML.Tokenizers.Tokenizer counting = Tokenizer.Load(modelPath).AsMLTokenizer();
        string sentence = rows[0].Text;
        Check(counting.CountTokens(sentence) == tokenizer.EncodeToIds(sentence, addSpecialTokens: false).Count, "token counts differ");
        Console.WriteLine("mixed pipelines ok");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException(message);
    }

    private static long CountRows(IDataView view)
    {
        long count = 0;
        using var cursor = view.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }
}
