// Streaming data: the bounded shuffle is a deterministic permutation that holds at most its buffer;
// packing concatenates tokenized lines ([CLS] … [SEP] for BERT, eos between GPT-2 documents) into
// fixed blocks, drops the remainder, and reads the source lazily; line-by-line keeps each line a block.
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Training;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class DataStreamingTests
{
    [Fact]
    public void ShuffleIsADeterministicPermutationWithBoundedLookahead()
    {
        int pulled = 0;
        IEnumerable<int> Source() { for (int i = 0; i < 1000; i++) { pulled++; yield return i; } }
        using var e = StreamingShuffle.Shuffle(Source(), 16, 3, 0).GetEnumerator();
        Assert.True(e.MoveNext());
        Assert.Equal(17, pulled);
        var a = StreamingShuffle.Shuffle(Source(), 16, 3, 0).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.Equal(a, StreamingShuffle.Shuffle(Source(), 16, 3, 0));
        Assert.NotEqual(a, StreamingShuffle.Shuffle(Source(), 16, 3, 1));
        Assert.NotEqual(a, Enumerable.Range(0, 1000));
        Assert.Equal(Enumerable.Range(0, 1000), StreamingShuffle.Shuffle(Source(), 0, 3, 0));
    }

    [Fact]
    public void BertPackingConcatenatesLinesWithSpecialTokensIntoFixedBlocks()
    {
        var tokenizer = Tokenizer.FromFolder(RepoPaths.Fixture("tokenizers", "bert-base-uncased"));
        string[] lines = ["The quick brown fox jumps.", "Tokenization is unbelievable fun!", "A third line, longer than the others by far."];
        var expected = lines.SelectMany(l => tokenizer.Encode(l).Ids).ToList();
        var blocks = BlockPacker.Pack(lines, tokenizer, 8).ToList();
        Assert.Equal(expected.Count / 8, blocks.Count);
        Assert.Equal(expected.Take(blocks.Count * 8), blocks.SelectMany(b => b.Ids));
        Assert.Equal(tokenizer.ClsTokenId, blocks[0].Ids[0]);
        // "tokenization" splits into pieces; the ones after the first continue the word.
        var all = blocks.SelectMany(b => b.Ids.Zip(b.ContinuesWord!)).ToList();
        Assert.Contains(all, p => p.Second && tokenizer.IdToToken(p.First)!.StartsWith("##"));
        Assert.All(all.Where(p => tokenizer.IdToToken(p.First)!.StartsWith("##")), p => Assert.True(p.Second));
    }

    [Fact]
    public void LineByLinePackingKeepsEachLineItsOwnTruncatedBlock()
    {
        var tokenizer = Tokenizer.FromFolder(RepoPaths.Fixture("tokenizers", "bert-base-uncased"));
        string[] texts = ["The quick brown fox jumps.", "Tokenization is unbelievable fun, and this line is long!"];
        var lines = texts.Select((t, i) => new CorpusLine(t, i, true, 0, i + 1, default));
        var blocks = BlockPacker.PackLines(lines, tokenizer, 8).ToList();
        Assert.Equal(2, blocks.Count);
        Assert.Equal(tokenizer.Encode(texts[0]).Ids, blocks[0].Ids);
        Assert.Equal(8, blocks[1].Ids.Length);
        Assert.Equal(tokenizer.ClsTokenId, blocks[1].Ids[0]);
        Assert.Equal(tokenizer.SepTokenId, blocks[1].Ids[^1]);
        Assert.Throws<ArgumentException>(() => BlockPacker.PackLines(lines, tokenizer, 1));
    }

    [Fact]
    public void Gpt2PackingSeparatesDocumentsWithEos()
    {
        var tokenizer = Tokenizer.FromFolder(RepoPaths.Fixture("tokenizers", "gpt2"));
        int eos = tokenizer.EosTokenId!.Value;
        string[] docs = ["Hello world, this is one.", "And here is another document."];
        var expected = tokenizer.Encode(docs[0]).Ids.Append(eos).Concat(tokenizer.Encode(docs[1]).Ids).ToList();
        var blocks = BlockPacker.Pack(docs, tokenizer, 4).ToList();
        Assert.Equal(expected.Take(blocks.Count * 4), blocks.SelectMany(b => b.Ids));
        Assert.Equal(expected.Count / 4, blocks.Count);
        Assert.Throws<ArgumentException>(() => BlockPacker.Pack(docs, tokenizer, 1));
    }

    [Fact]
    public void PackingStreamsACorpusFileLazily()
    {
        var tokenizer = Tokenizer.FromFolder(RepoPaths.Fixture("tokenizers", "bert-base-uncased"));
        var path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 500).Select(i => i % 10 == 9 ? "" : $"line number {i} of the corpus"));
        try
        {
            var reader = new TextCorpusReader([path]);
            var first = BlockPacker.Pack(reader, tokenizer, 16).Take(2).ToList();
            Assert.All(first, b => Assert.Equal(16, b.Length));
            Assert.Equal(tokenizer.Encode("line number 0 of the corpus").Ids.Take(16), first[0].Ids.Take(tokenizer.Encode("line number 0 of the corpus").Length));
            Assert.True(BlockPacker.Pack(reader, tokenizer, 16).Count() > 100);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainerPullsExamplesLazilyBoundedByBufferAndBatch()
    {
        long pulled = 0;
        IEnumerable<int> Endless() { for (int i = 0; ; i++) { pulled++; yield return i; } }
        var pulledAtStep = new List<long>();
        var model = new TrainerLearningTests.FixedGradientModel([1f]);
        new Trainer(new TrainerOptions { BatchSize = 4, GradientAccumulationSteps = 2, MaxSteps = 5, ShuffleBufferSize = 16 })
            .Train(model, Endless(), new TrainerLearningTests.IdentityCollator(),
                progress: new TrainingTestSupport.SyncProgress(_ => pulledAtStep.Add(pulled)));
        // With MaxSteps there is no counting pass: after step s the trainer holds at most the buffer plus one more example.
        for (int s = 0; s < 5; s++) Assert.InRange(pulledAtStep[s], (s + 1) * 8, (s + 1) * 8 + 16 + 1);
    }
}
