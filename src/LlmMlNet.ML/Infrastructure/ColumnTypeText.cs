// Text names for column types in pipeline manifests ("String", "Single", "Key<UInt32, 3>", "Vector<Single, 2, 4>"),
// using only public Microsoft.ML members so the same files load with the stand-in and the real package.
// Covers text, booleans, numbers, keys and vectors of those; annotations are not recorded.
using System.Globalization;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal static class ColumnTypeText
{
    private static readonly Dictionary<string, PrimitiveDataViewType> Primitives = new(StringComparer.Ordinal)
    {
        ["String"] = TextDataViewType.Instance, ["Boolean"] = BooleanDataViewType.Instance,
        ["SByte"] = NumberDataViewType.SByte, ["Byte"] = NumberDataViewType.Byte, ["Int16"] = NumberDataViewType.Int16,
        ["UInt16"] = NumberDataViewType.UInt16, ["Int32"] = NumberDataViewType.Int32, ["UInt32"] = NumberDataViewType.UInt32,
        ["Int64"] = NumberDataViewType.Int64, ["UInt64"] = NumberDataViewType.UInt64, ["Single"] = NumberDataViewType.Single,
        ["Double"] = NumberDataViewType.Double,
    };

    /// <exception cref="NotSupportedException">The type is not one of the recorded kinds.</exception>
    public static string Format(DataViewType type) => type switch
    {
        VectorDataViewType v => $"Vector<{Format(v.ItemType)}, {string.Join(", ", v.Dimensions)}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}, {k.Count.ToString(CultureInfo.InvariantCulture)}>",
        PrimitiveDataViewType p when Primitives.ContainsValue(p) => Primitives.First(e => e.Value.Equals(p)).Key,
        _ => throw new NotSupportedException($"Column type {type} cannot be recorded in a pipeline manifest."),
    };

    /// <exception cref="FormatException">The text is not a recorded type.</exception>
    public static DataViewType Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Primitives.TryGetValue(text, out var primitive)) return primitive;
        if (text.StartsWith("Key<", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            var parts = text[4..^1].Split(", ");
            var raw = parts.Length == 2 ? Primitives.GetValueOrDefault(parts[0])?.RawType : null;
            if (raw != null && KeyDataViewType.IsValidDataType(raw) && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong count))
                return new KeyDataViewType(raw, count);
        }
        if (text.StartsWith("Vector<", StringComparison.Ordinal) && text.EndsWith('>'))
        {
            var inner = text[7..^1];
            int split = inner.StartsWith("Key<", StringComparison.Ordinal) ? inner.IndexOf('>') + 1 : inner.IndexOf(',');
            if (split > 0 && split < inner.Length && Parse(inner[..split]) is PrimitiveDataViewType item)
            {
                var dims = inner[(split + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(d => int.Parse(d, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
                if (dims.Length > 0) return new VectorDataViewType(item, dims);
            }
        }
        throw new FormatException($"'{text}' is not a column type a pipeline manifest can hold.");
    }
}
