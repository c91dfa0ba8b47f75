// Small local models and tokenizers the ML tests build on: the shared tiny BERT fixture, and a WordPiece
// tokenizer folder built from the synthetic lexicon. Everything lives in a temp folder the test deletes.
using LlmMlNet.TestSupport;
using LlmMlNet.Tokenizers;
using LlmMlNet.Workbench.Synthetic;

namespace LlmMlNet.ML.Tests.Support;

internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmmlnet-ml-" + Guid.NewGuid().ToString("N"));

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

internal static class TestModels
{
    /// <summary>The tiny random BERT checkpoint (hidden 64, 2 layers, vocab 1000, 128 positions) with its vocab.txt.</summary>
    public static string BertTiny => RepoPaths.Fixture("parity", "bert-tiny-random");

    /// <summary>Writes a WordPiece tokenizer folder for the synthetic lexicon into <paramref name="folder"/> and returns it.</summary>
    public static string SyntheticTokenizer(string folder)
    {
        Tokenizer.CreateWordPiece(WordPieceVocabularyBuilder.FromLexicon()).Save(folder);
        return folder;
    }
}
