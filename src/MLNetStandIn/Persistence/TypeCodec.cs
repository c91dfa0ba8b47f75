// Text encodings of column types and value arrays for the stand-in's internal model files.
// Internal plumbing, not ML.NET's binary format; covers text, numbers, booleans, keys and vectors of those.
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Data;

namespace Microsoft.ML;

internal static class TypeCodec
{
    public static string Encode(DataViewType type) => type switch
    {
        VectorDataViewType v => $"Vector<{Encode(v.ItemType)}|{string.Join(",", v.Dimensions)}>",
        KeyDataViewType k => $"Key<{k.RawType.Name}|{k.Count}>",
        TextDataViewType => "Text",
        BooleanDataViewType => "Boolean",
        NumberDataViewType n => n.RawType.Name,
        _ => throw new NotSupportedException($"Column type {type} cannot be saved by the stand-in."),
    };

    public static DataViewType Decode(string text)
    {
        if (text.StartsWith("Vector<", StringComparison.Ordinal))
        {
            int bar = text.LastIndexOf('|');
            var item = (PrimitiveDataViewType)Decode(text[7..bar]);
            var dims = text[(bar + 1)..^1].Split(',').Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
            return new VectorDataViewType(item, dims);
        }
        if (text.StartsWith("Key<", StringComparison.Ordinal))
        {
            int bar = text.IndexOf('|');
            var raw = NumberDataViewType.Int32.RawType.Assembly.GetType("System." + text[4..bar])!;
            return new KeyDataViewType(raw, ulong.Parse(text[(bar + 1)..^1], CultureInfo.InvariantCulture));
        }
        if (text == "Text") return TextDataViewType.Instance;
        if (text == "Boolean") return BooleanDataViewType.Instance;
        return NumberDataViewType.FromRawType(typeof(int).Assembly.GetType("System." + text)
            ?? throw new InvalidDataException($"Unknown column type '{text}' in the model file."))
            ?? throw new InvalidDataException($"Unknown column type '{text}' in the model file.");
    }

    public static string EncodeValues(Array values)
    {
        var strings = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            strings[i] = values.GetValue(i) switch
            {
                ReadOnlyMemory<char> m => m.ToString(),
                string s => s,
                IFormattable f => f.ToString(f is float or double ? "R" : null, CultureInfo.InvariantCulture),
                var other => other?.ToString() ?? "",
            };
        }
        return JsonSerializer.Serialize(strings);
    }

    public static Array DecodeValues(string json, Type rawType)
    {
        var strings = JsonSerializer.Deserialize<string[]>(json) ?? [];
        var result = Array.CreateInstance(rawType, strings.Length);
        for (int i = 0; i < strings.Length; i++)
        {
            object value = rawType == typeof(ReadOnlyMemory<char>) ? strings[i].AsMemory()
                : rawType == typeof(string) ? strings[i]
                : rawType == typeof(bool) ? bool.Parse(strings[i])
                : Convert.ChangeType(strings[i], rawType, CultureInfo.InvariantCulture);
            result.SetValue(value, i);
        }
        return result;
    }
}
