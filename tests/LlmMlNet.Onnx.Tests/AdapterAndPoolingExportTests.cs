// Export of what parity on plain checkpoints does not cover: LoRA (merged into the weights) and bottleneck adapters
// (kept as nodes) on every family, each with non-zero updates so the adapter changes the outputs; the pooled
// embeddings (CLS, mask mean, BERT's pooler, L2 normalised) against FeaturePooling; and GPT-2's decoder with
// past key values, whose incremental steps must give the full forward's logits.
using LlmMlNet.Onnx.Export;
using LlmMlNet.Onnx.Runtime;
using LlmMlNet.Tensors.Memory;
using LlmMlNet.Transformers.Adapters;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using Xunit;

namespace LlmMlNet.Onnx.Tests;

public sealed class AdapterAndPoolingExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("onnx-adapters").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TransformerParameters Load(string fixture, HeadKind head, params KeyGroup[] extra)
    {
        var folder = OnnxFixtures.Folder(fixture);
        var config = TransformerConfigReader.Read(Path.Combine(folder, CheckpointFolder.ConfigFileName));
        var groups = HeadKinds.Groups(head, config.Family).Concat(extra).ToHashSet();
        return TransformerParameters.FromPretrained(folder, groups, out _);
    }

    private static void Randomize(Span<float> values, int seed, float scale)
    {
        var random = new Random(seed);
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
    }

    [Theory]
    [InlineData("bert", "classification")]
    [InlineData("roberta", "qa")]
    [InlineData("distilbert", "mlm")]
    [InlineData("gpt2", "clm")]
    public void Lora_is_merged_and_matches_the_adapted_model(string fixture, string headName)
    {
        var head = HeadKinds.Parse(headName);
        var parameters = Load(fixture, head);
        var lora = LoraAdapter.Create(parameters.Config, new LoraOptions { Rank = 2, Alpha = 4, TargetModules = parameters.Config.Family == ModelFamily.Gpt2 ? ["c_attn", "c_fc"] : ["query", "value", "ffn.up"] });
        foreach (var module in lora.Modules) Randomize(lora.Parameters.View(module.BName), 7, 0.5f);
        var batch = OnnxFixtures.Batches(OnnxFixtures.Folder(fixture), parameters.Config.Family)[0];
        var before = parameters.Set.Values.ToArray();
        var path = Path.Combine(_dir, "lora.onnx");
        var result = OnnxExporter.Export(parameters, path, new OnnxExportOptions { Head = head }, lora: lora);
        Assert.Equal(before, parameters.Set.Values); // the live model is untouched
        Assert.Equal("merged into the weights", result.Metadata["lora"]);
        var arena = new ActivationArena();
        var factory = lora.CreateLayerFactory(parameters.Set, arena, batch.TokenCount);
        var adapted = OnnxFixtures.OurOutputs(parameters, head, batch, factory.Create, arena);
        var plain = OnnxFixtures.OurOutputs(parameters, head, batch);
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        var onnx = runner.Run(batch);
        foreach (var (name, values) in adapted)
        {
            Assert.True(values.Zip(plain[name]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the adapter must change the outputs");
            OnnxFixtures.AssertClose(values, onnx[name], batch, head != HeadKind.Classification, 1e-4, $"{fixture} LoRA {name}");
        }
    }

    [Theory]
    [InlineData("bert", "classification")]
    [InlineData("roberta", "none")]
    [InlineData("gpt2", "clm")]
    public void Bottleneck_adapters_are_nodes_and_match_the_adapted_model(string fixture, string headName)
    {
        var head = HeadKinds.Parse(headName);
        var parameters = Load(fixture, head);
        var adapter = BottleneckAdapter.Create(parameters.Config, new BottleneckOptions { BottleneckSize = 4, Activation = Transformers.Layers.ActivationFunction.Gelu });
        Randomize(adapter.Parameters.Values, 11, 0.3f);
        var batch = OnnxFixtures.Batches(OnnxFixtures.Folder(fixture), parameters.Config.Family)[0];
        var path = Path.Combine(_dir, "adapter.onnx");
        OnnxExporter.Export(parameters, path, new OnnxExportOptions { Head = head }, bottleneck: adapter);
        var arena = new ActivationArena();
        var factory = adapter.CreateLayerFactory(parameters.Set, arena, batch.TokenCount);
        var adapted = OnnxFixtures.OurOutputs(parameters, head, batch, prefix => factory(prefix), arena);
        var plain = OnnxFixtures.OurOutputs(parameters, head, batch);
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        var onnx = runner.Run(batch);
        foreach (var (name, values) in adapted)
        {
            Assert.True(values.Zip(plain[name]).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the adapters must change the outputs");
            OnnxFixtures.AssertClose(values, onnx[name], batch, head != HeadKind.Classification, 1e-4, $"{fixture} adapter {name}");
        }
    }

    [Theory]
    [InlineData("bert", PoolingMode.Pooler, false)]
    [InlineData("bert", PoolingMode.Mean, true)]
    [InlineData("roberta", PoolingMode.Cls, true)]
    [InlineData("distilbert", PoolingMode.Mean, false)]
    public void Pooled_embeddings_match_feature_pooling(string fixture, PoolingMode pooling, bool normalize)
    {
        var parameters = Load(fixture, HeadKind.None, pooling == PoolingMode.Pooler ? [KeyGroup.Pooler] : []);
        var batch = OnnxFixtures.Batches(OnnxFixtures.Folder(fixture), parameters.Config.Family)[0];
        var path = Path.Combine(_dir, "features.onnx");
        var result = OnnxExporter.Export(parameters, path, new OnnxExportOptions { Head = HeadKind.None, Pooling = pooling, NormalizeEmbeddings = normalize });
        Assert.Equal(["last_hidden_state", "sentence_embedding"], result.Outputs);
        var model = new TransformerModel(parameters, batch.Batch, batch.SequenceLength);
        var features = new FeaturePooling(model, pooling, normalize);
        model.Commit();
        var ours = features.Forward(model.Forward(batch)).ToArray();
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        OnnxFixtures.AssertClose(ours, runner.Run(batch)["sentence_embedding"], batch, perTokenOutput: false, 1e-4, $"{fixture} {pooling}");
    }

    [Theory]
    [InlineData("parity/gpt2-tiny-random")]
    [InlineData("gpt2-noprefix-lmhead-bf16")]
    public void Gpt2_with_past_steps_match_the_full_forward(string fixture)
    {
        var parameters = Load(fixture, HeadKind.CausalLm);
        var config = parameters.Config;
        var path = Path.Combine(_dir, "decoder.onnx");
        var result = OnnxExporter.Export(parameters, path, new OnnxExportOptions { Head = HeadKind.CausalLm, WithPast = true });
        Assert.Contains("past_key_values.1.value", result.Inputs);
        Assert.Contains("present.1.key", result.Outputs);
        Assert.Equal("text-generation-with-past", result.Metadata["task"]);
        const int rows = 2, length = 7, prompt = 3;
        var random = new Random(3);
        var ids = Enumerable.Range(0, rows * length).Select(_ => random.Next(config.VocabSize)).ToArray();
        var full = OnnxFixtures.OurOutputs(parameters, HeadKind.CausalLm, new ModelBatch(rows, length, ids))["logits"];
        using var runner = new OnnxModelRunner(path, intraOpThreads: 1);
        int heads = config.NumHeads, size = config.HeadSize, v = config.VocabSize;
        var past = new Dictionary<string, OnnxTensor>();
        for (var i = 0; i < config.NumLayers; i++)
            foreach (var kind in new[] { "key", "value" })
                past[$"past_key_values.{i}.{kind}"] = new OnnxTensor([rows, heads, 0, size], Floats: []);
        // The prompt in one step, then one token per step, each feeding the previous step's present as the past.
        for (int start = 0, step = prompt; start < length; start += step, step = 1)
        {
            var inputs = new Dictionary<string, OnnxTensor>(past)
            {
                ["input_ids"] = new([rows, step], Int64s: Enumerable.Range(0, rows).SelectMany(r => ids.Skip(r * length + start).Take(step)).Select(x => (long)x).ToArray()),
                ["attention_mask"] = new([rows, start + step], Int64s: Enumerable.Repeat(1L, rows * (start + step)).ToArray()),
            };
            var outputs = runner.Run(inputs);
            var logits = outputs["logits"].Floats!;
            for (var r = 0; r < rows; r++)
                for (var t = 0; t < step; t++)
                    for (var j = 0; j < v; j++)
                    {
                        var expected = full[((r * length) + start + t) * v + j];
                        Assert.True(Math.Abs(expected - logits[((r * step) + t) * v + j]) <= 1e-4, $"row {r} position {start + t} token {j}");
                    }
            foreach (var name in past.Keys.ToList())
            {
                var present = outputs[name.Replace("past_key_values", "present")];
                Assert.Equal(new long[] { rows, heads, start + step, size }, present.Shape);
                past[name] = present;
            }
        }
    }
}
