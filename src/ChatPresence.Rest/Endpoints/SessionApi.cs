using ChatPresence.Rest.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ChatPresence.Rest.Endpoints;

/// <summary>Browser sessions: <c>POST Login</c> sets the session and XSRF-TOKEN cookies, <c>POST Logout</c> ends them.</summary>
internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder routes, RestServices services, string namePrefix = "")
    {
        routes.MapPost(RestRoutes.Login, (Delegate)((HttpContext http) => Login(http, services.Calls(http))))
            .WithName(namePrefix + "Login")
            .WithTags("Session")
            .WithSummary("Start a cookie session")
            .WithDescription("Body {\"UserName\":…,\"Password\":…} as JSON or form. Sets an HttpOnly SameSite=Strict session cookie and a readable XSRF-TOKEN cookie; later calls send the session cookie with the XSRF-TOKEN value in an X-XSRF-TOKEN header. A wrong password is 401; too many wrong passwords 429 with Retry-After.")
            .WithMetadata(new RestBodyMetadata(typeof(LoginRequest), "{\"UserName\":\"agent2\",\"Password\":\"…\"}; form: UserName=…&Password=…"));
        routes.MapPost(RestRoutes.Logout, (Delegate)((HttpContext http) => Logout(http, services.Calls(http))))
            .WithName(namePrefix + "Logout")
            .WithTags("Session")
            .WithSummary("End the cookie session")
            .WithDescription("Needs the session cookie and X-XSRF-TOKEN. The session's ticket is revoked and both cookies are cleared: 204.");
        return routes;
    }

    internal static Task<Results<LoginReply, ErrorResult>> Login(HttpContext http, RestCalls calls) => calls.LoginAsync(http, "Login");

    internal static Task<Results<NoContent, ErrorResult>> Logout(HttpContext http, RestCalls calls) => calls.LogoutAsync(http, "Logout");
}

/// <summary>The Login body, for the OpenAPI description.</summary>
internal sealed record LoginRequest(string UserName, string Password);

/// <summary>The Login reply, for the OpenAPI description.</summary>
internal sealed record SessionUser(int UserId, string LoginName, string DisplayName);
