namespace Etl.PortalSandbox;
/// <summary>The sandbox portal (issue 3).</summary>
public static class SandboxInfo { }
