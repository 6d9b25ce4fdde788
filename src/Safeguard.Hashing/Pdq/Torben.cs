namespace Safeguard.Hashing.Pdq;

/// <summary>Torben's median, as the reference computes it (the value decides which bits are set).</summary>
internal static class Torben
{
    public static float Median(ReadOnlySpan<float> m)
    {
        int n = m.Length;
        float min = m[0], max = m[0];
        for (int i = 1; i < n; i++)
        {
            if (m[i] < min) min = m[i];
            if (m[i] > max) max = m[i];
        }
        int half = (n + 1) / 2;
        int less, greater, equal;
        float guess, maxLtGuess, minGtGuess;
        while (true)
        {
            guess = (min + max) / 2;
            less = 0; greater = 0; equal = 0;
            maxLtGuess = min;
            minGtGuess = max;
            for (int i = 0; i < n; i++)
            {
                float v = m[i];
                if (v < guess)
                {
                    less++;
                    if (v > maxLtGuess) maxLtGuess = v;
                }
                else if (v > guess)
                {
                    greater++;
                    if (v < minGtGuess) minGtGuess = v;
                }
                else equal++;
            }
            if (less <= half && greater <= half) break;
            if (less > greater) max = maxLtGuess;
            else min = minGtGuess;
        }
        if (less >= half) return maxLtGuess;
        if (less + equal >= half) return guess;
        return minGtGuess;
    }
}
