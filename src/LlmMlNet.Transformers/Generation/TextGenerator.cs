// Text in, text out over TokenGenerator: encodes prompts with the model's tokenizer (an empty prompt
// starts from BOS, as Hugging Face's generate does without input ids), stops rows at stop strings
// and cuts the completion before them, decodes without special tokens, and streams a completion as
// text pieces (IAsyncEnumerable<string>) with cancellation. Not the decoding loop (GenerationSession).
using System.Runtime.CompilerServices;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Transformers.Generation;

/// <summary>Generates text with a causal language model and its tokenizer.</summary>
/// <example>
/// <code>
/// var generator = TextGenerator.Load("my-gpt2-folder");
/// var reply = generator.Generate("The capital of France is", new GenerationOptions { MaxNewTokens = 8 });
/// await foreach (var piece in generator.GenerateAsync("Once upon a time", cancellationToken: token)) Console.Write(piece);
/// </code>
/// </example>
public sealed class TextGenerator
{
    /// <summary>Binds a model and its tokenizer.</summary>
    /// <param name="parameters">A GPT-2 body.</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="dense">Builds the dense layers (null: plain linear layers).</param>
    /// <exception cref="NotSupportedException">The model is not of the GPT-2 family.</exception>
    public TextGenerator(TransformerParameters parameters, Tokenizer tokenizer, DenseLayerFactory? dense = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokens = new TokenGenerator(parameters, dense);
        Tokenizer = tokenizer;
    }

    /// <summary>Loads a Hugging Face GPT-2 folder (config.json, model.safetensors, tokenizer files).</summary>
    /// <exception cref="InvalidDataException">Bad config or weights.</exception>
    /// <exception cref="FileNotFoundException">The folder holds no tokenizer.</exception>
    /// <exception cref="NotSupportedException">The model is not of the GPT-2 family.</exception>
    public static TextGenerator Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new TextGenerator(Pretraining.FromCheckpoint(directory, out _), Tokenizer.Load(directory));
    }

    /// <summary>The token-level generator.</summary>
    public TokenGenerator Tokens { get; }

    /// <summary>The tokenizer.</summary>
    public Tokenizer Tokenizer { get; }

    /// <summary>Continues one prompt; see <see cref="Generate(IReadOnlyList{string}, GenerationOptions?, CancellationToken)"/>.</summary>
    public GeneratedText Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Generate([prompt], options, cancellationToken)[0];

    /// <summary>Continues every prompt as one batch (left-padded); greedy unless <see cref="GenerationOptions.DoSample"/>.</summary>
    /// <param name="prompts">Prompt texts; an empty one starts from the BOS token.</param>
    /// <param name="options">Options; null uses the defaults.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>Per prompt, in order: the completion text (without the prompt), its new ids and why it stopped.</returns>
    /// <exception cref="ArgumentException">A bad option, or a prompt too long for the model's positions.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<GeneratedText> Generate(IReadOnlyList<string> prompts, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        return GenerateFromIds(prompts.Select(Encode).ToArray(), options, cancellationToken);
    }

    /// <summary>As <see cref="Generate(IReadOnlyList{string}, GenerationOptions?, CancellationToken)"/> from prompts already tokenized.</summary>
    /// <exception cref="ArgumentException">An empty prompt, an id outside the vocabulary, or a bad option.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<GeneratedText> GenerateFromIds(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new GenerationOptions();
        var session = Tokens.Start(prompts, options);
        while (!session.IsDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            session.Step();
            if (options.StopStrings.Count == 0) continue;
            for (var row = 0; row < session.Batch; row++)
                if (session.Finished(row) is null && StopIndex(Decode(session.Generated(row)), options.StopStrings) >= 0)
                    session.Stop(row, FinishReason.StopString);
        }
        return Enumerable.Range(0, session.Batch).Select(row =>
        {
            var result = session.Result(row);
            var text = Decode(result.TokenIds);
            var cut = StopIndex(text, options.StopStrings);
            return new GeneratedText(cut >= 0 ? text[..cut] : text, result.TokenIds, result.FinishReason, result.PromptTokens);
        }).ToArray();
    }

    /// <summary>
    /// Streams the completion of <paramref name="prompt"/> as text pieces, one step at a time (a piece is never empty; it
    /// holds several tokens' text when a character spans them). Text that could begin a stop string is held back until it
    /// cannot; the stream ends before a stop string. Each step runs on the thread pool.
    /// </summary>
    /// <exception cref="ArgumentException">A bad option, or a prompt too long for the model's positions.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (checked before every step).</exception>
    public async IAsyncEnumerable<string> GenerateAsync(string prompt, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new GenerationOptions();
        var session = Tokens.Start([Encode(prompt)], options);
        var emitted = 0;
        while (!session.IsDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Run(session.Step, cancellationToken).ConfigureAwait(false);
            var text = Decode(session.Generated(0));
            var stop = StopIndex(text, options.StopStrings);
            if (stop >= 0)
            {
                session.Stop(0, FinishReason.StopString);
                text = text[..stop];
            }
            // Hold back a split multi-byte character and whatever could still grow into a stop string.
            var ready = session.IsDone ? text.Length : Math.Min(SafeLength(text), text.Length - PartialStop(text, options.StopStrings));
            if (ready > emitted)
            {
                yield return text[emitted..ready];
                emitted = ready;
            }
        }
    }

    /// <summary>The token ids a prompt text starts from: its encoding, or the BOS id alone for an empty prompt.</summary>
    /// <exception cref="ArgumentException">The prompt is empty and neither the config nor the tokenizer names a BOS or EOS token.</exception>
    public IReadOnlyList<int> Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var ids = Tokenizer.EncodeToIds(prompt);
        if (ids.Count > 0) return ids;
        var config = Tokens.Model.Config;
        var start = config.BosTokenId ?? Tokenizer.BosTokenId ?? config.EosTokenId ?? Tokenizer.EosTokenId
            ?? throw new ArgumentException("the prompt is empty and the model names no BOS token to start from", nameof(prompt));
        return [start];
    }

    private string Decode(IReadOnlyList<int> ids) => Tokenizer.Decode(ids, skipSpecialTokens: true);

    private static int StopIndex(string text, IReadOnlyList<string> stops)
    {
        var first = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    // Length of the longest suffix of text that is a proper prefix of a stop string.
    private static int PartialStop(string text, IReadOnlyList<string> stops)
    {
        var longest = 0;
        foreach (var stop in stops)
            for (var n = Math.Min(stop.Length - 1, text.Length); n > longest; n--)
                if (text.AsSpan(text.Length - n).SequenceEqual(stop.AsSpan(0, n)))
                {
                    longest = n;
                    break;
                }
        return longest;
    }

    // Byte-level BPE decodes a character split across tokens as U+FFFD until its last byte arrives.
    private static int SafeLength(string text)
    {
        var n = text.Length;
        while (n > 0 && text[n - 1] == '\uFFFD') n--;
        return n;
    }
}
