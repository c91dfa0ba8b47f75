// Per-character canonical decomposition (NFD), needed because .NET's string.Normalize is a no-op under
// InvariantGlobalization. Decomposes one code point at a time, as Hugging Face's NormalizedString::nfd
// does to keep alignments; it does not reorder combining marks across characters.
using System.Reflection;

namespace LlmMlNet.Tokenizers.Text;

/// <summary>Full canonical decompositions from an embedded Unicode table plus the Hangul algorithm.</summary>
internal static class CanonicalDecomposition
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, JamoLBase = 0x1100, JamoVBase = 0x1161, JamoTBase = 0x11A7;
    private const int JamoVCount = 21, JamoTCount = 28;
    private static readonly Dictionary<int, int[]> Table = Load();

    /// <summary>True when <paramref name="cp"/> decomposes; writes its decomposition into a buffer of at least <see cref="MaxLength"/>.</summary>
    public static bool TryDecompose(int cp, Span<int> destination, out int count)
    {
        count = 0;
        if (cp < 0xC0) return false;
        int s = cp - HangulBase;
        if ((uint)s < HangulCount)
        {
            destination[0] = JamoLBase + s / (JamoVCount * JamoTCount);
            destination[1] = JamoVBase + s % (JamoVCount * JamoTCount) / JamoTCount;
            int t = s % JamoTCount;
            count = 2;
            if (t != 0) destination[count++] = JamoTBase + t;
            return true;
        }
        if (!Table.TryGetValue(cp, out var parts)) return false;
        parts.CopyTo(destination);
        count = parts.Length;
        return true;
    }

    /// <summary>The longest decomposition in the table (buffer size for callers).</summary>
    public const int MaxLength = 18;

    private static Dictionary<int, int[]> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream("LlmMlNet.Tokenizers.Text.CanonicalDecompositions.txt")
            ?? throw new InvalidOperationException("Embedded resource CanonicalDecompositions.txt is missing from LlmMlNet.Tokenizers.");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<int, int[]>(2100);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split(' ');
            var parts = new int[fields.Length - 1];
            for (int i = 1; i < fields.Length; i++) parts[i - 1] = Convert.ToInt32(fields[i], 16);
            table[Convert.ToInt32(fields[0], 16)] = parts;
        }
        return table;
    }
}
