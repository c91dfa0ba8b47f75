// The fitted linear head: the Tasks API's SoftmaxRegression, softmax(W·features + b), as Score (with slot names) and its argmax as a Key PredictedLabel
// carrying the label's KeyValues in their original type, computed for a whole batch of rows at once. Saves W, b and the
// label values (with their type) as JSON.
using System.Numerics.Tensors;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using LlmMlNet.Transformers.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

/// <summary>A trained softmax-regression head over a features vector. Row-to-row; persisted with <c>mlContext.Model.SaveWithLlm</c>.</summary>
public sealed class LlmLinearHeadTransformer : ILlmPersistableTransformer
{
    /// <summary>The persistence kind of this transformer.</summary>
    public const string KindName = "LlmMlNet.LinearHead/1";

    private readonly Settings _settings;
    private readonly SoftmaxRegression _head;
    private readonly BatchedRowMapping<float[], float[]> _mapping;

    internal LlmLinearHeadTransformer(Settings settings)
    {
        _settings = settings;
        int k = settings.Classes.Length;
        _head = new SoftmaxRegression(settings.FeatureCount, k);
        settings.Weight.CopyTo(_head.Parameters.View("weight"));
        settings.Bias.CopyTo(_head.Parameters.View("bias"));
        var keyValues = LabelKeyValues.FromRecord(settings.KeyValuesType, settings.Classes);
        var expected = ColumnExpectation.KnownSizeVector(NumberDataViewType.Single);
        _mapping = new BatchedRowMapping<float[], float[]>(
            schema =>
            {
                var column = SchemaChecks.Require(schema, settings.FeatureColumnName, expected);
                if (((VectorDataViewType)column.Type).Size != settings.FeatureCount)
                    throw SchemaChecks.Mismatch("input", column.Name, $"Vector<Single, {settings.FeatureCount}>", column.Type.ToString() ?? "");
                return [column];
            },
            row => RowReaders.SingleVector(row, settings.FeatureColumnName),
            Predict,
            [
                BatchOutputColumn<float[]>.Create(settings.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, k),
                    (float[] p, ref VBuffer<float> dst) => dst = new VBuffer<float>(p.Length, (float[])p.Clone()),
                    AnnotationHelpers.Score("MulticlassClassification", "Score", settings.Classes)),
                BatchOutputColumn<float[]>.Create(settings.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), k),
                    (float[] p, ref uint dst) => dst = (uint)TensorPrimitives.IndexOfMax(p) + 1, keyValues.ToAnnotations()),
            ],
            64);
    }

    /// <summary>Class names in key order (the label's KeyValues as invariant text).</summary>
    public IReadOnlyList<string> Classes => _settings.Classes;

    /// <inheritdoc/>
    public string Kind => KindName;

    /// <summary>Always true.</summary>
    public bool IsRowToRowMapper => true;

    // The Tasks API's softmax regression scores the whole batch at once.
    private float[][] Predict(IReadOnlyList<float[]> rows)
    {
        int f = _settings.FeatureCount, k = _settings.Classes.Length;
        var features = new float[rows.Count * f];
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(features, r * f);
        var probabilities = _head.PredictProbabilities(features);
        return Enumerable.Range(0, rows.Count).Select(r => probabilities.AsSpan(r * k, k).ToArray()).ToArray();
    }

    /// <summary>The input schema plus Score and PredictedLabel (the label is not needed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The features column is missing or not Vector&lt;Single&gt; of the trained size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _mapping.GetOutputSchema(inputSchema);

    /// <summary>A lazy scored view.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The features column is missing or has the wrong type.</exception>
    public IDataView Transform(IDataView input) => _mapping.Transform(input);

    /// <summary>A single-row mapper (PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _mapping.GetRowToRowMapper(inputSchema);

    /// <summary>Not supported: use <c>mlContext.Model.SaveWithLlm</c>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public void Save(ModelSaveContext ctx) => throw PersistenceMessages.UseSaveWithLlm(ctx, nameof(LlmLinearHeadTransformer));

    /// <summary>Writes the weights, bias, class names and column names as llmmlnet.json.</summary>
    public void SaveTo(string directory) => ComponentSettings.Write(directory, _settings);

    internal static LlmLinearHeadTransformer LoadFrom(string directory)
    {
        var settings = ComponentSettings.Read<Settings>(directory);
        if (settings.Weight.Length != settings.FeatureCount * settings.Classes.Length || settings.Bias.Length != settings.Classes.Length)
            throw new InvalidDataException($"{Path.Combine(directory, ComponentSettings.FileName)}: weight/bias sizes do not match {settings.Classes.Length} classes × {settings.FeatureCount} features.");
        return new LlmLinearHeadTransformer(settings);
    }

    // KeyValuesType: the label's KeyValues item type ("String", "Int32", ...); null (older files) reads as String.
    internal sealed record Settings(string FeatureColumnName, string ScoreColumnName, string PredictedLabelColumnName, string[] Classes, int FeatureCount,
        float[] Weight, float[] Bias, string? KeyValuesType = null);
}
