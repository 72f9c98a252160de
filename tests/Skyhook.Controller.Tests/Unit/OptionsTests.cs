using System.ComponentModel.DataAnnotations;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Storage;

namespace Skyhook.Controller.Tests.Unit;

public sealed class OptionsTests
{
    [Fact]
    public void Defaults_AllOptions_Valid()
    {
        Assert.Empty(Validate(new StorageOptions()));
        Assert.Empty(Validate(new AuthOptions()));
        Assert.Empty(Validate(new ControllerOptions()));
        Assert.Empty(Validate(new Skyhook.Controller.GatewayApi.GatewayApiOptions()));
        Assert.Empty(Validate(new Skyhook.Controller.Events.EventsOptions()));
        Assert.Equal(30, new Skyhook.Controller.Events.EventsOptions().RetentionDays);
        Assert.Equal(TimeSpan.FromHours(24), new Skyhook.Controller.GatewayApi.GatewayApiOptions().JoinTokenLifetime);
        Assert.Equal(TimeSpan.FromSeconds(25), new Skyhook.Controller.GatewayApi.GatewayApiOptions().LongPollTimeout);
        Assert.Equal("/var/lib/skyhook-controller", new ControllerOptions().DataDirectory);
        Assert.Equal(StorageOptions.Sqlite, new StorageOptions().Provider);
    }

    [Fact]
    public void Storage_UnknownProvider_Invalid() =>
        Assert.Contains(Validate(new StorageOptions { Provider = "mysql" }), r => r.MemberNames.Contains(nameof(StorageOptions.Provider)));

    [Fact]
    public void Storage_PostgresWithoutConnectionString_Invalid() =>
        Assert.Contains(Validate(new StorageOptions { Provider = StorageOptions.Postgres }), r => r.MemberNames.Contains(nameof(StorageOptions.ConnectionString)));

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void Events_RetentionOutOfRange_Invalid(int days) =>
        Assert.NotEmpty(Validate(new Skyhook.Controller.Events.EventsOptions { RetentionDays = days }));

    [Fact]
    public void Auth_WeakIterationCount_Invalid() =>
        Assert.NotEmpty(Validate(new AuthOptions { PasswordIterations = 10_000 }));

    [Fact]
    public void DataDirectory_Created_OwnerOnly()
    {
        var path = Path.Combine(Path.GetTempPath(), "skyhook-dd-" + Guid.NewGuid().ToString("N"));
        try
        {
            DataDirectory.Ensure(path);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(path);
        }
    }

    private static List<ValidationResult> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
