// Character classes the Hugging Face stages test (BERT cleaning, CJK, punctuation, byte-level regex
// classes), as code-point predicates with ASCII fast paths. Not a Unicode database: categories come
// from .NET's CharUnicodeInfo, whose Unicode version may differ slightly from Rust's.
using System.Globalization;
using System.Runtime.CompilerServices;

namespace LlmMlNet.Tokenizers.Text;

/// <summary>Code-point predicates shared by normalizers and pre-tokenizers.</summary>
internal static class CharClass
{
    /// <summary>Rust's <c>char::is_whitespace</c>: the Unicode White_Space property.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhiteSpace(int cp)
    {
        if (cp < 128) return cp == ' ' || (cp >= 9 && cp <= 13);
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
            || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /// <summary>BERT's "control": Unicode Cc, Cf, Cs, Co except tab, newline and carriage return.</summary>
    public static bool IsBertControl(int cp)
    {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        if (cp < 128) return cp < 32 || cp == 127;
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse;
    }

    /// <summary>The CJK ideograph ranges BERT isolates, exactly as Hugging Face lists them (including its 0x2B920 bound).</summary>
    public static bool IsChineseChar(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>BERT punctuation: ASCII punctuation or any Unicode P* category.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBertPunctuation(int cp)
    {
        if (cp < 128) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Regex <c>\p{L}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsLetter(int cp)
    {
        if (cp < 128) return (uint)((cp | 0x20) - 'a') <= 'z' - 'a';
        return CharUnicodeInfo.GetUnicodeCategory(cp) <= UnicodeCategory.OtherLetter;
    }

    /// <summary>Regex <c>\p{N}</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNumber(int cp)
    {
        if (cp < 128) return (uint)(cp - '0') <= 9;
        return CharUnicodeInfo.GetUnicodeCategory(cp) is UnicodeCategory.DecimalDigitNumber
            or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
    }

    /// <summary>Unicode Mn (non-spacing mark), what BERT's accent stripping removes after NFD.</summary>
    public static bool IsNonSpacingMark(int cp) =>
        cp >= 0x300 && CharUnicodeInfo.GetUnicodeCategory(cp) == UnicodeCategory.NonSpacingMark;

    /// <summary>Regex <c>\w</c> as used by single-word added tokens: letters, marks, decimal digits, connector punctuation.</summary>
    public static bool IsWordChar(int cp)
    {
        if (cp < 128) return IsLetter(cp) || IsNumber(cp) || cp == '_';
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category <= UnicodeCategory.DecimalDigitNumber || category == UnicodeCategory.ConnectorPunctuation;
    }

    /// <summary>
    /// Reads the code point at <paramref name="index"/>; a lone surrogate reads as U+FFFD (what UTF-8
    /// encoding would write), so no input can make a stage fail. <paramref name="length"/> is 1 or 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int length)
    {
        char c = text[index];
        length = 1;
        if (c < 0xD800 || c > 0xDFFF) return c;
        if (c <= 0xDBFF && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }
        return 0xFFFD;
    }
}
