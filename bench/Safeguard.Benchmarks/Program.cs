using BenchmarkDotNet.Running;

// Microbenchmarks of the hot functions; see scripts/microbench.sh and docs/BENCHMARKS.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
