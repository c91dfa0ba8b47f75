// The exceptions our transformers throw from ICanSaveModel.Save: real ML.NET cannot serialize out-of-tree
// transformers (ModelSaveContext is internal), so the message points to the project's own route.
using LlmMlNet.ML.Infrastructure;

namespace LlmMlNet.ML.Persistence;

internal static class PersistenceMessages
{
    public static NotSupportedException UsePipelinePersistence(string transformer) => new(
        $"{transformer} cannot be saved with mlContext.Model.Save (ML.NET cannot serialize out-of-tree transformers); " +
        $"use {nameof(PipelinePersistence)}.{nameof(PipelinePersistence.Save)} and {nameof(PipelinePersistence)}.{nameof(PipelinePersistence.Load)}.");
}
