// What CheckpointFolder needs from one weights file, whatever its format: the tensors' names, dtypes and
// shapes, and a float32 read of one tensor. safetensors (SafetensorsFile) and PyTorch's zip checkpoints
// (PyTorchBinFile) implement it. Not a writer: we save safetensors only.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>One open file of model weights.</summary>
public interface IWeightsFile : IDisposable
{
    /// <summary>The file's full path.</summary>
    string Path { get; }

    /// <summary>Tensors by name (dtype and shape; byte ranges are the format's own business).</summary>
    IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>True when the file holds a tensor of this name.</summary>
    bool Contains(string name);

    /// <summary>Converts one tensor to float32 into <paramref name="destination"/> (exactly its element count).</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    /// <exception cref="NotSupportedException">The dtype is not F32, F16 or BF16.</exception>
    void ReadFloat32(string name, Span<float> destination);

    /// <summary>Converts one tensor to a new float32 array.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    float[] ReadFloat32(string name);
}
