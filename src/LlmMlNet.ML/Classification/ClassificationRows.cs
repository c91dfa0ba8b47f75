// Reads the training rows of a classification IDataView (text, optional pair, Key<UInt32> label) into examples
// whose label is the key's class name (see LabelKeyValues for the names). Rejects missing keys
// (value 0) by row, the failure Microsoft.ML.TorchSharp reports as "Target 4294967295 is out of bounds".
using LlmMlNet.ML.Infrastructure;
using LlmMlNet.Transformers.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LlmMlNet.ML.Classification;

internal static class ClassificationRows
{
    /// <summary>Every row as an example labeled with its class name.</summary>
    /// <exception cref="InvalidDataException">A row's label key is missing (0) or out of range; the message gives the row.</exception>
    public static List<TextClassificationExample> Read(IDataView data, string text, string? pair, DataViewSchema.Column label, string[] classNames)
    {
        var columns = new List<DataViewSchema.Column> { data.Schema[text], label };
        if (pair != null) columns.Add(data.Schema[pair]);
        var examples = new List<TextClassificationExample>();
        using var cursor = data.GetRowCursor(columns);
        var readText = RowReaders.Text(cursor, text);
        var readPair = pair == null ? null : RowReaders.Text(cursor, pair);
        var readKey = RowReaders.Key(cursor, label.Name);
        long row = 0;
        while (cursor.MoveNext())
        {
            uint key = readKey();
            if (key == 0 || key > classNames.Length)
                throw new InvalidDataException(
                    $"Row {row}: label column '{label.Name}' has a missing key (value {key}); every training row needs a label of 1..{classNames.Length}.");
            examples.Add(new TextClassificationExample(readText(), readPair?.Invoke(), classNames[key - 1], row + 1));
            row++;
        }
        return examples;
    }
}
