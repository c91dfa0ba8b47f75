// The public ways to get a tokenizer: from tokenizer.json, from a folder of Hugging Face files, or
// built in code from a vocabulary. Parsing lives in Loading/; this file only validates and dispatches.
using LlmMlNet.Tokenizers.Loading;

namespace LlmMlNet.Tokenizers;

public sealed partial class Tokenizer
{
    /// <summary>
    /// Loads a tokenizer from a tokenizer.json file, from a folder (see <see cref="FromFolder"/>), or from a vocabulary file
    /// named directly (vocab.txt, or vocab.json / merges.txt with its partner beside it; the folder's configs still apply).
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="TokenizerFormatException">A file is malformed or unsupported; the message names the file and field.</exception>
    public static Tokenizer Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) return FromFolder(path);
        return FromFile(path);
    }

    /// <summary>
    /// Loads a Hugging Face tokenizer.json. When tokenizer_config.json / special_tokens_map.json / config.json sit
    /// beside it they name the special tokens and the maximum length.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TokenizerFormatException">The file is malformed or uses an unsupported stage type (the message names the field, e.g. <c>model.type</c>).</exception>
    public static Tokenizer FromFile(string tokenizerJsonPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJsonPath);
        if (!File.Exists(tokenizerJsonPath)) throw new FileNotFoundException($"Tokenizer file not found: {tokenizerJsonPath}", tokenizerJsonPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(tokenizerJsonPath))!;
        var name = Path.GetFileName(tokenizerJsonPath);
        if (name == "tokenizer.json") return TokenizerFolder.Load(folder);
        // Users point at the vocabulary file they know; read it as a folder would, without preferring a tokenizer.json beside it.
        if (name is "vocab.txt" or "vocab.json" or "merges.txt") return TokenizerFolder.Load(folder, vocabularyFilesOnly: true);
        return TokenizerJsonReader.Read(tokenizerJsonPath, null, null);
    }

    /// <summary>
    /// Loads a tokenizer folder as AutoTokenizer does: tokenizer.json preferred; else vocab.txt (BERT WordPiece, casing
    /// from tokenizer_config.json's do_lower_case); else vocab.json + merges.txt (RoBERTa when tokenizer_config,
    /// config.json's model_type or the special tokens say so, otherwise GPT-2). special_tokens_map.json names the roles.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no tokenizer files.</exception>
    /// <exception cref="TokenizerFormatException">A file is malformed or unsupported.</exception>
    public static Tokenizer FromFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return TokenizerFolder.Load(folder);
    }

    /// <summary>Builds a BERT WordPiece tokenizer from tokens in id order (token i has id i).</summary>
    /// <exception cref="ArgumentException">The vocabulary is empty, repeats a token, or lacks the unknown, [CLS] or [SEP] token.</exception>
    public static Tokenizer CreateWordPiece(IReadOnlyList<string> vocabulary, WordPieceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return VocabularyFiles.WordPiece(vocabulary, options ?? new WordPieceOptions(), null);
    }

    /// <summary>Builds a byte-level BPE tokenizer (GPT-2 or RoBERTa layout) from a vocabulary and merges in rank order.</summary>
    /// <exception cref="ArgumentException">A byte or a merge result is missing from the vocabulary, or RoBERTa's &lt;s&gt;/&lt;/s&gt; are.</exception>
    public static Tokenizer CreateByteLevelBpe(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges, ByteLevelBpeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(merges);
        return VocabularyFiles.ByteLevelBpe(vocabulary, merges, options ?? new ByteLevelBpeOptions(), null);
    }

    /// <summary>
    /// Saves this tokenizer into <paramref name="folder"/> (created if missing) as tokenizer.json plus vocab.txt (WordPiece)
    /// or vocab.json + merges.txt (BPE), tokenizer_config.json and special_tokens_map.json, each written atomically
    /// (temp file + rename). Python's <c>AutoTokenizer.from_pretrained(folder)</c> and <see cref="Load"/> read it back.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        TokenizerWriter.Save(this, folder);
    }
}
