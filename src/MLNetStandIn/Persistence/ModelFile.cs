// The stand-in's internal model file: a zip with the input schema and a tree of component records written
// through ModelSaveContext. Only the stand-in's own transforms and chains can be saved; an out-of-tree
// transformer writes nothing and fails with ML.NET's "ModelSignature not specified!". Not ML.NET-compatible.
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML;

internal static class ModelFile
{
    private static readonly Dictionary<string, Func<ModelSaveContext, ITransformer>> Loaders = new(StringComparer.Ordinal)
    {
        [ValueToKeyMappingTransformer.LoaderSignature] = ValueToKeyMappingTransformer.Load,
        [KeyToValueMappingTransformer.LoaderSignature] = KeyToValueMappingTransformer.Load,
        [ColumnConcatenatingTransformer.LoaderSignature] = ColumnConcatenatingTransformer.Load,
        [ColumnCopyingTransformer.LoaderSignature] = ColumnCopyingTransformer.Load,
        [ColumnSelectingTransformer.LoaderSignature] = ColumnSelectingTransformer.Load,
        [TransformerChainPersistence.LoaderSignature] = TransformerChainPersistence.Load,
    };

    private sealed record Node(string Signature, Dictionary<string, string> Values, List<Node> Children);

    private sealed record SchemaColumn(string Name, string Type);

    public static ModelSaveContext SaveComponent(ICanSaveModel component)
    {
        var ctx = new ModelSaveContext();
        component.Save(ctx);
        ctx.Done();
        return ctx;
    }

    public static void Save(ITransformer model, DataViewSchema inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(stream);
        var root = ToNode(SaveComponent(model));
        var schema = inputSchema.Where(c => !c.IsHidden).Select(c => new SchemaColumn(c.Name, TypeCodec.Encode(c.Type))).ToList();
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        Write(zip, "Schema", JsonSerializer.Serialize(schema));
        Write(zip, "TransformerChain/Model.json", JsonSerializer.Serialize(root));
    }

    public static ITransformer Load(Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var schema = JsonSerializer.Deserialize<List<SchemaColumn>>(Read(zip, "Schema"))!;
        var builder = new DataViewSchema.Builder();
        foreach (var column in schema) builder.AddColumn(column.Name, TypeCodec.Decode(column.Type));
        inputSchema = builder.ToSchema();
        var root = JsonSerializer.Deserialize<Node>(Read(zip, "TransformerChain/Model.json"))!;
        return Instantiate(FromNode(root));
    }

    public static ITransformer Instantiate(ModelSaveContext ctx)
    {
        if (ctx.LoaderSignature == null || !Loaders.TryGetValue(ctx.LoaderSignature, out var load))
            throw new InvalidOperationException($"Unknown loader signature '{ctx.LoaderSignature}' in the model file.");
        return load(ctx);
    }

    private static Node ToNode(ModelSaveContext ctx) =>
        new(ctx.LoaderSignature!, new Dictionary<string, string>(ctx.Values), ctx.Children.Select(ToNode).ToList());

    private static ModelSaveContext FromNode(Node node)
    {
        var ctx = new ModelSaveContext();
        ctx.SetVersionInfo(node.Signature);
        foreach (var (key, value) in node.Values) ctx.Values[key] = value;
        ctx.Children.AddRange(node.Children.Select(FromNode));
        return ctx;
    }

    private static void Write(ZipArchive zip, string name, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(content);
    }

    private static string Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The model file has no '{name}' entry.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
