namespace Safeguard.Server.UseCases;

/// <summary>A file a caller sent or the server fetched: its bytes, a safe name, the declared media type.</summary>
public sealed record Upload(byte[] Bytes, string Name, string? MediaType)
{
    public static implicit operator Upload((byte[] Bytes, string Name, string? MediaType) t) => new(t.Bytes, t.Name, t.MediaType);
}
