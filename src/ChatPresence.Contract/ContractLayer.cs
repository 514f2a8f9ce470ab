namespace ChatPresence.Contract;

/// <summary>Marks the assembly that holds the published contract shared by both facades.</summary>
internal static class ContractLayer;
