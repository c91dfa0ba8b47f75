// A read-only, memory-mapped safetensors file: the header is validated on open, and tensors are
// converted straight from the mapping into the caller's float32 buffer (no intermediate copy of the
// file). Not a writer (SafetensorsWriter) and not aware of model key names (CheckpointLoader).
using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>An open safetensors file whose tensors can be read as float32.</summary>
public sealed unsafe class SafetensorsFile : IWeightsFile
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data;
    private readonly long _dataLength;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* data, long dataLength, SafetensorsHeader header)
    {
        Path = path;
        _map = map;
        _view = view;
        _data = data;
        _dataLength = dataLength;
        Header = header;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors => Header.Tensors;

    /// <summary>Opens and validates a safetensors file; the data is mapped, not read.</summary>
    /// <param name="path">Path to a <c>.safetensors</c> file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is shorter than its 8-byte length prefix, the header length runs past the file, or the
    /// header fails <see cref="SafetensorsHeader.Parse"/>; the message names the file and the problem.
    /// </exception>
    public static SafetensorsFile Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"safetensors file not found: {full}", full);
        // The length comes from the opened stream, i.e. the final target: the Hugging Face cache stores every
        // file as a symlink into blobs/, and FileInfo.Length of a link is the link's own size.
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        long fileLength;
        MemoryMappedFile map;
        try
        {
            fileLength = stream.Length;
            if (fileLength < 8)
                throw new InvalidDataException($"{full}: truncated: {fileLength} bytes, fewer than the 8-byte header length");
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            acquired = true;
            var start = basePointer + view.PointerOffset;
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, 8));
            if (headerLength > (ulong)(fileLength - 8))
                throw new InvalidDataException(
                    $"{full}: header length {headerLength} is longer than the {fileLength - 8} bytes after the length prefix (truncated or not a safetensors file)");
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
                throw new InvalidDataException($"{full}: header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
            var dataLength = fileLength - 8 - (long)headerLength;
            var header = SafetensorsHeader.Parse(full, new ReadOnlySpan<byte>(start + 8, (int)headerLength), dataLength);
            return new SafetensorsFile(full, map, view, start + 8 + (long)headerLength, dataLength, header);
        }
        catch
        {
            if (acquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    /// <summary>True when the file holds a tensor of this name.</summary>
    public bool Contains(string name) => Header.Tensors.ContainsKey(name);

    /// <summary>Converts one tensor to float32 into <paramref name="destination"/>.</summary>
    /// <param name="name">Tensor key.</param>
    /// <param name="destination">Exactly the tensor's element count.</param>
    /// <exception cref="KeyNotFoundException">No tensor of that name (named in the message).</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16 (names file, tensor and dtype).</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = Get(name);
        if (!SafetensorsDTypes.IsReadable(info.DType))
            throw new NotSupportedException(
                $"{Path}: tensor '{name}': dtype {SafetensorsDTypes.Name(info.DType)} is not supported (only F32, F16 and BF16 are read)");
        if (destination.Length != info.ElementCount)
            throw new ArgumentException(
                $"{Path}: tensor '{name}' has {info.ElementCount} elements {info.ShapeText}, destination has {destination.Length}",
                nameof(destination));
        SafetensorsDTypes.ToFloat32(info.DType, RawBytes(info), destination);
    }

    /// <summary>Converts one tensor to a new float32 array.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    public float[] ReadFloat32(string name)
    {
        var info = Get(name);
        var result = new float[checked((int)info.ElementCount)];
        ReadFloat32(name, result);
        return result;
    }

    /// <summary>The tensor's raw little-endian bytes inside the mapping (valid until disposal).</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    public ReadOnlySpan<byte> RawBytes(string name) => RawBytes(Get(name));

    private ReadOnlySpan<byte> RawBytes(SafetensorsTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // The header check guarantees Begin <= End <= _dataLength, so this never reads outside the mapping.
        if (info.End > _dataLength) throw new InvalidOperationException($"{Path}: tensor '{info.Name}' outside data");
        var length = info.End - info.Begin;
        if (length > int.MaxValue)
            throw new NotSupportedException($"{Path}: tensor '{info.Name}' is larger than 2 GB, which one span cannot address");
        return new ReadOnlySpan<byte>(_data + info.Begin, (int)length);
    }

    private SafetensorsTensorInfo Get(string name) =>
        Header.Tensors.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
