// `llmmlnet export`: writes a model folder (Hugging Face checkpoint, or a task folder saved by finetune with any
// method) as one ONNX file for ONNX Runtime or ML.NET's ApplyOnnxModel. Argument handling and messages only;
// OnnxExporter does the work.
using System.CommandLine;
using LlmMlNet.Cli.Running;
using LlmMlNet.Onnx.Export;
using LlmMlNet.Transformers.Heads;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `export` command.</summary>
public static class ExportCommand
{
    /// <summary>Creates the `export` command.</summary>
    public static Command Create()
    {
        var modelOption = new Option<string>("--model") { Description = "Model folder: a Hugging Face checkpoint or a folder saved by finetune (full, lora, adapter or features).", Required = true };
        var outputOption = new Option<string>("--output") { Description = "The .onnx file to write.", Required = true };
        var headOption = new Option<string?>("--head") { Description = "none | mlm | clm | classification | qa (default: the model's own task)." };
        var opsetOption = new Option<int>("--opset") { Description = $"ONNX opset, {OnnxExportOptions.MinimumOpset} to {OnnxExportOptions.MaximumOpset}.", DefaultValueFactory = _ => OnnxExportOptions.MinimumOpset };
        var poolingOption = new Option<string?>("--pooling") { Description = "With --head none: also output sentence_embedding pooled by cls | mean | pooler." };
        var normalizeOption = new Option<bool>("--normalize") { Description = "L2-normalise sentence_embedding." };
        var pastOption = new Option<bool>("--with-past") { Description = "GPT-2 clm: a decoder with past_key_values.N.key/value inputs and present.N.key/value outputs." };
        var command = new Command("export", "Export a model to ONNX (opset 17+, dynamic batch and sequence axes, Optimum's input and output names).")
        {
            modelOption, outputOption, headOption, opsetOption, poolingOption, normalizeOption, pastOption,
        };
        command.SetAction(parse => CommandRunner.Execute("export", _ =>
        {
            var model = parse.GetValue(modelOption)!;
            var output = parse.GetValue(outputOption)!;
            if (!Directory.Exists(model)) throw new UsageException($"Model folder not found: {model}");
            OutputPaths.RequireWritableFile(output, "--output");
            var pooling = parse.GetValue(poolingOption) is { } p
                ? Enum.TryParse<PoolingMode>(p, ignoreCase: true, out var mode) ? mode : throw new UsageException($"--pooling must be cls, mean or pooler, got '{p}'.")
                : (PoolingMode?)null;
            var options = new OnnxExportOptions
            {
                Head = parse.GetValue(headOption) is { } h ? HeadKinds.Parse(h) : null,
                Opset = parse.GetValue(opsetOption),
                Pooling = pooling,
                NormalizeEmbeddings = parse.GetValue(normalizeOption),
                WithPast = parse.GetValue(pastOption),
            }.Validate();
            OnnxExportResult result;
            try
            {
                result = OnnxExporter.ExportFolder(model, output, options);
            }
            catch (NotSupportedException e)
            {
                // The model cannot be exported with the head asked for: a usage error, as in forward.
                throw new UsageException($"{e.Message} (--head {parse.GetValue(headOption)})");
            }
            Console.Error.WriteLine($"export: {OnnxExporter.HeadName(result.Head)} head, inputs {string.Join(", ", result.Inputs)}, " +
                $"outputs {string.Join(", ", result.Outputs.Where(o => !o.StartsWith("present.", StringComparison.Ordinal)))} → {result.Path} ({result.Bytes / 1024.0:F0} KiB)");
            return ExitCodes.Success;
        }));
        return command;
    }
}
