namespace Trading.Core.Alerts;

/// <summary>A heavy-pollution alert's level (预警级别), lowest first: a firm under overlapping alerts follows the highest in force.</summary>
public enum AlertLevel
{
    Yellow = 1,
    Orange = 2,
    Red = 3,
}
