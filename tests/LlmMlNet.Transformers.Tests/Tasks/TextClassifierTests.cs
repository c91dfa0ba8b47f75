// Every fine-tuning method learns the synthetic sentiment task within seconds through one classifier API
// (loss falls, validation accuracy well above chance), outputs are probabilities, a merged LoRA model equals
// the unmerged one (and a plain model over the merged weights), LoRA trains only adapter and head tensors,
// and its PEFT files carry the classifier head.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Workbench.Synthetic;
using LlmMlNet.Transformers.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace LlmMlNet.Transformers.Tests.Tasks;

public sealed class TextClassifierTests(ITestOutputHelper output)
{
    private static readonly Lazy<SentimentDataset> Data = new(() =>
        SentimentDatasetGenerator.Generate(3, new SentimentDatasetOptions { TrainCount = 320, ValidationCount = 120, TestCount = 10, SeenWordFraction = 0.05 }));

    [Theory]
    [InlineData(FineTuningMethod.Full, 3e-3f, 4)]
    [InlineData(FineTuningMethod.Lora, 1e-2f, 8)]
    [InlineData(FineTuningMethod.Adapter, 2e-2f, 8)]
    [InlineData(FineTuningMethod.FeatureExtraction, 0f, 0)]
    public void Each_method_learns_the_synthetic_sentiment_task(FineTuningMethod method, float learningRate, int epochs)
    {
        var data = Data.Value;
        var tokenizer = TaskTestKit.Tokenizer(data.Train.Select(e => e.Text));
        var config = method switch
        {
            FineTuningMethod.Full => TaskTestKit.TinyBert(tokenizer),
            // A linear head on pooled features needs a wider embedding to separate the few polarity words.
            FineTuningMethod.FeatureExtraction => TaskTestKit.TinyBert(tokenizer, hidden: 64),
            _ => TaskTestKit.TinyBert(tokenizer, initializerRange: 0.2),
        };
        var source = ModelSource.FromScratch(config, seed: 1);
        var options = TaskTestKit.Options(method, learningRate == 0 ? 1e-3f : learningRate, Math.Max(epochs, 1));
        var started = DateTime.UtcNow;
        var classifier = TextClassifier.Train(source, tokenizer, data.Train, options);
        var metrics = classifier.Evaluate(data.Validation);
        double first, last;
        if (method == FineTuningMethod.FeatureExtraction)
            (first, last) = (classifier.FeatureHeadLosses![0], classifier.FeatureHeadLosses[^1]);
        else
            (first, last) = (classifier.TrainingResult!.History.Take(3).Average(h => h.Loss), classifier.TrainingResult.History.TakeLast(3).Average(h => h.Loss));
        output.WriteLine($"{method}: loss {first:F3} → {last:F3}, validation accuracy {metrics.Accuracy:P1}, macro-F1 {metrics.MacroF1:F3}, " +
            $"AUC {metrics.Auc:F3}, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
        Assert.True(last < 0.8 * first, $"loss {first} → {last}");
        Assert.True(metrics.Accuracy > (method == FineTuningMethod.FeatureExtraction ? 0.7 : 0.75), $"validation accuracy {metrics.Accuracy}");
        var p = classifier.PredictProbabilities(data.Validation[0].Text);
        Assert.Equal(2, p.Length);
        Assert.Equal(1f, p.Sum(), 1e-5f);
        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(["negative", "positive"], classifier.Labels.Labels);
    }

    [Fact]
    public void Merged_lora_equals_unmerged_and_a_plain_model_over_merged_weights()
    {
        var data = Data.Value;
        var tokenizer = TaskTestKit.Tokenizer(data.Train.Select(e => e.Text));
        var source = ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer), seed: 1);
        var classifier = TextClassifier.Train(source, tokenizer, data.Train.Take(64), TaskTestKit.Options(FineTuningMethod.Lora, 1e-2f, 1));
        var lora = classifier.Lora!;
        Assert.Contains(lora.Parameters.Values, v => v != 0f);
        var texts = data.Validation.Take(8).Select(e => (e.Text, (string?)null)).ToList();
        var unmerged = classifier.PredictProbabilities(texts);
        var before = classifier.Parameters.Set.Values.ToArray();
        lora.Merge(classifier.Parameters.Set);
        var merged = classifier.PredictProbabilities(texts);
        for (int i = 0; i < texts.Count; i++)
            for (int k = 0; k < 2; k++) Assert.Equal(unmerged[i][k], merged[i][k], 1e-5f);
        // A plain body and head over the merged weights (PEFT's merge_and_unload) gives the same probabilities.
        var plain = new TransformerModel(classifier.Parameters, 8, 48);
        var head = new SequenceClassificationHead(plain);
        var featurizer = new ClassificationFeaturizer(tokenizer, classifier.Labels, 48);
        var batch = featurizer.Collate(texts.Select(t => featurizer.Featurize(t.Text)).ToList(), default);
        var logits = head.Forward(plain.Forward(batch.Inputs)).ToArray();
        for (int i = 0; i < texts.Count; i++)
        {
            Softmax.InPlace(logits.AsSpan(i * 2, 2));
            Assert.Equal(unmerged[i][0], logits[i * 2], 1e-5f);
        }
        lora.Unmerge(classifier.Parameters.Set);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], classifier.Parameters.Set.Values[i], 1e-5f);
    }

    [Fact]
    public void Lora_trains_only_adapter_and_head_and_saves_peft_files_with_the_head()
    {
        var data = Data.Value;
        var tokenizer = TaskTestKit.Tokenizer(data.Train.Select(e => e.Text));
        var source = ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer), seed: 1);
        var baseValues = TransformerParameters.Create(source.Config with { Labels = ["negative", "positive"] },
            new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.Pooler, KeyGroup.Classification }, 1);
        var classifier = TextClassifier.Train(source, tokenizer, data.Train.Take(48), TaskTestKit.Options(FineTuningMethod.Lora, 1e-2f, 1));
        var set = classifier.Parameters.Set;
        Assert.Equal(["classifier.out.weight", "classifier.out.bias"], set.Layout.Tensors.Where(t => t.Trainable).Select(t => t.Name));
        foreach (var t in set.Layout.Tensors.Where(t => !t.Trainable))
            Assert.True(baseValues[t.Name].SequenceEqual(set.Value(t)), $"frozen tensor {t.Name} changed");
        Assert.False(baseValues["classifier.out.weight"].SequenceEqual(set.View("classifier.out.weight")));
        var folder = Path.Combine(Path.GetTempPath(), "llmmlnet-peft-" + Guid.NewGuid().ToString("N"));
        classifier.SaveAdapter(folder, "tiny-bert");
        using (var file = SafetensorsFile.Open(Path.Combine(folder, "adapter_model.safetensors")))
        {
            Assert.Equal("[2, 32]", file.Tensors["base_model.model.classifier.weight"].ShapeText);
            Assert.Equal("[8, 32]", file.Tensors["base_model.model.bert.encoder.layer.1.attention.self.value.lora_A.weight"].ShapeText);
            Assert.Equal(4 * 2 + 2, file.Tensors.Count);
        }
        var heads = new Dictionary<string, float[]>();
        var loaded = LlmMlNet.Transformers.Adapters.PeftLoraFormat.Load(folder, classifier.Parameters.Config, heads);
        Assert.Equal(classifier.Lora!.Parameters.Values, loaded.Parameters.Values);
        Assert.Equal(set.View("classifier.out.bias").ToArray(), heads["classifier.bias"]);
        Directory.Delete(folder, true);
    }

    [Fact]
    public void Bottleneck_adapters_saved_and_loaded_rebuild_a_model_with_identical_outputs()
    {
        var data = Data.Value;
        var tokenizer = TaskTestKit.Tokenizer(data.Train.Select(e => e.Text));
        var source = ModelSource.FromScratch(TaskTestKit.TinyBert(tokenizer, initializerRange: 0.2), seed: 1);
        var classifier = TextClassifier.Train(source, tokenizer, data.Train.Take(64), TaskTestKit.Options(FineTuningMethod.Adapter, 2e-2f, 1));
        var texts = data.Validation.Take(8).Select(e => (e.Text, (string?)null)).ToList();
        var expected = classifier.PredictProbabilities(texts);
        var folder = Path.Combine(Path.GetTempPath(), "llmmlnet-bottleneck-" + Guid.NewGuid().ToString("N"));
        classifier.SaveAdapter(folder);
        var loaded = LlmMlNet.Transformers.Adapters.BottleneckAdapterFormat.Load(folder, classifier.Parameters.Config);
        Assert.Equal(classifier.Adapter!.Parameters.Values, loaded.Parameters.Values);
        Assert.Contains(loaded.Parameters.Values, v => v != 0f);
        var arena = new LlmMlNet.Tensors.Memory.ActivationArena();
        var factory = loaded.CreateLayerFactory(classifier.Parameters.Set, arena, 8 * 48);
        var model = new TransformerModel(classifier.Parameters, 8, 48, 0, prefix => factory(prefix), arena);
        var head = new SequenceClassificationHead(model);
        var featurizer = new ClassificationFeaturizer(tokenizer, classifier.Labels, 48);
        var batch = featurizer.Collate(texts.Select(t => featurizer.Featurize(t.Text)).ToList(), default);
        var logits = head.Forward(model.Forward(batch.Inputs)).ToArray();
        for (int i = 0; i < texts.Count; i++)
        {
            Softmax.InPlace(logits.AsSpan(i * 2, 2));
            Assert.Equal(expected[i][0], logits[i * 2], 1e-6f);
            Assert.Equal(expected[i][1], logits[i * 2 + 1], 1e-6f);
        }
        Directory.Delete(folder, true);
    }
}
