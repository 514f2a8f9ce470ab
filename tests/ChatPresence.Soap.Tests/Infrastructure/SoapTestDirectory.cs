namespace ChatPresence.Soap.Tests.Infrastructure;

/// <summary>
/// The directory the SOAP tests are written against, served by the real host (<see cref="ChatPresenceHost"/>):
/// admin/admin (1, administrator), agent2..agent6 with password = login (2–6), manager7/manager7 (7, manager),
/// agent8 (8) in no topic, user 9 without chat access; topic 1 Sales always open, topic 2 Support never open
/// (opening hours with no open day).
/// </summary>
public static class SoapTestDirectory
{
    public const string Json = """
        {
          "users": [
            { "id": 1, "login": "admin", "displayName": "Administrator", "role": "Administrator", "chatAccess": true, "password": "admin" },
            { "id": 2, "login": "agent2", "displayName": "Agent 2", "role": "Agent", "chatAccess": true, "password": "agent2" },
            { "id": 3, "login": "agent3", "displayName": "Agent 3", "role": "Agent", "chatAccess": true, "password": "agent3" },
            { "id": 4, "login": "agent4", "displayName": "Agent 4", "role": "Agent", "chatAccess": true, "password": "agent4" },
            { "id": 5, "login": "agent5", "displayName": "Agent 5", "role": "Agent", "chatAccess": true, "password": "agent5" },
            { "id": 6, "login": "agent6", "displayName": "Agent 6", "role": "Agent", "chatAccess": true, "password": "agent6" },
            { "id": 7, "login": "manager7", "displayName": "Manager Seven", "role": "Manager", "chatAccess": true, "password": "manager7" },
            { "id": 8, "login": "agent8", "displayName": "Agent 8 & <no topic>", "role": "Agent", "chatAccess": true, "password": "agent8" },
            { "id": 9, "login": "nochat9", "displayName": "No Chat", "role": "Agent", "chatAccess": false, "password": "nochat9" }
          ],
          "topics": [
            { "id": 1, "name": "Sales" },
            { "id": 2, "name": "Support", "openingHours": { "timeZone": "UTC" } }
          ],
          "memberships": [
            { "topicId": 1, "userId": 1, "canRespond": true, "notifications": true },
            { "topicId": 1, "userId": 2, "canRespond": true },
            { "topicId": 2, "userId": 2, "notifications": true },
            { "topicId": 1, "userId": 3, "canRespond": true },
            { "topicId": 2, "userId": 4, "canRespond": true },
            { "topicId": 2, "userId": 5, "listen": true },
            { "topicId": 1, "userId": 6, "canRespond": true },
            { "topicId": 1, "userId": 7, "manager": true },
            { "topicId": 2, "userId": 7, "manager": true }
          ],
          "ongoingChats": [
            { "userId": 2, "count": 1 },
            { "userId": 7, "count": 3 }
          ]
        }
        """;

    /// <summary>The real host in Production on this directory, with <paramref name="configure"/>'s settings.</summary>
    public static Task<ChatPresenceHost> StartHostAsync(Action<IDictionary<string, string?>>? configure = null) =>
        ChatPresenceHost.StartAsync(configure, Json, environment: "Production");
}

/// <summary>One real host on <see cref="SoapTestDirectory"/> shared by a test class.</summary>
public sealed class ServerFixture : HostFixture
{
    protected override string? DirectoryJson => SoapTestDirectory.Json;
}
