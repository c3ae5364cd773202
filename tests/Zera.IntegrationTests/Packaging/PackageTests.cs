using System.Diagnostics;
using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Packaging;

/// <summary>
/// The packages a user installs: the Zera library and the zera tool are packed from this build (no rebuild), the
/// tool is installed into a scratch tool path and run, and a fresh console app restores the library from the local
/// package and exchanges a message with it. Every step runs in a scratch folder with its own NuGet cache, so nothing
/// cached by an earlier run of the same version is used instead.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private static readonly TimeSpan s_step = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("zera-pack-");

    [Fact]
    public void The_tool_package_installs_and_runs_and_the_library_package_serves_a_fresh_app()
    {
        var (root, configuration) = Build();
        string artifacts = Path.Combine(_scratch.FullName, "artifacts");
        Dotnet(root, "pack", Path.Combine("src", "Zera"), "-c", configuration, "--no-build", "-o", artifacts);
        Dotnet(root, "pack", Path.Combine("src", "Zera.Cli"), "-c", configuration, "--no-build", "-o", artifacts);
        Dotnet(root, "pack", Path.Combine("src", "Zera.Extensions.Hosting"), "-c", configuration, "--no-build", "-o", artifacts);
        Assert.True(File.Exists(Path.Combine(artifacts, $"Zera.{ZeraVersion.Library}.nupkg")), "no library package");
        AssertDependsOn(Path.Combine(artifacts, $"Zera.Extensions.Hosting.{ZeraVersion.Library}.nupkg"),
            "Zera", "Microsoft.Extensions.Hosting.Abstractions");

        string tools = Path.Combine(_scratch.FullName, "tools");
        Dotnet(_scratch.FullName, "tool", "install", "--tool-path", tools, "--add-source", artifacts, "Zera.Cli");
        string version = Run(Path.Combine(tools, "zera"), _scratch.FullName, "--version");
        Assert.StartsWith($"zera {ZeraVersion.Library}", version, StringComparison.Ordinal);
        Assert.Contains("protocol ZMTP 3.1", version, StringComparison.Ordinal);

        string app = Path.Combine(_scratch.FullName, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestoreAdditionalProjectSources>{artifacts}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Zera" Version="{ZeraVersion.Library}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Zera;
            using var context = new Context();
            using var server = context.CreateSocket(SocketType.Pair);
            using var client = context.CreateSocket(SocketType.Pair);
            server.Bind("inproc://packaged");
            client.Connect("inproc://packaged");
            client.Send("hello from the package");
            Console.WriteLine(server.ReceiveString());
            """);
        string output = Dotnet(app, "run", "-c", "Release");
        Assert.EndsWith("hello from the package", output.TrimEnd(), StringComparison.Ordinal);
    }

    /// <summary>Asserts the package exists and its nuspec lists exactly <paramref name="dependencies"/>.</summary>
    private static void AssertDependsOn(string package, params string[] dependencies)
    {
        Assert.True(File.Exists(package), $"no package {package}");
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = System.Xml.Linq.XDocument.Load(stream);
        var ids = document.Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string?)e.Attribute("id")).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(dependencies.Order(StringComparer.Ordinal), ids);
    }

    private (string Root, string Configuration) Build()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testDir.Parent?.Name ?? throw new InvalidOperationException($"unexpected test folder {testDir}");
        var root = testDir;
        while (root != null && !File.Exists(Path.Combine(root.FullName, "Zera.slnx"))) root = root.Parent;
        return (root?.FullName ?? throw new InvalidOperationException($"Zera.slnx not found above {testDir}"), configuration);
    }

    private string Dotnet(string workingDirectory, params string[] args) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", workingDirectory, args);

    /// <summary>Runs a program to its end (bounded), with a private NuGet cache; returns its stdout, failing the test
    /// with both outputs when it exits non-zero.</summary>
    private string Run(string program, string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["NUGET_PACKAGES"] = Path.Combine(_scratch.FullName, "nuget-cache");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host's MSBuild settings must not leak into the child builds.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(s_step))
        {
            process.KillTree();
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {s_step}");
        }
        process.WaitForExit(); // the output events have all run
        string output;
        lock (stdout) output = stdout.ToString();
        if (process.ExitCode != 0)
        {
            lock (stderr) Assert.Fail($"{program} {string.Join(' ', args)} exited {process.ExitCode}\n{output}\n{stderr}");
        }
        return output;
    }

    public void Dispose()
    {
        try
        {
            _scratch.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child still closing its files; the temp folder is cleaned by the OS eventually.
        }
    }
}
