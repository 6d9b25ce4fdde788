using System.CommandLine;

namespace Safeguard.Cli.Commands.Payments;

/// <summary><c>safeguard payments</c>: pay-per-view abuse in payment data.</summary>
public static class PaymentsCommand
{
    public static Command Create()
    {
        var payments = new Command("payments", "Find purchasers and facilitators of paid live-streamed abuse in transaction feeds, and report them.");
        payments.Add(PaymentsScanCommand.Create());
        payments.Add(ReportCommand.Create());
        payments.Add(MakeFeedCommand.Create());
        payments.Add(PaymentsBenchCommand.Create());
        payments.Add(PaymentsBenchServiceCommand.Create());
        payments.Add(PaymentsWorkCommand.Create());
        payments.Add(PaymentsWorkCommand.CreateScore());
        return payments;
    }
}
