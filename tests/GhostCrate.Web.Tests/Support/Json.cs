using System.Text.Json;

namespace GhostCrate.Web.Tests.Support;

public static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The first Cargo error detail of a response, failing when the body is not Cargo's envelope.</summary>
    public static async Task<string> ErrorDetailAsync(HttpResponseMessage response)
    {
        var root = await ReadAsync(response);
        return root.GetProperty("errors")[0].GetProperty("detail").GetString()!;
    }
}
