// The batched row-to-row plumbing through a toy transformer: GetOutputSchema agrees with Transform, batches of N,
// laziness, CreateEnumerable, EstimatorChain with ML.NET steps around it, and PredictionEngine with per-Position caching.
using LlmMlNet.ML.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Infrastructure;

public class BatchedRowMappingTests
{
    public class Review { public string Text = ""; public string Label = ""; }
    public class Scored { public string Text = ""; public string Upper = ""; public float Length; public string Back = ""; }

    internal static Review[] Reviews(int n) =>
        Enumerable.Range(0, n).Select(i => new Review { Text = $"review {i}", Label = i % 3 == 0 ? "pos" : "neg" }).ToArray();

    [Fact]
    public void TransformCallsBatchFunctionOncePerBatchAndOnlyWhenReadLazily()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(7));
        var transformer = new UppercaseEstimator("Text", batchSize: 3).Fit(data);
        var output = transformer.Transform(data);
        Assert.Empty(transformer.BatchSizes);

        Assert.Equal(7, output.GetColumn<ReadOnlyMemory<char>>("Text").Count());
        Assert.Empty(transformer.BatchSizes);

        var rows = ml.Data.CreateEnumerable<Scored>(output, reuseRowObject: false, ignoreMissingColumns: true).ToArray();
        Assert.Equal(new[] { 3, 3, 1 }, transformer.BatchSizes);
        Assert.Equal(Reviews(7).Select(r => r.Text.ToUpperInvariant()), rows.Select(r => r.Upper));
        Assert.Equal(Reviews(7).Select(r => r.Text), rows.Select(r => r.Text));
        Assert.All(rows, r => Assert.Equal(r.Upper.Length, r.Length));
    }

    [Fact]
    public void OutputSchemaOfEstimatorTransformerAndViewAgree()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(2));
        var estimator = new UppercaseEstimator("Text", 4);
        var transformer = estimator.Fit(data);
        var viewSchema = transformer.Transform(data).Schema;
        Assert.Equal(viewSchema.Select(c => (c.Name, c.Type)), transformer.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)));
        var shape = estimator.GetOutputSchema(SchemaShapes.FromSchema(data.Schema));
        Assert.Equal(viewSchema.Select(c => c.Name), shape.Select(c => c.Name));
        Assert.Equal(SchemaShapes.FromSchema(viewSchema).Select(SchemaShapes.TypeString), shape.Select(SchemaShapes.TypeString));
    }

    public class Numeric { public float Text; }

    [Fact]
    public void WrongInputTypeFailsInEstimatorAndTransformerNamingTheType()
    {
        var ml = new MLContext(1);
        var numeric = ml.Data.LoadFromEnumerable(new[] { new Numeric() });
        var good = new UppercaseEstimator("Text", 2).Fit(ml.Data.LoadFromEnumerable(Reviews(1)));
        const string expected = "Schema mismatch for input column 'Text': expected String, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => new UppercaseEstimator("Text", 2).Fit(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() =>
            new UppercaseEstimator("Text", 2).GetOutputSchema(SchemaShapes.FromSchema(numeric.Schema))).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => good.Transform(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => good.GetRowToRowMapper(numeric.Schema)).Message);
    }

    [Fact]
    public void RunsInsideEstimatorChainWithMlNetStepsAround()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(5));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(new UppercaseEstimator("Text", 2))
            .Append(ml.Transforms.Conversion.MapKeyToValue("Back", "Key"));
        var model = pipeline.Fit(data);
        var rows = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).ToArray();
        Assert.Equal(Reviews(5).Select(r => r.Label), rows.Select(r => r.Back));
        Assert.Equal("REVIEW 4", rows[4].Upper);
    }

    [Fact]
    public void PredictionEngineMatchesTransformAndComputesOncePerRow()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(4));
        var transformer = new UppercaseEstimator("Text", 3).Fit(data);
        var expected = ml.Data.CreateEnumerable<Scored>(transformer.Transform(data), false, ignoreMissingColumns: true).ToArray();
        transformer.BatchSizes.Clear();

        var engine = ml.Model.CreatePredictionEngine<Review, Scored>(transformer);
        var inputs = Reviews(4);
        for (int i = 0; i < inputs.Length; i++)
        {
            var prediction = engine.Predict(inputs[i]);
            Assert.Equal(expected[i].Upper, prediction.Upper);
            Assert.Equal(expected[i].Length, prediction.Length);
        }
        Assert.Equal(new[] { 1, 1, 1, 1 }, transformer.BatchSizes);
    }

    [Fact]
    public void RowMapperReportsDependenciesOfComputedAndPassThroughColumns()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(1));
        var mapper = new UppercaseEstimator("Text", 3).Fit(data).GetRowToRowMapper(data.Schema);
        Assert.Equal(new[] { "Text" }, mapper.GetDependencies([mapper.OutputSchema["Length"]]).Select(c => c.Name));
        Assert.Equal(new[] { "Label" }, mapper.GetDependencies([mapper.OutputSchema["Label"]]).Select(c => c.Name));
    }

    [Fact]
    public void BatchFunctionReturningWrongCountIsReported()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews(3));
        var mapping = new BatchedRowMapping<string, string>(
            s => [s["Text"]], row => () => "x", inputs => ["only one"],
            [BatchOutputColumn<string>.Create("Out", TextDataViewType.Instance, (string r, ref ReadOnlyMemory<char> d) => d = r.AsMemory())], 3);
        var error = Assert.Throws<InvalidOperationException>(() => mapping.Transform(data).GetColumn<ReadOnlyMemory<char>>("Out").ToList());
        Assert.Contains("1 results for 3 rows", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchedRowMapping<string, string>(
            s => [], row => () => "", x => [], mapping.Outputs, batchSize: 0));
    }
}
