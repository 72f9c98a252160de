using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Hosting;

/// <summary>
/// Keeps the Data Protection keys (which encrypt TOTP secrets) in <c>DATA/keys</c>, resolved from
/// options at run time rather than at registration so that tests and environment settings apply.
/// </summary>
internal sealed class DataProtectionKeysSetup(IOptions<ControllerOptions> options, ILoggerFactory loggerFactory)
    : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions keys)
    {
        var folder = DataDirectory.Ensure(Path.Combine(DataDirectory.Ensure(options.Value.DataDirectory), "keys"));
        keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), loggerFactory);
    }
}
