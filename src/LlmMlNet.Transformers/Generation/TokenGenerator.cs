// Generation over token ids: Hugging Face's generate() for the GPT-2 family (greedy by default,
// sampling with temperature, top-k, top-p, repetition penalty, EOS), for batches of prompts of any
// lengths (left-padded, HF's positions), with a KV cache so each new token costs one incremental step.
// Greedy continuations equal HF's token for token (tests: Generation/GreedyParityTests). Text in and
// out, stop strings and streaming are TextGenerator's.
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Generation;

/// <summary>Continues prompts of token ids with a causal language model.</summary>
/// <example>
/// <code>
/// var generator = new TokenGenerator(Pretraining.FromCheckpoint("gpt2-folder", out _));
/// var result = generator.Generate([[464, 3290, 318]], new GenerationOptions { MaxNewTokens = 10 });
/// IReadOnlyList&lt;int&gt; newIds = result[0].TokenIds;
/// </code>
/// </example>
public sealed class TokenGenerator
{
    /// <summary>Binds the generator to a GPT-2 model's parameters (read at each call, so it sees later training).</summary>
    /// <param name="parameters">A GPT-2 body; its LM head is the tied word embedding.</param>
    /// <param name="dense">Builds the dense layers (null: plain linear layers); see <see cref="CachedCausalLm"/>.</param>
    /// <exception cref="NotSupportedException">The model is not of the GPT-2 family.</exception>
    public TokenGenerator(TransformerParameters parameters, DenseLayerFactory? dense = null) : this(new CachedCausalLm(parameters, dense))
    {
    }

    /// <summary>Generates with an existing decoder.</summary>
    public TokenGenerator(CachedCausalLm model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
    }

    /// <summary>The incremental decoder.</summary>
    public CachedCausalLm Model { get; }

    /// <summary>
    /// Continues every prompt (one batch, left-padded) until each row produces an EOS or
    /// <see cref="GenerationOptions.MaxNewTokens"/> new tokens. Greedy unless <see cref="GenerationOptions.DoSample"/>.
    /// </summary>
    /// <param name="prompts">Token ids per prompt; each needs at least one token.</param>
    /// <param name="options">Options; null uses the defaults (greedy, 20 new tokens, the config's EOS).</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <returns>Per prompt, in order: the new ids and why the row stopped.</returns>
    /// <exception cref="ArgumentException">No prompts, an empty prompt, an id outside the vocabulary, a bad option, or the longest prompt plus MaxNewTokens exceeds the position table.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var session = Start(prompts, options);
        while (!session.IsDone)
        {
            cancellationToken.ThrowIfCancellationRequested();
            session.Step();
        }
        return Enumerable.Range(0, session.Batch).Select(session.Result).ToArray();
    }

    /// <summary>Greedy continuations of <paramref name="prompts"/>, at most <paramref name="maxNewTokens"/> each (the config's EOS stops a row).</summary>
    /// <exception cref="ArgumentException">As <see cref="Generate"/>.</exception>
    public IReadOnlyList<IReadOnlyList<int>> Greedy(IReadOnlyList<IReadOnlyList<int>> prompts, int maxNewTokens) =>
        Generate(prompts, new GenerationOptions { MaxNewTokens = maxNewTokens }).Select(r => r.TokenIds).ToArray();

    internal GenerationSession Start(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions? options) =>
        new(Model, prompts, options ?? new GenerationOptions());
}
