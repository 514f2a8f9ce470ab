// Answers every request with the bytes of one captured reply and its Content-Type: what Kestrel alone can do on
// this machine, the ceiling the real host is measured against.
// Usage: ChatPresence.Ceiling <reply-file> <content-type>   (listens on ASPNETCORE_URLS)
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("Usage: ChatPresence.Ceiling <reply-file> <content-type>");
    return 2;
}

var reply = await File.ReadAllBytesAsync(args[0]);
var contentType = args[1];

var builder = WebApplication.CreateSlimBuilder(args[2..]);
builder.Logging.ClearProviders();
var app = builder.Build();
app.Run(async context =>
{
    // Drain the request like a real endpoint would, so the connection stays reusable.
    await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
    context.Response.ContentType = contentType;
    context.Response.ContentLength = reply.Length;
    await context.Response.Body.WriteAsync(reply, context.RequestAborted);
});
await app.RunAsync();
return 0;
