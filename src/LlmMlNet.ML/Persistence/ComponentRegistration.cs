// Registers the loader of every persistable LlmMlNet transformer with LlmTransformerRegistry when this assembly
// loads, so mlContext.Model.LoadWithLlm finds them without any call from the user. One line per transformer kind.
using System.Runtime.CompilerServices;
using LlmMlNet.ML.Classification;
using LlmMlNet.ML.Embeddings;
using LlmMlNet.ML.LanguageModeling;
using LlmMlNet.ML.QuestionAnswering;
using LlmMlNet.ML.Text;

namespace LlmMlNet.ML.Persistence;

internal static class ComponentRegistration
{
#pragma warning disable CA2255 // a module initializer is the point: registration must happen before any Load
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RegisterAll()
    {
        LlmTransformerRegistry.Register(TransformerTokenizingTransformer.KindName, TransformerTokenizingTransformer.LoadFrom);
        LlmTransformerRegistry.Register(TransformerEmbeddingTransformer.KindName, TransformerEmbeddingTransformer.LoadFrom);
        LlmTransformerRegistry.Register(LanguageModelTransformer.KindName, LanguageModelTransformer.LoadFrom);
        LlmTransformerRegistry.Register(LlmTextClassificationTransformer.KindName, LlmTextClassificationTransformer.LoadFrom);
        LlmTransformerRegistry.Register(LlmQuestionAnsweringTransformer.KindName, LlmQuestionAnsweringTransformer.LoadFrom);
        LlmTransformerRegistry.Register(LlmLinearHeadTransformer.KindName, LlmLinearHeadTransformer.LoadFrom);
        LlmTransformerRegistry.Register(Generation.TextGenerationTransformer.KindName, Generation.TextGenerationTransformer.LoadFrom);
    }
}
