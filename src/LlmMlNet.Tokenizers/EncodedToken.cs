// One token of EncodeToTokens: id, string and original offsets (Microsoft.ML.Tokenizers' shape). Data only.
namespace LlmMlNet.Tokenizers;

/// <summary>A token with its id and its [Start, End) UTF-16 range in the original text.</summary>
/// <param name="Id">Token id.</param>
/// <param name="Value">Token string.</param>
/// <param name="Offset">Range in the original string; (0, 0) for added special tokens.</param>
public readonly record struct EncodedToken(int Id, string Value, (int Start, int End) Offset);
