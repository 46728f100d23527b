namespace Trading.Core.Ledger;

/// <summary>A state change that the resource's state no longer allows: 409 with <c>state</c> (its current status).</summary>
public static class StateConflict
{
    public static ConflictException Exception(string resource, string state, string wanted)
    {
        var ex = new ConflictException($"{resource} is {state}; it cannot be {wanted}.", $"The {resource.Split(' ')[0]} is {state}.");
        ex.Extensions["state"] = state;
        return ex;
    }

    /// <summary>Lower-case wire name of a status, e.g. <c>cancelled</c>.</summary>
    public static string Name<TEnum>(TEnum status) where TEnum : struct, Enum => status.ToString().ToLowerInvariant();
}
