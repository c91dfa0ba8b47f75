// Parity of exported models: every family's fixtures (F32, F16 and BF16 checkpoints) exported with each head
// they hold, run by ONNX Runtime, against our engine's outputs on the same batches, within 1e-4 at the positions
// whose attention mask is 1; and the export's contract (input and output names, dynamic axes, opset, metadata).
using LlmMlNet.Onnx.Export;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Onnx.Tests;

public sealed class ExportParityTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-parity").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> Cases() => new()
    {
        { "parity/bert-tiny-random", "none" }, { "parity/bert-tiny-random", "mlm" }, { "parity/bert-tiny-random", "classification" }, { "parity/bert-tiny-random", "qa" },
        { "parity/gpt2-tiny-random", "none" }, { "parity/gpt2-tiny-random", "clm" },
        { "bert", "mlm" }, { "bert", "classification" }, { "bert", "qa" },
        { "bert-tf-names-f16", "none" }, { "bert-tf-names-f16", "mlm" }, { "bert-tf-names-f16", "classification" }, { "bert-tf-names-f16", "qa" },
        { "bert-base-noprefix", "none" },
        { "roberta", "none" }, { "roberta", "mlm" }, { "roberta", "classification" }, { "roberta", "qa" },
        { "roberta-base-noprefix", "none" }, { "roberta-mlm-bf16-sharded", "mlm" },
        { "distilbert", "none" }, { "distilbert", "mlm" }, { "distilbert", "classification" }, { "distilbert", "qa" },
        { "distilbert-sinusoidal-noprefix", "none" },
        { "gpt2", "clm" }, { "gpt2", "classification" }, { "gpt2", "qa" },
        { "gpt2-noprefix-lmhead-bf16", "none" }, { "gpt2-noprefix-lmhead-bf16", "clm" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_head_matches_our_engine(string fixture, string headName)
    {
        var folder = OnnxFixtures.Folder(fixture);
        var head = HeadKinds.Parse(headName);
        var path = Path.Combine(_dir, "model.onnx");
        var result = OnnxExporter.ExportFolder(folder, path, new OnnxExportOptions { Head = head });
        var config = TransformerConfigReader.Read(Path.Combine(folder, CheckpointFolder.ConfigFileName));
        var parameters = TransformerParameters.FromPretrained(folder, HeadKinds.Groups(head, config.Family), out _);
        Assert.Equal(headName, result.Metadata["head"]);
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        Assert.Equal(config.Family == ModelFamily.Bert, runner.InputNames.Contains("token_type_ids"));
        foreach (var batch in OnnxFixtures.Batches(folder, config.Family))
        {
            var ours = OnnxFixtures.OurOutputs(parameters, head, batch);
            var onnx = runner.Run(batch);
            foreach (var (name, values) in ours)
                OnnxFixtures.AssertClose(values, onnx[name], batch, perTokenOutput: head != HeadKind.Classification, Tolerance, $"{fixture} {headName} {name}");
        }
    }

    [Fact]
    public void Default_head_is_the_checkpoints_task_and_the_contract_is_optimums()
    {
        var folder = OnnxFixtures.Folder("parity/bert-tiny-random");
        var path = Path.Combine(_dir, "sub", "bert.onnx");
        var result = OnnxExporter.ExportFolder(folder, path);
        // BertForMaskedLM is the first architecture in config.json.
        Assert.Equal(HeadKind.MaskedLm, result.Head);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], result.Inputs);
        Assert.Equal(["logits"], result.Outputs);
        Assert.Equal("fill-mask", result.Metadata["task"]);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        var ids = model.Graph.Input.Single(i => i.Name == "input_ids").Type.TensorType;
        Assert.Equal((int)global::Onnx.TensorProto.Types.DataType.Int64, ids.ElemType);
        Assert.Equal(["batch_size", "sequence_length"], ids.Shape.Dim.Select(d => d.DimParam));
        Assert.Contains(model.Graph.Node, n => n.OpType == "LayerNormalization");
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Classification_metadata_holds_the_labels_and_probabilities_sum_to_one()
    {
        var folder = OnnxFixtures.Folder("roberta");
        var path = Path.Combine(_dir, "cls.onnx");
        var result = OnnxExporter.ExportFolder(folder, path, new OnnxExportOptions { Head = HeadKind.Classification, Opset = 21 });
        var config = TransformerConfigReader.Read(Path.Combine(folder, CheckpointFolder.ConfigFileName));
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        Assert.Equal("text-classification", runner.Metadata["task"]);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(config.Labels), runner.Metadata["labels"]);
        Assert.Contains("\"0\":", runner.Metadata["id2label"]);
        var batch = OnnxFixtures.Batches(folder, config.Family)[0];
        var outputs = runner.Run(batch);
        var probabilities = outputs["probabilities"];
        for (var b = 0; b < batch.Batch; b++)
            Assert.Equal(1.0, probabilities.Skip(b * config.NumLabels).Take(config.NumLabels).Sum(), 5);
        Assert.Equal(result.Outputs, ["logits", "probabilities"]);
    }

    [Fact]
    public void Bad_requests_fail_clearly()
    {
        var bert = OnnxFixtures.Folder("bert-base-noprefix");
        var path = Path.Combine(_dir, "x.onnx");
        Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFolder(bert, path, new OnnxExportOptions { Opset = 16 }));
        Assert.Throws<NotSupportedException>(() => OnnxExporter.ExportFolder(bert, path, new OnnxExportOptions { Head = HeadKind.CausalLm }));
        var error = Assert.Throws<InvalidDataException>(() => OnnxExporter.ExportFolder(bert, path, new OnnxExportOptions { Head = HeadKind.QuestionAnswering }));
        Assert.Contains("qa", error.Message);
        Assert.False(File.Exists(path));
    }
}
