// Runs an exported .onnx file with ONNX Runtime (Microsoft.ML.OnnxRuntime, CPU by default, CUDA when asked and
// present): a ModelBatch in (input_ids, attention_mask and token_type_ids as the graph declares them, int64 as
// Hugging Face's exporters take them), named float outputs back, plus a raw call for the past-key-value decoder.
// Not an exporter and not a task: TextClassifier & co. choose this engine through OnnxInferenceEngine.
using LlmMlNet.Transformers.Models;
using Microsoft.ML.OnnxRuntime;

namespace LlmMlNet.Onnx.Runtime;

/// <summary>A named tensor passed to or returned by <see cref="OnnxModelRunner"/>: row-major values with their shape.</summary>
/// <param name="Shape">Dimensions.</param>
/// <param name="Floats">float32 values, or null.</param>
/// <param name="Int64s">int64 values, or null.</param>
public sealed record OnnxTensor(long[] Shape, float[]? Floats = null, long[]? Int64s = null);

/// <summary>The execution provider ONNX Runtime runs on.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>The CPU provider (always available). The default.</summary>
    Cpu,

    /// <summary>CUDA (needs the Microsoft.ML.OnnxRuntime.Gpu package and a GPU; fails otherwise).</summary>
    Cuda,
}

/// <summary>One ONNX Runtime session over an exported model.</summary>
public sealed class OnnxModelRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly HashSet<string> _inputs;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op threads; 0 (the default) lets it choose (one per physical core).</param>
    /// <param name="provider">Execution provider. Default CPU.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejects the model or the provider.</exception>
    public OnnxModelRunner(string path, int intraOpThreads = 0, OnnxExecutionProvider provider = OnnxExecutionProvider.Cpu)
        : this(path, null, intraOpThreads, provider)
    {
    }

    /// <summary>Opens a model held in memory (<paramref name="name"/> only names it in messages).</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejects the model or the provider.</exception>
    public OnnxModelRunner(byte[] model, string name, int intraOpThreads = 0, OnnxExecutionProvider provider = OnnxExecutionProvider.Cpu)
        : this(name, model ?? throw new ArgumentNullException(nameof(model)), intraOpThreads, provider)
    {
    }

    private OnnxModelRunner(string path, byte[]? bytes, int intraOpThreads, OnnxExecutionProvider provider)
    {
        if (bytes is null && !File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (provider == OnnxExecutionProvider.Cuda) options.AppendExecutionProvider_CUDA();
        _session = bytes is null ? new InferenceSession(path, options) : new InferenceSession(bytes, options);
        _inputs = _session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        Path = path;
        Metadata = _session.ModelMetadata.CustomMetadataMap;
    }

    /// <summary>The model file (or the name of a model held in memory).</summary>
    public string Path { get; }

    /// <summary>The graph's input names.</summary>
    public IReadOnlyCollection<string> InputNames => _inputs;

    /// <summary>The graph's output names.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>The model's metadata_props (task, head, labels, ...).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Runs one batch; returns every output as a flat float array (row-major) by name.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime fails (e.g. a token id outside the vocabulary).</exception>
    public IReadOnlyDictionary<string, float[]> Run(ModelBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var inputs = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        long[] shape = [batch.Batch, batch.SequenceLength];
        inputs["input_ids"] = new OnnxTensor(shape, Int64s: Widen(batch.InputIds));
        if (_inputs.Contains("attention_mask"))
            inputs["attention_mask"] = new OnnxTensor(shape, Int64s: batch.AttentionMask is { } m ? Widen(m) : Filled(batch.TokenCount, 1));
        if (_inputs.Contains("token_type_ids"))
            inputs["token_type_ids"] = new OnnxTensor(shape, Int64s: batch.TokenTypeIds is { } t ? Widen(t) : Filled(batch.TokenCount, 0));
        return Run(inputs).ToDictionary(p => p.Key, p => p.Value.Floats ?? throw new InvalidOperationException($"output '{p.Key}' is not float32"));
    }

    /// <summary>Runs the model on named tensors (every graph input must be given); returns every output.</summary>
    /// <exception cref="ArgumentException">An input is missing or unknown.</exception>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var name in _inputs)
            if (!inputs.ContainsKey(name)) throw new ArgumentException($"input '{name}' of {Path} is missing.", nameof(inputs));
        var values = new List<OrtValue>();
        try
        {
            var named = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
            foreach (var (name, tensor) in inputs)
            {
                if (!_inputs.Contains(name)) throw new ArgumentException($"{Path} has no input '{name}'.", nameof(inputs));
                var value = tensor.Floats is { } f
                    ? OrtValue.CreateTensorValueFromMemory(f, tensor.Shape)
                    : OrtValue.CreateTensorValueFromMemory(tensor.Int64s ?? throw new ArgumentException($"input '{name}' has no values.", nameof(inputs)), tensor.Shape);
                values.Add(value);
                named[name] = value;
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, named, _session.OutputNames);
            var result = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
            var i = 0;
            foreach (var output in outputs)
            {
                var info = output.GetTensorTypeAndShape();
                result[_session.OutputNames[i++]] = info.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
                    ? new OnnxTensor(info.Shape, Floats: output.GetTensorDataAsSpan<float>().ToArray())
                    : new OnnxTensor(info.Shape, Int64s: output.GetTensorDataAsSpan<long>().ToArray());
            }
            return result;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>int ids as the int64 ONNX inputs take them.</summary>
    public static long[] Widen(int[] values) => Array.ConvertAll(values, v => (long)v);

    private static long[] Filled(int count, long value)
    {
        var a = new long[count];
        Array.Fill(a, value);
        return a;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
