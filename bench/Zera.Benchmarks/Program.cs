using BenchmarkDotNet.Running;

namespace Zera.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher, so any of its options work (see bench/README.md).</summary>
public static class Program
{
    /// <summary>Runs the benchmarks the arguments select (all of them with <c>--filter '*'</c>).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
