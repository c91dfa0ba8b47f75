// Where a command's base model comes from: a Hugging Face folder (--model DIR, tokenizer files inside
// or --tokenizer) or a fresh model of a size preset (--preset NAME --tokenizer PATH, the from-scratch
// control). Checks the paths and hands back the library's ModelSource. Not a loader of weights.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Running;

/// <summary>The tokenizer and base model a fine-tuning run starts from.</summary>
internal sealed record ModelInputs(Tokenizer Tokenizer, ModelSource Source, string Description)
{
    /// <summary>Resolves --model / --preset / --family / --tokenizer (exactly one of --model and --preset is guaranteed by the parser).</summary>
    /// <exception cref="UsageException">A path does not exist.</exception>
    public static ModelInputs Resolve(string? model, string? preset, string? tokenizer, ulong seed, ModelFamily family = ModelFamily.Bert)
    {
        if (model is not null)
        {
            if (!Directory.Exists(model)) throw new UsageException($"Model folder not found: {model}");
            var tok = LoadTokenizer(tokenizer ?? model);
            var source = ModelSource.FromCheckpoint(model, seed);
            RequireFits(tok, tokenizer ?? model, source.Config.VocabSize, model);
            return new ModelInputs(tok, source, model);
        }
        var fresh = LoadTokenizer(tokenizer ?? throw new UsageException("--preset needs --tokenizer PATH."));
        var parameters = Pretraining.FromScratch(preset!, family, fresh, seed);
        return new ModelInputs(fresh, ModelSource.FromParameters(parameters, seed), $"fresh {ModelFamilies.ModelType(family)} {preset} (from scratch)");
    }

    /// <summary>Stops (exit 2) when the tokenizer's ids run past the model's embedding table: a tokenizer of another model.</summary>
    /// <exception cref="InvalidDataException">The vocabularies do not fit.</exception>
    public static void RequireFits(Tokenizer tokenizer, string tokenizerPath, int modelVocabulary, string modelPath)
    {
        if (tokenizer.VocabularySize > modelVocabulary)
            throw new InvalidDataException($"{tokenizerPath}: the tokenizer has {tokenizer.VocabularySize} tokens but {modelPath} embeds only {modelVocabulary}; "
                + "use the model's own tokenizer.");
    }

    /// <summary>Loads a tokenizer file or folder.</summary>
    /// <exception cref="UsageException">The path does not exist.</exception>
    public static Tokenizer LoadTokenizer(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"Tokenizer not found: {path}");
        return Tokenizer.Load(path);
    }
}
