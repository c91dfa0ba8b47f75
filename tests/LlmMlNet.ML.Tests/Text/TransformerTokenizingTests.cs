// Workout of the tokenization step: schemas agree, ids equal the tokenizer's own encoding (truncated, padded),
// Single output, pair input and type ids, wrong column types fail in estimator and transformer naming the
// expected type, bad tokenizer paths name the expected files, save/load and PredictionEngine agree with Transform.
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.ML.Text;
using LlmMlNet.Tokenizers;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Text;

public class TransformerTokenizingTests
{
    public class Row { public string Text = ""; public string Other = ""; }
    public class Tokens { public int[] InputIds = []; public int[] AttentionMask = []; }
    public class Numeric { public float Text; }

    private static readonly Row[] Rows =
    [
        new() { Text = "the movie was great", Other = "a" },
        new() { Text = "", Other = "b c" },
        new() { Text = string.Join(' ', Enumerable.Repeat("word", 40)), Other = "d" },
        new() { Text = "hello world", Other = "" },
        new() { Text = "unbelievable", Other = "e" },
    ];

    [Fact]
    public void WorkoutSchemasIdsEngineAndRoundTrip()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var estimator = ml.Transforms.Text.TokenizeForTransformer(new TransformerTokenizingEstimator.Options
        {
            TokenizerPath = TestModels.BertTiny, OutputColumnName = "InputIds", InputColumnName = "Text", MaximumSequenceLength = 12, BatchSize = 2,
        });
        var transformer = estimator.Fit(data);
        Workout.SchemasAgree(estimator, transformer, data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Int32, 12), transformer.GetOutputSchema(data.Schema)["InputIds"].Type);

        var tokenizer = Tokenizer.Load(TestModels.BertTiny);
        var rows = ml.Data.CreateEnumerable<Tokens>(transformer.Transform(data), reuseRowObject: false).ToArray();
        for (int i = 0; i < Rows.Length; i++)
        {
            var expected = tokenizer.EncodeToIds(Rows[i].Text).Take(12).ToList();
            if (expected.Count == 12) expected[11] = tokenizer.SepTokenId!.Value; // truncation keeps [SEP]
            Assert.Equal(expected, rows[i].InputIds.Take(expected.Count));
            Assert.All(rows[i].InputIds.Skip(expected.Count), id => Assert.Equal(tokenizer.PadTokenId!.Value, id));
            Assert.Equal(Enumerable.Repeat(1, expected.Count).Concat(Enumerable.Repeat(0, 12 - expected.Count)), rows[i].AttentionMask);
        }
        Assert.Equal(12, rows[2].AttentionMask.Sum());

        var engine = ml.Model.CreatePredictionEngine<Row, Tokens>(transformer);
        for (int i = 0; i < Rows.Length; i++)
        {
            var predicted = engine.Predict(Rows[i]);
            Assert.Equal(rows[i].InputIds, predicted.InputIds);
            Assert.Equal(rows[i].AttentionMask, predicted.AttentionMask);
        }

        var loaded = Workout.RoundTrip(ml, transformer, data);
        var again = ml.Data.CreateEnumerable<Tokens>(loaded.Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(rows.Select(r => r.InputIds), again.Select(r => r.InputIds));
        Assert.Equal(rows.Select(r => r.AttentionMask), again.Select(r => r.AttentionMask));
    }

    public class PairTokens { public float[] Ids = []; public float[] Mask = []; public float[] Types = []; }

    [Fact]
    public void PairInputWithSingleOutputAndTypeIds()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var transformer = ml.Transforms.Text.TokenizeForTransformer(new TransformerTokenizingEstimator.Options
        {
            TokenizerPath = TestModels.BertTiny,
            OutputColumnName = "Ids", InputColumnName = "Text", SecondInputColumnName = "Other", AttentionMaskColumnName = "Mask",
            TokenTypeIdsColumnName = "Types", OutputType = TokenColumnType.Single, MaximumSequenceLength = 16,
        }).Fit(data);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 16), transformer.GetOutputSchema(data.Schema)["Types"].Type);
        var tokenizer = Tokenizer.Load(TestModels.BertTiny);
        var first = ml.Data.CreateEnumerable<PairTokens>(transformer.Transform(data), false).First();
        var encoding = tokenizer.Encode(Rows[0].Text, Rows[0].Other);
        Assert.Equal(encoding.Ids.Select(i => (float)i), first.Ids.Take(encoding.Length));
        Assert.Equal(encoding.TypeIds.Select(i => (float)i), first.Types.Take(encoding.Length));
        Assert.Contains(1f, first.Types);
    }

    [Fact]
    public void WrongColumnTypeFailsInEstimatorAndTransformerNamingString()
    {
        var ml = new MLContext(1);
        var good = ml.Data.LoadFromEnumerable(Rows);
        var numeric = ml.Data.LoadFromEnumerable(new[] { new Numeric { Text = 1 } });
        var estimator = ml.Transforms.Text.TokenizeForTransformer("InputIds", TestModels.BertTiny, "Text");
        const string expected = "Schema mismatch for input column 'Text': expected String, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(
            () => estimator.GetOutputSchema(LlmMlNet.ML.Infrastructure.SchemaShapes.FromSchema(numeric.Schema))).Message);
        var transformer = estimator.Fit(good);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Transform(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GetOutputSchema(numeric.Schema)).Message);
        Assert.Contains("Could not find input column 'Missing'",
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TokenizeForTransformer("X", TestModels.BertTiny, "Missing").Fit(good)).Message);
    }

    [Fact]
    public void MissingOrEmptyTokenizerPathNamesTheExpectedFiles()
    {
        var ml = new MLContext(1);
        using var temp = new TempFolder();
        var missing = Assert.Throws<FileNotFoundException>(() => ml.Transforms.Text.TokenizeForTransformer("Ids", temp.Sub("nowhere"), "Text"));
        Assert.Contains("tokenizer.json", missing.Message);
        Assert.Contains("nowhere", missing.Message);
        var empty = Assert.Throws<FileNotFoundException>(() => ml.Transforms.Text.TokenizeForTransformer("Ids", temp.Path, "Text"));
        Assert.Contains("vocab.txt", empty.Message);
        Assert.Throws<ArgumentException>(() => ml.Transforms.Text.TokenizeForTransformer("Ids", "", "Text"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TokenizeForTransformer("Ids", TestModels.BertTiny, "Text", maximumSequenceLength: 1));
    }

    [Fact]
    public void ModelSaveThrowsPointingToSaveWithLlm()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var transformer = ml.Transforms.Text.TokenizeForTransformer("Ids", TestModels.BertTiny, "Text").Fit(data);
        var error = Assert.ThrowsAny<Exception>(() => ml.Model.Save(transformer, data.Schema, new MemoryStream()));
        Assert.Contains("SaveWithLlm", error.ToString());
    }
}
