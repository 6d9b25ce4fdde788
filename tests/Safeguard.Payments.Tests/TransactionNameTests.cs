using Safeguard.Payments.Feed;

namespace Safeguard.Payments.Tests;

public class TransactionNameTests
{
    [Theory]
    [InlineData("bank_transfer", Channel.BankTransfer)]
    [InlineData("remittance", Channel.Remittance)]
    [InlineData("e_wallet", Channel.EWallet)]
    [InlineData("crypto_exchange", Channel.CryptoExchange)]
    [InlineData("card", Channel.Card)]
    [InlineData("atm", Channel.Atm)]
    [InlineData("direct_debit", Channel.DirectDebit)]
    public void Channel_names_round_trip(string name, Channel channel)
    {
        Assert.Equal(channel, FeedNames.ChannelOf(name));
        Assert.Equal(name, FeedNames.Of(channel));
    }
}
