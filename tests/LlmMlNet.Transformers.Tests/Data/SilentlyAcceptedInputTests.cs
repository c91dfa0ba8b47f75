// Issue 13 items 7 and 8: inputs that used to be accepted silently or failed far from their cause are
// refused naming the file and line (or tensor): a SQuAD answer_start that overflows, a NUL in a label,
// invalid UTF-8 in TSV and JSONL rows, and NaN or infinite weights in a checkpoint.
using System.Text;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Models;
using LlmMlNet.Transformers.Tests.Models;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Data;

public sealed class SilentlyAcceptedInputTests
{
    [Fact]
    public void AnswerStartNearIntMaxIsARowErrorNamingTheFile()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "squad.json");
        File.WriteAllText(path, """
            {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "a short context", "qas": [
              {"id": "q1", "question": "what?", "answers": [{"text": "short", "answer_start": 2147483647}]}]}]}]}
            """);
        var e = Assert.Throws<DataFormatException>(() => SquadReader.Read(path).ToList());
        Assert.Equal(path, e.FilePath);
        Assert.Contains("runs past the end of the context", e.Message);
        Assert.Contains("q1", e.Message);
    }

    [Theory]
    [InlineData("train.tsv", "sentence\tlabel\na fine film\tpos\na bad film\tneg\u0000x\n", 3, "U+0000")]
    [InlineData("train.jsonl", "{\"text\": \"a fine film\", \"label\": \"pos\"}\n{\"text\": \"bad\", \"label\": \"neg\\u0000\"}\n", 2, "U+0000")]
    public void AControlCharacterInALabelIsRefused(string name, string content, long line, string expected)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, name);
        File.WriteAllText(path, content);
        var e = Assert.Throws<DataFormatException>(() => new TextClassificationReader(path).ToList());
        Assert.Equal(path, e.FilePath);
        Assert.Equal(line, e.LineNumber);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("train.tsv", "sentence\tlabel\na fine film\tpos\n", "a bad \tneg\n", 3)]
    [InlineData("train.jsonl", "{\"text\": \"a fine film\", \"label\": \"pos\"}\n", "{\"text\": \"a bad \", \"label\": \"neg\"}\n", 2)]
    public void InvalidUtf8InARowIsRefusedAsPretrainRefusesIt(string name, string good, string bad, long line)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, name);
        var badBytes = Encoding.UTF8.GetBytes(bad).ToList();
        badBytes.InsertRange(bad.IndexOf("bad ", StringComparison.Ordinal) + 4, new byte[] { 0xC3, 0x28 }); // an invalid 2-byte sequence
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(good), .. badBytes]);
        var e = Assert.Throws<DataFormatException>(() => new TextClassificationReader(path).ToList());
        Assert.Equal(line, e.LineNumber);
        Assert.Contains("not valid UTF-8", e.Message);
        var skipped = new TextClassificationReader(path, new TextClassificationReaderOptions { SkipBadRows = true });
        Assert.Single(skipped.ToList());
        Assert.Equal(1, skipped.SkippedRowCount);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteWeightsAreRefusedNamingTheTensor(float bad)
    {
        using var temp = new TempFolder();
        var source = FamilyFixture.PathOf("bert");
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(temp.Path, "config.json"));
        const string poisoned = "bert.encoder.layer.1.attention.output.dense.weight";
        using (var folder = CheckpointFolder.Open(source))
        {
            var tensors = folder.TensorNames.Where(n => SafetensorsDTypes.IsReadable(folder.Info(n).DType)).Select(n =>
            {
                var values = folder.FileOf(n).ReadFloat32(n);
                if (n == poisoned) values[5] = bad;
                return new SafetensorsTensor(n, folder.Info(n).Shape, values);
            }).ToList();
            SafetensorsWriter.Write(Path.Combine(temp.Path, "model.safetensors"), tensors);
        }
        var e = Assert.Throws<InvalidDataException>(() => TransformerParameters.FromPretrained(temp.Path, new HashSet<KeyGroup> { KeyGroup.Encoder }, out _));
        Assert.Contains(poisoned, e.Message);
        Assert.Contains("element 5", e.Message);
    }
}
