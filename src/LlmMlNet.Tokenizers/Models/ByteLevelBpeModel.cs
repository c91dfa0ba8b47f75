// Byte-level BPE (GPT-2, RoBERTa): a word's UTF-8 bytes start as one symbol each, then merges apply by
// rank exactly as Hugging Face's BPE does (lowest rank first, leftmost on ties, via a heap), with a word
// cache. Offsets of a token cover every original character its bytes came from. No dropout, no
// continuing-subword prefix or end-of-word suffix (the loader rejects those).
using System.Collections.Concurrent;
using System.Text;
using LlmMlNet.Tokenizers.PreTokenizers;
using LlmMlNet.Tokenizers.Text;

namespace LlmMlNet.Tokenizers.Models;

/// <summary>Hugging Face's <c>BPE</c> model, as used behind a <c>ByteLevel</c> pre-tokenizer.</summary>
internal sealed class ByteLevelBpeModel : TokenizerModel
{
    private const int CacheCapacity = 100_000;
    private const int MaxCachedWordLength = 256;

    private readonly string[] _idToToken;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<long, long> _merges; // (left << 32 | right) -> (rank << 32 | newId)
    private readonly int[] _byteIds = new int[256];
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;

    private int _cacheCount;

    [ThreadStatic] private static Workspace? t_workspace;

    /// <summary>Creates the model.</summary>
    /// <exception cref="ArgumentException">
    /// An id outside 0..N-1 or given twice, a merge that names a token missing from the vocabulary, or a byte without a token.
    /// </exception>
    public ByteLevelBpeModel(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges)
    {
        _vocab = new Dictionary<string, int>(vocabulary, StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ByteToChar[b].ToString();
            if (!_vocab.TryGetValue(symbol, out _byteIds[b]))
                throw new ArgumentException($"The byte-level BPE vocabulary has no token for byte 0x{b:X2} ('{symbol}').", nameof(vocabulary));
        }
        // Ids must be 0..N-1 (every released vocab.json is): the id → token table is sized by the entry count, so an id
        // of 2147483647 in a 3-line file is refused instead of allocating gigabytes, as a gap or a repeat would misdecode.
        _idToToken = new string[_vocab.Count];
        foreach (var (token, id) in _vocab)
        {
            if (id < 0 || id >= _idToToken.Length)
                throw new ArgumentException($"The BPE vocabulary gives '{token}' the id {id}; ids must be 0..{_idToToken.Length - 1} (one per entry).", nameof(vocabulary));
            if (_idToToken[id] is { } other)
                throw new ArgumentException($"The BPE vocabulary gives the id {id} to both '{other}' and '{token}'.", nameof(vocabulary));
            _idToToken[id] = token;
        }
        _merges = new Dictionary<long, long>(merges.Count);
        Merges = merges;
        for (int rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!_vocab.TryGetValue(left, out int l) || !_vocab.TryGetValue(right, out int r))
                throw new ArgumentException($"Merge {rank} ('{left} {right}') uses a token missing from the vocabulary.", nameof(merges));
            if (!_vocab.TryGetValue(left + right, out int merged))
                throw new ArgumentException($"Merge {rank} ('{left} {right}') produces '{left + right}', which is missing from the vocabulary.", nameof(merges));
            // A repeated merge keeps its last rank, as Hugging Face's map construction does.
            _merges[((long)l << 32) | (uint)r] = ((long)rank << 32) | (uint)merged;
        }
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The merges, rank order.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>The vocabulary as given.</summary>
    public IReadOnlyDictionary<string, int> VocabularyMap => _vocab;

    /// <inheritdoc />
    public override int VocabularySize => _vocab.Count;
    /// <inheritdoc />
    public override IReadOnlyList<string> Vocabulary => _idToToken;
    /// <inheritdoc />
    public override int? TokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;
    /// <inheritdoc />
    public override string? IdToToken(int id) => (uint)id < (uint)_idToToken.Length ? _idToToken[id] : null;

    /// <inheritdoc />
    public override void Tokenize(WordSpan word, int wordIndex, ITokenSink sink)
    {
        var text = word.Text;
        var chars = text.Chars[word.Start..word.End];
        var ws = t_workspace ??= new Workspace();
        ws.EnsureBytes(chars.Length * 3);
        // UTF-8 bytes of the word and, per byte, the normalized unit range of its character.
        int byteCount = 0;
        for (int i = 0; i < chars.Length;)
        {
            int cp = CharClass.CodePointAt(chars, i, out int length);
            int n = new Rune(cp).EncodeToUtf8(ws.Bytes.AsSpan(byteCount));
            for (int k = 0; k < n; k++)
            {
                ws.CharStart[byteCount + k] = word.Start + i;
                ws.CharEnd[byteCount + k] = word.Start + i + length;
            }
            byteCount += n;
            i += length;
        }
        int[] ids = Lookup(chars, ws, byteCount);
        int b0 = 0;
        for (int t = 0; t < ids.Length; t += 2)
        {
            int id = ids[t], b1 = b0 + ids[t + 1];
            var (s, _) = text.OriginalRange(ws.CharStart[b0], ws.CharEnd[b0]);
            var (_, e) = text.OriginalRange(ws.CharStart[b1 - 1], ws.CharEnd[b1 - 1]);
            sink.Add(id, _idToToken[id], s, e, wordIndex);
            b0 = b1;
        }
    }

    /// <summary>(id, byte length) pairs for the word, from the cache or by merging.</summary>
    private int[] Lookup(ReadOnlySpan<char> chars, Workspace ws, int byteCount)
    {
        if (_cacheLookup.TryGetValue(chars, out var cached)) return cached;
        var result = Merge(ws, byteCount);
        // ConcurrentDictionary.Count takes every lock, so the size is tracked on the side.
        if (chars.Length < MaxCachedWordLength && Volatile.Read(ref _cacheCount) < CacheCapacity && _cacheLookup.TryAdd(chars, result))
            Interlocked.Increment(ref _cacheCount);
        return result;
    }

    private int[] Merge(Workspace ws, int n)
    {
        ws.EnsureSymbols(n);
        var id = ws.SymbolId; var prev = ws.Prev; var next = ws.Next; var len = ws.Len;
        for (int i = 0; i < n; i++)
        {
            id[i] = _byteIds[ws.Bytes[i]];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            len[i] = 1;
        }
        var queue = ws.Queue;
        queue.Clear();
        for (int i = 0; i + 1 < n; i++)
            if (_merges.TryGetValue(((long)id[i] << 32) | (uint)id[i + 1], out long m))
                queue.Enqueue((i, (int)m), Priority(m, i));
        while (queue.TryDequeue(out var top, out _))
        {
            int pos = top.Pos;
            if (len[pos] == 0 || next[pos] == -1) continue;
            int right = next[pos];
            // Skip entries made stale by an earlier merge (Hugging Face's check: same resulting id).
            if (!_merges.TryGetValue(((long)id[pos] << 32) | (uint)id[right], out long current) || (int)current != top.NewId) continue;
            id[pos] = top.NewId;
            len[pos] += len[right];
            len[right] = 0;
            next[pos] = next[right];
            if (next[right] != -1) prev[next[right]] = pos;
            if (prev[pos] >= 0 && _merges.TryGetValue(((long)id[prev[pos]] << 32) | (uint)id[pos], out long left))
                queue.Enqueue((prev[pos], (int)left), Priority(left, prev[pos]));
            if (next[pos] != -1 && _merges.TryGetValue(((long)id[pos] << 32) | (uint)id[next[pos]], out long after))
                queue.Enqueue((pos, (int)after), Priority(after, pos));
        }
        int count = 0;
        for (int i = 0; i != -1 && i < n; i = next[i]) count++;
        var result = new int[2 * count];
        int k = 0;
        for (int i = 0; i != -1 && i < n; i = next[i])
        {
            result[k++] = id[i];
            result[k++] = len[i];
        }
        return result;
    }

    /// <summary>Heap order of a merge: lowest rank first, then leftmost position (packed so the heap compares one long).</summary>
    private static long Priority(long merge, int position) => (merge & unchecked((long)0xFFFFFFFF00000000)) | (uint)position;

    /// <summary>Per-thread scratch buffers, so tokenizing a word allocates only its cache entry.</summary>
    private sealed class Workspace
    {
        public byte[] Bytes = new byte[64];
        public int[] CharStart = new int[64];
        public int[] CharEnd = new int[64];
        public int[] SymbolId = new int[64], Prev = new int[64], Next = new int[64], Len = new int[64];
        public readonly PriorityQueue<(int Pos, int NewId), long> Queue = new();

        public void EnsureBytes(int n)
        {
            if (Bytes.Length >= n) return;
            Bytes = new byte[n]; CharStart = new int[n]; CharEnd = new int[n];
        }

        public void EnsureSymbols(int n)
        {
            if (SymbolId.Length >= n) return;
            SymbolId = new int[n]; Prev = new int[n]; Next = new int[n]; Len = new int[n];
        }
    }
}
