// The snapshot of every checkpoint `key: shape` each family reads and writes, for a small config with
// all heads, compared exactly with the checked-in Snapshots/<family>.keys.txt. A changed table shows
// up here as a diff; regenerate by setting LLMMLNET_UPDATE_SNAPSHOTS=1 and reviewing the change.
using LlmMlNet.Transformers.Checkpoints;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Checkpoints;

public sealed class KeySnapshotTests
{
    [Theory]
    [InlineData(ModelFamily.Bert)]
    [InlineData(ModelFamily.Roberta)]
    [InlineData(ModelFamily.DistilBert)]
    [InlineData(ModelFamily.Gpt2)]
    public void KeysAndShapesMatchTheSnapshot(ModelFamily family)
    {
        // Distinct sizes so a swapped dimension shows: vocab 50, hidden 8, ffn 24, 2 layers, 3 labels, 16 positions.
        var config = SizePresets.Create("tiny", family, vocabSize: 50, numLabels: 3) with
        {
            HiddenSize = 8, NumHeads = 2, IntermediateSize = 24, NumLayers = 2, MaxPositions = 16,
        };
        var groups = RawSafetensors.AllGroups;
        var parameters = new DictionaryParameters(config, groups, fill: 0f);
        using var folder = new TempFolder();
        var written = CheckpointSaver.Save(folder.Path, config, groups, parameters.Read);
        using var file = SafetensorsFile.Open(folder.File("model.safetensors"));
        var lines = new List<string> { $"# {family}: Hugging Face key: shape  ->  our parameter: shape" };
        foreach (var name in written)
        {
            var ours = KeyTable.For(family).Expand(config, groups).Where(m => m.HfName == name)
                .Select(m => $"{m.OurName}: [{string.Join(", ", m.OurShape)}]{(m.Transpose ? " (transposed)" : "")}");
            lines.Add($"{name}: {file.Tensors[name].ShapeText}  ->  {string.Join("; ", ours)}");
        }
        var actual = string.Join("\n", lines) + "\n";

        // Reading the written file back must consume every key exactly.
        using var checkpoint = CheckpointFolder.Open(folder.Path);
        Assert.True(CheckpointLoader.Load(checkpoint, config, groups, new DictionaryParameters(config, groups).View).IsExact);

        var snapshot = Path.Combine(TestSupport.RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Checkpoints", "Snapshots",
            $"{family.ToString().ToLowerInvariant()}.keys.txt");
        if (Environment.GetEnvironmentVariable("LLMMLNET_UPDATE_SNAPSHOTS") == "1") File.WriteAllText(snapshot, actual);
        Assert.True(File.Exists(snapshot), $"snapshot missing: {snapshot}");
        Assert.Equal(File.ReadAllText(snapshot), actual);
    }
}
