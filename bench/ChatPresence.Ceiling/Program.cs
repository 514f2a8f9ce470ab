// Answers every request with the bytes of one captured reply and its Content-Type: what Kestrel alone can do on
// this machine, the ceiling the real host is measured against.
// Usage: ChatPresence.Ceiling <reply-file> <content-type>   (listens on ASPNETCORE_URLS)
// CEILING_CONTENT_ENCODING=gzip|br: the file holds that coding's bytes; sent with Content-Encoding and
// Vary: Accept-Encoding, as the host sends them (the ceiling for compressed replies: no compression per request).
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("Usage: ChatPresence.Ceiling <reply-file> <content-type>");
    return 2;
}

var reply = await File.ReadAllBytesAsync(args[0]);
var contentType = args[1];
var contentEncoding = Environment.GetEnvironmentVariable("CEILING_CONTENT_ENCODING");

var builder = WebApplication.CreateSlimBuilder(args[2..]);
builder.Logging.ClearProviders();
var app = builder.Build();
app.Run(async context =>
{
    // Drain the request like a real endpoint would, so the connection stays reusable.
    await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
    context.Response.ContentType = contentType;
    if (!string.IsNullOrEmpty(contentEncoding))
    {
        context.Response.Headers.ContentEncoding = contentEncoding;
        context.Response.Headers.Vary = "Accept-Encoding";
    }
    context.Response.ContentLength = reply.Length;
    await context.Response.Body.WriteAsync(reply, context.RequestAborted);
});
await app.RunAsync();
return 0;
