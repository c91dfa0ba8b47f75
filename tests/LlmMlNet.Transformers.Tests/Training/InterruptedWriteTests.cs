// Issue 13 item 9: what a kill -9 during a save leaves behind is cleaned or recovered by the next run in
// the same folder (hidden .NAME.GUID.tmp temporaries removed; a checkpoint left only as .NAME.GUID.old
// restored), and a task folder with adapter files but no manifest is refused instead of loaded as plain.
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Tasks;
using LlmMlNet.Transformers.Tests.Checkpoints;
using LlmMlNet.Transformers.Training;
using Xunit;

namespace LlmMlNet.Transformers.Tests.Training;

public sealed class InterruptedWriteTests
{
    private static string Guid32() => Guid.NewGuid().ToString("N");

    private static string FakeCheckpoint(string folder, string name)
    {
        var path = Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
        File.WriteAllText(Path.Combine(path, TrainerCheckpoint.StateFile), "{}");
        File.WriteAllBytes(Path.Combine(path, TrainerCheckpoint.ParametersFile), new byte[1000]);
        return path;
    }

    [Fact]
    public void TheNextRunRemovesOrphanedTemporariesAndRestoresACheckpointCaughtBetweenRenames()
    {
        using var temp = new TempFolder();
        FakeCheckpoint(temp.Path, "checkpoint-1");
        var orphanTmp = FakeCheckpoint(temp.Path, $".checkpoint-3.{Guid32()}.tmp");
        // Killed between "move checkpoint-2 aside" and "move the new one in": only the .old copy is complete.
        var aside = FakeCheckpoint(temp.Path, $".checkpoint-2.{Guid32()}.old");
        var unrelated = Directory.CreateDirectory(temp.File(".cache")).FullName;

        Assert.Equal(temp.File("checkpoint-2"), TrainerCheckpoint.FindLatest(temp.Path));
        Assert.False(Directory.Exists(orphanTmp));
        Assert.False(Directory.Exists(aside));
        Assert.True(File.Exists(Path.Combine(temp.File("checkpoint-2"), TrainerCheckpoint.StateFile)));
        Assert.True(Directory.Exists(unrelated));

        // An .old copy whose checkpoint exists is a leftover of a finished replace: removed.
        var stale = FakeCheckpoint(temp.Path, $".checkpoint-1.{Guid32()}.old");
        Assert.Equal(1, DirectorySync.RemoveOrphans(temp.Path));
        Assert.False(Directory.Exists(stale));
    }

    [Fact]
    public void AtomicWritesRemoveTheirOwnOrphansAndNoOtherFiles()
    {
        using var temp = new TempFolder();
        var mine = temp.File($".config.json.{Guid32()}.tmp");
        var other = temp.File($".vocab.txt.{Guid32()}.tmp");
        File.WriteAllText(mine, "half");
        File.WriteAllText(other, "in flight");
        AtomicFile.WriteText(temp.File("config.json"), "{}");
        Assert.False(File.Exists(mine));
        Assert.True(File.Exists(other));
        Assert.Equal(new[] { Path.GetFileName(other), "config.json" }.Order(StringComparer.Ordinal), Directory.GetFiles(temp.Path).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal));
        DirectorySync.Flush(temp.Path);
    }

    [Fact]
    public void AdapterFilesWithoutTheManifestAreAnInterruptedSaveNotAPlainModel()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("config.json"), "{}");
        Assert.Equal("full", TaskModelManifest.Load(temp.Path).Method);
        Directory.CreateDirectory(temp.File(TaskModelManifest.AdapterFolder));
        var e = Assert.Throws<InvalidDataException>(() => TaskModelManifest.Load(temp.Path));
        Assert.Contains(TaskModelManifest.FileName, e.Message);
        Assert.Contains("interrupted", e.Message);
    }
}
