// Reads the committed per-family fixtures (Fixtures/families/NAME: a Hugging Face folder plus
// expected.json written by python/make_parity_fixtures.py): the batches and the reference outputs, and
// builds a model with exactly the heads whose outputs the file holds. Test support only.
using System.Text.Json;
using LlmMlNet.Transformers.Checkpoints;
using LlmMlNet.Transformers.Heads;
using LlmMlNet.Transformers.Models;

namespace LlmMlNet.Transformers.Tests.Models;

internal sealed class FamilyFixture
{
    private FamilyFixture(string name, JsonElement root)
    {
        Name = name;
        Folder = PathOf(name);
        Root = root;
    }

    public string Name { get; }

    public string Folder { get; }

    public JsonElement Root { get; }

    /// <summary>The fixture folder under tests/LlmMlNet.Transformers.Tests/Fixtures/families.</summary>
    public static string PathOf(string name) =>
        Path.Combine(TestSupport.RepoPaths.Root, "tests", "LlmMlNet.Transformers.Tests", "Fixtures", "families", name);

    public static FamilyFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(PathOf(name), "expected.json")));
        return new FamilyFixture(name, document.RootElement.Clone());
    }

    /// <summary>The parts with inputs and outputs: "inputs", and GPT-2's "left_padded", "eos_tail" and "token_types".</summary>
    public IEnumerable<string> Parts => Root.EnumerateObject()
        .Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("inputs", out _)).Select(p => p.Name).ToList();

    public ModelBatch Batch(string part) => ParityFixture.BatchOf(Root.GetProperty(part).GetProperty("inputs"));

    public JsonElement Outputs(string part) => Root.GetProperty(part).GetProperty("outputs");

    public bool Has(string output) => Outputs("inputs").TryGetProperty(output, out _);

    public float[] Expected(string part, string output) => ParityFixture.Floats(Outputs(part).GetProperty(output).GetProperty("data"));

    /// <summary>The groups a model needs to produce every output the file holds.</summary>
    public IReadOnlySet<KeyGroup> Groups(ModelFamily family)
    {
        var groups = new HashSet<KeyGroup> { KeyGroup.Encoder };
        if (Has("mlm_logits")) groups.Add(KeyGroup.MaskedLm);
        if (Has("pooler_output")) groups.Add(KeyGroup.Pooler);
        if (Has("classifier_logits")) groups.UnionWith(HeadKinds.Groups(HeadKind.Classification, family));
        if (Has("qa_start_logits")) groups.Add(KeyGroup.QuestionAnswering);
        return groups;
    }
}
