// Turns Polyglot notebooks (and the README's C# example) into one .NET 10 console program that runs every
// code cell in order against the built libraries. Rules, documented in notebooks/README.md: magic lines
// (`#r ...`, `#!...`, `#i ...`) are dropped, `using` directives are hoisted to the file's top, a cell that
// starts with a type declaration goes to file level, every other cell runs as statements of one method
// (so later cells see earlier variables, as in the notebook). Not a notebook kernel: no display output.
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LlmMlNet.Cli.Tests.Notebooks;

/// <summary>A named sequence of code cells.</summary>
public sealed record CodeListing(string Name, IReadOnlyList<string> Cells);

public static class NotebookProgram
{
    private static readonly string[] MagicPrefixes = ["#r ", "#!", "#i "];
    private static readonly string[] DeclarationStarts = ["public ", "internal ", "sealed ", "record ", "class ", "enum ", "static class "];

    /// <summary>The code cells of an .ipynb file, in order.</summary>
    public static CodeListing Read(string ipynbPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(ipynbPath));
        var cells = new List<string>();
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var source = cell.GetProperty("source");
            cells.Add(source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(s => s.GetString())) : source.GetString() ?? "");
        }
        return new CodeListing(Path.GetFileNameWithoutExtension(ipynbPath), cells);
    }

    /// <summary>The first ```csharp block of a Markdown file as a one-cell listing.</summary>
    public static CodeListing FirstCSharpBlock(string markdownPath)
    {
        var text = File.ReadAllText(markdownPath);
        int start = text.IndexOf("```csharp\n", StringComparison.Ordinal);
        if (start < 0) throw new InvalidDataException($"{markdownPath} has no ```csharp block.");
        start += "```csharp\n".Length;
        int end = text.IndexOf("```", start, StringComparison.Ordinal);
        return new CodeListing(Path.GetFileNameWithoutExtension(markdownPath), [text[start..end]]);
    }

    /// <summary>The C# source of a program running every listing; it prints "ok NAME" per listing and exits 1 naming the failing cell.</summary>
    public static string Generate(IReadOnlyList<CodeListing> listings)
    {
        var usings = new SortedSet<string>(StringComparer.Ordinal);
        var declarations = new StringBuilder();
        var classes = new StringBuilder();
        var main = new StringBuilder();
        for (int n = 0; n < listings.Count; n++)
        {
            var listing = listings[n];
            var body = new StringBuilder();
            for (int c = 0; c < listing.Cells.Count; c++)
            {
                var lines = listing.Cells[c].Split('\n').Select(l => l.TrimEnd('\r'))
                    .Where(l => !MagicPrefixes.Any(p => l.TrimStart().StartsWith(p, StringComparison.Ordinal))).ToList();
                foreach (var line in lines.Where(IsUsingDirective)) usings.Add(line.Trim());
                var statements = lines.Where(l => !IsUsingDirective(l)).ToList();
                // A top-level file's type declarations follow its statements: from the first unindented declaration
                // on, the rest of the cell is hoisted beside the other declarations.
                int split = statements.FindIndex(l => DeclarationStarts.Any(d => l.StartsWith(d, StringComparison.Ordinal)));
                if (split >= 0)
                {
                    declarations.AppendLine($"// {listing.Name}, cell {c + 1}").AppendLine(string.Join('\n', statements.Skip(split)));
                    statements = statements.Take(split).ToList();
                }
                if (statements.All(l => l.Trim().Length == 0 || l.Trim().StartsWith("//", StringComparison.Ordinal))) continue;
                body.AppendLine($"        cell({c + 1}); // {listing.Name}, cell {c + 1}").AppendLine(string.Join('\n', statements));
            }
            classes.AppendLine($"public static class Listing{n}").AppendLine("{").AppendLine("    public static void Run(System.Action<int> cell)").AppendLine("    {")
                .Append(body).AppendLine("    }").AppendLine("}");
            main.AppendLine($"    name = \"{listing.Name}\"; Listing{n}.Run(c => cell = c); System.Console.WriteLine(\"ok {listing.Name}\");");
        }
        return string.Join('\n', usings) + "\n\n" + "string name = \"\"; int cell = 0;\ntry\n{\n" + main
            + "}\ncatch (System.Exception e)\n{\n    System.Console.Error.WriteLine($\"FAILED {name}, cell {cell}: {e}\");\n    return 1;\n}\nreturn 0;\n\n"
            + declarations + "\n" + classes;
    }

    private static bool IsUsingDirective(string line)
    {
        var t = line.Trim();
        return t.StartsWith("using ", StringComparison.Ordinal) && t.EndsWith(';') && !t.Contains('(') && !t.StartsWith("using var ", StringComparison.Ordinal);
    }

    /// <summary>
    /// Writes the program and a project referencing the built libraries (the DLLs beside this test assembly) into
    /// <paramref name="folder"/>, builds and runs it; returns the exit code and the combined output.
    /// </summary>
    public static (int ExitCode, string Output) BuildAndRun(string folder, string source, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), source);
        var references = Directory.GetFiles(AppContext.BaseDirectory, "*.dll")
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("LlmMlNet.", StringComparison.Ordinal) && !f.Contains("Tests", StringComparison.Ordinal)
                || f.StartsWith("Microsoft.ML", StringComparison.Ordinal) || f is "System.Numerics.Tensors.dll" or "CsvHelper.dll" or "llmmlnet.dll"))
            .Select(p => $"    <Reference Include=\"{Path.GetFileNameWithoutExtension(p)}\"><HintPath>{p}</HintPath></Reference>");
        File.WriteAllText(Path.Combine(folder, "Notebooks.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>disable</Nullable>
                <InvariantGlobalization>true</InvariantGlobalization>
                <NoWarn>CS8632;CS0168;CS0219</NoWarn>
              </PropertyGroup>
              <ItemGroup>
            {string.Join('\n', references)}
              </ItemGroup>
            </Project>
            """);
        var info = new ProcessStartInfo("dotnet", ["run", "-c", "Release", "--project", folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{stdout.Result}\n{stderr.Result}");
        }
        return (process.ExitCode, stdout.Result + "\n" + stderr.Result);
    }
}
