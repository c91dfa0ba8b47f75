// MLContext: the entry point of an ML.NET program, holding the seed and the operation catalogs.
// Only the catalogs and settings LlmMlNet touches; no IHostEnvironment (omitted from the stand-in), no option bag.
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>The common context of ML.NET operations: catalogs, random seed, logging.</summary>
public sealed class MLContext
{
    /// <summary>A context; a fixed <paramref name="seed"/> makes random operations repeatable, null seeds from the clock.</summary>
    public MLContext(int? seed = null)
    {
        Seed = seed;
        Random = seed.HasValue ? new Random(seed.Value) : new Random();
        Data = new DataOperationsCatalog(this);
        Model = new ModelOperationsCatalog();
        Transforms = new TransformsCatalog();
        BinaryClassification = new BinaryClassificationCatalog();
        MulticlassClassification = new MulticlassClassificationCatalog();
        Regression = new RegressionCatalog();
        ComponentCatalog = new ComponentCatalog();
    }

    internal int? Seed { get; }

    internal Random Random { get; }

    /// <summary>Binary classification trainers and evaluation.</summary>
    public BinaryClassificationCatalog BinaryClassification { get; }

    /// <summary>Multiclass classification trainers and evaluation.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Regression trainers.</summary>
    public RegressionCatalog Regression { get; }

    /// <summary>Data transformations.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Model saving, loading and prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>Data loading, conversion and splitting.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Log messages from ML.NET components.</summary>
    public event EventHandler<LoggingEventArgs>? Log;

    /// <summary>The registry of component assemblies.</summary>
    public ComponentCatalog ComponentCatalog { get; }

    /// <summary>Where temporary files go (default: the system temp path).</summary>
    public string TempFilePath { get; set; } = Path.GetTempPath();

    /// <summary>Whether GPU components may fall back to the CPU.</summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>The GPU to use, or null for the CPU.</summary>
    public int? GpuDeviceId { get; set; }

    internal void Write(string source, string message) =>
        Log?.Invoke(this, new LoggingEventArgs(message, ChannelMessageKind.Info, source));
}

/// <summary>A log message raised through <see cref="MLContext.Log"/>.</summary>
public class LoggingEventArgs : EventArgs
{
    /// <summary>A message of the given kind from <paramref name="source"/>.</summary>
    public LoggingEventArgs(string message, ChannelMessageKind kind, string source)
    {
        RawMessage = message;
        Kind = kind;
        Source = source;
        Message = $"[Source={source}, Kind={kind}] {message}";
    }

    /// <summary>The formatted message.</summary>
    public string Message { get; }

    /// <summary>The message text.</summary>
    public string RawMessage { get; }

    /// <summary>The message kind.</summary>
    public ChannelMessageKind Kind { get; }

    /// <summary>The component that sent it.</summary>
    public string Source { get; }
}
