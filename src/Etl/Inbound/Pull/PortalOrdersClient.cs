using System.Text;
using System.Text.Json;
using Etl.Configuration;
using Etl.Inbound.Window;
using Etl.PortalApi;

namespace Etl.Inbound.Pull;

/// <summary>The order calls of the portal API through the shared <see cref="PortalClient"/> (retries, limits, breaker).</summary>
internal sealed class PortalOrdersClient(PortalClient client) : IPortalOrders
{
    /// <inheritdoc />
    public async Task<PortalOrderPage> ListAsync(PullWindow window, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var query = $"api/v1/orders?updated_from={window.UpdatedFrom}&updated_to={window.UpdatedTo}&limit={limit}";
        if (cursor is not null) query += "&cursor=" + Uri.EscapeDataString(cursor);
        PortalAnswer answer;
        try
        {
            answer = await client.SendAsync(HttpMethod.Get, query, null, null, cancellationToken);
        }
        catch (PortalUnavailableException e)
        {
            throw new PullFailedException($"a page of orders could not be read: {e.Message}", e);
        }
        if (answer.IsAuthFailure) throw new ConfigurationException($"the portal refused the key (HTTP {answer.Status}) when listing orders; check Portal:ApiKey.");
        if (!answer.IsSuccess) throw new PullFailedException($"a page of orders could not be read: HTTP {answer.Status} {client.Redact(Shorten(answer.Body))}");
        try
        {
            return JsonSerializer.Deserialize<PortalOrderPage>(answer.Body) ?? throw new JsonException("empty page");
        }
        catch (JsonException e)
        {
            throw new PullFailedException($"a page of orders was not valid JSON: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public async Task<BackUpdateOutcome> SetErpReferenceAsync(string portalOrderId, string erpOrderNo, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["erp_order_no"] = erpOrderNo }));
        try
        {
            var answer = await client.SendAsync(HttpMethod.Put, $"api/v1/orders/{Uri.EscapeDataString(portalOrderId)}/erp-reference", body, null, cancellationToken, retryConflicts: false);
            return answer.Status switch
            {
                >= 200 and < 300 => BackUpdateOutcome.Ok,
                409 => new BackUpdateOutcome(false, true, "409 conflict"),
                _ => new BackUpdateOutcome(false, false, $"HTTP {answer.Status} {client.Redact(Shorten(answer.Body))}"),
            };
        }
        catch (PortalUnavailableException e)
        {
            return new BackUpdateOutcome(false, false, e.Message);
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
