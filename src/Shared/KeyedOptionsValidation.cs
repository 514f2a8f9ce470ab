using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatPresence.Options;

// Compiled into the host and both facades (linked from src/Shared), so every options type is bound and validated
// the one way: AddOptions<T>().BindConfiguration(section).ValidateKeys(section)[.Validate(...)].ValidateOnStart().

/// <summary>
/// The data annotations of an options type (recursively into nested settings objects), checked with the full
/// configuration key as the field's name, so a host started with a bad value stops with one line such as
/// <c>The field ChatPresence:Soap:ReplyCacheEntries must be between 1 and 2147483647.</c>
/// </summary>
internal static class KeyedOptionsValidation
{
    public static OptionsBuilder<T> ValidateKeys<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this OptionsBuilder<T> builder, string section)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new Validator<T>(builder.Name, section));
        return builder;
    }

    /// <summary>The failures of <paramref name="options"/>, each naming its key below <paramref name="section"/>.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Options types are kept: they are bound from configuration by reflection anyway.")]
    internal static void Collect(object options, string section, List<string> failures)
    {
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead)
            {
                continue;
            }

            var key = $"{section}:{property.Name}";
            var value = property.GetValue(options);
            var context = new ValidationContext(options) { MemberName = property.Name, DisplayName = key };
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>())
            {
                if (attribute.GetValidationResult(value, context) is { ErrorMessage: { } message })
                {
                    failures.Add(message);
                }
            }

            // Nested settings (SecurityOptions.LoginThrottle) are the project's own classes; strings and lists are not.
            if (value is not null && value.GetType() is { IsClass: true } type && type != typeof(string)
                && type.Namespace?.StartsWith("ChatPresence", StringComparison.Ordinal) == true)
            {
                Collect(value, key, failures);
            }
        }
    }

    private sealed class Validator<T>(string? name, string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = new List<string>();
            Collect(options, section, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
