using System.Globalization;
using Trading.Core.Primitives;

namespace Trading.Core.Finance;

public static class Text
{
    public static string Yuan(Money m) => m.Yuan.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
