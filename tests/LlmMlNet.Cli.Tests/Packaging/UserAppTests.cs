// The issue's proof, as a user would do it: a fresh console app that references the Microsoft.ML 6.0.0 package
// and our packed packages (from the local folder, no build switches), compiles the README's example unchanged
// plus UserApp/MixedPipelines.cs (our components beside TextLoader, MapValueToKey, AppendCacheCheckpoint,
// SdcaMaximumEntropy, the evaluator, Preview and CrossValidate), and runs it. Also checks what the packages carry.
using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using LlmMlNet.TestSupport;
using Xunit;

namespace LlmMlNet.Cli.Tests.Packaging;

public sealed class UserAppTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("llmmlnet-userapp-test-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void AConsoleAppOnThePackedPackagesRunsTheReadmeExampleBesideMlNetsOwnComponents()
    {
        string app = Path.Combine(_temp, "UserApp");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ProgramWithReadmeExample());
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Packaging", "UserApp", "MixedPipelines.cs"), Path.Combine(app, "MixedPipelines.cs"));
        File.WriteAllText(Path.Combine(app, "UserApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.ML" Version="6.0.0" />
                <PackageReference Include="LlmMlNet.ML" Version="{LocalPackages.Version}" />
                <PackageReference Include="LlmMlNet.Workbench" Version="{LocalPackages.Version}" />
                <PackageReference Include="LlmMlNet.Tokenizers.MLTokenizers" Version="{LocalPackages.Version}" />
              </ItemGroup>
            </Project>
            """);
        // The local folder is added to the user's sources (the served NuGet stays: Microsoft.ML comes from there).
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="llmmlnet-local" value="{LocalPackages.Folder}" />
              </packageSources>
            </configuration>
            """);
        var run = ProcessRunner.Run("dotnet", ["run", "-c", "Release"], app, TimeSpan.FromMinutes(8), LocalPackages.RestoreEnvironment);
        Assert.True(run.Succeeded, run.Output);
        Assert.Matches(@"micro-accuracy 0\.\d{3}", run.Output);
        Assert.Contains("sdca-on-features micro-accuracy", run.Output);
        Assert.Contains("mixed pipelines ok", run.Output);
        // Restored from the local folder into the private cache, not from a stale copy elsewhere.
        Assert.True(Directory.Exists(Path.Combine(LocalPackages.PrivateCache, "llmmlnet.ml", LocalPackages.Version)));
    }

    [Fact]
    public void EveryPackageCarriesReadmeLicenceXmlDocsSymbolsAndItsDependencies()
    {
        foreach (var id in LocalPackages.Ids)
        {
            string nupkg = Path.Combine(LocalPackages.Folder, $"{id}.{LocalPackages.Version}.nupkg");
            using var zip = ZipFile.OpenRead(nupkg);
            var nuspec = XDocument.Load(zip.GetEntry($"{id}.nuspec")!.Open());
            var ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), id);
            Assert.NotNull(zip.GetEntry("README.md"));
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.dll"));
            Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.xml"));
            using (var symbols = ZipFile.OpenRead(Path.ChangeExtension(nupkg, ".snupkg")))
                Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));

            var dependencies = metadata.Descendants(ns + "dependency")
                .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
            foreach (var (dependency, version) in dependencies.Where(d => d.Key.StartsWith("LlmMlNet.", StringComparison.Ordinal)))
                Assert.Equal(LocalPackages.Version, version);
            switch (id)
            {
                case "LlmMlNet.Tokenizers":
                    Assert.Empty(dependencies);
                    break;
                case "LlmMlNet.ML":
                    Assert.Equal("6.0.0", dependencies["Microsoft.ML"]);
                    Assert.Contains("LlmMlNet.Transformers", dependencies.Keys);
                    break;
                case "LlmMlNet.Tokenizers.MLTokenizers":
                    Assert.Equal("3.0.0", dependencies["Microsoft.ML.Tokenizers"]);
                    Assert.Equal(LocalPackages.Version, dependencies["LlmMlNet.Tokenizers"]);
                    break;
                default:
                    Assert.DoesNotContain("Microsoft.ML", dependencies.Keys);
                    break;
            }
        }
    }

    [Fact]
    public void ThePackageFilterListsEveryLibraryAndNothingElse()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(LocalPackages.SolutionFilter));
        var listed = json.RootElement.GetProperty("solution").GetProperty("projects").EnumerateArray()
            .Select(p => Path.GetFileNameWithoutExtension(p.GetString()!)).Order(StringComparer.Ordinal).ToList();
        var libraries = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p)!).Where(n => n != "LlmMlNet.Cli").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(libraries, listed);
        Assert.Equal(LocalPackages.Ids.Order(StringComparer.Ordinal), listed);
    }

    // The README's first C# block, with one call to the app's second file before its type declarations (top-level
    // statements must come first).
    private static string ProgramWithReadmeExample()
    {
        var lines = ReadmeExample().Split('\n').ToList();
        int declarations = lines.FindIndex(l => l.StartsWith("public ", StringComparison.Ordinal) || l.StartsWith("record ", StringComparison.Ordinal)
            || l.StartsWith("class ", StringComparison.Ordinal) || l.StartsWith("sealed ", StringComparison.Ordinal));
        if (declarations < 0) declarations = lines.Count;
        lines.Insert(declarations, "MixedPipelines.Run();\n");
        return string.Join('\n', lines);
    }

    /// <summary>The first ```csharp block of the top-level README.</summary>
    internal static string ReadmeExample()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no ```csharp block");
        start += "```csharp\n".Length;
        int end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }
}
