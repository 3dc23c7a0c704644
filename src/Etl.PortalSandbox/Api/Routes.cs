namespace Etl.PortalSandbox.Api;

/// <summary>The route templates (also the keys of <c>GET /sandbox/requests</c>).</summary>
internal static class Routes
{
    public const string Orders = "/api/v1/orders";
    public const string Order = "/api/v1/orders/{id}";
    public const string ErpReference = "/api/v1/orders/{id}/erp-reference";
    public const string Imports = "/api/v1/imports/{entity}";
    public const string Data = "/api/v1/data/{entity}";

    public const string SandboxOrders = "/sandbox/orders";
    public const string SandboxFaults = "/sandbox/faults";
    public const string SandboxClock = "/sandbox/clock";
    public const string SandboxReset = "/sandbox/reset";
    public const string SandboxRequests = "/sandbox/requests";
}
