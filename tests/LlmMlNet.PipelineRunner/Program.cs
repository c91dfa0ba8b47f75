// Usage: LlmMlNet.PipelineRunner MODEL.zip INPUT.tsv COLUMN
// Loads MODEL.zip with mlContext.Model.LoadWithLlm in this fresh process, reads INPUT.tsv (a header line, then
// one row per line, columns named and typed as the saved input schema) and prints COLUMN (a Single vector) of
// every row, one line per row, values in round-trip form separated by spaces. Test support for ModelCatalogTests.
using System.Globalization;
using LlmMlNet.ML;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: LlmMlNet.PipelineRunner MODEL.zip INPUT.tsv COLUMN");
    return 1;
}
var ml = new MLContext(seed: 12345);
var model = ml.Model.LoadWithLlm(args[0], out var inputSchema);
var columns = inputSchema.Select((c, i) => new TextLoader.Column(c.Name, KindOf(c.Type), i)).ToArray();
var data = ml.Data.LoadFromTextFile(args[1], columns, separatorChar: '\t', hasHeader: true, allowQuoting: false);
var scored = model.Transform(data);
using var cursor = scored.GetRowCursor([scored.Schema[args[2]]]);
var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema[args[2]]);
var value = default(VBuffer<float>);
while (cursor.MoveNext())
{
    getter(ref value);
    Console.WriteLine(string.Join(' ', value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
}
return 0;

static DataKind KindOf(DataViewType type) => type switch
{
    TextDataViewType => DataKind.String,
    _ when type.RawType == typeof(float) => DataKind.Single,
    _ when type.RawType == typeof(double) => DataKind.Double,
    _ when type.RawType == typeof(int) => DataKind.Int32,
    _ when type.RawType == typeof(bool) => DataKind.Boolean,
    _ => throw new NotSupportedException($"input column type {type} is not supported by this runner"),
};
