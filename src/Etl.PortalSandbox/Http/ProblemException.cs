namespace Etl.PortalSandbox.Http;

/// <summary>Ends a call with an <c>application/problem+json</c> answer of the given status.</summary>
internal sealed class ProblemException(int status, string detail) : Exception(detail)
{
    public int Status { get; } = status;
}
