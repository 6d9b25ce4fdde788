using Safeguard.Exchanges;

namespace Safeguard.Exchanges.Tests;

public class ExchangeSettingsTests
{
    [Fact]
    public void A_malformed_number_names_the_setting()
    {
        var s = new ExchangeSettings([new("page_size", "lots")]);
        var ex = Assert.Throws<ExchangeException>(() => s.GetInt("page_size", 100));
        Assert.Contains("page_size", ex.Message);
        Assert.Equal(7, new ExchangeSettings([new("page_size", "7")]).GetInt("page_size", 100));
    }
}
