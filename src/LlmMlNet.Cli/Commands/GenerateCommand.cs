// `llmmlnet generate`: continues a prompt (--prompt TEXT, printed) or a JSONL file of prompts
// (--input/--output; lines hold "prompt" text or "input_ids", output lines add "completion", "token_ids"
// (new ids only) and "finish_reason") with a GPT-2 folder, greedy by default, sampling with
// --do-sample. Argument handling and JSON I/O only; generation is LlmMlNet.Transformers.Generation's.
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmMlNet.Cli.Display;
using LlmMlNet.Cli.Running;
using LlmMlNet.Tensors;
using LlmMlNet.Tokenizers;
using LlmMlNet.Transformers.Data;
using LlmMlNet.Transformers.Generation;
using LlmMlNet.Transformers.Training;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `generate` command.</summary>
public static class GenerateCommand
{
    /// <summary>Creates the `generate` command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A GPT-2 model folder (config.json, model.safetensors, tokenizer files), e.g. one `pretrain` or `finetune` wrote.", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "The text to continue; the completion is printed." };
        var input = new Option<string>("--input") { Description = "JSONL: one {\"prompt\": \"...\"} or {\"input_ids\": [...]} per line." };
        var output = new Option<string>("--output") { Description = "JSONL written atomically: each input line plus \"completion\", \"token_ids\" (new ids only) and \"finish_reason\"." };
        var maxNew = CommonOptions.Int("--max-new-tokens", "Most new tokens per prompt (default 20, as Hugging Face's generate).", minimum: 0);
        var doSample = new Option<bool>("--do-sample") { Description = "Sample instead of greedy decoding (the default)." };
        var temperature = CommonOptions.PositiveFloat("--temperature", "Sampling temperature (default 1).");
        var topK = CommonOptions.Int("--top-k", "Sampling: keep the K most likely tokens (default 50; 0 turns it off).", minimum: 0);
        var topP = CommonOptions.PositiveFloat("--top-p", "Sampling: keep the most likely tokens whose probabilities reach P, in (0, 1] (default 1).");
        var penalty = CommonOptions.PositiveFloat("--repetition-penalty", "Hugging Face's repetition penalty (default 1: off).");
        var stop = new Option<string[]>("--stop") { Description = "A string that ends a completion (cut before it); repeatable.", AllowMultipleArgumentsPerToken = false };
        var seed = CommonOptions.Seed();
        var batchSize = CommonOptions.Int("--batch-size", "Prompts generated together, left-padded (default 8).");
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("generate", "Continue prompts with a causal language model (GPT-2): greedy, or sampling with --do-sample.")
        {
            model, prompt, input, output, maxNew, doSample, temperature, topK, topP, penalty, stop, seed, batchSize, threads, json,
        };
        command.Validators.Add(result =>
        {
            bool hasPrompt = result.GetResult(prompt) is not null, hasInput = result.GetResult(input) is not null;
            if (hasPrompt == hasInput) result.AddError("Give either --prompt \"...\" or --input FILE.jsonl --output FILE.jsonl.");
            else if (hasInput && result.GetResult(output) is null) result.AddError("--input needs --output FILE.jsonl.");
            else if (hasPrompt && result.GetResult(output) is not null) result.AddError("--output goes with --input; --prompt prints its completion.");
            if (result.GetResult(topP) is not null && result.GetValue(topP) is > 1f) result.AddError("--top-p must be in (0, 1].");
        });
        command.SetAction(parse => CommandRunner.Execute("generate", token =>
        {
            if (parse.GetValue(threads) is { } t) EngineSettings.Threads = t;
            var options = new GenerationOptions
            {
                MaxNewTokens = parse.GetValue(maxNew) ?? 20,
                DoSample = parse.GetValue(doSample),
                Temperature = parse.GetValue(temperature) ?? 1f,
                TopK = parse.GetValue(topK) ?? 50,
                TopP = parse.GetValue(topP) ?? 1f,
                RepetitionPenalty = parse.GetValue(penalty) ?? 1f,
                StopStrings = parse.GetValue(stop) ?? [],
                Seed = (ulong)(parse.GetValue(seed) ?? 42),
            }.Validate();
            var dir = parse.GetValue(model)!;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"--model '{dir}' does not exist.");
            var parameters = Pretraining.FromCheckpoint(dir, out _);
            var tokenizer = TryTokenizer(dir);
            if (parse.GetValue(prompt) is { } text)
                return Single(parameters, tokenizer ?? throw new UsageException($"--prompt needs a tokenizer; '{dir}' holds none (use --input with \"input_ids\")."),
                    text, options, parse.GetValue(json), token);
            return File(parameters, tokenizer, parse.GetValue(input)!, parse.GetValue(output)!, options, parse.GetValue(batchSize) ?? 8, parse.GetValue(json), token);
        }));
        return command;
    }

    private static int Single(Transformers.Models.TransformerParameters parameters, Tokenizer tokenizer, string prompt, GenerationOptions options, bool json,
        CancellationToken token)
    {
        var generator = new TextGenerator(parameters, tokenizer);
        var clock = Stopwatch.StartNew();
        var result = generator.Generate(prompt, options, token);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Out.WriteLine(result.Text);
        if (json)
            JsonResult.Write([
                new("completion", result.Text), new("token_ids", result.TokenIds), new("finish_reason", Reason(result.FinishReason)),
                new("prompt_tokens", result.PromptTokens), new("new_tokens", result.TokenIds.Count), new("seconds", Math.Round(seconds, 3)),
                new("tokens_per_second", Math.Round(result.TokenIds.Count / Math.Max(seconds, 1e-9), 1)),
            ]);
        return ExitCodes.Success;
    }

    private static int File(Transformers.Models.TransformerParameters parameters, Tokenizer? tokenizer, string inputPath, string outputPath,
        GenerationOptions options, int batchSize, bool json, CancellationToken token)
    {
        var rows = ReadInput(inputPath, tokenizer, parameters.Config.VocabSize);
        var text = tokenizer is null ? null : new TextGenerator(parameters, tokenizer);
        var ids = text?.Tokens ?? new TokenGenerator(parameters);
        var clock = Stopwatch.StartNew();
        long newTokens = 0;
        DataFiles.WriteAtomically(outputPath, (TextWriter writer) =>
        {
            for (var start = 0; start < rows.Count; start += batchSize)
            {
                var chunk = rows.Skip(start).Take(batchSize).ToArray();
                var prompts = chunk.Select(r => r.Ids ?? text!.Encode(r.Prompt!)).ToArray();
                // Each batch samples from its own seed (the first line's index added), so batches do not repeat each other's draws.
                var batchOptions = options with { Seed = options.Seed + (ulong)start };
                var results = text is not null
                    ? text.GenerateFromIds(prompts, batchOptions, token).Select(r => (r.TokenIds, r.FinishReason, (string?)r.Text)).ToArray()
                    : ids.Generate(prompts, batchOptions, token).Select(r => (r.TokenIds, r.FinishReason, (string?)null)).ToArray();
                for (var i = 0; i < chunk.Length; i++)
                {
                    var line = chunk[i].Line;
                    if (results[i].Item3 is { } completion) line["completion"] = completion;
                    line["token_ids"] = new JsonArray(results[i].TokenIds.Select(id => (JsonNode)id).ToArray());
                    line["finish_reason"] = Reason(results[i].FinishReason);
                    writer.WriteLine(line.ToJsonString());
                    newTokens += results[i].TokenIds.Count;
                }
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"generate: {rows.Count} completion(s), {newTokens} new tokens in {seconds:F1} s → {outputPath}");
        if (json)
            JsonResult.Write([
                new("rows", rows.Count), new("new_tokens", newTokens), new("seconds", Math.Round(seconds, 3)),
                new("tokens_per_second", Math.Round(newTokens / Math.Max(seconds, 1e-9), 1)), new("output", outputPath),
            ]);
        return ExitCodes.Success;
    }

    private sealed record InputRow(JsonObject Line, string? Prompt, IReadOnlyList<int>? Ids);

    // Reads every line before any model work, so a malformed line fails fast naming the file and line.
    private static List<InputRow> ReadInput(string path, Tokenizer? tokenizer, int vocab)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"--input '{path}' does not exist.", path);
        var rows = new List<InputRow>();
        var number = 0;
        foreach (var text in System.IO.File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonObject line;
            try
            {
                line = JsonNode.Parse(text) as JsonObject ?? throw new DataFormatException(path, number, null, "expected a JSON object");
            }
            catch (JsonException e)
            {
                throw new DataFormatException(path, number, null, $"not valid JSON: {e.Message}", e);
            }
            if (line["input_ids"] is JsonArray array)
            {
                var ids = new int[array.Count];
                for (var i = 0; i < ids.Length; i++)
                    ids[i] = array[i] is JsonValue v && v.TryGetValue<int>(out var id) && (uint)id < (uint)vocab
                        ? id
                        : throw new DataFormatException(path, number, null, $"'input_ids'[{i}] is not an integer in [0, {vocab}) (the vocabulary)");
                if (ids.Length == 0) throw new DataFormatException(path, number, null, "'input_ids' is empty");
                rows.Add(new InputRow(line, null, ids));
            }
            else if (line["prompt"] is JsonValue value && value.TryGetValue<string>(out var prompt))
            {
                if (tokenizer is null) throw new DataFormatException(path, number, null, "a \"prompt\" needs a tokenizer in the model folder; give \"input_ids\" instead");
                rows.Add(new InputRow(line, prompt, null));
            }
            else throw new DataFormatException(path, number, null, "expected a \"prompt\" string or an \"input_ids\" array of integers");
        }
        return rows;
    }

    private static Tokenizer? TryTokenizer(string dir)
    {
        try
        {
            return Tokenizer.Load(dir);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static string Reason(FinishReason reason) => reason switch
    {
        FinishReason.EndOfSequence => "eos",
        FinishReason.StopString => "stop",
        _ => "length",
    };
}
