// Helpers for checkpoint tests: a throw-away folder, a dictionary-backed parameter store, and a raw
// safetensors builder that can write deliberately broken files. Not used outside the tests.
using System.Buffers.Binary;
using System.Text;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("llmmlnet-ckpt-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Parameters as named float arrays, sized from a key table's mappings.</summary>
internal sealed class DictionaryParameters
{
    public Dictionary<string, float[]> Values { get; } = new(StringComparer.Ordinal);

    public DictionaryParameters(TransformerConfig config, IReadOnlySet<KeyGroup> groups, float fill = float.NaN)
    {
        foreach (var mapping in KeyTable.For(config.Family).Expand(config, groups))
            Values[mapping.OurName] = Enumerable.Repeat(fill, mapping.ElementCount).ToArray();
    }

    public Span<float> View(string name) => Values[name];

    public ReadOnlySpan<float> Read(string name) => Values[name];
}

/// <summary>Writes raw safetensors bytes from a header JSON string and a data length, for bad-input tests.</summary>
internal static class RawSafetensors
{
    public static void Write(string path, string headerJson, byte[] data, long? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(declaredHeaderLength ?? header.Length));
        System.IO.File.WriteAllBytes(path, [.. prefix, .. header, .. data]);
    }

    public static readonly IReadOnlySet<KeyGroup> AllGroups = Enum.GetValues<KeyGroup>().ToHashSet();
}
