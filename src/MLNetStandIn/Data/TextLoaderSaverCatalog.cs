// LoadFromTextFile<TInput>: reads a delimited text file into a data view using [LoadColumn] on TInput's
// members. Fields are parsed lazily per cursor; empty or unparsable floats are NaN, as ML.NET does; other
// unparsable numbers fail naming file, line and column. Sparse rows and comment lines are not supported.
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Text file loading on <see cref="DataOperationsCatalog"/>.</summary>
public static class TextLoaderSaverCatalog
{
    /// <summary>
    /// A data view over the text file <paramref name="path"/>, one row per non-empty line, fields split by
    /// <paramref name="separatorChar"/> (default tab); every member of <typeparamref name="TInput"/> needs [LoadColumn].
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidOperationException">A member lacks [LoadColumn] or cannot be mapped.</exception>
    /// <exception cref="NotSupportedException"><paramref name="allowSparse"/> is set.</exception>
    public static IDataView LoadFromTextFile<TInput>(this DataOperationsCatalog catalog, string path, char separatorChar = '\t',
        bool hasHeader = false, bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Text file not found: {path}", path);
        if (allowSparse) throw new NotSupportedException("The stand-in's text loader does not read sparse rows.");
        var definition = SchemaDefinition.Create(typeof(TInput), SchemaDefinition.Direction.Read);
        var sources = new int[definition.Count][];
        var builder = new DataViewSchema.Builder();
        for (int i = 0; i < definition.Count; i++)
        {
            var member = definition[i];
            var load = member.Member.GetCustomAttribute<LoadColumnAttribute>()
                ?? throw new InvalidOperationException($"Field or property {member.MemberName} is missing the {nameof(LoadColumnAttribute)} attribute");
            sources[i] = load.Sources;
            var type = member.ColumnType;
            if (type is VectorDataViewType vector && !vector.IsKnownSize)
                type = new VectorDataViewType(vector.ItemType, load.Sources.Length);
            if (type is not VectorDataViewType && load.IsRange)
                throw new InvalidOperationException($"Member {member.MemberName} loads several columns but is not an array.");
            builder.AddColumn(member.ColumnName, type);
        }
        var schema = builder.ToSchema();
        return new RowStreamDataView(schema, () => ReadRows(path, separatorChar, hasHeader, allowQuoting, trimWhitespace, schema, sources), () => null);
    }

    private static IEnumerable<object?[]> ReadRows(string path, char separator, bool hasHeader, bool allowQuoting, bool trim,
        DataViewSchema schema, int[][] sources)
    {
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (hasHeader && lineNumber == 1) continue;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = Split(line, separator, allowQuoting);
            if (trim) for (int f = 0; f < fields.Count; f++) fields[f] = fields[f].Trim();
            var row = new object?[schema.Count];
            for (int c = 0; c < row.Length; c++)
            {
                string Field(int index) => index < fields.Count ? fields[index] : "";
                if (schema[c].Type is VectorDataViewType vector)
                {
                    var items = Array.CreateInstance(vector.ItemType.RawType, sources[c].Length);
                    for (int k = 0; k < items.Length; k++)
                        items.SetValue(Parse(Field(sources[c][k]), vector.ItemType, path, lineNumber, sources[c][k]), k);
                    row[c] = Activator.CreateInstance(vector.RawType, items.Length, items, null);
                }
                else
                {
                    row[c] = Parse(Field(sources[c][0]), schema[c].Type, path, lineNumber, sources[c][0]);
                }
            }
            yield return row;
        }
    }

    private static object Parse(string field, DataViewType type, string path, int line, int column)
    {
        var inv = CultureInfo.InvariantCulture;
        if (type is TextDataViewType) return field.AsMemory();
        if (type.RawType == typeof(float))
            return float.TryParse(field, NumberStyles.Float, inv, out float f) ? f : float.NaN;
        if (type.RawType == typeof(double))
            return double.TryParse(field, NumberStyles.Float, inv, out double d) ? d : double.NaN;
        if (type is BooleanDataViewType)
        {
            if (bool.TryParse(field, out bool b)) return b;
            if (field == "1" || field == "0") return field == "1";
        }
        else if (field.Length == 0)
        {
            return Activator.CreateInstance(type.RawType)!;
        }
        else
        {
            try
            {
                return Convert.ChangeType(field, type.RawType, inv);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
            }
        }
        throw new FormatException($"{path}: line {line}, column {column}: '{field}' is not a valid {type}.");
    }

    private static List<string> Split(string line, char separator, bool allowQuoting)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (allowQuoting && ch == '"')
            {
                if (quoted && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (ch == separator && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
