// GPT-2's bytes-to-unicode table: every byte gets a printable character (printable Latin-1 bytes map
// to themselves, the rest to U+0100 upward), so byte strings can be vocabulary strings. Data only.
namespace LlmMlNet.Tokenizers.Models;

/// <summary>The byte ↔ character map of byte-level BPE.</summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for each byte.</summary>
    public static readonly char[] ByteToChar = Build();

    /// <summary>The byte each alphabet character stands for, or -1 (indexed by char, 0..0x143).</summary>
    public static readonly short[] CharToByte = Invert(ByteToChar);

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] Invert(char[] byteToChar)
    {
        var inverse = new short[0x144];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[byteToChar[b]] = (short)b;
        return inverse;
    }

    /// <summary>The alphabet string of a byte sequence (how byte-level tokens are spelled).</summary>
    public static string Spell(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (dest, source) =>
        {
            for (int i = 0; i < source.Length; i++) dest[i] = ByteToChar[source[i]];
        });
    }
}
