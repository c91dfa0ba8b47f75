// `llmmlnet tokenize`: encodes a text or JSONL file with a Hugging Face tokenizer into JSONL (ids,
// tokens, type ids, UTF-16 offsets). Argument handling and messages only; TokenizeJob does the work.
using System.CommandLine;
using LlmMlNet.Cli.Running;
using LlmMlNet.Cli.Tokenize;
using LlmMlNet.Tokenizers;

namespace LlmMlNet.Cli.Commands;

/// <summary>The `tokenize` command.</summary>
public static class TokenizeCommand
{
    /// <summary>Creates the `tokenize` command.</summary>
    public static Command Create()
    {
        var tokenizerOption = new Option<string>("--tokenizer") { Description = "tokenizer.json, or a folder with tokenizer.json / vocab.txt / vocab.json + merges.txt.", Required = true };
        var inputOption = new Option<string>("--input") { Description = "Text file (one input a line; with --pairs 'text<TAB>text_pair') or .jsonl with {\"text\": ..., \"text_pair\": ...}.", Required = true };
        var outputOption = new Option<string>("--output") { Description = "Output .jsonl: one {\"ids\", \"tokens\", \"type_ids\", \"offsets\"} per input.", Required = true };
        var pairsOption = new Option<bool>("--pairs") { Description = "Encode sentence pairs (text, text_pair)." };
        var noSpecialOption = new Option<bool>("--no-special") { Description = "Do not add special tokens ([CLS]/[SEP], <s>/</s>)." };
        var maxLengthOption = CommonOptions.Int("--max-length", "Truncate to this many tokens (longest_first), special tokens included.");
        var command = new Command("tokenize", "Tokenize a file with a Hugging Face tokenizer and write ids, tokens, type ids and offsets as JSONL.")
        {
            tokenizerOption, inputOption, outputOption, pairsOption, noSpecialOption, maxLengthOption,
        };
        command.SetAction(parse =>
        {
            var job = new TokenizeJob(parse.GetValue(tokenizerOption)!, parse.GetValue(inputOption)!, parse.GetValue(outputOption)!,
                parse.GetValue(pairsOption), !parse.GetValue(noSpecialOption), parse.GetValue(maxLengthOption));
            return CommandRunner.Execute("tokenize", _ => Run(job));
        });
        return command;
    }

    private static int Run(TokenizeJob job)
    {
        if (job.MaxLength is <= 0) throw new UsageException($"--max-length must be positive, got {job.MaxLength}.");
        if (!File.Exists(job.InputPath)) throw new FileNotFoundException($"Input file not found: {job.InputPath}", job.InputPath);
        if (!File.Exists(job.TokenizerPath) && !Directory.Exists(job.TokenizerPath))
            throw new FileNotFoundException($"Tokenizer not found: {job.TokenizerPath}", job.TokenizerPath);
        OutputPaths.RequireWritableFile(job.OutputPath, "--output");
        var tokenizer = Tokenizer.Load(job.TokenizerPath);
        int count = job.Run(tokenizer);
        Console.Error.WriteLine($"tokenize: {count} input(s) → {job.OutputPath}");
        return ExitCodes.Success;
    }
}
