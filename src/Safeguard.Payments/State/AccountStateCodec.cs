using Safeguard.Payments.Analysis;
using Safeguard.Payments.Feed;

namespace Safeguard.Payments.State;

/// <summary>
/// One account's state as stored outside the process, keyed by its name: the sender part and the
/// receiver part (either may be absent), counterparties by name. <see cref="State"/> is the
/// <see cref="AccountStateCodec"/> encoding.
/// </summary>
public sealed record AccountStateSnapshot(string Account, byte[] State);

/// <summary>
/// A small binary form of <see cref="SenderState"/> and <see cref="ReceiverState"/> that reads back to
/// exactly the same values (doubles as their 8 bytes, evidence ids in order with their total counts).
/// Counterparties are written as names, so the bytes mean the same in any analyser.
/// </summary>
public static class AccountStateCodec
{
    public const byte Version = 1;
    private const byte HasSender = 1, HasReceiver = 2;

    /// <summary>The state the analyser holds for account <paramref name="id"/>, or null when it holds none.</summary>
    public static byte[]? Encode(PaymentsAnalyzer analyzer, int id)
    {
        analyzer.Senders.TryGetValue(id, out var s);
        analyzer.Receivers.TryGetValue(id, out var r);
        if (s is null && r is null) return null;
        using var ms = new MemoryStream(256);
        using (var w = new BinaryWriter(ms))
        {
            w.Write(Version);
            w.Write((byte)((s is null ? 0 : HasSender) | (r is null ? 0 : HasReceiver)));
            if (s is not null) WriteSender(w, analyzer.Accounts, s);
            if (r is not null) WriteReceiver(w, analyzer.Accounts, r);
        }
        return ms.ToArray();
    }

    /// <summary>Reads <paramref name="data"/> into states for account <paramref name="id"/>, interning counterparties in <paramref name="accounts"/>.</summary>
    public static (SenderState? Sender, ReceiverState? Receiver) Decode(AccountTable accounts, int id, ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream(data.ToArray(), writable: false);
        using var r = new BinaryReader(ms);
        byte version = r.ReadByte();
        if (version != Version) throw new InvalidDataException($"payments account state version {version} is not understood (expected {Version})");
        byte parts = r.ReadByte();
        var sender = (parts & HasSender) != 0 ? ReadSender(r, accounts, id) : null;
        var receiver = (parts & HasReceiver) != 0 ? ReadReceiver(r, accounts, id) : null;
        if (ms.Position != ms.Length) throw new InvalidDataException("payments account state has trailing bytes");
        return (sender, receiver);
    }

    private static void WriteSender(BinaryWriter w, AccountTable accounts, SenderState s)
    {
        w.Write(s.Home.Value);
        w.Write(s.FirstTicks);
        w.Write(s.LastTicks);
        w.Write7BitEncodedInt64(s.RiskyCount);
        w.Write7BitEncodedInt64(s.SmallCount);
        w.Write7BitEncodedInt64(s.NightCount);
        w.Write7BitEncodedInt64(s.InnocuousCount);
        w.Write(s.RiskySum);
        w.Write(s.RiskyFirstTicks);
        int months = 0;
        for (int m = 0; m < SenderState.Months; m++) if (s.MonthCount[m] != 0 || s.MonthSum[m] != 0) months++;
        w.Write7BitEncodedInt(months);
        for (int m = 0; m < SenderState.Months; m++)
        {
            if (s.MonthCount[m] == 0 && s.MonthSum[m] == 0) continue;
            w.Write((byte)m);
            w.Write7BitEncodedInt(s.MonthCount[m]);
            w.Write(s.MonthSum[m]);
        }
        w.Write7BitEncodedInt(s.Recipients.Count);
        foreach (var l in s.Recipients)
        {
            w.Write(accounts.NameOf(l.Receiver));
            w.Write7BitEncodedInt64(l.Count);
            w.Write(l.Sum);
            w.Write(l.FirstTicks);
            w.Write(l.LastTicks);
            WriteStats(w, l.GapDays);
            WriteStats(w, l.Amount);
            w.Write7BitEncodedInt64(l.SmallCount);
            WriteEvidence(w, l.Ids);
        }
        w.Write7BitEncodedInt64(s.RecipientsDropped);
        w.Write7BitEncodedInt64(s.SoftwareCount);
        w.Write7BitEncodedInt64(s.CryptoBuys);
        w.Write(s.LastCryptoTicks);
        w.Write7BitEncodedInt64(s.CryptoPairs);
        w.Write7BitEncodedInt(s.Travel.Count);
        foreach (var t in s.Travel)
        {
            w.Write(t.Country.Value);
            w.Write7BitEncodedInt64(t.Days);
            w.Write(t.LastDay);
            w.Write(t.StayStartDay);
            w.Write7BitEncodedInt64(t.LongestStayDays);
            w.Write7BitEncodedInt64(t.Stays);
            w.Write7BitEncodedInt64(t.AtmCount);
            w.Write7BitEncodedInt64(t.GiftCount);
        }
        foreach (var e in EvidenceOf(s)) WriteEvidence(w, e);
    }

    private static SenderState ReadSender(BinaryReader r, AccountTable accounts, int id)
    {
        var s = new SenderState(id, new CountryCode(r.ReadUInt16()))
        {
            FirstTicks = r.ReadInt64(),
            LastTicks = r.ReadInt64(),
            RiskyCount = r.Read7BitEncodedInt64(),
            SmallCount = r.Read7BitEncodedInt64(),
            NightCount = r.Read7BitEncodedInt64(),
            InnocuousCount = r.Read7BitEncodedInt64(),
            RiskySum = r.ReadDouble(),
            RiskyFirstTicks = r.ReadInt64(),
        };
        int months = r.Read7BitEncodedInt();
        for (int i = 0; i < months; i++)
        {
            int m = r.ReadByte();
            if (m >= SenderState.Months) throw new InvalidDataException($"payments account state: month {m} out of range");
            s.MonthCount[m] = r.Read7BitEncodedInt();
            s.MonthSum[m] = r.ReadDouble();
        }
        int links = r.Read7BitEncodedInt();
        for (int i = 0; i < links; i++)
        {
            var l = new RecipientLink(accounts.Intern(r.ReadString()))
            {
                Count = r.Read7BitEncodedInt64(),
                Sum = r.ReadDouble(),
                FirstTicks = r.ReadInt64(),
                LastTicks = r.ReadInt64(),
                GapDays = ReadStats(r),
                Amount = ReadStats(r),
                SmallCount = r.Read7BitEncodedInt64(),
            };
            ReadEvidence(r, l.Ids);
            s.Recipients.Add(l);
        }
        s.RecipientsDropped = r.Read7BitEncodedInt64();
        s.SoftwareCount = r.Read7BitEncodedInt64();
        s.CryptoBuys = r.Read7BitEncodedInt64();
        s.LastCryptoTicks = r.ReadInt64();
        s.CryptoPairs = r.Read7BitEncodedInt64();
        int travel = r.Read7BitEncodedInt();
        for (int i = 0; i < travel; i++)
            s.Travel.Add(new TravelState(new CountryCode(r.ReadUInt16()))
            {
                Days = r.Read7BitEncodedInt64(),
                LastDay = r.ReadInt64(),
                StayStartDay = r.ReadInt64(),
                LongestStayDays = r.Read7BitEncodedInt64(),
                Stays = r.Read7BitEncodedInt64(),
                AtmCount = r.Read7BitEncodedInt64(),
                GiftCount = r.Read7BitEncodedInt64(),
            });
        foreach (var e in EvidenceOf(s)) ReadEvidence(r, e);
        return s;
    }

    private static Evidence[] EvidenceOf(SenderState s) =>
        [s.SmallTransfers, s.NightTransfers, s.InnocuousTransfers, s.Software, s.TravelEvidence, s.CryptoEvidence, s.RiskyTransfers];

    private static void WriteReceiver(BinaryWriter w, AccountTable accounts, ReceiverState r)
    {
        w.Write(r.Country.Value);
        w.Write7BitEncodedInt(r.Senders.Count);
        foreach (var s in r.Senders) w.Write(accounts.NameOf(s));
        w.Write7BitEncodedInt64(r.SendersDropped);
        w.Write7BitEncodedInt64(r.Count);
        w.Write7BitEncodedInt64(r.SmallCount);
        w.Write(r.Sum);
        w.Write(r.FirstTicks);
        w.Write(r.LastTicks);
        WriteEvidence(w, r.Received);
    }

    private static ReceiverState ReadReceiver(BinaryReader r, AccountTable accounts, int id)
    {
        var state = new ReceiverState(id, new CountryCode(r.ReadUInt16()));
        int senders = r.Read7BitEncodedInt();
        for (int i = 0; i < senders; i++) state.Senders.Add(accounts.Intern(r.ReadString()));
        state.SendersDropped = r.Read7BitEncodedInt64();
        state.Count = r.Read7BitEncodedInt64();
        state.SmallCount = r.Read7BitEncodedInt64();
        state.Sum = r.ReadDouble();
        state.FirstTicks = r.ReadInt64();
        state.LastTicks = r.ReadInt64();
        ReadEvidence(r, state.Received);
        return state;
    }

    private static void WriteStats(BinaryWriter w, RunningStats s)
    {
        w.Write7BitEncodedInt64(s.N);
        w.Write(s.Mean);
        w.Write(s.M2);
    }

    private static RunningStats ReadStats(BinaryReader r) => new() { N = r.Read7BitEncodedInt64(), Mean = r.ReadDouble(), M2 = r.ReadDouble() };

    private static void WriteEvidence(BinaryWriter w, Evidence e)
    {
        w.Write7BitEncodedInt64(e.Count);
        var ids = e.Ids();
        w.Write7BitEncodedInt(ids.Count);
        foreach (var id in ids) w.Write(id);
    }

    private static void ReadEvidence(BinaryReader r, Evidence e)
    {
        long count = r.Read7BitEncodedInt64();
        int n = r.Read7BitEncodedInt();
        var ids = new string[n];
        for (int i = 0; i < n; i++) ids[i] = r.ReadString();
        e.Restore(ids, count);
    }
}
