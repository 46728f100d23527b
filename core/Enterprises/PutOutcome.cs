namespace Trading.Core.Enterprises;

public enum PutOutcome { Created, Updated, Unchanged, Refused }
