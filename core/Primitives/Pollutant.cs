namespace Trading.Core.Primitives;

/// <summary>Traded pollutants: water COD, NH3N, TN, TP; air SO2, NOx, PM, VOCs.</summary>
public enum Pollutant
{
    COD,
    NH3N,
    TN,
    TP,
    SO2,
    NOx,
    PM,
    VOCs,
}
