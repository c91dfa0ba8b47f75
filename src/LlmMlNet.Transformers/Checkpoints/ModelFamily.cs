// The model families we load and build, the activations their configs may name, and the mapping from
// config.json's `model_type` string. Not the key tables (BertKeys etc.) nor the hyper-parameters.
namespace LlmMlNet.Transformers.Checkpoints;

/// <summary>A Hugging Face model family.</summary>
public enum ModelFamily
{
    /// <summary>BERT (<c>model_type</c> "bert"): post-LN encoder with token types and a pooler.</summary>
    Bert,
    /// <summary>RoBERTa (<c>model_type</c> "roberta"): BERT's layout, positions offset by padding_idx + 1.</summary>
    Roberta,
    /// <summary>DistilBERT (<c>model_type</c> "distilbert"): no token types, no pooler, its own key names.</summary>
    DistilBert,
    /// <summary>GPT-2 (<c>model_type</c> "gpt2"): pre-LN causal decoder with Conv1D weights.</summary>
    Gpt2,
}

/// <summary>
/// The activation a config names, grouped by the function it computes: exactly those the layers run, so an
/// unsupported one (silu, quick_gelu, ...) fails when config.json is read, naming the file and field.
/// </summary>
public enum HiddenActivation
{
    /// <summary>Exact GELU, x·Φ(x) with erf ("gelu", "gelu_python").</summary>
    Gelu,
    /// <summary>Tanh-approximated GELU ("gelu_new", "gelu_pytorch_tanh", "gelu_fast").</summary>
    GeluTanh,
    /// <summary>max(0, x) ("relu").</summary>
    Relu,
}

/// <summary>Parsing of family and activation names as they appear in config.json.</summary>
public static class ModelFamilies
{
    private static readonly Dictionary<string, ModelFamily> ByModelType = new(StringComparer.Ordinal)
    {
        ["bert"] = ModelFamily.Bert,
        ["roberta"] = ModelFamily.Roberta,
        ["distilbert"] = ModelFamily.DistilBert,
        ["gpt2"] = ModelFamily.Gpt2,
    };

    private static readonly Dictionary<string, HiddenActivation> ByActivationName = new(StringComparer.Ordinal)
    {
        ["gelu"] = HiddenActivation.Gelu,
        ["gelu_python"] = HiddenActivation.Gelu,
        ["gelu_new"] = HiddenActivation.GeluTanh,
        ["gelu_pytorch_tanh"] = HiddenActivation.GeluTanh,
        ["gelu_fast"] = HiddenActivation.GeluTanh,
        ["relu"] = HiddenActivation.Relu,
    };

    /// <summary>The family of a <c>model_type</c> string, or null when it is not one we support.</summary>
    public static ModelFamily? FromModelType(string modelType) =>
        ByModelType.TryGetValue(modelType, out var family) ? family : null;

    /// <summary>The <c>model_type</c> string of a family.</summary>
    public static string ModelType(ModelFamily family) => ByModelType.First(p => p.Value == family).Key;

    /// <summary>The activation a config name denotes, or null when unknown.</summary>
    public static HiddenActivation? ParseActivation(string name) =>
        ByActivationName.TryGetValue(name, out var activation) ? activation : null;

    /// <summary>All activation names accepted, for error messages.</summary>
    public static IEnumerable<string> ActivationNames => ByActivationName.Keys;
}
