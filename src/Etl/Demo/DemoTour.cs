using System.Globalization;
using Etl.Configuration;
using Etl.Entities;
using Etl.Erp;

namespace Etl.Demo;

/// <summary>
/// etl demo: its first call lays sample day 1's ERP drops into the data root (each with a .done marker, as an
/// ERP export job would) and seeds the embedded ERP; each later call lays the next day, if there is one.
/// The day reached is kept in state/demo-day.txt.
/// </summary>
public sealed class DemoTour(string dataRoot, string sampleRoot)
{
    /// <summary>Finds sample-data/ in the current directory or beside the program.</summary>
    public static string FindSampleRoot()
    {
        foreach (var candidate in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            var path = Path.Combine(candidate, "sample-data");
            if (Directory.Exists(Path.Combine(path, "erp"))) return path;
        }
        throw new ConfigurationException("sample-data/ was not found in the current directory or beside the program; run etl demo from the repository root.");
    }

    private string DayFile => Path.Combine(dataRoot, "state", "demo-day.txt");

    /// <summary>The sample day laid by the last call, 0 before the first.</summary>
    public int CurrentDay => File.Exists(DayFile) ? int.Parse(File.ReadAllText(DayFile).Trim(), CultureInfo.InvariantCulture) : 0;

    /// <summary>Lays the next sample day's drops; returns that day, or null when every day has been laid.</summary>
    public async Task<int?> LayNextDayAsync(EtlSettings settings, TimeProvider clock, CancellationToken cancellationToken)
    {
        var day = CurrentDay + 1;
        var folder = Path.Combine(sampleRoot, "erp", $"day-{day}");
        if (!Directory.Exists(folder)) return null;
        if (day == 1)
        {
            await SeedErpAsync(settings.Erp, cancellationToken);
            await SeedPortalAsync(settings.Portal, clock, cancellationToken);
        }
        foreach (var entity in EntityCatalog.All)
        {
            var source = Path.Combine(folder, entity.Name + ".csv");
            if (!File.Exists(source)) continue;
            var target = Path.Combine(dataRoot, "drop", "erp", entity.Name, $"{entity.Name}_day-{day}.csv");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
            await File.WriteAllTextAsync(target + ".done", "", cancellationToken);
        }
        AtomicFile.WriteAllText(DayFile, day.ToString(CultureInfo.InvariantCulture));
        return day;
    }

    /// <summary>
    /// Seeds the in-process sandbox portal with the sample orders, stamped a few minutes ago (portal time) so that
    /// the run that follows finds them inside its pull window whatever the date.
    /// </summary>
    private async Task SeedPortalAsync(PortalSettings portal, TimeProvider clock, CancellationToken cancellationToken)
    {
        var file = Path.Combine(sampleRoot, "portal", "orders.json");
        if (!File.Exists(file) || !string.IsNullOrWhiteSpace(portal.BaseUrl)) return;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(portal.TimeZone);
        var stamp = TimeZoneInfo.ConvertTime(clock.GetUtcNow().AddMinutes(-5), zone).ToString(Inbound.Window.PullWindow.LocalFormat, CultureInfo.InvariantCulture);
        var orders = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken))!.AsArray();
        foreach (var order in orders)
        {
            order!["updated_at"] = stamp;
            if (string.CompareOrdinal(order["created_at"]?.GetValue<string>(), stamp) > 0) order["created_at"] = stamp;
        }
        await using var target = await PortalApi.PortalTarget.OpenAsync(portal, dataRoot, cancellationToken);
        using var http = new HttpClient { BaseAddress = target.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "sandbox/orders") { Content = new StringContent(orders.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + portal.ApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"seeding the sandbox portal with {file} failed: HTTP {(int)response.StatusCode}");
        }
    }

    private async Task SeedErpAsync(ErpSettings erp, CancellationToken cancellationToken)
    {
        var seed = Path.Combine(sampleRoot, "erp", "seed.sql");
        var database = new ErpDatabase(erp, dataRoot);
        if (!File.Exists(seed) || !database.IsEmbedded) return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = await File.ReadAllTextAsync(seed, cancellationToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
