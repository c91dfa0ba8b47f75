// The catalog extension methods that create the stand-in's transforms: ConversionsExtensionsCatalog
// (MapValueToKey, MapKeyToValue) and TransformExtensionsCatalog (CopyColumns, Concatenate, DropColumns).
// Single-column overloads only.
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Microsoft.ML;

/// <summary>Conversion transforms on <see cref="TransformsCatalog.ConversionTransforms"/>.</summary>
public static class ConversionsExtensionsCatalog
{
    /// <summary>
    /// Maps the values of <paramref name="inputColumnName"/> (default: the output name) to 1-based keys learned in Fit (0 = missing or
    /// unseen), in order of occurrence by default, keeping at most <paramref name="maximumNumberOfKeys"/> values. The output carries
    /// the values as its KeyValues annotation (as text when <paramref name="addKeyValueAnnotationsAsText"/>). When
    /// <paramref name="keyData"/> is given the dictionary is learned from it instead of the training data.
    /// </summary>
    public static ValueToKeyMappingEstimator MapValueToKey(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName,
        string? inputColumnName = null, int maximumNumberOfKeys = 1000000,
        ValueToKeyMappingEstimator.KeyOrdinality keyOrdinality = ValueToKeyMappingEstimator.KeyOrdinality.ByOccurrence,
        bool addKeyValueAnnotationsAsText = false, IDataView? keyData = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ValueToKeyMappingEstimator(outputColumnName, inputColumnName ?? outputColumnName, maximumNumberOfKeys, keyOrdinality,
            addKeyValueAnnotationsAsText, keyData);
    }

    /// <summary>Maps the keys of <paramref name="inputColumnName"/> (default: the output name) back to the values of its KeyValues annotation.</summary>
    public static KeyToValueMappingEstimator MapKeyToValue(this TransformsCatalog.ConversionTransforms catalog, string outputColumnName,
        string? inputColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new KeyToValueMappingEstimator(outputColumnName, inputColumnName ?? outputColumnName);
    }
}

/// <summary>Column plumbing transforms on <see cref="TransformsCatalog"/>.</summary>
public static class TransformExtensionsCatalog
{
    /// <summary>Copies <paramref name="inputColumnName"/> to <paramref name="outputColumnName"/>.</summary>
    public static ColumnCopyingEstimator CopyColumns(this TransformsCatalog catalog, string outputColumnName, string inputColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnCopyingEstimator(outputColumnName, inputColumnName);
    }

    /// <summary>Concatenates columns of one item type into the vector column <paramref name="outputColumnName"/>.</summary>
    public static ColumnConcatenatingEstimator Concatenate(this TransformsCatalog catalog, string outputColumnName, params string[] inputColumnNames)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnConcatenatingEstimator(outputColumnName, inputColumnNames);
    }

    /// <summary>Drops the named columns.</summary>
    public static ColumnSelectingEstimator DropColumns(this TransformsCatalog catalog, params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ColumnSelectingEstimator(columnNames);
    }
}
