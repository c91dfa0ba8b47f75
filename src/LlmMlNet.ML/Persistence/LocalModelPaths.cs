// Resolves the local paths our options take (tokenizer files or folders, Hugging Face checkpoint folders) and
// turns a missing or wrong path into one clear exception that says which file was expected. Never downloads:
// a path that looks like a hub id or a URL is rejected with the same message.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Checkpoints;

namespace LlmMlNet.ML.Persistence;

/// <summary>Checks and loads local model and tokenizer paths.</summary>
internal static class LocalModelPaths
{
    private static readonly string[] OtherWeightFiles = ["tf_model.h5", "flax_model.msgpack"];

    /// <summary>Loads a tokenizer from a tokenizer.json file or a folder holding tokenizer files.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">Nothing usable at the path; the message names the expected files.</exception>
    /// <exception cref="InvalidDataException">A tokenizer file is malformed; the message names it.</exception>
    public static Tokenizer LoadTokenizer(string? path, string optionName)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"{optionName} is required: a local tokenizer.json file or a folder with tokenizer.json, vocab.txt, or vocab.json + merges.txt.", optionName);
        const string expected = "expected a tokenizer.json file, or a folder with tokenizer.json, vocab.txt, or vocab.json + merges.txt (local paths only; nothing is downloaded)";
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"{optionName} '{path}' does not exist: {expected}.", path);
        try
        {
            return Tokenizer.Load(path);
        }
        catch (FileNotFoundException e)
        {
            throw new FileNotFoundException($"{optionName} '{path}' holds no tokenizer: {expected}.", path, e);
        }
        catch (TokenizerFormatException e)
        {
            throw new InvalidDataException($"{optionName} '{path}': {e.Message}", e);
        }
    }

    /// <summary>Checks that <paramref name="folder"/> is a Hugging Face checkpoint folder (config.json + model.safetensors, pytorch_model.bin or an index of either).</summary>
    /// <exception cref="ArgumentException"><paramref name="folder"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">config.json or the weights are missing; the message names the file.</exception>
    public static string RequireCheckpointFolder(string? folder, string optionName)
    {
        if (string.IsNullOrWhiteSpace(folder))
            throw new ArgumentException($"{optionName} is required: a local Hugging Face checkpoint folder (config.json + model.safetensors).", optionName);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"{optionName} '{folder}' is not a folder: expected a local Hugging Face checkpoint folder with config.json and model.safetensors (nothing is downloaded).");
        string config = Path.Combine(folder, CheckpointFolder.ConfigFileName);
        if (!File.Exists(config))
            throw new FileNotFoundException($"{optionName} '{folder}' has no {CheckpointFolder.ConfigFileName}: expected a Hugging Face checkpoint folder.", config);
        string weights = Path.Combine(folder, CheckpointFolder.WeightsFileName);
        if (!CheckpointFolder.HasWeights(folder))
        {
            string? other = OtherWeightFiles.FirstOrDefault(f => File.Exists(Path.Combine(folder, f)));
            string found = other == null ? "" : $" It holds {other}, which is not read (only safetensors and pytorch_model.bin are); convert it, e.g. in Python: " +
                "AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True).";
            throw new FileNotFoundException(
                $"{optionName} '{folder}' has no {CheckpointFolder.WeightsFileName} (or {CheckpointFolder.IndexFileName}, {CheckpointFolder.PyTorchWeightsFileName}): " +
                $"expected the model weights in safetensors or PyTorch format.{found}", weights);
        }
        return folder;
    }
}
