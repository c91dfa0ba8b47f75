// Truncation as Hugging Face does it: how many tokens each sequence keeps (longest_first, only_first,
// only_second) and the stride windows a truncated sequence is cut into (Encoding::truncate). Pure
// index arithmetic on token counts; it never touches token contents.
namespace LlmMlNet.Tokenizers;

/// <summary>Truncation lengths and overflow windows.</summary>
internal static class Truncation
{
    /// <summary>
    /// How many tokens each sequence keeps, given <paramref name="maxLength"/> already reduced by the special tokens;
    /// null means untouched.
    /// </summary>
    /// <exception cref="ArgumentException">only_second without a pair, or the chosen sequence is too short to remove enough.</exception>
    public static (int? First, int? Second) Lengths(int n1, int? n2, int maxLength, TruncationStrategy strategy)
    {
        if (maxLength == 0) return (0, n2 is null ? null : 0);
        int total = n1 + (n2 ?? 0);
        if (total <= maxLength) return (null, null);
        int toRemove = total - maxLength;
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst when n2 is int second:
            {
                int a = n1, b = second;
                bool swap = a > b;
                if (swap) (a, b) = (b, a);
                b = a > maxLength ? a : Math.Max(a, maxLength - a);
                if (a + b > maxLength)
                {
                    a = maxLength / 2;
                    b = a + maxLength % 2;
                }
                if (swap) (a, b) = (b, a);
                return (a, b);
            }
            case TruncationStrategy.LongestFirst:
                return (total - toRemove, null);
            case TruncationStrategy.OnlyFirst:
                if (n1 > toRemove) return (n1 - toRemove, null);
                throw new ArgumentException($"Truncation only_first cannot remove {toRemove} tokens from a first sequence of {n1}: the first sequence is too short for max length.");
            default:
                if (n2 is not int pairLength)
                    throw new ArgumentException("Truncation only_second needs a pair (text_pair); none was given.");
                if (pairLength > toRemove) return (null, pairLength - toRemove);
                throw new ArgumentException($"Truncation only_second cannot remove {toRemove} tokens from a second sequence of {pairLength}: the first sequence leaves too little room for max length.");
        }
    }

    /// <summary>The windows of a sequence truncated to <paramref name="maxLength"/> with <paramref name="stride"/> (first is the kept part).</summary>
    /// <exception cref="ArgumentException">The stride is not less than the kept length.</exception>
    public static List<TokenWindow> Windows(TokenSequence sequence, int? maxLength, int stride, Side direction, int maxWindows = int.MaxValue)
    {
        int n = sequence.Count;
        if (maxLength is not int max || max >= n) return [new TokenWindow(sequence, 0, n)];
        if (max == 0) return maxWindows == 1 ? [new TokenWindow(sequence, 0, 0)] : [new TokenWindow(sequence, 0, 0), new TokenWindow(sequence, 0, n)];
        if (stride >= max)
            throw new ArgumentException($"Truncation stride ({stride}) must be less than the length kept for the sequence ({max}, max length minus the special tokens and the other sequence).");
        int step = max - stride;
        var windows = new List<TokenWindow>();
        if (direction == Side.Right)
        {
            for (int start = 0; start < n; start += step)
            {
                int stop = Math.Min(start + max, n);
                windows.Add(new TokenWindow(sequence, start, stop));
                if (stop == n || windows.Count == maxWindows) break;
            }
        }
        else
        {
            for (int last = n - 1; last >= 0; last -= step)
            {
                int stop = last + 1, start = Math.Max(0, stop - max);
                windows.Add(new TokenWindow(sequence, start, stop));
                if (start == 0 || windows.Count == maxWindows) break;
            }
        }
        return windows;
    }
}
