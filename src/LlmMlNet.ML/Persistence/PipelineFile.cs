// The one implementation behind mlContext.Model.SaveWithLlm / LoadWithLlm: a fitted chain that mixes ML.NET's
// transforms and trainers with ours in one zip file. ML.NET steps are saved one by one with ML.NET's own
// Model.Save into their own entries; our steps (ILlmPersistableTransformer) save into folders; manifest.json
// (format and version) lists the chain in order. Written atomically (temp file + rename), after every step has
// saved. Scopes of nested chains are not kept: every step loads with scope Everything.
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

using LlmMlNet.ML.Infrastructure;

namespace LlmMlNet.ML.Persistence;

/// <summary>One-file persistence of pipelines that contain LlmMlNet transformers.</summary>
internal static class PipelineFile
{
    /// <summary>
    /// Saves <paramref name="model"/> (nested <see cref="TransformerChain{TLastTransformer}"/>s are flattened) with the schema of its
    /// input data to <paramref name="filePath"/>. Nothing is written unless every step can be saved.
    /// </summary>
    /// <exception cref="InvalidOperationException">A step is neither an <see cref="ILlmPersistableTransformer"/> nor savable by ML.NET; the message names it.</exception>
    /// <exception cref="NotSupportedException">An input column type cannot be recorded.</exception>
    public static void Save(ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        var manifest = new PipelineManifest
        {
            InputSchema = inputSchema.Where(c => !c.IsHidden).Select(c => new ManifestColumn(c.Name, ColumnTypeText.Format(c.Type))).ToList(),
        };
        string fullPath = Path.GetFullPath(filePath);
        string temp = fullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var zip = new ZipArchive(File.Create(temp), ZipArchiveMode.Create))
            {
                var schema = inputSchema;
                var steps = Flatten(model).ToList();
                for (int i = 0; i < steps.Count; i++)
                {
                    var step = steps[i];
                    string entry = $"steps/{i:D3}";
                    if (step is ILlmPersistableTransformer ours)
                    {
                        WriteFolder(zip, entry + "/", ours);
                        manifest.Steps.Add(new ManifestStep(ours.Kind, entry + "/"));
                    }
                    else
                    {
                        WriteMlNetStep(zip, entry + ".mlnet.zip", catalog, step, schema, i);
                        manifest.Steps.Add(new ManifestStep(PipelineManifest.MlNetKind, entry + ".mlnet.zip"));
                    }
                    schema = step.GetOutputSchema(schema);
                }
                using var writer = new StreamWriter(zip.CreateEntry(PipelineManifest.EntryName).Open());
                writer.Write(manifest.ToJson());
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Loads a file written by <see cref="Save"/>; <paramref name="inputSchema"/> receives the saved input column names and types.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a pipeline file, or a step's kind has no registered loader; the message names the file and step.</exception>
    public static TransformerChain<ITransformer> Load(ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        if (!File.Exists(filePath)) throw new FileNotFoundException($"Pipeline file not found: {filePath}", filePath);
        using var zip = OpenZip(filePath);
        var manifestEntry = zip.GetEntry(PipelineManifest.EntryName)
            ?? throw new InvalidDataException($"{filePath}: no {PipelineManifest.EntryName} entry; not an LlmMlNet pipeline file.");
        string json;
        using (var reader = new StreamReader(manifestEntry.Open())) json = reader.ReadToEnd();
        var manifest = PipelineManifest.FromJson(json, filePath);

        var builder = new DataViewSchema.Builder();
        foreach (var column in manifest.InputSchema)
        {
            try
            {
                builder.AddColumn(column.Name, ColumnTypeText.Parse(column.Type));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{filePath}: input column '{column.Name}': {e.Message}", e);
            }
        }
        inputSchema = builder.ToSchema();

        var transformers = new List<ITransformer>();
        for (int i = 0; i < manifest.Steps.Count; i++)
        {
            var step = manifest.Steps[i];
            transformers.Add(step.Kind == PipelineManifest.MlNetKind
                ? ReadMlNetStep(zip, step.Entry, catalog, filePath, i)
                : ReadFolder(zip, step, filePath, i));
        }
        return new TransformerChain<ITransformer>(transformers.ToArray());
    }

    private static ZipArchive OpenZip(string filePath)
    {
        var stream = File.OpenRead(filePath);
        try
        {
            return new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new InvalidDataException($"{filePath}: not a zip file: {e.Message}", e);
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer)
    {
        if (transformer is IEnumerable<ITransformer> chain)
        {
            foreach (var inner in chain)
                foreach (var step in Flatten(inner)) yield return step;
        }
        else
        {
            yield return transformer;
        }
    }

    private static void WriteMlNetStep(ZipArchive zip, string entry, ModelOperationsCatalog catalog, ITransformer step, DataViewSchema schema, int index)
    {
        var buffer = new MemoryStream();
        try
        {
            catalog.Save(step, schema, buffer);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            throw new InvalidOperationException(
                $"Pipeline step {index} ({step.GetType().Name}) is neither an {nameof(ILlmPersistableTransformer)} nor savable by ML.NET: {e.Message}", e);
        }
        using var target = zip.CreateEntry(entry, CompressionLevel.Fastest).Open();
        buffer.Position = 0;
        buffer.CopyTo(target);
    }

    private static ITransformer ReadMlNetStep(ZipArchive zip, string entry, ModelOperationsCatalog catalog, string filePath, int index)
    {
        var zipEntry = zip.GetEntry(entry) ?? throw new InvalidDataException($"{filePath}: step {index} entry '{entry}' is missing.");
        var buffer = new MemoryStream();
        using (var source = zipEntry.Open()) source.CopyTo(buffer);
        buffer.Position = 0;
        return catalog.Load(buffer, out _);
    }

    private static void WriteFolder(ZipArchive zip, string prefix, ILlmPersistableTransformer step)
    {
        string folder = Path.Combine(Path.GetTempPath(), "llmmlnet-save-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            step.SaveTo(folder);
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                string relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
                zip.CreateEntryFromFile(file, prefix + relative, CompressionLevel.Fastest);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ITransformer ReadFolder(ZipArchive zip, ManifestStep step, string filePath, int index)
    {
        if (!LlmTransformerRegistry.TryGetLoader(step.Kind, out var load))
            throw new InvalidDataException(
                $"{filePath}: step {index} has kind '{step.Kind}', which has no registered loader (see {nameof(LlmTransformerRegistry)}.{nameof(LlmTransformerRegistry.Register)}).");
        string folder = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "llmmlnet-load-" + Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(step.Entry, StringComparison.Ordinal) && e.Name.Length > 0))
            {
                string target = Path.GetFullPath(Path.Combine(folder, entry.FullName[step.Entry.Length..]));
                if (!target.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"{filePath}: entry '{entry.FullName}' points outside its step folder.");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target);
            }
            return load(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
