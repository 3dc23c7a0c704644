namespace Etl.PortalSandbox.Storage;

/// <summary>What <c>PUT /api/v1/orders/{id}/erp-reference</c> came to.</summary>
internal enum ErpReferenceResult
{
    /// <summary>No such order (404).</summary>
    NotFound,

    /// <summary>Set now; <c>updated_at</c> moved (200).</summary>
    Set,

    /// <summary>Already this value: a no-op (200).</summary>
    Unchanged,

    /// <summary>Another value is already set (409).</summary>
    Conflict,
}
