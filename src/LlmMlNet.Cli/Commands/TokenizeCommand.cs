// `llmmlnet tokenize`: encodes a text or JSONL file with a Hugging Face tokenizer into JSONL (ids,
// tokens, type ids, UTF-16 offsets). Argument handling and messages only; TokenizeJob does the work.
using System.CommandLine;
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
        var maxLengthOption = new Option<int?>("--max-length") { Description = "Truncate to this many tokens (longest_first), special tokens included." };
        var command = new Command("tokenize", "Tokenize a file with a Hugging Face tokenizer and write ids, tokens, type ids and offsets as JSONL.")
        {
            tokenizerOption, inputOption, outputOption, pairsOption, noSpecialOption, maxLengthOption,
        };
        command.SetAction(parse =>
        {
            var job = new TokenizeJob(parse.GetValue(tokenizerOption)!, parse.GetValue(inputOption)!, parse.GetValue(outputOption)!,
                parse.GetValue(pairsOption), !parse.GetValue(noSpecialOption), parse.GetValue(maxLengthOption));
            return Run(job);
        });
        return command;
    }

    private static int Run(TokenizeJob job)
    {
        if (job.MaxLength is <= 0) return Fail(ExitCodes.Usage, $"--max-length must be positive, got {job.MaxLength}.");
        if (!File.Exists(job.InputPath)) return Fail(ExitCodes.Usage, $"Input file not found: {job.InputPath}");
        if (!File.Exists(job.TokenizerPath) && !Directory.Exists(job.TokenizerPath)) return Fail(ExitCodes.Usage, $"Tokenizer not found: {job.TokenizerPath}");
        try
        {
            var tokenizer = Tokenizer.Load(job.TokenizerPath);
            int count = job.Run(tokenizer);
            Console.Error.WriteLine($"tokenize: {count} input(s) → {job.OutputPath}");
            return ExitCodes.Success;
        }
        catch (TokenizerFormatException e) { return Fail(ExitCodes.BadData, e.Message); }
        catch (TokenizeInputException e) { return Fail(ExitCodes.BadData, e.Message); }
        catch (FileNotFoundException e) { return Fail(ExitCodes.Usage, e.Message); }
        catch (ArgumentException e) { return Fail(ExitCodes.Usage, e.Message); }
        catch (IOException e) { return Fail(ExitCodes.Failure, e.Message); }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"tokenize: {message}");
        return code;
    }
}
