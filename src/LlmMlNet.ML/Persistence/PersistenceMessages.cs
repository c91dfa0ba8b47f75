// What our transformers do when plain mlContext.Model.Save reaches them: ML.NET cannot store a transformer
// defined outside its assemblies (ModelSaveContext's writers and LoadableClass are internal), and its
// Save(model, schema, filePath) has already created the file (File.Create, then the zip) before it asks a
// step to save itself. So the step removes that half-written file, then refuses, naming SaveWithLlm.
// Reflection reads the one FileStream behind the save context; a test fails if ML.NET changes that path.
using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML;

namespace LlmMlNet.ML.Persistence;

internal static class PersistenceMessages
{
    /// <summary>The refusal of <paramref name="transformer"/>'s <c>ICanSaveModel.Save</c>, after removing the file ML.NET created for it.</summary>
    public static NotSupportedException UseSaveWithLlm(ModelSaveContext ctx, string transformer)
    {
        string? removed = RemoveFileBeingSaved(ctx);
        return new NotSupportedException(
            $"{transformer} cannot be saved with mlContext.Model.Save: ML.NET cannot store transformers defined outside its own assemblies. " +
            $"Use mlContext.Model.{nameof(LlmModelCatalog.SaveWithLlm)}(model, inputSchema, filePath) and mlContext.Model.{nameof(LlmModelCatalog.LoadWithLlm)}(filePath, out inputSchema)" +
            (removed == null ? "." : $"; the partial file {removed} was removed."));
    }

    /// <summary>
    /// When the save runs inside <c>ModelOperationsCatalog.Save(…, string filePath)</c> (ML.NET opened the file, so nobody else
    /// holds it), closes and deletes that file and returns its path; otherwise (a caller's own stream) leaves it and returns null.
    /// </summary>
    internal static string? RemoveFileBeingSaved(ModelSaveContext ctx)
    {
        if (!CalledFromFilePathSave() || FileStreamOf(ctx) is not { } file) return null;
        string path = file.Name;
        // ML.NET's RepositoryWriter.Dispose swallows the failure of writing the zip's directory into the closed stream.
        file.Dispose();
        File.Delete(path);
        return path;
    }

    /// <summary>The file stream a save context writes to: ModelSaveContext.Repository → RepositoryWriter._archive → the ZipArchive's stream.</summary>
    internal static FileStream? FileStreamOf(ModelSaveContext ctx)
    {
        const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var repository = typeof(ModelSaveContext).GetField("Repository", Instance)?.GetValue(ctx);
        var archive = repository?.GetType().GetField("_archive", Instance)?.GetValue(repository) as ZipArchive;
        if (archive == null) return null;
        return typeof(ZipArchive).GetFields(Instance).Where(f => typeof(Stream).IsAssignableFrom(f.FieldType))
            .Select(f => f.GetValue(archive)).OfType<FileStream>().FirstOrDefault();
    }

    private static bool CalledFromFilePathSave() => new StackTrace().GetFrames().Select(f => f.GetMethod()).Any(m =>
        m?.DeclaringType == typeof(ModelOperationsCatalog) && m.Name == nameof(ModelOperationsCatalog.Save)
        && m.GetParameters() is { Length: > 0 } p && p[^1].ParameterType == typeof(string));
}
