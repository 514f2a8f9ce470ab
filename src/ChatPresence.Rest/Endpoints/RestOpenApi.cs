using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatPresence.Rest.Endpoints;

/// <summary>The OpenAPI 3 description: only this facade's routes, with bodies, content types, headers and the error body.</summary>
internal static class RestOpenApi
{
    private static readonly (string Name, string Description)[] Headers =
    [
        ("Authorization", "'SoTicket 7T:…' or 'Basic base64(user:password)' (scheme case-insensitive). Missing or invalid: 401."),
        ("X-XSRF-TOKEN", "With a session cookie instead of Authorization: the value of the XSRF-TOKEN cookie (not supported yet)."),
        ("SO-AppToken", "The partner application token; ignored on-site, required online."),
        ("SO-Language", "Language of texts (error messages, rights reasons): en, no, sv, da, de; '*' or 'x' give resource ids. Overrides Accept-Language."),
        ("Accept-Language", "Language of texts when SO-Language is absent."),
        ("SO-Culture", "Culture for numbers/dates returned as strings (ChatPresence has none)."),
        ("SO-TimeZone", "Time zone id or code for dates (ChatPresence has none)."),
    ];

    public static void Configure(OpenApiOptions options)
    {
        // HEAD is allowed wherever GET is, but is not an operation of its own (it would repeat the GET's operationId).
        options.ShouldInclude = description => description.ActionDescriptor.EndpointMetadata.OfType<RestApiMarker>().Any()
            && !HttpMethods.IsHead(description.HttpMethod ?? string.Empty);
        options.AddDocumentTransformer((document, context, cancellationToken) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ChatPresence REST facade",
                Version = "v1",
                Description = "SuperOffice-compatible /api/v1 chat presence calls. Errors: {\"Error\":true,\"ErrorType\":…,\"ErrorMessage\":…,\"ErrorSource\":…} with 400, 401, 403, 404, 405, 406, 413, 415, 429, 500.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, description) in Headers)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<RestBodyMetadata>().FirstOrDefault() is { } body)
            {
                var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken);
                var content = new Dictionary<string, OpenApiMediaType>();
                foreach (var type in MediaTypes.RequestTypes)
                {
                    content[type] = new OpenApiMediaType { Schema = schema };
                }

                operation.RequestBody = new OpenApiRequestBody { Required = true, Description = body.Description, Content = content };
            }

            if (context.Description.SupportedResponseTypes.Any(r => r.StatusCode == StatusCodes.Status304NotModified))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-None-Match",
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "An ETag from an earlier reply: 304 with no body while nothing changed.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        });
    }

}
