// Behaviour of POCO <-> data view mapping: LoadFromEnumerable, CreateEnumerable and LoadFromTextFile.
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace MLNetStandIn.Tests;

public class PocoMappingTests
{
    public class Row
    {
        public string Text = "";
        public float Value;
        public double Precise { get; set; }
        public int Count;
        public uint Unsigned;
        public long Big;
        public bool Flag;
        [VectorType(3)] public float[] Features = [];
        public float[] Variable = [];
        [ColumnName("Renamed")] public string Original = "";
        [NoColumn] public string Skipped = "";
        [KeyType(4)] public uint Key;
        public const int Constant = 3;
    }

    private static Row Sample(int i) => new()
    {
        Text = "t" + i, Value = i + 0.5f, Precise = i * 2.25, Count = -i, Unsigned = (uint)i, Big = 1L << 40, Flag = i % 2 == 0,
        Features = [i, i + 1, i + 2], Variable = Enumerable.Repeat(1f, i).ToArray(), Original = "o" + i, Skipped = "s", Key = (uint)(i % 4 + 1),
    };

    [Fact]
    public void LoadFromEnumerableMapsMembersToMlNetColumnTypes()
    {
        var data = new MLContext(1).Data.LoadFromEnumerable(new[] { Sample(1) });
        var schema = data.Schema;
        Assert.Equal(
            ["Text", "Value", "Count", "Unsigned", "Big", "Flag", "Features", "Variable", "Renamed", "Key", "Precise"],
            schema.Select(c => c.Name));
        Assert.Equal(TextDataViewType.Instance, schema["Text"].Type);
        Assert.Equal(NumberDataViewType.Double, schema["Precise"].Type);
        Assert.Equal(NumberDataViewType.UInt32, schema["Unsigned"].Type);
        Assert.Equal(BooleanDataViewType.Instance, schema["Flag"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), schema["Features"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single), schema["Variable"].Type);
        Assert.Equal(new KeyDataViewType(typeof(uint), 4), schema["Key"].Type);
        Assert.Equal(1, data.GetRowCount());
    }

    [Fact]
    public void CreateEnumerableRoundTripsEveryMember()
    {
        var ml = new MLContext(1);
        var rows = Enumerable.Range(0, 4).Select(Sample).ToArray();
        var back = ml.Data.CreateEnumerable<Row>(ml.Data.LoadFromEnumerable(rows), reuseRowObject: false).ToArray();
        Assert.Equal(4, back.Length);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(rows[i].Text, back[i].Text);
            Assert.Equal(rows[i].Value, back[i].Value);
            Assert.Equal(rows[i].Precise, back[i].Precise);
            Assert.Equal(rows[i].Count, back[i].Count);
            Assert.Equal(rows[i].Unsigned, back[i].Unsigned);
            Assert.Equal(rows[i].Big, back[i].Big);
            Assert.Equal(rows[i].Flag, back[i].Flag);
            Assert.Equal(rows[i].Features, back[i].Features);
            Assert.Equal(rows[i].Variable, back[i].Variable);
            Assert.Equal(rows[i].Original, back[i].Original);
            Assert.Equal(rows[i].Key, back[i].Key);
            Assert.Equal("", back[i].Skipped);
        }
    }

    [Fact]
    public void ReuseRowObjectRefillsOneInstance()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 3).Select(Sample).ToArray());
        var seen = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: true).Select(r => (r, r.Text)).ToArray();
        Assert.Same(seen[0].r, seen[2].r);
        Assert.Equal(new[] { "t0", "t1", "t2" }, seen.Select(s => s.Text));
    }

    public class Narrow { public string Text = ""; public float Missing; }
    public class WrongType { public int Text; }

    [Fact]
    public void MissingColumnsAndTypeMismatchesAreReported()
    {
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(new[] { Sample(1) });
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Data.CreateEnumerable<Narrow>(data, false).ToList());
        Assert.Contains("Missing", missing.Message);
        Assert.Equal("t1", ml.Data.CreateEnumerable<Narrow>(data, false, ignoreMissingColumns: true).Single().Text);
        var mismatch = Assert.Throws<InvalidOperationException>(() => ml.Data.CreateEnumerable<WrongType>(data, false).ToList());
        Assert.Contains("'Text'", mismatch.Message);
    }

    [Fact]
    public void WrongSizeArrayForFixedVectorFails()
    {
        var ml = new MLContext(1);
        var row = Sample(1);
        row.Features = [1f];
        var data = ml.Data.LoadFromEnumerable(new[] { row });
        var error = Assert.Throws<InvalidOperationException>(() => data.GetColumn<VBuffer<float>>("Features").ToList());
        Assert.Contains("Features", error.Message);
    }

    public class TextRow
    {
        [LoadColumn(0)] public string Sentence = "";
        [LoadColumn(1)] public float Label;
        [LoadColumn(2, 3)] public float[] Pair = [];
        [LoadColumn(4)] public int Count;
    }

    [Fact]
    public void LoadFromTextFileReadsHeaderSeparatorQuotesAndRanges()
    {
        string path = Path.Combine(Path.GetTempPath(), $"standin-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "s,l,a,b,c\n\"hello, world\",1,2.5,3,7\nbye,,4,5,8\n");
        try
        {
            var ml = new MLContext(1);
            var data = ml.Data.LoadFromTextFile<TextRow>(path, separatorChar: ',', hasHeader: true, allowQuoting: true);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 2), data.Schema["Pair"].Type);
            var rows = ml.Data.CreateEnumerable<TextRow>(data, false).ToArray();
            Assert.Equal(2, rows.Length);
            Assert.Equal("hello, world", rows[0].Sentence);
            Assert.Equal(1f, rows[0].Label);
            Assert.Equal(new[] { 2.5f, 3f }, rows[0].Pair);
            Assert.True(float.IsNaN(rows[1].Label));
            Assert.Equal(8, rows[1].Count);
            Assert.Throws<FileNotFoundException>(() => ml.Data.LoadFromTextFile<TextRow>(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
