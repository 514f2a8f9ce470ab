using ChatPresence.Rest.Errors;
using ChatPresence.Rest.Formatting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatPresence.Rest.Endpoints;

/// <summary>
/// The OpenAPI 3.1 description: only this facade's routes, with bodies, content types, headers, the error body and
/// the ways to authenticate as security schemes (so API consoles and generated clients can call it). Schemas are
/// named as the contract names them: the C# shapes' "Document" suffix is dropped.
/// </summary>
internal static class RestOpenApi
{
    // Security scheme names, as API consoles show them.
    internal const string Basic = "Basic";
    internal const string Bearer = "Bearer";
    internal const string SoTicket = "SoTicket";
    internal const string Session = "Session";
    internal const string Xsrf = "XsrfToken";

    private static readonly (string Name, OpenApiSecurityScheme Scheme)[] Schemes =
    [
        (Basic, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "User name and password on every call (on-site only; off when ChatPresence:Security:AllowBasic is false). Wrong passwords are throttled: 429 with Retry-After.",
        }),
        (Bearer, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT signed HS256 with ChatPresence:Security:Jwt:SigningKey; issuer, audience, exp and nbf are checked; the sub claim (or ChatPresence:Security:Jwt:UserClaim) names the user by id or login. Refused when no signing key is configured.",
        }),
        (SoTicket, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "Authorization",
            Description = "A SuperOffice ticket, the value including its scheme word: 'SoTicket 7T:…' (scheme case-insensitive). Tickets come from POST /api/v1/Login or SoPrincipal.svc AuthenticateUsernamePassword and expire after 8 hours unused.",
        }),
        (Session, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = RestCallerResolver.SessionCookie,
            Description = "The HttpOnly session cookie POST /api/v1/Login sets. Only together with X-XSRF-TOKEN, and only when no Authorization header is sent.",
        }),
        (Xsrf, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = RestHeaders.XsrfToken,
            Description = "With the session cookie: the value of the readable XSRF-TOKEN cookie POST /api/v1/Login sets. A session cookie without it (or with a wrong one) is 401.",
        }),
    ];

    private static readonly (string Name, string Description)[] Headers =
    [
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
        options.CreateSchemaReferenceId = type => OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id && id.EndsWith("Document", StringComparison.Ordinal)
            ? id[..^"Document".Length]
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        options.AddDocumentTransformer((document, context, cancellationToken) =>
        {
            AddSecurity(document);
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

    /// <summary>
    /// The schemes, and on each operation the ways it accepts: any one of Basic, Bearer, SoTicket, or the session
    /// cookie with X-XSRF-TOKEN. Login and the GET call descriptions need none; Logout ends a session, so only that.
    /// </summary>
    private static void AddSecurity(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        foreach (var (name, scheme) in Schemes)
        {
            document.Components.SecuritySchemes[name] = scheme;
        }

        OpenApiSecurityRequirement Requirement(params string[] names)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var name in names)
            {
                requirement[new OpenApiSecuritySchemeReference(name, document)] = [];
            }

            return requirement;
        }

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.Security = path.EndsWith(RestRoutes.Login, StringComparison.OrdinalIgnoreCase) || method == HttpMethod.Get && path.Contains("/Agents/Chat/", StringComparison.OrdinalIgnoreCase)
                    ? []
                    : path.EndsWith(RestRoutes.Logout, StringComparison.OrdinalIgnoreCase)
                        ? [Requirement(Session, Xsrf)]
                        : [Requirement(Basic), Requirement(Bearer), Requirement(SoTicket), Requirement(Session, Xsrf)];
            }
        }
    }
}
