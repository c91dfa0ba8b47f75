// A forward-only token cursor over a JSON file that holds only a window of it in memory, so a
// 40 MB SQuAD file is read one paragraph at a time. It is not a general JSON library: it reads
// tokens, peeks, and materializes one value at a time as a JsonDocument.

using System.Text.Json;

namespace LlmMlNet.Transformers.Data;

/// <summary>Streams tokens from a JSON file with a growing window buffer around Utf8JsonReader.</summary>
internal sealed class JsonStreamCursor : IDisposable
{
    private readonly Stream stream;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private bool finalBlock;
    private JsonReaderState state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
    private long linesBeforeStart;

    public JsonStreamCursor(string path)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Fill();
        // A UTF-8 byte-order mark is allowed before the JSON text.
        if (end - start >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF) start = 3;
    }

    /// <summary>Type of the token last read by <see cref="Read"/>.</summary>
    public JsonTokenType TokenType { get; private set; }

    /// <summary>The decoded string of the last PropertyName or String token; null otherwise.</summary>
    public string? StringValue { get; private set; }

    /// <summary>1-based line of the first unread byte (for error messages).</summary>
    public long Line => linesBeforeStart + 1;

    /// <summary>Reads the next token; false at the end of the input.</summary>
    /// <exception cref="JsonException">Invalid JSON.</exception>
    public bool Read()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finalBlock, state);
            if (reader.Read())
            {
                TokenType = reader.TokenType;
                StringValue = TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                Commit(ref reader);
                return true;
            }
            if (finalBlock) return false;
            Fill();
        }
    }

    /// <summary>The type of the next token without consuming it; null at the end of the input.</summary>
    public JsonTokenType? Peek()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finalBlock, state);
            if (reader.Read()) return reader.TokenType;
            if (finalBlock) return null;
            Fill();
        }
    }

    /// <summary>Reads the next whole value (object, array or primitive) into a document the caller disposes.</summary>
    /// <exception cref="JsonException">Invalid JSON or the input ends inside the value.</exception>
    public JsonDocument ReadValue()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), finalBlock, state);
            if (reader.Read())
            {
                var probe = reader;
                if (probe.TrySkip())
                {
                    var document = JsonDocument.ParseValue(ref reader);
                    Commit(ref reader);
                    return document;
                }
            }
            if (finalBlock) throw new JsonException("The input ends inside a value.");
            Fill();
        }
    }

    /// <summary>Skips the next whole value.</summary>
    public void SkipValue() => ReadValue().Dispose();

    public void Dispose() => stream.Dispose();

    private void Commit(ref Utf8JsonReader reader)
    {
        var consumed = (int)reader.BytesConsumed;
        linesBeforeStart += buffer.AsSpan(start, consumed).Count((byte)'\n');
        start += consumed;
        state = reader.CurrentState;
    }

    // Moves the unread bytes to the front, grows the buffer when a value needs more room, and reads more.
    private void Fill()
    {
        var unread = end - start;
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, unread);
            start = 0;
            end = unread;
        }
        if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        var read = stream.Read(buffer, end, buffer.Length - end);
        if (read == 0) finalBlock = true;
        end += read;
    }
}
