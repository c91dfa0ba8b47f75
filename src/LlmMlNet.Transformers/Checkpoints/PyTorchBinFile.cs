// A read-only pytorch_model.bin in the zip layout PyTorch has written since 1.6 (archive/data.pkl +
// archive/data/<storage key>): the state dict is read by TorchPickleReader, which runs no code, every
// tensor view is checked against its storage record on open, and tensors are converted to float32 from
// the record without loading the rest of the file. Not the legacy (pre-1.6) tar/pickle format: refused.
using System.IO.Compression;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>An open PyTorch zip checkpoint whose tensors can be read as float32.</summary>
public sealed class PyTorchBinFile : IWeightsFile
{
    private const int ChunkBytes = 1 << 20;
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, TorchTensor> _views;
    private readonly string _prefix;
    private bool _disposed;

    private PyTorchBinFile(string path, ZipArchive archive, string prefix, Dictionary<string, TorchTensor> views,
        IReadOnlyDictionary<string, SafetensorsTensorInfo> tensors)
    {
        Path = path;
        _archive = archive;
        _prefix = prefix;
        _views = views;
        Tensors = tensors;
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Tensors by name, in the pickle's order. Begin/End are the byte range of the tensor's first to last element
    /// inside its storage record (a strided view reads only the elements its strides select).
    /// </summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>Opens a PyTorch zip checkpoint and validates its state dict against its storage records.</summary>
    /// <param name="path">Path to pytorch_model.bin (or a shard of it).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// Not a zip (the legacy pre-1.6 format or another file), no data.pkl, a pickle that references a global or opcode a
    /// state dict does not use (named; nothing is executed), big-endian storages, or a view outside its storage record.
    /// </exception>
    public static PyTorchBinFile Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"PyTorch checkpoint not found: {full}", full);
        var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new InvalidDataException(
                $"{full}: not a PyTorch zip checkpoint ({e.Message}); files written by PyTorch before 1.6 (or with " +
                "_use_new_zipfile_serialization=False) are not read: re-save with torch.save in PyTorch >= 1.6, or convert to safetensors", e);
        }
        try
        {
            var pickles = archive.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)
                && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw new InvalidDataException($"{full}: expected one <name>/data.pkl record in the zip, found {pickles.Count}");
            var prefix = pickles[0].FullName[..^"data.pkl".Length];
            if (archive.GetEntry(prefix + "byteorder") is { } order && ReadText(order) is var text && text != "little")
                throw new InvalidDataException($"{full}: storages are stored in '{text}' byte order; only little-endian is read");
            if (pickles[0].Length > TorchPickleReader.MaxPickleBytes)
                throw new InvalidDataException($"{full}: data.pkl is {pickles[0].Length} bytes, more than the {TorchPickleReader.MaxPickleBytes}-byte limit");
            var pickle = ReadAll(full, pickles[0]);
            var state = TorchPickleReader.ReadStateDict(full, pickle);
            var views = new Dictionary<string, TorchTensor>(StringComparer.Ordinal);
            var infos = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            foreach (var (name, tensor) in state)
            {
                var entry = archive.GetEntry(prefix + "data/" + tensor.Storage.Key)
                    ?? throw new InvalidDataException($"{full}: tensor '{name}' views storage '{tensor.Storage.Key}', which the zip does not hold");
                var size = SafetensorsDTypes.ElementSize(tensor.Storage.DType);
                if (entry.Length != tensor.Storage.ElementCount * size)
                    throw new InvalidDataException(
                        $"{full}: storage '{tensor.Storage.Key}' holds {entry.Length} bytes but the pickle declares {tensor.Storage.ElementCount} × {size}-byte elements");
                var count = tensor.Shape.Aggregate(1L, (a, b) => a * b);
                var begin = tensor.Offset * size;
                views[name] = tensor;
                infos[name] = new SafetensorsTensorInfo(name, tensor.Storage.DType, tensor.Shape, begin, begin + count * size);
            }
            return new PyTorchBinFile(full, archive, prefix, views, infos);
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>True when the file holds a tensor of this name.</summary>
    public bool Contains(string name) => _views.ContainsKey(name);

    /// <summary>Converts one tensor to float32 into <paramref name="destination"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name (named in the message).</exception>
    /// <exception cref="ArgumentException">The destination length differs from the element count.</exception>
    /// <exception cref="NotSupportedException">The tensor's dtype is not F32, F16 or BF16 (names file, tensor and dtype).</exception>
    public void ReadFloat32(string name, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var view = _views.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        var info = Tensors[name];
        var dtype = view.Storage.DType;
        if (!SafetensorsDTypes.IsReadable(dtype))
            throw new NotSupportedException($"{Path}: tensor '{name}': dtype {SafetensorsDTypes.Name(dtype)} is not supported (only F32, F16 and BF16 are read)");
        if (destination.Length != info.ElementCount)
            throw new ArgumentException($"{Path}: tensor '{name}' has {info.ElementCount} elements {info.ShapeText}, destination has {destination.Length}", nameof(destination));
        if (destination.IsEmpty) return;
        var entry = _archive.GetEntry(_prefix + "data/" + view.Storage.Key)!;
        using var stream = entry.Open();
        var size = SafetensorsDTypes.ElementSize(dtype);
        if (IsContiguous(view))
        {
            Skip(stream, view.Offset * size);
            Convert(stream, dtype, size, destination);
            return;
        }
        // A strided view (a transpose or a slice saved as is): convert the storage span it covers, then gather.
        long last = view.Offset;
        for (var i = 0; i < view.Shape.Count; i++) last += (view.Shape[i] - 1) * view.Stride[i];
        var span = new float[checked((int)(last - view.Offset + 1))];
        Skip(stream, view.Offset * size);
        Convert(stream, dtype, size, span);
        var index = new long[view.Shape.Count];
        for (var k = 0; k < destination.Length; k++)
        {
            long at = 0;
            for (var d = 0; d < index.Length; d++) at += index[d] * view.Stride[d];
            destination[k] = span[at];
            for (var d = index.Length - 1; d >= 0 && ++index[d] == view.Shape[d]; d--) index[d] = 0;
        }
    }

    /// <summary>Converts one tensor to a new float32 array.</summary>
    /// <exception cref="KeyNotFoundException">No tensor of that name.</exception>
    public float[] ReadFloat32(string name)
    {
        var info = Tensors.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");
        var result = new float[checked((int)info.ElementCount)];
        ReadFloat32(name, result);
        return result;
    }

    private static bool IsContiguous(TorchTensor view)
    {
        long expected = 1;
        for (var d = view.Shape.Count - 1; d >= 0; d--)
        {
            if (view.Shape[d] != 1 && view.Stride[d] != expected) return false;
            expected *= view.Shape[d];
        }
        return true;
    }

    // Converts destination.Length elements in chunks, so a large tensor never needs a second full-size buffer.
    private void Convert(Stream stream, SafetensorsDType dtype, int size, Span<float> destination)
    {
        var buffer = new byte[Math.Min(ChunkBytes, destination.Length * size)];
        var perChunk = buffer.Length / size;
        for (var done = 0; done < destination.Length; done += perChunk)
        {
            var n = Math.Min(perChunk, destination.Length - done);
            var bytes = buffer.AsSpan(0, n * size);
            if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length)
                throw new InvalidDataException($"{Path}: a storage record ends early (truncated file)");
            SafetensorsDTypes.ToFloat32(dtype, bytes, destination.Slice(done, n));
        }
    }

    private void Skip(Stream stream, long bytes)
    {
        if (bytes == 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        var scratch = new byte[(int)Math.Min(ChunkBytes, bytes)];
        while (bytes > 0)
        {
            var read = stream.Read(scratch, 0, (int)Math.Min(scratch.Length, bytes));
            if (read == 0) throw new InvalidDataException($"{Path}: a storage record ends early (truncated file)");
            bytes -= read;
        }
    }

    private static byte[] ReadAll(string file, ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        var bytes = new byte[entry.Length];
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length)
            throw new InvalidDataException($"{file}: {entry.FullName} ends early (truncated file)");
        return bytes;
    }

    private static string ReadText(ZipArchiveEntry entry)
    {
        if (entry.Length > 64) return "(unreadable)";
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd().Trim();
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _archive.Dispose();
    }
}
