// The checks every estimator's workout test makes, in one place: GetOutputSchema of the estimator, of the
// transformer and of the transformed view agree; a PredictionEngine over the transformer gives what Transform
// gives; a SaveWithLlm / LoadWithLlm round trip gives identical output. Not a test class itself.
using LlmMlNet.ML.Infrastructure;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Support;

internal static class Workout
{
    /// <summary>Estimator shape, transformer schema and the schema Transform produces list the same columns, types and annotation types.</summary>
    public static void SchemasAgree<T>(IEstimator<T> estimator, T transformer, IDataView data) where T : ITransformer
    {
        var viewSchema = transformer.Transform(data).Schema;
        Assert.Equal(viewSchema.Select(c => (c.Name, c.Type)), transformer.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)));
        var shape = estimator.GetOutputSchema(SchemaShapes.FromSchema(data.Schema));
        var visible = SchemaShapes.FromSchema(viewSchema);
        Assert.Equal(visible.Select(c => c.Name), shape.Select(c => c.Name));
        Assert.Equal(visible.Select(SchemaShapes.TypeString), shape.Select(SchemaShapes.TypeString));
        Assert.Equal(visible.Select(Annotations), shape.Select(Annotations));
    }

    private static string Annotations(SchemaShape.Column column) =>
        column.Name + ": " + string.Join(", ", column.Annotations.Select(a => a.Name + " " + SchemaShapes.TypeString(a)));

    /// <summary>Saves <paramref name="model"/> with SaveWithLlm into a temp file and loads it back.</summary>
    public static ITransformer RoundTrip(MLContext ml, ITransformer model, IDataView data)
    {
        string path = Path.Combine(Path.GetTempPath(), "llmmlnet-workout-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            ml.Model.SaveWithLlm(model, data.Schema, path);
            return new MLContext(7).Model.LoadWithLlm(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Every row of <paramref name="name"/> in <paramref name="view"/> read through a cursor.</summary>
    public static List<T> Column<T>(IDataView view, string name) => view.GetColumn<T>(name).ToList();
}
