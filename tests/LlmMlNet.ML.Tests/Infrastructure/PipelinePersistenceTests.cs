// One-file persistence of pipelines mixing ML.NET steps and ours: round trip to identical predictions, atomic
// writes, clear errors for unsavable steps, unknown kinds and foreign files.
using System.IO.Compression;
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.ML.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace LlmMlNet.ML.Tests.Infrastructure;

public sealed class PipelinePersistenceTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "llmmlnet-persist-" + Guid.NewGuid().ToString("N"));

    public PipelinePersistenceTests()
    {
        Directory.CreateDirectory(_dir);
        LlmTransformerRegistry.Register(UppercaseTransformer.KindName, UppercaseTransformer.LoadFrom);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public class Scored { public string Upper = ""; public float Length; public string Back = ""; public uint Key; }

    private static (MLContext, IDataView, ITransformer) Fitted()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(BatchedRowMappingTests.Reviews(6));
        var model = ml.Transforms.Conversion.MapValueToKey("Key", "Label")
            .Append(new UppercaseEstimator("Text", 4, suffix: "!"))
            .Append(ml.Transforms.Conversion.MapKeyToValue("Back", "Key"))
            .Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void RoundTripGivesIdenticalPredictionsThroughTransformAndEngine()
    {
        var (ml, data, model) = Fitted();
        string path = Path.Combine(_dir, "model.zip");
        ml.Model.SaveWithLlm(model, data.Schema, path);

        var loaded = new MLContext(2).Model.LoadWithLlm(path, out var inputSchema);
        Assert.Equal(data.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
        Assert.Equal(3, Assert.IsType<TransformerChain<ITransformer>>(loaded).Count());
        string Key(Scored s) => $"{s.Upper}|{s.Length}|{s.Back}|{s.Key}";
        var before = ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).Select(Key).ToArray();
        var after = ml.Data.CreateEnumerable<Scored>(loaded.Transform(data), false).Select(Key).ToArray();
        Assert.Equal(before, after);
        Assert.EndsWith("!", before[0].Split('|')[0]);

        var engine = ml.Model.CreatePredictionEngine<BatchedRowMappingTests.Review, Scored>(loaded, inputSchema);
        Assert.Equal(before, BatchedRowMappingTests.Reviews(6).Select(r => Key(engine.Predict(r))));

        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(new[] { "manifest.json", "steps/000.mlnet.zip", "steps/001/config.txt", "steps/002.mlnet.zip" },
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    private sealed class Unsavable(ITransformer inner) : ITransformer
    {
        public bool IsRowToRowMapper => inner.IsRowToRowMapper;
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => inner.GetOutputSchema(inputSchema);
        public IDataView Transform(IDataView input) => inner.Transform(input);
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => inner.GetRowToRowMapper(inputSchema);
        public void Save(ModelSaveContext ctx)
        {
        }
    }

    [Fact]
    public void UnsavableStepFailsNamingItAndLeavesExistingFileUntouched()
    {
        var (ml, data, model) = Fitted();
        string path = Path.Combine(_dir, "model.zip");
        File.WriteAllText(path, "previous");
        var chain = new TransformerChain<ITransformer>(model, new Unsavable(model));
        var error = Assert.Throws<InvalidOperationException>(() => ml.Model.SaveWithLlm(chain, data.Schema, path));
        Assert.Contains("step 3 (Unsavable)", error.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void LoadRejectsUnknownKindsForeignFilesAndBadManifests()
    {
        var (ml, data, model) = Fitted();
        string path = Path.Combine(_dir, "model.zip");
        ml.Model.SaveWithLlm(model, data.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("manifest.json")!;
            string json;
            using (var reader = new StreamReader(entry.Open())) json = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
            writer.Write(json.Replace(UppercaseTransformer.KindName, "Nobody/1"));
        }
        var unknown = Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithLlm(path, out _));
        Assert.Contains("step 1 has kind 'Nobody/1'", unknown.Message);

        string foreign = Path.Combine(_dir, "foreign.zip");
        File.WriteAllText(foreign, "not a zip");
        Assert.Contains(foreign, Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithLlm(foreign, out _)).Message);

        string badVersion = Path.Combine(_dir, "bad.zip");
        using (var zip = ZipFile.Open(badVersion, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
            writer.Write("{\"format\":\"LlmMlNet.Pipeline\",\"version\":99,\"inputSchema\":[],\"steps\":[]}");
        Assert.Contains("field 'version' is 99", Assert.Throws<InvalidDataException>(() => ml.Model.LoadWithLlm(badVersion, out _)).Message);
        Assert.Throws<FileNotFoundException>(() => ml.Model.LoadWithLlm(Path.Combine(_dir, "missing.zip"), out _));
    }
}
