// Workout of the pre-training estimator: schemas agree; training lowers the perplexity of the training text
// (masked LM from the tiny BERT fixture, causal LM from the tiny GPT-2 fixture, from scratch from a preset); the
// batched pseudo-perplexity equals one computed by hand; PredictionEngine, save/load and SaveModel agree;
// wrong types and bad options fail naming what was expected.
using LlmMlNet.ML.LanguageModeling;
using LlmMlNet.ML.Tests.Support;
using LlmMlNet.TestSupport;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;
using Microsoft.ML;
using Xunit;

namespace LlmMlNet.ML.Tests.LanguageModeling;

public class LanguageModelPretrainingTests
{
    public class Row { public string Text = ""; }
    public class Scored { public string Text = ""; public float Perplexity; }
    public class Numeric { public float Text; }

    private static readonly Row[] Corpus = Enumerable.Range(0, 12)
        .Select(i => new Row { Text = i % 2 == 0 ? "the cat sat on the mat and the dog sat on the log" : "a bird sang in the tree by the river" }).ToArray();

    private static LanguageModelPretrainingEstimator.Options Options(int steps, string? model = null) => new()
    {
        ModelPath = model ?? TestModels.BertTiny, BlockSize = 16, BatchSize = 4, MaxEpochs = 50, MaxSteps = steps, LearningRate = 3e-3f, Seed = 3,
    };

    private static float[] Perplexities(MLContext ml, ITransformer model, IDataView data) =>
        ml.Data.CreateEnumerable<Scored>(model.Transform(data), false).Select(s => s.Perplexity).ToArray();

    [Fact]
    public void MaskedLmWorkoutLearnsAndRoundTrips()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus);
        var estimator = ml.Transforms.Text.PretrainLanguageModel(Options(40));
        var trained = estimator.Fit(data);
        Workout.SchemasAgree(estimator, trained, data);
        Assert.Equal(PretrainingObjective.MaskedLm, trained.Objective);
        Assert.Equal(40, trained.TrainingResult!.GlobalStep);

        var barely = ml.Transforms.Text.PretrainLanguageModel(Options(1)).Fit(data);
        var after = Perplexities(ml, trained, data);
        var before = Perplexities(ml, barely, data);
        Assert.True(after[0] < before[0] / 2, $"pseudo-perplexity {before[0]} after 1 step, {after[0]} after 40: training did not lower it enough");

        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(trained);
        Assert.Equal(after[0], engine.Predict(Corpus[0]).Perplexity, 3);
        Assert.Equal(after[1], engine.Predict(Corpus[1]).Perplexity, 3);

        var loaded = Workout.RoundTrip(ml, trained, data);
        Assert.Equal(after, Perplexities(ml, loaded, data));

        Assert.Equal(PseudoPerplexityByHand(trained.Parameters, trained.Tokenizer, Corpus[1].Text), after[1], 3);
    }

    // Each real token masked once, one unpadded copy per forward: the definition, with none of the batching.
    private static double PseudoPerplexityByHand(TransformerParameters parameters, Tokenizer tokenizer, string text)
    {
        var encoding = tokenizer.Encode(text);
        var ids = encoding.Ids.ToArray();
        var model = new TransformerModel(parameters, 1, ids.Length);
        var head = new MaskedLmHead(model);
        model.Commit();
        int v = parameters.Config.VocabSize;
        double nll = 0;
        int count = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            if (encoding.SequenceIds[i] is null) continue;
            var masked = (int[])ids.Clone();
            masked[i] = tokenizer.MaskTokenId!.Value;
            var logits = head.Forward(model.Forward(new ModelBatch(1, ids.Length, masked))).Slice(i * v, v).ToArray();
            double max = logits.Max();
            nll -= logits[ids[i]] - max - Math.Log(logits.Sum(l => Math.Exp(l - max)));
            count++;
        }
        return Math.Exp(nll / count);
    }

    [Fact]
    public void CausalLmWorkoutSchemasEngineAndRoundTrip()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus);
        var estimator = ml.Transforms.Text.PretrainLanguageModel(Options(2, RepoPaths.Fixture("parity", "gpt2-tiny-random")));
        var trained = estimator.Fit(data);
        Assert.Equal(PretrainingObjective.CausalLm, trained.Objective);
        Workout.SchemasAgree(estimator, trained, data);
        var perplexities = Perplexities(ml, trained, data);
        var engine = ml.Model.CreatePredictionEngine<Row, Scored>(trained);
        Assert.Equal(perplexities[0], engine.Predict(Corpus[0]).Perplexity, 3);
        Assert.Equal(perplexities[1], engine.Predict(Corpus[1]).Perplexity, 3);
        Assert.Equal(perplexities, Perplexities(ml, Workout.RoundTrip(ml, trained, data), data));
    }

    [Fact]
    public void CausalLmFromGpt2CheckpointAndFromScratchPresetLowerPerplexity()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Corpus);
        string gpt2 = RepoPaths.Fixture("parity", "gpt2-tiny-random");
        var trained = ml.Transforms.Text.PretrainLanguageModel(Options(30, gpt2)).Fit(data);
        Assert.Equal(PretrainingObjective.CausalLm, trained.Objective);
        var barely = ml.Transforms.Text.PretrainLanguageModel(Options(1, gpt2)).Fit(data);
        Assert.True(Perplexities(ml, trained, data)[0] < Perplexities(ml, barely, data)[0] / 2);

        using var temp = new TempFolder();
        var scratch = ml.Transforms.Text.PretrainLanguageModel(new LanguageModelPretrainingEstimator.Options
        {
            Preset = "tiny", TokenizerPath = TestModels.SyntheticTokenizer(temp.Sub("tok")), BlockSize = 16, BatchSize = 4, MaxSteps = 2, MaxEpochs = 5,
        }).Fit(data);
        Assert.Equal(128, scratch.Parameters.Config.HiddenSize);
        scratch.SaveModel(temp.Sub("pretrained"));
        Assert.True(File.Exists(Path.Combine(temp.Sub("pretrained"), "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(temp.Sub("pretrained"), "vocab.txt")));
        var reloaded = TransformerParameters.FromPretrained(temp.Sub("pretrained"), new HashSet<KeyGroup> { KeyGroup.Encoder, KeyGroup.MaskedLm }, out _);
        Assert.Equal(scratch.Parameters["embeddings.word"].ToArray(), reloaded["embeddings.word"].ToArray());
    }

    [Fact]
    public void WrongTypesAndBadOptionsFailNamingWhatWasExpected()
    {
        var ml = new MLContext(1);
        var numeric = ml.Data.LoadFromEnumerable(new[] { new Numeric() });
        var estimator = ml.Transforms.Text.PretrainLanguageModel(Options(1));
        const string expected = "Schema mismatch for input column 'Text': expected String, got Single";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(
            () => estimator.GetOutputSchema(LlmMlNet.ML.Infrastructure.SchemaShapes.FromSchema(numeric.Schema))).Message);
        var trained = estimator.Fit(ml.Data.LoadFromEnumerable(Corpus));
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transform(numeric)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => trained.GetOutputSchema(numeric.Schema)).Message);

        Assert.Contains("Preset", Assert.Throws<ArgumentException>(() => ml.Transforms.Text.PretrainLanguageModel(new LanguageModelPretrainingEstimator.Options())).Message);
        Assert.Contains("TokenizerPath", Assert.Throws<ArgumentException>(
            () => ml.Transforms.Text.PretrainLanguageModel(new LanguageModelPretrainingEstimator.Options { Preset = "tiny" })).Message);
        Assert.Contains("huge", Assert.Throws<ArgumentException>(
            () => ml.Transforms.Text.PretrainLanguageModel(new LanguageModelPretrainingEstimator.Options { Preset = "huge", TokenizerPath = TestModels.BertTiny })).Message);
        Assert.Contains("config.json", Assert.Throws<FileNotFoundException>(
            () => ml.Transforms.Text.PretrainLanguageModel("Perplexity", RepoPaths.Fixture("tokenizers"))).Message);
    }
}
