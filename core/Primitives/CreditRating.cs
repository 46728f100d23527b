namespace Trading.Core.Primitives;

/// <summary>Environmental credit rating (环境信用评价), declared best first. Red and Black get no new loans.</summary>
public enum CreditRating
{
    Green,
    Blue,
    Yellow,
    Red,
    Black,
}
