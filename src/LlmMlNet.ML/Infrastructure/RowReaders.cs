// Small factories that turn a row's typed getter into a Func reading the current row, for the reader factories
// of BatchedRowMapping (text as string, Single, keys as uint, Single vectors as arrays). Copies values out, so a
// batch can hold them after the cursor moves on.
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Infrastructure;

internal static class RowReaders
{
    /// <summary>Reads a text column as a string (empty for missing).</summary>
    public static Func<string> Text(DataViewRow row, string columnName)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[columnName]);
        return () =>
        {
            ReadOnlyMemory<char> value = default;
            getter(ref value);
            return value.ToString();
        };
    }

    /// <summary>Reads a Single column.</summary>
    public static Func<float> Single(DataViewRow row, string columnName)
    {
        var getter = row.GetGetter<float>(row.Schema[columnName]);
        return () =>
        {
            float value = 0;
            getter(ref value);
            return value;
        };
    }

    /// <summary>Reads a UInt32 key column (0 = missing, 1..Count valid).</summary>
    public static Func<uint> Key(DataViewRow row, string columnName)
    {
        var getter = row.GetGetter<uint>(row.Schema[columnName]);
        return () =>
        {
            uint value = 0;
            getter(ref value);
            return value;
        };
    }

    /// <summary>Reads a Single vector column as a new dense array.</summary>
    public static Func<float[]> SingleVector(DataViewRow row, string columnName)
    {
        var getter = row.GetGetter<VBuffer<float>>(row.Schema[columnName]);
        VBuffer<float> buffer = default;
        return () =>
        {
            getter(ref buffer);
            var values = new float[buffer.Length];
            buffer.CopyTo(values);
            return values;
        };
    }
}
