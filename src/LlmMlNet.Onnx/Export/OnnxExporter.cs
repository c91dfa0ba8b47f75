// The library call of ONNX export: a model (parameters with optional LoRA / bottleneck adapters, a trained
// TextClassifier or QuestionAnswering, or a folder of either kind) to one .onnx file, written atomically with
// Google.Protobuf. Outputs are named as Optimum names them (last_hidden_state, logits, start_logits/end_logits,
// present.N.*); the task, head, labels and fine-tuning facts go to metadata_props. LoRA is merged into the
// weights; bottleneck adapters stay as nodes. Not the graph code (TransformerGraph, HeadGraph) or the runner.
using System.Text.Json;
using Google.Protobuf;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tasks;
using DataType = global::Onnx.TensorProto.Types.DataType;
using Proto = global::Onnx;

namespace LlmMlNet.Onnx.Export;

/// <summary>What an export wrote.</summary>
/// <param name="Path">The .onnx file.</param>
/// <param name="Head">The head exported.</param>
/// <param name="Inputs">Graph input names.</param>
/// <param name="Outputs">Graph output names.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Metadata">The metadata_props written.</param>
public sealed record OnnxExportResult(string Path, HeadKind Head, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, long Bytes,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>A feature-extraction classifier's head as an export takes it: the pooling of the body and the softmax regression on it.</summary>
/// <param name="Regression">The softmax regression (weight [K, C], bias [K]).</param>
/// <param name="Pooling">How token states are pooled.</param>
/// <param name="Normalize">Whether pooled features are L2-normalised.</param>
public sealed record OnnxFeatureHead(SoftmaxRegression Regression, PoolingMode Pooling, bool Normalize);

/// <summary>Exports our models to ONNX.</summary>
public static class OnnxExporter
{
    /// <summary>ONNX IR version written (IR 8 is the one of opset 17).</summary>
    public const long IrVersion = 8;

    /// <summary>
    /// Exports <paramref name="parameters"/> with one head. A LoRA adapter is merged into a copy of the weights it
    /// adapts (PEFT's merge_and_unload); bottleneck adapters are exported as extra nodes after their dense layers.
    /// </summary>
    /// <param name="parameters">The model (its groups must include the head's).</param>
    /// <param name="outputPath">The .onnx file to write (atomically; its folder is created).</param>
    /// <param name="options">Head, opset and extras; null uses the defaults (the model's own head, opset 17).</param>
    /// <param name="lora">A LoRA adapter of this model, or null.</param>
    /// <param name="bottleneck">Bottleneck adapters of this model, or null.</param>
    /// <param name="featureHead">A feature-extraction classifier's pooling and softmax regression (the classification head then
    /// exports pooled features → regression logits), or null.</param>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="NotSupportedException">The family has no such head, or past key values for an encoder.</exception>
    /// <exception cref="InvalidOperationException">The parameters lack the head's weights.</exception>
    public static OnnxExportResult Export(TransformerParameters parameters, string outputPath, OnnxExportOptions? options = null,
        LoraAdapter? lora = null, BottleneckAdapter? bottleneck = null, OnnxFeatureHead? featureHead = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var o = (options ?? new OnnxExportOptions()).Validate();
        var head = o.Head ?? (featureHead is not null ? HeadKind.Classification : DefaultHead(parameters));
        var metadata = new Dictionary<string, string>();
        if (lora is not null) metadata["lora"] = "merged into the weights";
        if (bottleneck is not null) metadata["bottleneck_adapters"] = "exported as nodes";
        var features = featureHead is not null && head == HeadKind.Classification;
        return Write(new ExportWeights(parameters, lora, bottleneck, features ? featureHead!.Regression : null), head, o, outputPath, metadata,
            features ? (featureHead!.Pooling, featureHead.Normalize) : null);
    }

    /// <summary>Exports a trained classifier: logits (and probabilities) over its labels, whatever its fine-tuning method.</summary>
    /// <param name="classifier">The classifier (a feature-extraction one exports pooling + its softmax regression).</param>
    /// <param name="outputPath">The .onnx file.</param>
    /// <param name="options">Opset and extras; the head is classification (another head exports the body with that head).</param>
    public static OnnxExportResult Export(TextClassifier classifier, string outputPath, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var o = (options ?? new OnnxExportOptions()).Validate();
        var head = o.Head ?? HeadKind.Classification;
        var metadata = TaskMetadata(classifier.Options, classifier.Lora, classifier.Adapter);
        var features = classifier.FeatureHead is not null && head == HeadKind.Classification;
        var weights = new ExportWeights(classifier.Parameters, classifier.Lora, classifier.Adapter, features ? classifier.FeatureHead : null);
        return Write(weights, head, o, outputPath, metadata,
            features ? (classifier.Options.Pooling, classifier.Options.NormalizeEmbeddings) : null);
    }

    /// <summary>Exports a trained QA model: start_logits and end_logits [batch, sequence].</summary>
    public static OnnxExportResult Export(QuestionAnswering model, string outputPath, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var o = (options ?? new OnnxExportOptions()).Validate();
        return Write(new ExportWeights(model.Parameters, model.Lora, model.Adapter), o.Head ?? HeadKind.QuestionAnswering, o, outputPath,
            TaskMetadata(model.Options, model.Lora, model.Adapter), featurePooling: null);
    }

    /// <summary>
    /// Exports a model folder: a task folder saved by TextClassifier / QuestionAnswering (llmmlnet-task.json; any method), or a
    /// Hugging Face folder (config.json + weights; default head from its architectures).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="InvalidDataException">Unreadable config or weights, or the checkpoint lacks the head's weights.</exception>
    public static OnnxExportResult ExportFolder(string modelDirectory, string outputPath, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelDirectory);
        if (!Directory.Exists(modelDirectory)) throw new DirectoryNotFoundException($"Model folder '{modelDirectory}' does not exist.");
        var o = (options ?? new OnnxExportOptions()).Validate();
        if (File.Exists(Path.Combine(modelDirectory, TaskModelManifest.FileName)))
        {
            var manifest = TaskModelManifest.Load(modelDirectory);
            return manifest.Task == TaskModelManifest.QuestionAnswering
                ? Export(QuestionAnswering.Load(modelDirectory, batchSize: 1), outputPath, o)
                : Export(TextClassifier.Load(modelDirectory, batchSize: 1), outputPath, o);
        }
        var config = TransformerConfigReader.Read(Path.Combine(modelDirectory, CheckpointFolder.ConfigFileName));
        var head = o.Head ?? HeadFromArchitectures(config) ?? (config.Family == ModelFamily.Gpt2 ? HeadKind.CausalLm : HeadKind.None);
        var groups = HeadKinds.Groups(head, config.Family).ToHashSet();
        if (o.Pooling == PoolingMode.Pooler) groups.Add(KeyGroup.Pooler);
        var parameters = TransformerParameters.FromPretrained(modelDirectory, groups, out var report);
        if (report.Initialized.Count > 0)
            throw new InvalidDataException(
                $"{modelDirectory}: the checkpoint has no weights for the {HeadName(head)} head ({string.Join(", ", report.MissingHfKeys)}); choose another --head.");
        return Export(parameters, outputPath, o with { Head = head });
    }

    /// <summary>The head a model's own task implies: config.json's first architecture, else clm for GPT-2 and none for encoders.</summary>
    public static HeadKind DefaultHead(TransformerParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (HeadFromArchitectures(parameters.Config) is { } head && HeadKinds.Groups(head, parameters.Config.Family).All(parameters.Groups.Contains))
            return head;
        return parameters.Config.Family == ModelFamily.Gpt2 ? HeadKind.CausalLm : HeadKind.None;
    }

    /// <summary>The CLI and metadata name of a head (none, mlm, clm, classification, qa).</summary>
    public static string HeadName(HeadKind head) => head switch
    {
        HeadKind.MaskedLm => "mlm",
        HeadKind.CausalLm => "clm",
        HeadKind.Classification => "classification",
        HeadKind.QuestionAnswering => "qa",
        _ => "none",
    };

    private static HeadKind? HeadFromArchitectures(TransformerConfig config)
    {
        if (!config.ExtraFields.TryGetValue("architectures", out var field) || field.ValueKind != JsonValueKind.Array || field.GetArrayLength() == 0) return null;
        var name = field[0].GetString() ?? "";
        if (name.EndsWith("ForMaskedLM", StringComparison.Ordinal)) return HeadKind.MaskedLm;
        if (name.EndsWith("LMHeadModel", StringComparison.Ordinal) || name.EndsWith("ForCausalLM", StringComparison.Ordinal)) return HeadKind.CausalLm;
        if (name.EndsWith("ForSequenceClassification", StringComparison.Ordinal)) return HeadKind.Classification;
        if (name.EndsWith("ForQuestionAnswering", StringComparison.Ordinal)) return HeadKind.QuestionAnswering;
        return name.EndsWith("Model", StringComparison.Ordinal) ? HeadKind.None : null;
    }

    private static Dictionary<string, string> TaskMetadata(TaskModelOptions options, LoraAdapter? lora, BottleneckAdapter? bottleneck)
    {
        var metadata = new Dictionary<string, string>
        {
            ["fine_tuning_method"] = TaskModelManifest.MethodName(options.Method),
            ["max_length"] = options.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (lora is not null) metadata["lora"] = "merged into the weights";
        if (bottleneck is not null) metadata["bottleneck_adapters"] = "exported as nodes";
        return metadata;
    }

    private static OnnxExportResult Write(ExportWeights weights, HeadKind head, OnnxExportOptions o, string outputPath,
        Dictionary<string, string> metadata, (PoolingMode Mode, bool Normalize)? featurePooling)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        var model = Build(weights, head, o, metadata, featurePooling);
        var full = Path.GetFullPath(outputPath);
        if (Path.GetDirectoryName(full) is { } folder) Directory.CreateDirectory(folder);
        AtomicFile.Write(full, stream => model.WriteTo(stream));
        return new OnnxExportResult(full, head, model.Graph.Input.Select(i => i.Name).ToArray(), model.Graph.Output.Select(x => x.Name).ToArray(),
            new FileInfo(full).Length, metadata);
    }

    /// <summary>The serialized model of a task's inference (what <see cref="Runtime.OnnxRuntimeEngine"/> opens, never written to disk).</summary>
    internal static byte[] ToBytes(TaskInferenceModel model, int opset = OnnxExportOptions.MinimumOpset)
    {
        var features = model.FeatureHead is not null && model.Head == HeadKind.Classification;
        var weights = new ExportWeights(model.Parameters, model.Lora, model.Bottleneck, features ? model.FeatureHead : null);
        var options = new OnnxExportOptions { Head = model.Head, Opset = opset };
        if (model.Head == HeadKind.None) options = options with { Pooling = model.Pooling, NormalizeEmbeddings = model.NormalizeEmbeddings };
        return Build(weights, model.Head, options, [], features ? (model.Pooling, model.NormalizeEmbeddings) : null).ToByteArray();
    }

    private static Proto.ModelProto Build(ExportWeights weights, HeadKind head, OnnxExportOptions o,
        Dictionary<string, string> metadata, (PoolingMode Mode, bool Normalize)? featurePooling)
    {
        var config = weights.Config;
        _ = HeadKinds.Groups(head, config.Family); // throws NotSupportedException for a head the family lacks
        if (o.WithPast && head != HeadKind.CausalLm) throw new ArgumentException("past key values are exported with the clm head only.", nameof(o));
        var graph = new OnnxGraph($"{ModelFamilies.ModelType(config.Family)}-{HeadName(head)}");
        var layers = new GraphLayers(graph, weights);
        var body = new TransformerGraph(layers, o.WithPast);
        var hidden = body.Build();
        var heads = new HeadGraph(layers, body);
        const string B = TransformerGraph.Batch, T = TransformerGraph.Sequence;
        int c = config.HiddenSize, v = config.VocabSize, labels = config.NumLabels;
        var task = "feature-extraction";
        switch (head)
        {
            case HeadKind.None:
                graph.Output(hidden, "last_hidden_state", DataType.Float, B, T, c);
                if (o.Pooling is { } pooling)
                {
                    graph.Output(heads.Pooled(hidden, pooling, o.NormalizeEmbeddings), "sentence_embedding", DataType.Float, B, c);
                    metadata["pooling"] = pooling.ToString().ToLowerInvariant();
                    metadata["normalize"] = o.NormalizeEmbeddings ? "true" : "false";
                }
                break;
            case HeadKind.MaskedLm:
                RequireWeights(weights, "mlm.dense.weight", head);
                graph.Output(heads.MaskedLm(hidden), "logits", DataType.Float, B, T, v);
                task = "fill-mask";
                break;
            case HeadKind.CausalLm:
                graph.Output(heads.CausalLm(hidden), "logits", DataType.Float, B, T, v);
                if (o.WithPast) body.DeclarePresent();
                task = o.WithPast ? "text-generation-with-past" : "text-generation";
                break;
            case HeadKind.Classification:
            {
                string logits;
                if (featurePooling is { } fp)
                {
                    logits = heads.FeatureHead(heads.Pooled(hidden, fp.Mode, fp.Normalize));
                    metadata["pooling"] = fp.Mode.ToString().ToLowerInvariant();
                    metadata["normalize"] = fp.Normalize ? "true" : "false";
                }
                else
                {
                    RequireWeights(weights, "classifier.out.weight", head);
                    logits = heads.Classification(hidden);
                }
                graph.Output(logits, "logits", DataType.Float, B, labels);
                if (o.Probabilities)
                    graph.Output(graph.Node("Softmax", [logits], null, OnnxGraph.Attr("axis", -1L)), "probabilities", DataType.Float, B, labels);
                metadata["id2label"] = JsonSerializer.Serialize(config.Labels.Select((l, i) => (i, l)).ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.l));
                metadata["labels"] = JsonSerializer.Serialize(config.Labels);
                task = "text-classification";
                break;
            }
            default:
            {
                RequireWeights(weights, "qa.weight", head);
                var (start, end) = heads.QuestionAnswering(hidden);
                graph.Output(start, "start_logits", DataType.Float, B, T);
                graph.Output(end, "end_logits", DataType.Float, B, T);
                task = "question-answering";
                break;
            }
        }
        metadata["task"] = task;
        metadata["head"] = HeadName(head);
        metadata["model_type"] = ModelFamilies.ModelType(config.Family);
        var model = new Proto.ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "llmmlnet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new Proto.OperatorSetIdProto { Domain = "", Version = o.Opset });
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            model.MetadataProps.Add(new Proto.StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static void RequireWeights(ExportWeights weights, string name, HeadKind head)
    {
        if (!weights.Contains(name))
            throw new InvalidOperationException($"the model has no {HeadName(head)} head weights ('{name}'); load it with that head's group.");
    }
}
