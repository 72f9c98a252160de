using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Skyhook.Controller.Hosting;

/// <summary>
/// Creates the data directory (mode 0700) the first time anything configures Data Protection, which
/// happens before the database or the keys are touched.
/// </summary>
internal sealed class DataDirectorySetup(IOptions<ControllerOptions> options) : IConfigureOptions<DataProtectionOptions>
{
    public void Configure(DataProtectionOptions dataProtection) => DataDirectory.Ensure(options.Value.DataDirectory);
}
