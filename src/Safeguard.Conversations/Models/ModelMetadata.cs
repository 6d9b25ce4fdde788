namespace Safeguard.Conversations.Models;

/// <summary>Thrown when a model file cannot be used; the message says what is wrong with which file.</summary>
public sealed class ModelFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What a model was trained on: counts, when, a hash of the data and where it came from.</summary>
public sealed record TrainingSummary(
    int Conversations,
    int Risk,
    int Benign,
    long Messages,
    DateTimeOffset TrainedAt,
    string DataSha256,
    int Seed,
    IReadOnlyList<string> Sources);

/// <summary>Counts and rates of one evaluation at one threshold.</summary>
public sealed record BinaryMetrics(int Total, int Positives, int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);
    public double F05 => Fbeta(0.5);

    public double Fbeta(double beta)
    {
        var p = Precision;
        var r = Recall;
        var b2 = beta * beta;
        return p + r == 0 ? 0 : (1 + b2) * p * r / (b2 * p + r);
    }

    public static BinaryMetrics Of(IReadOnlyList<bool> actual, IReadOnlyList<bool> predicted)
    {
        int tp = 0, fp = 0, fn = 0, pos = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            if (actual[i]) pos++;
            if (actual[i] && predicted[i]) tp++;
            else if (!actual[i] && predicted[i]) fp++;
            else if (actual[i]) fn++;
        }
        return new BinaryMetrics(actual.Count, pos, tp, fp, fn);
    }
}

/// <summary>Cross-validated figures stored with a model: each fold's threshold was chosen on the other folds.</summary>
public sealed record CrossValidation(int Folds, BinaryMetrics Pooled, IReadOnlyList<double> FoldThresholds, IReadOnlyList<double> FoldF05);

/// <summary>How the model was trained, so a file says how to reproduce it.</summary>
public sealed record TrainingSettings(double L1 = 0, double L2 = 0.1, int MinDocumentFrequency = 2, int MaxTerms = 200_000, bool BalanceClasses = true);
