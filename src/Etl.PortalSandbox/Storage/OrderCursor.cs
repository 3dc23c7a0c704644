using System.Buffers.Text;
using System.Text.Json;
using Etl.PortalSandbox.Time;

namespace Etl.PortalSandbox.Storage;

/// <summary>A paging position: just after the order (updated_at, id). Opaque to clients (base64url JSON).</summary>
internal sealed record OrderCursor(string UpdatedAt, string Id)
{
    public string Encode()
        => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { UpdatedAt, Id }));

    public static OrderCursor? TryDecode(string text)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(text));
            return parts is [var at, var id] && PortalTime.Normalize(at) == at && id is not null
                ? new OrderCursor(at, id)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
