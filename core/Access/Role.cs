namespace Trading.Core.Access;

public enum Role
{
    Admin,
    Official,
    Enterprise,
    Bank,
}
