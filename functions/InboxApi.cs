using Newtonsoft.Json.Linq;
using Trading.Core;
using Trading.Core.Enterprises;
using Trading.Core.Primitives;
using Trading.Core.Writes;
using Trading.Functions.Hosting;
using Trading.Infra;

namespace Trading.Functions;

public static class InboxApi
{
    public static IEnumerable<FunctionDeclaration> Functions =>
    [
        new HttpFunction("ListInbox", "GET", "inbox", ListAsync).Summary("The caller's events, oldest first")
            .Query("after", "pageSize").Returns<InboxView>(),
    ];

    /// <summary>
    /// The caller's events (any key: the inbox of the caller's role and subject), CloudEvents oldest first after the event id
    /// <c>after</c>; <c>next</c> is the id to read on from when more wait, else null.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext context)
    {
        var caller = await context.CallerAsync();
        var errors = new FieldErrors();
        var pageSize = Paging.PageSize(context.Query("pageSize"), errors);
        var after = context.Query("after");
        if (after is { Length: 0 or > 200 } || after?.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)) == true)
            errors.Add("after", "must be the id of an event read before");
        errors.ThrowIfAny();
        var (events, next) = await context.Service<EventOutbox>().InboxAsync(EventRecipient.Of(caller), after, pageSize, context.RequestAborted);
        return Json.Result(new InboxView(events.Select(InboxEventView.Parse).ToList(), next));
    }
}
