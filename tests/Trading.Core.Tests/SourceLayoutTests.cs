using System.Text.RegularExpressions;

namespace Trading.Core.Tests;

/// <summary>
/// Every .cs file of the repository holds exactly one top-level type, in a file named after it (issue 14; nested types
/// stay inside their type; a <c>file</c>-scoped helper may sit beside it). Files with top-level statements or global
/// usings only (no namespace) hold no type.
/// </summary>
public sealed partial class SourceLayoutTests
{
    /// <summary>Files exempt from the layout rule (none: every file holds one type named after it). A path ending in '/' excludes a folder.</summary>
    private static readonly string[] _notYetSplit = [];

    private static readonly string[] _skippedFolders = ["bin", "obj", "node_modules", "TestResults"];

    [Fact]
    public void Every_file_holds_one_top_level_type_named_after_it()
    {
        var root = RepositoryRoot();
        var files = SourceFiles(root).ToList();
        Assert.True(files.Count > 100, $"only {files.Count} .cs files found under {root}");

        var offenders = new List<string>();
        foreach (var (relative, path) in files)
        {
            if (_notYetSplit.Any(x => x.EndsWith('/') ? relative.StartsWith(x, StringComparison.Ordinal) : relative == x)) continue;
            if (Problem(Path.GetFileNameWithoutExtension(path), File.ReadAllLines(path)) is { } problem)
                offenders.Add($"{relative}: {problem}");
        }

        Assert.True(offenders.Count == 0, "Files breaking 'one top-level type per file, named after it':\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData("Money", "namespace A;\n\npublic readonly record struct Money(long Fen);", null)]
    [InlineData("Page", "namespace A;\n\n/// <summary>x</summary>\npublic sealed record Page<T>(IReadOnlyList<T> Items);", null)]
    [InlineData("Views", "namespace A;\n\npublic static class Views\n{\n    public sealed record Nested(int X);\n}", null)]
    [InlineData("Handler", "namespace A;\n\npublic delegate Task Handler(int x);", null)]
    [InlineData("Program", "using A;\n\nreturn 0;", null)]
    [InlineData("Errors", "namespace A;\n\npublic class A1;\n\ninternal sealed class B2 { }", "2 top-level types: A1, B2")]
    [InlineData("Ports", "namespace A;\n\npublic interface ILedger { }", "holds ILedger, so it should be named ILedger.cs")]
    [InlineData("Role", "namespace A;\n\npublic enum Role { A }\nfile static class RoleNames { }", null)]
    [InlineData("Role", "namespace A;\n\npublic enum Role { A }\ninternal static class RoleNames { }", "2 top-level types: Role, RoleNames")]
    [InlineData("Old", "namespace A\n{\n    public class Old { }\n}", "block-scoped namespace (use a file-scoped one)")]
    [InlineData("Empty", "namespace A;\n", "declares no top-level type")]
    [InlineData("Tests.Events", "namespace A;\n\npublic sealed partial class Tests { }", null)]
    [InlineData("Tests.Events", "namespace A;\n\npublic sealed class Tests { }", "holds Tests, so it should be named Tests.cs")]
    public void The_check_sees_what_it_must(string fileName, string text, string? problem) =>
        Assert.Equal(problem, Problem(fileName, text.Split('\n')));

    /// <summary>Why a file breaks the rule, or null. Top-level types sit at column 0 under a file-scoped namespace.</summary>
    private static string? Problem(string fileName, IReadOnlyList<string> lines)
    {
        if (lines.Any(l => BlockNamespace().IsMatch(l))) return "block-scoped namespace (use a file-scoped one)";
        var declared = lines.Select(l => TopLevelType().Match(l)).Where(m => m.Success).ToList();
        var types = declared.Where(m => !m.Groups["file"].Success).Select(m => m.Groups["name"].Value).ToList();
        if (types.Count == 0) types = declared.Select(m => m.Groups["name"].Value).ToList(); // only file-scoped types: still one, named after the file
        return types.Count switch
        {
            0 when lines.Any(l => l.StartsWith("namespace ", StringComparison.Ordinal)) => "declares no top-level type",
            0 => null, // top-level statements or global usings
            1 when types[0] == fileName => null,
            // A partial type's further parts, NodaTime style: YearMonthTest.Construction.cs.
            1 when fileName.StartsWith(types[0] + ".", StringComparison.Ordinal) && declared.Any(m => m.Value.Contains("partial ", StringComparison.Ordinal)) => null,
            1 => $"holds {types[0]}, so it should be named {types[0]}.cs",
            _ => $"{types.Count} top-level types: {string.Join(", ", types)}",
        };
    }

    private static IEnumerable<(string Relative, string Path)> SourceFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var folder))
        {
            foreach (var sub in Directory.EnumerateDirectories(folder))
            {
                var name = Path.GetFileName(sub);
                if (!name.StartsWith('.') && !_skippedFolders.Contains(name)) pending.Push(sub);
            }
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs"))
                yield return (Path.GetRelativePath(root, file).Replace('\\', '/'), file);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Trading.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Trading.sln above {AppContext.BaseDirectory}");
    }

    private const string Modifiers = @"(?:(?:public|internal|private|protected|(?<file>file)|sealed|abstract|static|partial|readonly|ref|unsafe|new)\s+)*";

    [GeneratedRegex(@"^" + Modifiers + @"(?:(?:record\s+struct|record\s+class|record|class|struct|interface|enum)\s+(?<name>\w+)|delegate\s+[\w<>\[\]?,. ]+?\s+(?<name>\w+)\s*[<(])")]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^\s*namespace\s+[\w.]+\s*(\{.*)?$")]
    private static partial Regex BlockNamespace();
}
