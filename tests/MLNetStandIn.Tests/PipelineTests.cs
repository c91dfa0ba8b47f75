// Behaviour of chains and the stand-in's own transforms: schema propagation before Fit, key mapping,
// concatenation, copy/drop, row-to-row composition and the train/test split.
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Xunit;

namespace MLNetStandIn.Tests;

public class PipelineTests
{
    public class Review
    {
        public string Label = "";
        public float A;
        public float B;
        [VectorType(2)] public float[] V = [];
    }

    private static Review[] Reviews() =>
    [
        new() { Label = "pos", A = 1, B = 2, V = [3, 4] },
        new() { Label = "neg", A = 5, B = 6, V = [7, 8] },
        new() { Label = "pos", A = 9, B = 10, V = [11, 12] },
        new() { Label = "", A = 0, B = 0, V = [0, 0] },
    ];

    [Fact]
    public void FitPropagatesSchemaThroughWholeChainBeforeFittingAny()
    {
        var ml = new MLContext(1);
        var log = new List<string>();
        var pipeline = new SpyEstimator<ITransformer>("key", ml.Transforms.Conversion.MapValueToKey("Key", "Label"), log)
            .Append(new SpyEstimator<ITransformer>("copy", ml.Transforms.CopyColumns("Copy", "Key"), log));
        pipeline.Fit(ml.Data.LoadFromEnumerable(Reviews()));
        Assert.Equal(new[] { "Schema key", "Schema copy", "Fit key", "Fit copy" }, log);
    }

    [Fact]
    public void SchemaErrorInLaterEstimatorFailsBeforeAnyFit()
    {
        var ml = new MLContext(1);
        var log = new List<string>();
        var pipeline = new SpyEstimator<ITransformer>("key", ml.Transforms.Conversion.MapValueToKey("Key", "Label"), log)
            .Append(ml.Transforms.Conversion.MapKeyToValue("Back", "A"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(ml.Data.LoadFromEnumerable(Reviews())));
        Assert.Contains("Schema mismatch for input column 'A': expected key type, got Single", error.Message);
        Assert.DoesNotContain("Fit key", log);
    }

    [Fact]
    public void ValueToKeyIsOneBasedByOccurrenceWithKeyValuesAndKeyToValueInverts()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews());
        var model = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(ml.Transforms.Conversion.MapKeyToValue("Back", "Key")).Fit(data);
        var output = model.Transform(data);
        Assert.Equal(new KeyDataViewType(typeof(uint), 2), output.Schema["Key"].Type);
        Assert.Equal(new uint[] { 1, 2, 1, 0 }, output.GetColumn<uint>("Key"));
        VBuffer<ReadOnlyMemory<char>> values = default;
        output.Schema["Key"].GetKeyValues(ref values);
        Assert.Equal(new[] { "pos", "neg" }, values.DenseValues().Select(v => v.ToString()));
        Assert.Equal(new[] { "pos", "neg", "pos", "" }, output.GetColumn<ReadOnlyMemory<char>>("Back").Select(v => v.ToString()));
    }

    [Fact]
    public void ByValueOrdinalitySortsAndVectorInputsMapPerItem()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews());
        var byValue = ml.Transforms.Conversion.MapValueToKey("Key", "Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(data);
        Assert.Equal(new uint[] { 2, 1, 2, 0 }, byValue.Transform(data).GetColumn<uint>("Key"));
        var vector = ml.Transforms.Conversion.MapValueToKey("VKey", "V").Fit(data).Transform(data);
        Assert.Equal(new VectorDataViewType(new KeyDataViewType(typeof(uint), 7), 2), vector.Schema["VKey"].Type);
        Assert.Equal(new uint[] { 5, 6 }, vector.GetColumn<VBuffer<uint>>("VKey").Skip(2).First().DenseValues());
    }

    [Fact]
    public void ConcatenateCopyAndDropShapeTheSchema()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews());
        var estimator = ml.Transforms.Concatenate("Features", "A", "V", "B")
            .Append(ml.Transforms.CopyColumns("Copy", "Features"))
            .Append(ml.Transforms.DropColumns("A", "B"));
        var output = estimator.Fit(data).Transform(data);
        Assert.Equal(new[] { "Label", "V", "Features", "Copy" }, output.Schema.Select(c => c.Name));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), output.Schema["Features"].Type);
        Assert.Equal(new[] { 1f, 3f, 4f, 2f }, output.GetColumn<VBuffer<float>>("Copy").First().DenseValues());
        var shape = estimator.GetOutputSchema(SchemaShapeOf(data));
        Assert.Equal(new[] { "Label", "V", "Features", "Copy" }, shape.Select(c => c.Name));
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, shape[2].Kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Concatenate("F", "A", "Label").Fit(data));
    }

    /// <summary>The only public way to get a SchemaShape from data: fit nothing, ask an empty chain.</summary>
    private static SchemaShape SchemaShapeOf(IDataView data)
    {
        var ml = new MLContext(1);
        var log = new List<string>();
        SchemaShape? captured = null;
        var probe = new ShapeProbe(s => captured = s);
        new EstimatorChain<ITransformer>().Append(probe).Fit(data);
        return captured!;
    }

    private sealed class ShapeProbe(Action<SchemaShape> capture) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input) => new TransformerChain<ITransformer>();

        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            capture(inputSchema);
            return inputSchema;
        }
    }

    [Fact]
    public void TransformerChainIsRowToRowOnlyWhenAllMembersAre()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Reviews());
        var copy = ml.Transforms.CopyColumns("C", "A").Fit(data);
        ITransformer good = new TransformerChain<ITransformer>(copy, copy);
        ITransformer bad = new TransformerChain<ITransformer>(copy, new OutOfTreeTransformer(copy, rowToRow: false));
        Assert.True(good.IsRowToRowMapper);
        Assert.False(bad.IsRowToRowMapper);
        Assert.Throws<InvalidOperationException>(() => bad.GetRowToRowMapper(data.Schema));
        var mapper = good.GetRowToRowMapper(data.Schema);
        Assert.Equal(new[] { "A" }, mapper.GetDependencies([mapper.OutputSchema["C"]]).Select(c => c.Name));
    }

    [Fact]
    public void TrainTestSplitIsDisjointCompleteAndSeeded()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1000).Select(i => new Review { A = i, V = [0, 0] }).ToArray());
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 7);
        var train = split.TrainSet.GetColumn<float>("A").ToArray();
        var test = split.TestSet.GetColumn<float>("A").ToArray();
        Assert.Equal(1000, train.Length + test.Length);
        Assert.Empty(train.Intersect(test));
        Assert.InRange(test.Length, 150, 250);
        Assert.Equal(test, ml.Data.TrainTestSplit(data, 0.2, seed: 7).TestSet.GetColumn<float>("A"));
        Assert.NotEqual(test, ml.Data.TrainTestSplit(data, 0.2, seed: 8).TestSet.GetColumn<float>("A"));
        Assert.InRange(ml.Data.TrainTestSplit(data, seed: 7).TestSet.GetColumn<float>("A").Count(), 60, 140);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(data, testFraction: 1.0));
    }

    [Fact]
    public void TrainTestSplitKeepsEqualSamplingKeysTogether()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 400).Select(i => new Review { Label = "g" + i % 40, A = i, V = [0, 0] }).ToArray());
        var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, samplingKeyColumnName: "Label", seed: 3);
        var trainGroups = split.TrainSet.GetColumn<ReadOnlyMemory<char>>("Label").Select(m => m.ToString()).ToHashSet();
        var testGroups = split.TestSet.GetColumn<ReadOnlyMemory<char>>("Label").Select(m => m.ToString()).ToHashSet();
        Assert.Empty(trainGroups.Intersect(testGroups));
        Assert.Equal(40, trainGroups.Count + testGroups.Count);
        Assert.InRange(testGroups.Count, 3, 20);
        Assert.Equal(400, split.TrainSet.GetColumn<float>("A").Count() + split.TestSet.GetColumn<float>("A").Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(data, samplingKeyColumnName: "Missing"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.TrainTestSplit(data, samplingKeyColumnName: "V"));
    }
}
