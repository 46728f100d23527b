using Trading.Core;
using Trading.Infra;

namespace Trading.Tests;

/// <summary>The strict JSON check on its own (no server): duplicate members in any case, lone surrogates, depth (issue 14).</summary>
public sealed class StrictJsonTests
{
    private static string Refused(string json)
    {
        var ex = Assert.Throws<ValidationException>(() => StrictJson.Check(json));
        return Assert.Single(ex.Errors).Key;
    }

    [Theory]
    [InlineData("""{"quantity":-1,"quantity":0.5}""", "quantity")]
    [InlineData("""{"quantity":-1,"Quantity":0.5}""", "Quantity")]
    [InlineData("""{"QUANTITY":-1,"quantity":0.5}""", "quantity")]
    [InlineData("""{"a":{"x":1,"X":2}}""", "X")]
    [InlineData("""{"a":[{"id":1,"ID":2}]}""", "ID")]
    [InlineData("""{"quantity":1,"\u0051uantity":2}""", "Quantity")]
    public void A_member_twice_in_one_object_in_any_case_is_refused(string json, string field) => Assert.Equal(field, Refused(json));

    [Theory]
    [InlineData("""{"a":{"x":1},"b":{"x":1}}""")]
    [InlineData("""[{"x":1},{"X":1}]""")]
    [InlineData("""{"x":{"x":{"x":1}}}""")]
    [InlineData("""{"reference":"\ud83d\ude00","name":"\u4e2d"}""")]
    public void The_same_name_in_other_objects_and_escaped_text_pass(string json) => StrictJson.Check(json);

    [Theory]
    [InlineData("""{"\ud800":1}""")]
    [InlineData("""{"\udfff":1}""")]
    [InlineData("""{"a\ud800b":1}""")]
    [InlineData("""{"reference":"\ud800"}""")]
    [InlineData("""{"reference":"x\udc00"}""")]
    [InlineData("""{"reference":"\ude00\ud83d"}""")]
    [InlineData("""["\ud800"]""")]
    [InlineData("\"\\ud800\"")]
    public void A_lone_surrogate_in_a_name_or_a_value_is_refused(string json) => Assert.Equal("body", Refused(json));

    [Theory]
    [InlineData(33)]
    [InlineData(100_000)]
    public void Nesting_deeper_than_32_is_refused(int depth) => Assert.Equal("body", Refused(new string('[', depth) + new string(']', depth)));
}
