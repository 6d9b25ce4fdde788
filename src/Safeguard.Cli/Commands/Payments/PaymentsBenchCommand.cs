using System.CommandLine;

namespace Safeguard.Cli.Commands.Payments;

/// <summary><c>safeguard payments bench</c>: placeholder until the benchmark lands.</summary>
public static class PaymentsBenchCommand
{
    public static Command Create() => new("bench", "Measure payments scan speed and detection quality on generated feeds.");
}
