// A normalized piece of the caller's string with an alignment per UTF-16 unit back to the original:
// how offsets survive lowercasing, accent stripping, dropped controls and inserted spaces (the role of
// Hugging Face's NormalizedString). It holds no tokens and does no normalization itself.
namespace LlmMlNet.Tokenizers.Text;

/// <summary>Normalized characters, each aligned to a [start, end) range of the original string (UTF-16 units).</summary>
internal sealed class NormalizedText
{
    private char[] _chars;
    private int[] _starts;
    private int[] _ends;

    /// <summary>An empty text whose insertions before any character align to (<paramref name="anchor"/>, <paramref name="anchor"/>).</summary>
    public NormalizedText(int capacity, int anchor)
    {
        capacity = Math.Max(capacity, 4);
        _chars = new char[capacity];
        _starts = new int[capacity];
        _ends = new int[capacity];
        Anchor = anchor;
    }

    /// <summary>Original position used for characters inserted before any original one.</summary>
    public int Anchor { get; }

    /// <summary>Number of UTF-16 units.</summary>
    public int Length { get; private set; }

    /// <summary>The normalized characters.</summary>
    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    /// <summary>Original start of unit <paramref name="i"/>.</summary>
    public int StartOf(int i) => _starts[i];

    /// <summary>Original end of unit <paramref name="i"/>.</summary>
    public int EndOf(int i) => _ends[i];

    /// <summary>The identity alignment over original[start, end).</summary>
    public static NormalizedText Identity(string original, int start, int end)
    {
        var text = new NormalizedText(end - start, start);
        original.AsSpan(start, end - start).CopyTo(text._chars);
        for (int i = 0; i < end - start; i++)
        {
            text._starts[i] = start + i;
            text._ends[i] = start + i + 1;
        }
        text.Length = end - start;
        return text;
    }

    /// <summary>Appends a code point aligned to the original range [start, end).</summary>
    public void Append(int codePoint, int start, int end)
    {
        if (Length + 2 > _chars.Length) Grow();
        if (codePoint < 0x10000)
        {
            _chars[Length] = (char)codePoint;
            _starts[Length] = start;
            _ends[Length++] = end;
            return;
        }
        int v = codePoint - 0x10000;
        _chars[Length] = (char)(0xD800 + (v >> 10));
        _chars[Length + 1] = (char)(0xDC00 + (v & 0x3FF));
        _starts[Length] = _starts[Length + 1] = start;
        _ends[Length] = _ends[Length + 1] = end;
        Length += 2;
    }

    /// <summary>
    /// The original range of normalized [from, to): from the first unit's start to the last unit's end,
    /// Hugging Face's rule; an empty range maps to the position just before <paramref name="from"/>.
    /// </summary>
    public (int Start, int End) OriginalRange(int from, int to)
    {
        if (to > from) return (_starts[from], _ends[to - 1]);
        int at = from < Length ? _starts[from] : Length > 0 ? _ends[Length - 1] : Anchor;
        return (at, at);
    }

    /// <summary>A copy of normalized [from, to) with its alignments.</summary>
    public NormalizedText Slice(int from, int to)
    {
        var slice = new NormalizedText(to - from, OriginalRange(from, to).Start);
        Chars[from..to].CopyTo(slice._chars);
        Array.Copy(_starts, from, slice._starts, 0, to - from);
        Array.Copy(_ends, from, slice._ends, 0, to - from);
        slice.Length = to - from;
        return slice;
    }

    /// <summary>This text with one space before it, aligned like the first character (Hugging Face's prepend).</summary>
    public NormalizedText PrependSpace()
    {
        var text = new NormalizedText(Length + 1, Anchor);
        // The space takes the whole first character's range, a surrogate pair included.
        int firstEnd = Length > 1 && char.IsHighSurrogate(_chars[0]) ? _ends[1] : Length > 0 ? _ends[0] : Anchor;
        var (start, end) = (Length > 0 ? _starts[0] : Anchor, firstEnd);
        text._chars[0] = ' ';
        text._starts[0] = start;
        text._ends[0] = end;
        Chars.CopyTo(text._chars.AsSpan(1));
        Array.Copy(_starts, 0, text._starts, 1, Length);
        Array.Copy(_ends, 0, text._ends, 1, Length);
        text.Length = Length + 1;
        return text;
    }

    private void Grow()
    {
        int size = _chars.Length * 2;
        Array.Resize(ref _chars, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}
