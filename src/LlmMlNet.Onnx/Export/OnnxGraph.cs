// A small builder over the ONNX protobuf messages (generated from onnx.proto3 by protoc): graph inputs and
// outputs with symbolic dimensions, float and int64 initializers, and nodes with unique output names. It
// knows no model: the encoder, decoder and head graphs (TransformerGraph, HeadGraph) are written with it.
// Not a serializer: Google.Protobuf writes the bytes.
using Google.Protobuf;
using Proto = global::Onnx;

namespace LlmMlNet.Onnx.Export;

/// <summary>Builds one ONNX graph node by node.</summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _scalars = new(StringComparer.Ordinal);

    public OnnxGraph(string name) => Graph = new Proto.GraphProto { Name = name };

    /// <summary>The graph built so far.</summary>
    public Proto.GraphProto Graph { get; }

    /// <summary>Declares a graph input; a dimension is a symbolic name (string) or a fixed size (int or long).</summary>
    public string Input(string name, Proto.TensorProto.Types.DataType type, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(name, type, dims));
        _used.Add(name);
        return name;
    }

    /// <summary>Declares <paramref name="value"/> (a node output) as the graph output <paramref name="name"/> (an Identity renames it).</summary>
    public void Output(string value, string name, Proto.TensorProto.Types.DataType type, params object[] dims)
    {
        if (value != name) Node("Identity", [value], name);
        Graph.Output.Add(ValueInfo(name, type, dims));
    }

    /// <summary>A float initializer of shape <paramref name="dims"/>.</summary>
    public string Floats(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new Proto.TensorProto { Name = Unique(name), DataType = (int)Proto.TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian, as ONNX specifies and as every platform .NET runs on stores floats.
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 initializer of shape <paramref name="dims"/> (a 1-D vector of the values when null).</summary>
    public string Int64s(string name, long[] values, long[]? dims = null)
    {
        var tensor = new Proto.TensorProto { Name = Unique(name), DataType = (int)Proto.TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims ?? [values.Length]);
        tensor.Int64Data.AddRange(values);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float scalar initializer, shared between uses of the same value.</summary>
    public string Scalar(float value)
    {
        var key = "f" + BitConverter.SingleToInt32Bits(value);
        if (!_scalars.TryGetValue(key, out var name)) _scalars[key] = name = Floats("const_f", [value]);
        return name;
    }

    /// <summary>An int64 scalar initializer, shared between uses of the same value.</summary>
    public string ScalarInt64(long value)
    {
        var key = "i" + value;
        if (!_scalars.TryGetValue(key, out var name)) _scalars[key] = name = Int64s("const_i", [value], []);
        return name;
    }

    /// <summary>Adds a node with one output (named <paramref name="output"/>, or a fresh name from the op); returns the output.</summary>
    public string Node(string op, string[] inputs, string? output = null, params Proto.AttributeProto[] attributes) =>
        Nodes(op, inputs, [output ?? Unique(op.ToLowerInvariant())], attributes)[0];

    /// <summary>Adds a node with several outputs.</summary>
    public string[] Nodes(string op, string[] inputs, string[] outputs, params Proto.AttributeProto[] attributes)
    {
        var node = new Proto.NodeProto { OpType = op, Name = Unique("n_" + op) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        _used.UnionWith(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>A fresh name with the given prefix (never one handed out before, whatever the prefixes).</summary>
    public string Unique(string prefix)
    {
        _counters.TryGetValue(prefix, out var n);
        string name;
        do name = n++ == 0 ? prefix : $"{prefix}_{n - 1}";
        while (!_used.Add(name));
        _counters[prefix] = n;
        return name;
    }

    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>An int attribute.</summary>
    public static Proto.AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static Proto.AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An ints attribute.</summary>
    public static Proto.AttributeProto Attr(string name, long[] values)
    {
        var a = new Proto.AttributeProto { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A tensor attribute (Constant's value, ConstantOfShape's fill).</summary>
    public static Proto.AttributeProto Attr(string name, Proto.TensorProto value) =>
        new() { Name = name, Type = Proto.AttributeProto.Types.AttributeType.Tensor, T = value };

    private static Proto.ValueInfoProto ValueInfo(string name, Proto.TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new Proto.TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d switch
            {
                string symbol => new Proto.TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new Proto.TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new Proto.TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"dimension {d} is neither a name nor a size", nameof(dims)),
            });
        return new Proto.ValueInfoProto
        {
            Name = name,
            Type = new Proto.TypeProto { TensorType = new Proto.TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
