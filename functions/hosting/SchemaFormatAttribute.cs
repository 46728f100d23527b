namespace Trading.Functions.Hosting;

/// <summary>The JSON Schema <c>format</c> of a property written as text, e.g. <c>date-time</c> for a timestamp with its offset.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaFormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}
