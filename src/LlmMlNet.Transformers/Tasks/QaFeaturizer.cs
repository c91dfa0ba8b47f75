// Turns SQuAD examples into QaFeature windows exactly as Hugging Face's run_qa.py prepare_train_features /
// prepare_validation_features do: question first (left-stripped), context second, only_second truncation to
// the max length with overflow windows sharing `stride` tokens, padding to max length, and the answer's
// character span mapped to start/end tokens through the offsets (CLS when outside the window or impossible).
// Not the model and not the decoding of predictions (QaPostprocessor).
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;

namespace LlmMlNet.Transformers.Tasks;

/// <summary>Settings of QA featurization (run_qa.py's defaults).</summary>
public sealed record QaFeaturizerOptions
{
    /// <summary>Tokens per window, special tokens included (max_seq_length). Default 384.</summary>
    public int MaxLength { get; init; } = 384;

    /// <summary>Context tokens shared by consecutive windows (doc_stride). Default 128.</summary>
    public int Stride { get; init; } = 128;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">MaxLength not positive, or Stride negative or not below MaxLength.</exception>
    public QaFeaturizerOptions Validate()
    {
        if (MaxLength <= 0) throw new ArgumentException($"MaxLength must be positive, got {MaxLength}.", nameof(MaxLength));
        if (Stride < 0 || Stride >= MaxLength) throw new ArgumentException($"Stride must be in [0, MaxLength), got {Stride}.", nameof(Stride));
        return this;
    }
}

/// <summary>SQuAD examples → model windows with span labels.</summary>
public sealed class QaFeaturizer
{
    private readonly Tokenizer _tokenizer;
    private readonly EncodeOptions _encode;

    /// <summary>Creates a featurizer.</summary>
    /// <exception cref="ArgumentException">Invalid options, or a tokenizer without a padding token.</exception>
    public QaFeaturizer(Tokenizer tokenizer, QaFeaturizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Options = (options ?? new QaFeaturizerOptions()).Validate();
        _tokenizer = tokenizer;
        _encode = new EncodeOptions
        {
            Truncation = new TruncationOptions { MaxLength = Options.MaxLength, Stride = Options.Stride, Strategy = TruncationStrategy.OnlySecond },
            Padding = new PaddingOptions { Length = Options.MaxLength },
        };
    }

    /// <summary>The settings.</summary>
    public QaFeaturizerOptions Options { get; }

    /// <summary>The tokenizer.</summary>
    internal Tokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// The windows of <paramref name="example"/> (at least one), in order. Answers use the first gold answer; an
    /// example with none or marked impossible labels every window with the CLS index.
    /// </summary>
    /// <exception cref="ArgumentException">The question leaves no room for context within MaxLength (names the example id), or the answer span lies outside the context.</exception>
    public IReadOnlyList<QaFeature> Featurize(QaExample example, int exampleIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(example);
        Encoding encoding;
        try { encoding = _tokenizer.Encode(example.Question.TrimStart(), example.Context, _encode); }
        catch (ArgumentException e) { throw new ArgumentException($"QA example '{example.Id}': {e.Message}", nameof(example), e); }
        var answer = example.IsImpossible || example.Answers.Count == 0 ? null : example.Answers[0];
        if (answer is not null && (answer.Start < 0 || answer.End > example.Context.Length))
            throw new ArgumentException($"QA example '{example.Id}': answer [{answer.Start}, {answer.End}) lies outside the context of {example.Context.Length} characters.", nameof(example));
        var windows = new List<Encoding> { encoding };
        windows.AddRange(encoding.Overflowing);
        var features = new List<QaFeature>(windows.Count);
        foreach (var window in windows) features.Add(Build(window, example, exampleIndex, answer));
        return features;
    }

    /// <summary>All windows of all examples, in order (ExampleIndex is the position in <paramref name="examples"/>).</summary>
    public IEnumerable<QaFeature> Featurize(IEnumerable<QaExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        int index = 0;
        foreach (var example in examples)
            foreach (var feature in Featurize(example, index++)) yield return feature;
    }

    private QaFeature Build(Encoding window, QaExample example, int exampleIndex, QaAnswer? answer)
    {
        int n = window.Length;
        var ids = window.Ids.ToArray();
        int cls = _tokenizer.ClsTokenId is int clsId && Array.IndexOf(ids, clsId) is var at and >= 0 ? at : 0;
        var offsets = new (int, int)?[n];
        int first = -1, last = -1;
        for (int i = 0; i < n; i++)
        {
            if (window.SequenceIds[i] != 1) continue;
            offsets[i] = window.Offsets[i];
            if (first < 0) first = i;
            last = i;
        }
        int start = cls, end = cls;
        if (answer is not null && first >= 0 && window.Offsets[first].Start <= answer.Start && window.Offsets[last].End >= answer.End)
        {
            // run_qa.py: step past every token starting at or before the answer, then back one; same from the end. Unlike
            // run_qa.py the walks stop at the context's ends, so an answer in the window's last token cannot run into [SEP] or padding.
            int s = first;
            while (s < n && window.SequenceIds[s] == 1 && window.Offsets[s].Start <= answer.Start) s++;
            int e = last;
            while (e >= first && window.Offsets[e].End >= answer.End) e--;
            start = s - 1;
            end = e + 1;
        }
        return new QaFeature(exampleIndex, example.Id, ids, window.TypeIds.ToArray(), window.AttentionMask.ToArray(), offsets, cls, start, end);
    }
}
