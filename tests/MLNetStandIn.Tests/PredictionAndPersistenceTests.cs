// PredictionEngine (same answers as Transform, input Position advancing per call) and Model.Save/Load
// (the stand-in's own transforms round-trip; an out-of-tree transformer fails the way real ML.NET does).
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class PredictionAndPersistenceTests
{
    public class Input { public string Label = ""; public float A; public float B; }
    public class Output { public uint Key; public string Back = ""; public float[] Features = []; }

    private static Input[] Inputs() =>
    [
        new() { Label = "x", A = 1, B = 2 }, new() { Label = "y", A = 3, B = 4 }, new() { Label = "x", A = 5, B = 6 },
    ];

    private static (MLContext, IDataView, ITransformer) Fitted()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Inputs());
        var model = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(ml.Transforms.Conversion.MapKeyToValue("Back", "Key"))
            .Append(ml.Transforms.Concatenate("Features", "A", "B"))
            .Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void PredictionEngineMatchesTransformAndAdvancesPosition()
    {
        var (ml, data, model) = Fitted();
        var spy = new OutOfTreeTransformer(model);
        var engine = ml.Model.CreatePredictionEngine<Input, Output>(spy);
        var expected = ml.Data.CreateEnumerable<Output>(model.Transform(data), false).ToArray();
        var inputs = Inputs();
        for (int i = 0; i < inputs.Length; i++)
        {
            var prediction = engine.Predict(inputs[i]);
            Assert.Equal(expected[i].Key, prediction.Key);
            Assert.Equal(expected[i].Back, prediction.Back);
            Assert.Equal(expected[i].Features, prediction.Features);
            Assert.Equal(i, spy.MappedInputs.Single().Position);
        }
        Assert.Equal(new[] { "Label", "A", "B", "Key", "Back", "Features" }, engine.OutputSchema.Select(c => c.Name));
    }

    [Fact]
    public void PredictionEngineNeedsRowToRowTransformer()
    {
        var (ml, _, model) = Fitted();
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Model.CreatePredictionEngine<Input, Output>(new OutOfTreeTransformer(model, rowToRow: false)));
    }

    [Fact]
    public void OwnTransformsSaveAndLoadToIdenticalOutput()
    {
        var (ml, data, model) = Fitted();
        string path = Path.Combine(Path.GetTempPath(), $"standin-model-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            var loaded = ml.Model.Load(path, out var inputSchema);
            Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
            var before = ml.Data.CreateEnumerable<Output>(model.Transform(data), false).ToArray();
            var after = ml.Data.CreateEnumerable<Output>(loaded.Transform(data), false).ToArray();
            Assert.Equal(before.Select(o => (o.Key, o.Back, string.Join(",", o.Features))), after.Select(o => (o.Key, o.Back, string.Join(",", o.Features))));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void OutOfTreeTransformerCannotBeSavedLikeRealMlNet()
    {
        var (ml, data, model) = Fitted();
        var chain = new TransformerChain<ITransformer>(model, new OutOfTreeTransformer(model));
        var error = Assert.Throws<InvalidOperationException>(() => ml.Model.Save(chain, data.Schema, new MemoryStream()));
        Assert.Equal("ModelSignature not specified!", error.Message);
    }
}
