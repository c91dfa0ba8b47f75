// A restricted unpickler for the data.pkl of a PyTorch zip checkpoint: it interprets only the opcodes a
// state dict uses (protocols 2-4: ints, floats, strings, tuples, lists, dicts, memo, GLOBAL, REDUCE, BUILD,
// BINPERSID) and calls only the globals that rebuild tensors (torch._utils._rebuild_tensor_v2 and
// friends, collections.OrderedDict). Any other global or opcode is refused naming it, before anything
// else happens, so no code in the file can run. Not a general pickle reader and not a tensor reader.
using System.Buffers.Binary;
using System.Text;

namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>A storage record a tensor views: its entry under data/, dtype and element count.</summary>
/// <param name="Key">Entry name under <c>data/</c>.</param>
/// <param name="DType">Element type (from the storage class, e.g. torch.HalfStorage is F16).</param>
/// <param name="ElementCount">Elements the storage holds.</param>
public sealed record TorchStorage(string Key, SafetensorsDType DType, long ElementCount);

/// <summary>A tensor of a state dict: a strided view of one storage.</summary>
/// <param name="Storage">The storage viewed.</param>
/// <param name="Offset">First element's index in the storage.</param>
/// <param name="Shape">Sizes.</param>
/// <param name="Stride">Strides in elements.</param>
public sealed record TorchTensor(TorchStorage Storage, long Offset, IReadOnlyList<long> Shape, IReadOnlyList<long> Stride);

/// <summary>Reads a state dict from PyTorch's pickle without executing anything.</summary>
public static class TorchPickleReader
{
    /// <summary>data.pkl files larger than this are refused (state dicts of 7B models are well under 1 MB).</summary>
    public const int MaxPickleBytes = 16 << 20;

    private static readonly Dictionary<string, SafetensorsDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = SafetensorsDType.F32, ["HalfStorage"] = SafetensorsDType.F16, ["BFloat16Storage"] = SafetensorsDType.BF16,
        ["DoubleStorage"] = SafetensorsDType.F64, ["LongStorage"] = SafetensorsDType.I64, ["IntStorage"] = SafetensorsDType.I32,
        ["ShortStorage"] = SafetensorsDType.I16, ["CharStorage"] = SafetensorsDType.I8, ["ByteStorage"] = SafetensorsDType.U8,
        ["BoolStorage"] = SafetensorsDType.BOOL,
    };

    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    };

    private sealed record Global(string Name);
    private sealed class Mark { public static readonly Mark Instance = new(); }
    private sealed class PickleDict
    {
        public List<KeyValuePair<object, object?>> Items { get; } = [];
    }

    /// <summary>Interprets <paramref name="pickle"/> and returns its state dict, name → tensor, in file order.</summary>
    /// <param name="file">The checkpoint's path, for messages.</param>
    /// <param name="pickle">The bytes of data.pkl.</param>
    /// <exception cref="InvalidDataException">
    /// A global other than the tensor-rebuild functions, storage types and OrderedDict (the message names it), an
    /// opcode a state dict does not use, a truncated or malformed pickle, or a top level that is not a dict of tensors.
    /// </exception>
    public static IReadOnlyList<KeyValuePair<string, TorchTensor>> ReadStateDict(string file, ReadOnlySpan<byte> pickle)
    {
        if (pickle.Length > MaxPickleBytes) throw Bad(file, $"data.pkl is {pickle.Length} bytes, more than the {MaxPickleBytes}-byte limit");
        var result = Run(file, pickle);
        if (result is not PickleDict dict) throw Bad(file, $"the pickle holds {Describe(result)}, not a state dict (a dict of tensors)");
        var tensors = new List<KeyValuePair<string, TorchTensor>>(dict.Items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (key is not string name) throw Bad(file, $"a state dict key is {Describe(key)}, not a string");
            if (value is not TorchTensor tensor) throw Bad(file, $"entry '{name}' is {Describe(value)}, not a tensor");
            if (!seen.Add(name)) throw Bad(file, $"entry '{name}' appears twice");
            tensors.Add(new(name, tensor));
        }
        return tensors;
    }

    private static object? Run(string file, ReadOnlySpan<byte> p)
    {
        var stack = new List<object?>();
        var marks = new Stack<int>();
        var memo = new Dictionary<long, object?>();
        var at = 0;
        while (true)
        {
            if (at >= p.Length) throw Bad(file, "the pickle ends without a STOP opcode (truncated)");
            var op = p[at++];
            switch (op)
            {
                case 0x80: Take(file, p, ref at, 1); break; // PROTO
                case 0x95: Take(file, p, ref at, 8); break; // FRAME (a length hint)
                case (byte)'.': // STOP
                    if (stack.Count != 1 || marks.Count != 0) throw Bad(file, "the pickle does not end with exactly one object");
                    return stack[0];
                case (byte)'(': marks.Push(stack.Count); break;
                case (byte)'0': Pop(file, stack); break;
                case (byte)'1': PopMark(file, stack, marks); break;
                case (byte)'2': stack.Add(Peek(file, stack)); break;
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break;
                case 0x89: stack.Add(false); break;
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(file, p, ref at, 4))); break;
                case (byte)'K': stack.Add((long)Take(file, p, ref at, 1)[0]); break;
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(file, p, ref at, 2))); break;
                case 0x8a: // LONG1
                {
                    int n = Take(file, p, ref at, 1)[0];
                    if (n > 8) throw Bad(file, $"an integer of {n} bytes is larger than any size a state dict holds");
                    var bytes = Take(file, p, ref at, n);
                    long value = 0;
                    for (var i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
                    if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n);
                    stack.Add(value);
                    break;
                }
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(file, p, ref at, 8))); break;
                case (byte)'X': stack.Add(Utf8(file, Take(file, p, ref at, Length(file, Take(file, p, ref at, 4))))); break;
                case 0x8c: stack.Add(Utf8(file, Take(file, p, ref at, Take(file, p, ref at, 1)[0]))); break;
                case 0x8d: stack.Add(Utf8(file, Take(file, p, ref at, Length(file, Take(file, p, ref at, 8))))); break;
                case (byte)'T': stack.Add(Encoding.Latin1.GetString(Take(file, p, ref at, Length(file, Take(file, p, ref at, 4))))); break;
                case (byte)'U': stack.Add(Encoding.Latin1.GetString(Take(file, p, ref at, Take(file, p, ref at, 1)[0]))); break;
                case (byte)')': stack.Add(Array.Empty<object?>()); break;
                case (byte)'t': stack.Add(PopMark(file, stack, marks).ToArray()); break;
                case 0x85: stack.Add(new[] { Pop(file, stack) }); break;
                case 0x86: { var b = Pop(file, stack); var a = Pop(file, stack); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(file, stack); var b = Pop(file, stack); var a = Pop(file, stack); stack.Add(new[] { a, b, c }); break; }
                case (byte)']': stack.Add(new List<object?>()); break;
                case (byte)'l': stack.Add(PopMark(file, stack, marks)); break;
                case (byte)'a': { var item = Pop(file, stack); ListAt(file, stack).Add(item); break; }
                case (byte)'e': { var items = PopMark(file, stack, marks); ListAt(file, stack).AddRange(items); break; }
                case (byte)'}': stack.Add(new PickleDict()); break;
                case (byte)'d': { var items = PopMark(file, stack, marks); var d = new PickleDict(); AddPairs(file, d, items); stack.Add(d); break; }
                case (byte)'s': { var v = Pop(file, stack); var k = Pop(file, stack); DictAt(file, stack).Items.Add(new(Key(file, k), v)); break; }
                case (byte)'u': { var items = PopMark(file, stack, marks); AddPairs(file, DictAt(file, stack), items); break; }
                case (byte)'q': memo[Take(file, p, ref at, 1)[0]] = Peek(file, stack); break;
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(file, p, ref at, 4))] = Peek(file, stack); break;
                case 0x94: memo[memo.Count] = Peek(file, stack); break;
                case (byte)'h': stack.Add(Memo(file, memo, Take(file, p, ref at, 1)[0])); break;
                case (byte)'j': stack.Add(Memo(file, memo, BinaryPrimitives.ReadUInt32LittleEndian(Take(file, p, ref at, 4)))); break;
                case (byte)'c': // GLOBAL module\nname\n
                {
                    var module = Line(file, p, ref at);
                    stack.Add(Resolve(file, module, Line(file, p, ref at)));
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop(file, stack) as string;
                    var module = Pop(file, stack) as string;
                    if (name is null || module is null) throw Bad(file, "STACK_GLOBAL without two strings");
                    stack.Add(Resolve(file, module, name));
                    break;
                }
                case (byte)'Q': stack.Add(PersistentStorage(file, Pop(file, stack))); break;
                case (byte)'R': { var args = Pop(file, stack); var callable = Pop(file, stack); stack.Add(Call(file, callable, args)); break; }
                case (byte)'b': // BUILD: OrderedDict's instance state (the state dict's _metadata) is accepted and dropped.
                {
                    var state = Pop(file, stack);
                    if (Peek(file, stack) is not PickleDict || state is not (PickleDict or object?[]))
                        throw Bad(file, $"BUILD of {Describe(Peek(file, stack))} is not allowed (only a dict's metadata)");
                    break;
                }
                default:
                    throw Bad(file, $"opcode 0x{op:X2} at byte {at - 1} is not allowed in a state dict (only data, memo, "
                        + "GLOBAL/REDUCE of the tensor-rebuild functions and BINPERSID are accepted)");
            }
        }
    }

    // Globals are resolved to markers: nothing is looked up or imported, and anything off the list stops here.
    private static Global Resolve(string file, string module, string name)
    {
        var full = $"{module}.{name}";
        if (Callables.Contains(full) || (module == "torch" && StorageTypes.ContainsKey(name))) return new Global(full);
        throw Bad(file, $"the pickle references the global '{full}', which a state dict does not need; refused so that no code in the file can run");
    }

    private static object? Call(string file, object? callable, object? args)
    {
        if (callable is not Global global) throw Bad(file, $"REDUCE calls {Describe(callable)}, which is not an allowed function");
        if (args is not object?[] a) throw Bad(file, $"REDUCE of {global.Name} without an argument tuple");
        switch (global.Name)
        {
            case "collections.OrderedDict":
                if (a.Length != 0) throw Bad(file, "OrderedDict is called with arguments");
                return new PickleDict();
            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
            {
                if (a.Length < 4 || a[0] is not TorchStorage storage || a[1] is not long offset)
                    throw Bad(file, $"{global.Name} is called with ({string.Join(", ", a.Select(Describe))})");
                var shape = Longs(file, a[2], "size");
                var stride = Longs(file, a[3], "stride");
                return Tensor(file, storage, offset, shape, stride);
            }
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return a.Length >= 1 && a[0] is TorchTensor data ? data : throw Bad(file, $"{global.Name} is called without a tensor");
            default:
                throw Bad(file, $"'{global.Name}' is a storage type and cannot be called");
        }
    }

    // Checks the view against its storage now, so every tensor the reader returns reads inside its record.
    private static TorchTensor Tensor(string file, TorchStorage storage, long offset, long[] shape, long[] stride)
    {
        if (shape.Length != stride.Length) throw Bad(file, $"storage '{storage.Key}': size [{string.Join(", ", shape)}] and stride [{string.Join(", ", stride)}] differ in rank");
        if (offset < 0 || shape.Any(s => s < 0) || stride.Any(s => s < 0))
            throw Bad(file, $"storage '{storage.Key}': negative offset, size or stride");
        try
        {
            long count = shape.Aggregate(1L, (x, y) => checked(x * y));
            long last = offset;
            for (var i = 0; i < shape.Length; i++) if (shape[i] > 0) last = checked(last + (shape[i] - 1) * stride[i]);
            if (count > 0 && last >= storage.ElementCount)
                throw Bad(file, $"storage '{storage.Key}': a view at offset {offset} of size [{string.Join(", ", shape)}] reaches element {last}, past its {storage.ElementCount} elements");
        }
        catch (OverflowException)
        {
            throw Bad(file, $"storage '{storage.Key}': size [{string.Join(", ", shape)}] is too large");
        }
        return new TorchTensor(storage, offset, shape, stride);
    }

    private static TorchStorage PersistentStorage(string file, object? pid)
    {
        if (pid is not object?[] { Length: 5 } t || t[0] is not "storage" || t[1] is not Global type || t[2] is not string key
            || t[3] is not string || t[4] is not long numel || numel < 0)
            throw Bad(file, $"persistent id {Describe(pid)} is not ('storage', type, key, location, numel)");
        var name = type.Name["torch.".Length..];
        if (!type.Name.StartsWith("torch.", StringComparison.Ordinal) || !StorageTypes.TryGetValue(name, out var dtype))
            throw Bad(file, $"persistent id names '{type.Name}', not a storage type");
        if (key.Length == 0 || key.Contains('/') || key.Contains('\\') || key.Contains(".."))
            throw Bad(file, $"storage key '{key}' is not a plain record name");
        return new TorchStorage(key, dtype, numel);
    }

    private static long[] Longs(string file, object? value, string what) =>
        value is object?[] items && items.All(i => i is long)
            ? items.Select(i => (long)i!).ToArray()
            : throw Bad(file, $"tensor {what} {Describe(value)} is not a tuple of integers");

    private static void AddPairs(string file, PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0) throw Bad(file, "a dict is built from an odd number of items");
        for (var i = 0; i < items.Count; i += 2) dict.Items.Add(new(Key(file, items[i]), items[i + 1]));
    }

    private static object Key(string file, object? key) =>
        key is string or long or bool ? key : throw Bad(file, $"a dict key is {Describe(key)}");

    private static ReadOnlySpan<byte> Take(string file, ReadOnlySpan<byte> p, ref int at, long count)
    {
        if (count < 0 || count > p.Length - at) throw Bad(file, $"the pickle is truncated at byte {at} (wanted {count} more bytes)");
        var span = p.Slice(at, (int)count);
        at += (int)count;
        return span;
    }

    private static long Length(string file, ReadOnlySpan<byte> bytes) =>
        bytes.Length == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes) is var n and >= 0 ? n : throw Bad(file, "a negative length");

    private static string Line(string file, ReadOnlySpan<byte> p, ref int at)
    {
        var end = p[at..].IndexOf((byte)'\n');
        if (end < 0) throw Bad(file, "GLOBAL without a newline (truncated)");
        var text = Encoding.ASCII.GetString(p.Slice(at, end));
        at += end + 1;
        return text;
    }

    private static string Utf8(string file, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Bad(file, "a string is not valid UTF-8");
        }
    }

    private static object? Pop(string file, List<object?> stack)
    {
        var value = Peek(file, stack);
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private static object? Peek(string file, List<object?> stack) =>
        stack.Count > 0 && stack[^1] is not Mark ? stack[^1] : throw Bad(file, "an opcode needs a value the stack does not hold");

    private static List<object?> PopMark(string file, List<object?> stack, Stack<int> marks)
    {
        if (marks.Count == 0) throw Bad(file, "an opcode needs a MARK that was never set");
        var start = marks.Pop();
        if (start > stack.Count) throw Bad(file, "the stack shrank below a MARK");
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private static List<object?> ListAt(string file, List<object?> stack) =>
        Peek(file, stack) as List<object?> ?? throw Bad(file, $"APPEND to {Describe(stack[^1])}");

    private static PickleDict DictAt(string file, List<object?> stack) =>
        Peek(file, stack) as PickleDict ?? throw Bad(file, $"SETITEM on {Describe(stack[^1])}");

    private static object? Memo(string file, Dictionary<long, object?> memo, long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Bad(file, $"memo entry {index} is read before it is written");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
        long l => $"the integer {l}",
        Global g => g.Name,
        TorchTensor => "a tensor",
        TorchStorage => "a storage",
        PickleDict => "a dict",
        object?[] t => $"a tuple of {t.Length}",
        List<object?> => "a list",
        _ => value.GetType().Name,
    };

    private static InvalidDataException Bad(string file, string problem) => new($"{file}: {problem}");
}
