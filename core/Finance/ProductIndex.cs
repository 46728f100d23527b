using Trading.Core.Primitives;

namespace Trading.Core.Finance;

/// <summary>
/// Products indexed by what rules out most pairs: region (a firm looks up only its own 2-, 4- and 6-digit prefixes and
/// "any"), then industry (its own and "any"), then minimum grade (each bucket sorted from the most lenient, read only
/// while the firm's grade in force is good enough). Red and Black firms are skipped outright. Only the pairs that survive
/// are evaluated in full by <see cref="Eligibility.Evaluate"/>, so the result equals evaluating every pair.
/// </summary>
public sealed class ProductIndex
{
    private const string AnyRegion = "";
    private readonly Dictionary<(string Region, Industry? Industry), Bucket> _buckets = [];

    private sealed class Bucket
    {
        /// <summary>Sorted by minimum grade, most lenient (largest rank) first.</summary>
        public List<LoanProduct> Graded { get; } = [];
        public List<LoanProduct> AcceptingUngraded { get; } = [];
    }

    public ProductIndex(IEnumerable<LoanProduct> products)
    {
        foreach (var product in products)
        {
            // Keep only the outermost prefixes (13 covers 1310): then a firm's region meets at most one of them.
            var regions = product.Regions.Count == 0 ? [AnyRegion]
                : product.Regions.Where(r => !product.Regions.Any(o => o != r && o.Covers(r))).Select(r => r.Value).Distinct().ToList();
            IEnumerable<Industry?> industries = product.Industries.Count == 0 ? [null] : product.Industries.Select(i => (Industry?)i);
            foreach (var region in regions)
            {
                foreach (var industry in industries)
                {
                    if (!_buckets.TryGetValue((region, industry), out var bucket)) _buckets[(region, industry)] = bucket = new Bucket();
                    bucket.Graded.Add(product);
                    if (product.AllowUngraded) bucket.AcceptingUngraded.Add(product);
                }
            }
        }
        foreach (var bucket in _buckets.Values) bucket.Graded.Sort((a, b) => b.MinGrade.Rank().CompareTo(a.MinGrade.Rank()));
    }

    /// <summary>The products that a firm with this region, industry and grade in force could meet: a superset of its matches.</summary>
    public IEnumerable<LoanProduct> Candidates(RegionCode region, Industry industry, PerformanceGrade gradeInForce)
    {
        var rank = gradeInForce.Rank();
        foreach (var key in (string[])[AnyRegion, region.Value[..2], region.Value[..4], region.Value])
        {
            foreach (var ind in (Industry?[])[null, industry])
            {
                if (!_buckets.TryGetValue((key, ind), out var bucket)) continue;
                if (gradeInForce == PerformanceGrade.Ungraded)
                {
                    foreach (var p in bucket.AcceptingUngraded) yield return p;
                    continue;
                }
                foreach (var p in bucket.Graded)
                {
                    if (p.MinGrade.Rank() < rank) break;
                    yield return p;
                }
            }
        }
    }
}
