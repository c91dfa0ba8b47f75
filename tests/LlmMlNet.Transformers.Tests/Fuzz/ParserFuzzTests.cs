// The short, fixed-seed run of the parser fuzz suite (issue 13) in CI: a few hundred FsCheck-generated
// mutations per parser, each allowed only success or the documented exception naming the file, within the
// allocation bound. The long run is `dotnet run -c Release --project tests/LlmMlNet.Benchmarks -- fuzz`.
using LlmMlNet.TestSupport.Fuzz;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Fuzz;

public sealed class ParserFuzzTests
{
    private const int Cases = 150;

    public static TheoryData<string> Targets => new(ParserFuzzTargets.All(TestSupport.RepoPaths.Root).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedFilesParseOrFailWithTheDocumentedException(string name)
    {
        var target = ParserFuzzTargets.All(TestSupport.RepoPaths.Root).Single(t => t.Name == name);
        var report = ParserFuzz.Run(target, Cases, seed: 20261207);
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Refused > 0, $"{name}: no mutation was refused, so the suite tested nothing");
    }

    [Fact]
    public void MutationsAreReproducibleFromTheSeed()
    {
        var a = FsCheck.Fluent.Gen.Sample(ParserFuzz.Mutations, 30, new FsCheck.Rnd(7), 20);
        var b = FsCheck.Fluent.Gen.Sample(ParserFuzz.Mutations, 30, new FsCheck.Rnd(7), 20);
        Assert.Equal(a.Select(m => string.Join(",", m)), b.Select(m => string.Join(",", m)));
        Assert.Contains(a, m => m.Length > 1);
    }
}
